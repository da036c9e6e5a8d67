/**
 * Whole-number option values (--num-runs, --seed, --index), decimal or 0x
 * hex, checked against a stated range before anything runs. The text is
 * compared as a BigInt, so no size of input turns into a different number.
 */
import { UsageError } from './errors.js';
import { quote } from './format.js';

export interface IntRange {
  readonly min: number;
  readonly max: number;
  /** what the number is, for the message: `fast-check runs per property` */
  readonly what: string;
}

/**
 * fast-check runs per property: at least 1 (0 runs would pass every
 * property without trying one input), at most a million — the default is
 * 200, and a million runs of every check over every variant configuration
 * is already hours; beyond that a run is a mistake, not a deeper check.
 */
export const NUM_RUNS: IntRange = { min: 1, max: 1_000_000, what: 'fast-check runs per property' };

/**
 * fast-check seeds are 32-bit signed integers: it folds any other number
 * into one (`seed | 0`, QualifiedParameters.readSeed in fast-check 4), and
 * reports failures with the folded seed. Only those are accepted, so one
 * seed has one spelling and no digits are dropped silently.
 */
export const SEED: IntRange = { min: -(2 ** 31), max: 2 ** 31 - 1, what: 'a fast-check seed, a 32-bit signed integer' };

const WHOLE = /^(-?)(0[xX][0-9a-fA-F]+|\d+)$/;

function rangeText(range: IntRange): string {
  return `${range.what}: a whole number ${range.min} to ${range.max}, decimal or 0x hex`;
}

/** Parse `text` as a whole number in `range`; UsageError naming the option, the value and the range otherwise. */
export function parseWhole(text: string, option: string, range: IntRange): number {
  const m = WHOLE.exec(text);
  const bad = () => new UsageError(`invalid value ${quote(text)} for ${option} (valid: ${rangeText(range)})`);
  if (!m) throw bad();
  const magnitude = BigInt(m[2]!);
  const value = m[1] === '-' ? -magnitude : magnitude;
  if (value < BigInt(range.min) || value > BigInt(range.max)) throw bad();
  return Number(value);
}
