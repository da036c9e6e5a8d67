/**
 * Numbers from the command line: core's parseU64 (hex 0x…, binary 0b…,
 * octal 0o…, decimal, `_` between digits), with its syntax errors turned
 * into usage errors that name the option.
 */
import { NumberSyntaxError, parseU64 } from '@mmsim/core';
import { UsageError } from './errors.js';

export function parseNumber(text: string, what: string): bigint {
  try {
    return parseU64(text, what);
  } catch (error) {
    if (error instanceof NumberSyntaxError) throw new UsageError(error.message);
    throw error;
  }
}

/** A small number (a swap type): still any of parseU64's forms, at most `max`. */
export function parseSmall(text: string, what: string, max: number): number {
  const value = parseNumber(text, what);
  if (value > BigInt(max)) throw new UsageError(`${what} '${text}' is out of range (0..${max})`);
  return Number(value);
}
