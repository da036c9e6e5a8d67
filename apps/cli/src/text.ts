/**
 * A bad value quoted in an error message: at most about 40 characters, the
 * rest elided with `…`, so a 300 MB token never reaches stderr whole.
 */
export const QUOTE_MAX = 40;

export function shorten(text: string, max = QUOTE_MAX): string {
  // control characters (a newline in an argument) would break the one-line rule
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** `'value'`, shortened */
export function quote(text: string): string {
  return `'${shorten(text)}'`;
}
