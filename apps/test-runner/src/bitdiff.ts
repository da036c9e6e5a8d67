/**
 * An expected and an actual value side by side in binary, aligned, with the
 * bits that differ marked and listed: what a failure report shows under the
 * two hex values.
 */

/** A value as a report shows it: `0x00ff`, `255`, or -1 for none. */
export interface ParsedValue {
  readonly value: bigint;
  /** how many bits the text implies: 4 per hex digit (padding included), else the bit length */
  readonly bits: number;
}

/** `0x…` or a decimal integer (a trailing ` (255)` is ignored); undefined for anything else (true, null, a message). */
export function parseValue(text: string): ParsedValue | undefined {
  const trimmed = text.trim().replace(/\s+\(\d+\)$/, '');
  if (/^0x[0-9a-f]+$/i.test(trimmed)) return { value: BigInt(trimmed), bits: (trimmed.length - 2) * 4 };
  if (/^\d+$/.test(trimmed)) {
    const value = BigInt(trimmed);
    return { value, bits: value.toString(2).length };
  }
  return undefined;
}

export interface BitDiff {
  /** bit width shown: a multiple of 8, at least 8 */
  readonly width: number;
  /** differing bit positions, highest first */
  readonly bits: number[];
  /** per differing bit: what the expected value holds there */
  readonly expectedBits: (0 | 1)[];
  /** the rendered lines (no indent, no colour) */
  readonly lines: string[];
}

const GROUP = 8;

/** Bits of `value`, `width` wide, in groups of 8 separated by spaces, most significant first. */
function binary(value: bigint, width: number): string {
  const digits = value.toString(2).padStart(width, '0');
  const groups: string[] = [];
  for (let i = 0; i < width; i += GROUP) groups.push(digits.slice(i, i + GROUP));
  return groups.join(' ');
}

/** The text column of bit `bit` in a `binary(…, width)` line. */
function column(bit: number, width: number): number {
  const fromLeft = width - 1 - bit;
  return fromLeft + Math.floor(fromLeft / GROUP);
}

/**
 * Both values in binary, aligned, a header with the top bit of each group, a
 * line of ^ under each differing bit, and the list of those bits. Undefined
 * when either value is not a number (booleans, messages) or they are equal.
 *
 *             63       55       47       39       31       23       15       7
 *   expected  00000000 00000000 00000000 00000000 00000000 00010010 00110101 00000110
 *   actual    00000000 00000000 00000000 00000000 00000000 00010010 00110100 00000110
 *                                                                         ^
 *   differ    bit 8 (expected 1, actual 0)
 */
export function bitDiff(expectedText: string, actualText: string, label = 10): BitDiff | undefined {
  const expected = parseValue(expectedText);
  const actual = parseValue(actualText);
  if (!expected || !actual || expected.value < 0n || actual.value < 0n || expected.value === actual.value) return undefined;
  const needed = Math.max(expected.bits, actual.bits, expected.value.toString(2).length, actual.value.toString(2).length, 1);
  const width = Math.ceil(needed / GROUP) * GROUP;
  const xor = expected.value ^ actual.value;
  const bits: number[] = [];
  const expectedBits: (0 | 1)[] = [];
  for (let bit = width - 1; bit >= 0; bit--) {
    if ((xor >> BigInt(bit)) & 1n) {
      bits.push(bit);
      expectedBits.push(((expected.value >> BigInt(bit)) & 1n) === 1n ? 1 : 0);
    }
  }
  const pad = (name: string) => name.padEnd(label);
  let header = '';
  for (let top = width - 1; top >= 0; top -= GROUP) {
    const at = column(top, width);
    header = header.padEnd(at) + String(top);
  }
  const marks = Array.from({ length: column(0, width) + 1 }, () => ' ');
  for (const bit of bits) marks[column(bit, width)] = '^';
  const listed =
    bits.length <= 8
      ? bits.map((b, i) => `${b} (expected ${expectedBits[i]}, actual ${expectedBits[i] === 1 ? 0 : 1})`).join(', ')
      : `${bits.join(', ')}`;
  const lines = [
    pad('') + header,
    pad('expected') + binary(expected.value, width),
    pad('actual') + binary(actual.value, width),
    pad('') + marks.join('').trimEnd(),
    pad('differ') + `${bits.length === 1 ? 'bit' : `${bits.length} bits:`} ${listed}`,
  ];
  return { width, bits, expectedBits, lines };
}
