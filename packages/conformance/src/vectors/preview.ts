/**
 * Bad values and JSON paths as an error line shows them: short, on one
 * line, whatever the value held (a 300 MB string, an array nested a million
 * deep): nothing here walks into a value.
 */

/** How much of a bad value an error line quotes. */
export const PREVIEW_CHARS = 40;

/** A value for an error line: strings JSON-quoted, at most `max` characters and an ellipsis. */
export function preview(value: unknown, max = PREVIEW_CHARS): string {
  switch (typeof value) {
    case 'string': {
      const quoted = JSON.stringify(value.length > max ? value.slice(0, max) : value);
      if (value.length <= max && quoted.length <= max + 2) return quoted;
      return `${quoted.slice(0, max + 1)}…" (${value.length} chars)`;
    }
    case 'number':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'nothing';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array (${value.length} items)`;
      return `an object (${Object.keys(value as object).length} keys)`;
  }
}

/** A name from the file inside a message: at most `max` characters. */
export function clip(text: string, max = PREVIEW_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** `vectors[12].type`, `constants.prots["a b"]`: a path into the file, each key shortened. */
export function jsonPath(parts: readonly (string | number)[]): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part) && part.length <= PREVIEW_CHARS) out += out === '' ? part : `.${part}`;
    else out += `[${preview(part)}]`;
  }
  return out === '' ? 'the file' : out;
}
