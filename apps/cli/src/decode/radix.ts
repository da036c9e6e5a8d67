/**
 * How `mmsim decode` reads a number, by one rule a user cannot get wrong
 * (and that it prints beside every value):
 *
 * - a prefix says the base: 0x… hex, 0b… binary, 0o… octal, 0d… decimal;
 * - a field of a recognised dmesg line is hex: the kernel prints ptes,
 *   table entries and swap entries with %llx / %lx (dmesg.ts cites where);
 * - bare digits with a letter a–f are hex;
 * - 8 to 16 bare digits are hex: the kernel prints a pte `%08llx`, padded
 *   to at least 8 digits, so that is the shape a pasted pte has;
 * - a single digit 0–9 is the same in every base;
 * - any other bare number (2 to 7 decimal digits: `12`, `5040`) is
 *   ambiguous and refused, naming both spellings.
 * Nothing without a prefix is ever read as decimal.
 */
import { UsageError } from '../errors.js';
import { parseNumber } from '../numbers.js';
import { quote } from '../text.js';

export type RadixRule = 'prefix' | 'dmesg' | 'hex-letters' | 'pte-width' | 'digit';

/** Why a value was read the way it was: printed with it, and in --json. */
export const RULE_TEXT: Readonly<Record<RadixRule, string>> = {
  prefix: 'the prefix (0x, 0d, 0b, 0o) says the base',
  dmesg: 'hex: a dmesg field, which the kernel prints with %llx',
  'hex-letters': 'hex: bare digits with a letter a–f',
  'pte-width': 'hex: 8 to 16 bare digits, as the kernel prints a pte (%08llx)',
  digit: 'one digit: the same in every base',
};

export const RULE_SUMMARY =
  'a number is hex with 0x, a letter a–f, 8–16 digits (as dmesg prints a pte) or inside a dmesg line; 0d… is decimal, 0b… binary, 0o… octal; other bare digits are ambiguous and refused';

export interface ReadValue {
  readonly value: bigint;
  readonly rule: RadixRule;
}

const BARE_HEX = /^[0-9a-fA-F]+$/;
const HEX_LETTER = /[a-fA-F]/;

/** A hex field cut out of a dmesg line (the pattern allows only hex digits). */
export function dmesgHex(digits: string, what: string): ReadValue {
  if (digits.length > 16) throw new UsageError(`${what}: ${quote(digits)} does not fit in 64 bits; valid: 1–16 hex digits`);
  return { value: BigInt(`0x${digits}`), rule: 'dmesg' };
}

/** One value typed by the user; `what` names it in errors (`value 2`, `stdin line 3`). */
export function readValue(text: string, what: string): ReadValue {
  const t = text.trim();
  if (/^0[dD]/.test(t)) {
    const digits = t.slice(2).replace(/_/g, '');
    if (!/^[0-9]+$/.test(digits)) throw new UsageError(`${what}: ${quote(text)} is not a decimal number after 0d; valid: 0d followed by 0–9`);
    return { value: parseNumber(digits, what), rule: 'prefix' };
  }
  if (/^0[xXbBoO]/.test(t)) return { value: parseNumber(t, what), rule: 'prefix' };
  if (!BARE_HEX.test(t)) {
    throw new UsageError(`${what}: ${quote(text)} is not a number (${RULE_SUMMARY})`);
  }
  if (t.length > 16) throw new UsageError(`${what}: ${quote(text)} does not fit in 64 bits; valid: at most 16 hex digits`);
  if (HEX_LETTER.test(t)) return { value: BigInt(`0x${t}`), rule: 'hex-letters' };
  if (t.length >= 8) return { value: BigInt(`0x${t}`), rule: 'pte-width' };
  if (t.length === 1) return { value: BigInt(t), rule: 'digit' };
  throw new UsageError(`${what}: ${quote(text)} is ambiguous: write 0x${t} for hex or 0d${t} for decimal (bare digits are hex only with a–f or 8–16 digits, as dmesg prints a pte)`);
}
