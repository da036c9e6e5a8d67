/**
 * Parsing numbers at the edges (CLI arguments, vector files): hex `0x…`,
 * binary `0b…`, octal `0o…` or decimal, with `_` allowed between digits.
 */
export class NumberSyntaxError extends Error {
  override readonly name = 'NumberSyntaxError';
}

const DIGITS: Record<string, RegExp> = {
  '0x': /^[0-9a-f]+(_[0-9a-f]+)*$/i,
  '0b': /^[01]+(_[01]+)*$/,
  '0o': /^[0-7]+(_[0-7]+)*$/,
  '': /^[0-9]+(_[0-9]+)*$/,
};

const MAX_U64 = (1n << 64n) - 1n;

/** Parse an unsigned integer of at most 64 bits; throws NumberSyntaxError naming the text and the accepted forms. */
export function parseU64(text: string, what = 'value'): bigint {
  const trimmed = text.trim();
  const prefix = /^0[xbo]/i.test(trimmed) ? trimmed.slice(0, 2).toLowerCase() : '';
  const digits = trimmed.slice(prefix.length);
  if (!DIGITS[prefix]!.test(digits)) {
    throw new NumberSyntaxError(
      `${what} '${text}' is not a number (use hex 0x…, binary 0b…, octal 0o… or decimal, '_' allowed between digits)`,
    );
  }
  const value = BigInt(`${prefix}${digits.replace(/_/g, '')}`);
  if (value > MAX_U64) throw new NumberSyntaxError(`${what} '${text}' does not fit in 64 bits (at most 0xffffffffffffffff)`);
  return value;
}
