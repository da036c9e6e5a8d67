/**
 * Plain-text helpers for the reports: the kit's table renderer (shared with
 * mmsim), hex rendering and error-line quoting.
 */

export { table } from '@mmsim/cli-kit';
export type { Align, Column } from '@mmsim/cli-kit';

/** `0x1f` for a bigint, with no padding. */
export function shortHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/**
 * A value from a vector report, for a person: hex strings stay as they are,
 * decimal integers of 10 and up get their hex beside them (`0x1f (31)`),
 * the rest as is.
 */
export function showValue(value: unknown): string {
  const text = String(value);
  if ((typeof value === 'number' || typeof value === 'string') && /^\d+$/.test(text)) {
    const n = BigInt(text);
    return n < 10n ? text : `${shortHex(n)} (${text})`;
  }
  return text;
}

/** One line, whatever the error message held. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** How much of a bad value an error line quotes. */
export const QUOTE_CHARS = 40;

/**
 * A value the user gave, for an error line: in single quotes, control
 * characters escaped (one line, whatever it held), cut to QUOTE_CHARS with
 * its length said.
 */
export function quote(text: string, max = QUOTE_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const visible = (t: string) => t.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (text.length <= max) return `'${visible(text)}'`;
  return `'${visible(text.slice(0, max - 1))}…' (${text.length} chars)`;
}

/** Every single-quoted value in a message (commander's, core's) cut as `quote` cuts it. */
export function shortenQuoted(message: string, max = QUOTE_CHARS): string {
  return message.replace(new RegExp(`'([^'\\n]{${max + 1},})'`, 'g'), (_, text: string) => quote(text, max));
}
