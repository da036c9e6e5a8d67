/**
 * The words of a `.mmo` line, checked against the kernel type each stands
 * for — one vocabulary every op parses with, so a bad value is refused the
 * same way wherever it appears:
 *
 *   uint(text, bits)        an unsigned C integer of that many bits (pgoff, flags
 *                           and masks are an arch `unsigned long`: wordBits)
 *   whole(text, max)        a whole number 0 … max (page indices, page counts,
 *                           slots: bounded so the page they name is an exact JS number)
 *   loffBytes(text, page)   a file size: loff_t, a signed 64-bit byte count
 *                           (fs.h), as bytes or as `Np` pages
 *   flagSet(text, names)    flags by name (`a,b`, `none`) or a number
 *   oneOf(text, values)     one word of a fixed list
 *   tag / name              data tags and region/file/pin names: short words
 *
 * Numbers are decimal or 0x hex. A refusal is a BadValue: one line naming
 * the value (shortened: a token is never echoed whole) and the valid range;
 * the runner adds file:line:column (MmoSyntaxError).
 */

import { shortList } from '@mmsim/core';

/** Characters of a bad token an error quotes; the rest is elided with … */
export const SHOWN_CHARS = 40;

/** Longest data tag or name a script may use (tags are interned and echoed in every observation). */
export const MAX_WORD = 64;

/** A token as an error message quotes it: at most SHOWN_CHARS characters, control characters shown as '?'. */
export function shorten(text: string, max = SHOWN_CHARS): string {
  const head = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const safe = head.replace(/[\u0000-\u001f\u007f]/g, '?');
  return text.length > max ? `${safe}…` : safe;
}

/** A word that is not what its place in the line needs. */
export class BadValue extends Error {
  override readonly name = 'BadValue';
  constructor(
    readonly what: string,
    readonly text: string,
    expected: string,
    readonly valid: string,
  ) {
    super(`${what} '${shorten(text)}' is not ${expected}; valid: ${valid}`);
  }
}

const DEC = /^[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;
/** no valid number of 64 bits needs more characters than this (leading zeros aside) */
const MAX_NUMBER_CHARS = 100;

/** The unsigned number a word spells (decimal or 0x hex), or undefined. */
function number(text: string): bigint | undefined {
  if (text.length > MAX_NUMBER_CHARS) return undefined;
  return DEC.test(text) || HEX.test(text) ? BigInt(text) : undefined;
}

/** `0 … max`, with a name for the type when one helps. */
export function rangeText(min: bigint | number, max: bigint | number, type?: string): string {
  return `${min} … ${max}${type ? ` (${type})` : ''}`;
}

/** An unsigned integer of `bits` bits: 0 … 2^bits − 1. */
export function uint(text: string, bits: number, what: string, type = `a ${bits}-bit unsigned integer`): bigint {
  const max = (1n << BigInt(bits)) - 1n;
  const v = number(text);
  if (v === undefined) throw new BadValue(what, text, 'a whole number (decimal or 0x hex)', rangeText(0, max, type));
  if (v > max) throw new BadValue(what, text, `within ${type}`, rangeText(0, max, type));
  return v;
}

/** A whole number min … max (max ≤ 2^53 − 1): a page index, a page count, a slot. */
export function whole(text: string, max: number, what: string, min = 0): number {
  // the common case first and cheap: a short decimal word (every op of every explored schedule parses its words)
  if (text.length <= 15 && DEC.test(text)) {
    const n = Number(text);
    if (n >= min && n <= max) return n;
  }
  const v = number(text);
  if (v === undefined) throw new BadValue(what, text, 'a whole number (decimal or 0x hex)', rangeText(min, max));
  if (v > BigInt(max) || v < BigInt(min)) throw new BadValue(what, text, 'in range', rangeText(min, max));
  return Number(v);
}

/** A signed C int (node numbers, kstrtoint): −2^31 … 2^31 − 1. */
export function int32(text: string, what: string): number {
  const neg = text.startsWith('-');
  const v = number(neg ? text.slice(1) : text);
  const valid = rangeText(-(2 ** 31), 2 ** 31 - 1, 'int');
  if (v === undefined) throw new BadValue(what, text, 'a whole number', valid);
  const n = neg ? -v : v;
  if (n < -(2n ** 31n) || n > 2n ** 31n - 1n) throw new BadValue(what, text, 'within int', valid);
  return Number(n);
}

/** LLONG_MAX: the largest loff_t (include/linux/fs.h: loff_t is long long). */
export const LOFF_MAX = 2n ** 63n - 1n;

/**
 * A file size as loff_t bytes: `BYTES`, or `Np` for N pages (an mmsim
 * extension, portable across page sizes); either way 0 … 2^63 − 1 bytes.
 */
export function loffBytes(text: string, pageSize: number, what: string): number {
  const pages = text.endsWith('p');
  const v = number(pages ? text.slice(0, -1) : text);
  const valid = `${rangeText(0, LOFF_MAX, 'loff_t bytes')}, or Np for N pages up to ${LOFF_MAX / BigInt(pageSize)}p`;
  if (v === undefined) throw new BadValue(what, text, 'a byte count or Np (pages)', valid);
  const bytes = pages ? v * BigInt(pageSize) : v;
  if (bytes > LOFF_MAX) throw new BadValue(what, text, 'within loff_t', valid);
  return Number(bytes);
}

/** Edit distance of two short words, a swap of neighbours counting one (for suggestions only: both are at most SHOWN_CHARS long). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The names closest to a mistyped word (case aside, or a couple of edits away), at most three. */
export function nearest(text: string, names: readonly string[]): string[] {
  if (text.length === 0 || text.length > SHOWN_CHARS) return [];
  const low = text.toLowerCase();
  const scored = names.map((n) => ({ n, d: n.toLowerCase() === low ? 0 : distance(low, n.toLowerCase()) }));
  const limit = Math.max(1, Math.floor(text.length / 3));
  return scored.filter((s) => s.d <= limit).sort((x, y) => x.d - y.d).slice(0, 3).map((s) => s.n);
}

/** Room a list of valid names may take in an error line before it is cut. */
const LIST_ROOM = 160;

/**
 * A list of valid names for an error line: the whole list when it is short;
 * else the names nearest the bad word, then as many names as fit and the
 * count — the line stays one readable line whatever the vocabulary's size.
 */
export function choices(text: string, names: readonly string[]): string {
  if (names.join(', ').length <= LIST_ROOM) return names.join(', ');
  const near = nearest(text, names);
  return `${near.length ? `did you mean ${near.map((n) => `'${n}'`).join(' or ')}? ` : ''}${shortList(names, LIST_ROOM, 40)}`;
}

/** Flag names and their bits; looked up by own key only (never `obj[userText]`). */
export type FlagNames = ReadonlyMap<string, number>;

/**
 * Flags: comma-separated names of `names`, `none`, or (with numberBits)
 * a number within that many bits. Returns the bits and the names given.
 */
export function flagSet(text: string, names: FlagNames, what: string, numberBits?: number): { bits: number; names: string[] } {
  const valid = (bad: string) => `${choices(bad, [...names.keys()])} (comma-separated), none${numberBits ? `, or a number within ${numberBits} bits` : ''}`;
  if (numberBits !== undefined && (DEC.test(text) || HEX.test(text))) {
    const v = uint(text, numberBits, what, `${numberBits}-bit flags`);
    // every flag this vocabulary knows sits in the low 32 bits; higher bits are kept for the echo only
    return { bits: Number(v & 0xffffffffn) >>> 0, names: [] };
  }
  if (text === 'none') return { bits: 0, names: [] };
  let bits = 0;
  const given: string[] = [];
  for (const f of text.split(',')) {
    const bit = names.get(f);
    if (bit === undefined) throw new BadValue(what, f === text ? text : f, 'a known flag', valid(f));
    bits |= bit;
    given.push(f);
  }
  return { bits, names: given };
}

/** One of a fixed list of words. */
export function oneOf<T extends string>(text: string, values: readonly T[], what: string): T {
  if (!(values as readonly string[]).includes(text)) throw new BadValue(what, text, `one of the known ${what}s`, choices(text, values));
  return text as T;
}

/** A data tag (what a page holds): 1 … MAX_WORD characters. */
export function tag(text: string, what = 'tag'): string {
  if (text.length === 0 || text.length > MAX_WORD) throw new BadValue(what, text, `a word of 1 … ${MAX_WORD} characters`, `1 … ${MAX_WORD} characters`);
  return text;
}

/** `prot` as the oracle writes it: rw-, r-x, --- … */
export function protLetters(text: string, what = 'prot'): { read: boolean; write: boolean; exec: boolean } {
  if (!/^[r-][w-][x-]$/.test(text)) throw new BadValue(what, text, 'like rw- or r-x', 'three letters r|-, w|-, x|-');
  return { read: text[0] === 'r', write: text[1] === 'w', exec: text[2] === 'x' };
}

/** The value of a `key=value` word, or undefined when the word is not that key's. */
export function keyValue(text: string, key: string): string | undefined {
  return text.startsWith(`${key}=`) ? text.slice(key.length + 1) : undefined;
}
