/**
 * Parsing numbers at the edges (CLI arguments, vector files): hex `0x…`,
 * binary `0b…`, octal `0o…` or decimal, with `_` separators allowed.
 */
export class NumberSyntaxError extends Error {
  override readonly name = 'NumberSyntaxError';
}

const FORMS = /^(0x[0-9a-f]+|0b[01]+|0o[0-7]+|[0-9]+)$/i;

/** Parse an unsigned integer; throws NumberSyntaxError naming the text and the accepted forms. */
export function parseU64(text: string, what = 'value'): bigint {
  const cleaned = text.trim().replace(/_/g, '');
  if (!FORMS.test(cleaned) || /__|^_|_$/.test(text.trim())) {
    throw new NumberSyntaxError(
      `${what} '${text}' is not a number (use hex 0x…, binary 0b…, octal 0o… or decimal, '_' allowed between digits)`,
    );
  }
  return BigInt(cleaned);
}
