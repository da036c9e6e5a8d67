/**
 * The hostile values, one table: what replaces a number in a script, a race
 * file or an option, and what the answer must be. A value outside every
 * kernel type (not an integer, negative, 2^64 and beyond) is known-invalid
 * by construction: exit 2. A value inside a 64-bit unsigned long but
 * absurd (2^53, 2^64 − 1) may be refused by the parser or answered by the
 * kernel (EINVAL, ENOMEM, EOVERFLOW): the rules then only ask that nothing
 * crashes, hangs or grows without bound.
 */
import type { ExpectKind } from './expect.js';

export interface HostileValue {
  readonly text: string;
  readonly expect: ExpectKind;
  readonly why: string;
}

export const TWO_53 = '9007199254740992';
export const TWO_64_MINUS_1 = '18446744073709551615';
export const TWO_64 = '18446744073709551616';
export const DIGITS_400 = '9'.repeat(400);

/** Replacements for a word that holds a number (a page, a count, a slot, a pgoff, a size). */
export const NUMBER_VALUES: readonly HostileValue[] = [
  { text: 'abc', expect: 'usage', why: 'not a number' },
  { text: '-5', expect: 'usage', why: 'negative: every kernel type here is unsigned' },
  { text: '1.5', expect: 'usage', why: 'not an integer' },
  { text: '0x', expect: 'usage', why: 'a hex prefix without digits' },
  { text: 'NaN', expect: 'usage', why: 'not a number' },
  { text: '1e300', expect: 'usage', why: 'exponent notation, and far beyond 2^64' },
  { text: TWO_64, expect: 'usage', why: '2^64: beyond every unsigned long' },
  { text: '99999999999999999999', expect: 'usage', why: 'beyond 2^64' },
  { text: DIGITS_400, expect: 'usage', why: 'a 400-digit number' },
  { text: TWO_53, expect: 'survive', why: '2^53: inside a 64-bit unsigned long; refused or answered by the kernel' },
  { text: TWO_64_MINUS_1, expect: 'survive', why: '2^64 − 1 (ULONG_MAX on a 64-bit arch); refused or answered by the kernel' },
  { text: '4294967296', expect: 'survive', why: '2^32: past a 32-bit unsigned long; refused or answered by the kernel' },
];

/** Replacements for a `name=NUMBER` word's value: the above, and nothing at all. */
export const KEYED_NUMBER_VALUES: readonly HostileValue[] = [...NUMBER_VALUES, { text: '', expect: 'usage', why: 'an empty value' }];

/** Replacements for a flag, advice, prot, fs or policy name: none of them is in any vocabulary. */
export const NAME_VALUES: readonly HostileValue[] = [
  { text: 'bogus', expect: 'usage', why: 'an unknown name' },
  { text: '__proto__', expect: 'usage', why: 'an Object.prototype key, not a name' },
  { text: 'toString', expect: 'usage', why: 'an Object.prototype key, not a name' },
  { text: 'constructor', expect: 'usage', why: 'an Object.prototype key, not a name' },
  { text: 'hasOwnProperty', expect: 'usage', why: 'an Object.prototype key, not a name' },
];

/** Huge but well-formed page counts and slots: memory and time must stay bounded whatever the answer. */
export const HUGE_PAGES = ['1073741824', '1099511627776', '16777216'] as const;
export const HUGE_SLOTS = ['4194304', '1099511627776', '67108864'] as const;
/** Range lengths far past any object: time must be proportional to the object (issue 9, point 3). */
export const HUGE_RANGES = ['9007199254740991', '1099511627776', '4294967295'] as const;

/** A token of `n` bytes; the error must quote at most a short prefix of it. */
export function longToken(n: number): string {
  return 'Q'.repeat(n);
}
