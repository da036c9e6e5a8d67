/**
 * Text for error lines: a bad value is quoted shortened (a 300 MB token
 * never reaches stderr whole) with control characters replaced (one line,
 * whatever it held).
 */
export const QUOTE_MAX = 40;

export function shorten(text: string, max = QUOTE_MAX): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** `'value'`, shortened */
export function quote(text: string): string {
  return `'${shorten(text)}'`;
}

/** One line, whatever the message held. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Every single-quoted value in a message longer than `max`, cut as `quote` cuts it. */
export function shortenQuoted(message: string, max = QUOTE_MAX): string {
  return message.replace(new RegExp(`'([^'\\n]{${max + 1},})'`, 'g'), (_, text: string) => quote(text));
}
