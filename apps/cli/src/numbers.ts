/**
 * Numbers from the command line: core's parseU64 forms (hex 0x…, binary
 * 0b…, octal 0o…, decimal, `_` between digits) everywhere, checked against
 * the range the option stands for. Every error is one line naming the
 * option, the value (shortened) and the valid range:
 *   --type: '-1' is not an unsigned integer …; valid: 0–31
 */
import { NumberSyntaxError, parseU64 } from '@mmsim/core';
import { UsageError } from './errors.js';
import { quote } from './text.js';

const U64_MAX = (1n << 64n) - 1n;
const FORMS = "hex 0x…, binary 0b…, octal 0o… or decimal, '_' between digits";

/** `0–31`, `1–1000000000`, `0–0xffffffffffffffff`: hex once decimal stops being readable. */
export function rangeText(min: bigint, max: bigint): string {
  const show = (n: bigint) => (n <= 1_000_000_000n ? n.toString() : `0x${n.toString(16)}`);
  return `${show(min)}–${show(max)}`;
}

/** An unsigned number from `min` to `max` (default: any u64). */
export function parseNumber(text: string, what: string, min = 0n, max = U64_MAX): bigint {
  let value: bigint;
  try {
    value = parseU64(text, what);
  } catch (error) {
    if (!(error instanceof NumberSyntaxError)) throw error;
    const why = /does not fit/.test(error.message) ? 'does not fit in 64 bits' : `is not an unsigned integer (${FORMS})`;
    throw new UsageError(`${what}: ${quote(text)} ${why}; valid: ${rangeText(min, max)}`);
  }
  if (value < min || value > max) throw new UsageError(`${what}: ${quote(text)} is out of range; valid: ${rangeText(min, max)}`);
  return value;
}

/** A small number (a swap type, a bound, a count): any of parseU64's forms, `min` to `max`. */
export function parseSmall(text: string, what: string, max: number, min = 0): number {
  return Number(parseNumber(text, what, BigInt(min), BigInt(max)));
}
