/**
 * The one JSON document a `--json` run prints. Integers that can exceed
 * 2^53 are strings: bit patterns in hex, counts in decimal. A bigint that
 * slips through unconverted is written as hex rather than crashing
 * JSON.stringify.
 */
export function jsonDocument(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2);
}

/** A page or byte count, exact, in decimal. */
export function count(value: bigint): string {
  return value.toString(10);
}
