/**
 * How a script op ends other than with a step: its process was killed, or
 * an expectation found something else. Their own module, so an op module
 * (ops/) and the runner both import them without importing each other.
 */
import type { MmoOp } from './parse.js';
import type { Process } from '../model/machine.js';
import { shorten } from './values.js';

/** what a reason quoted from a script (an expectation's why) is shortened to */
const REASON_CHARS = 120;

/** The process an op names was killed (by the OOM killer): it runs nothing more. */
export class ProcessKilled extends Error {
  override readonly name = 'ProcessKilled';
  constructor(
    readonly proc: 'parent' | 'child',
    readonly pid: number,
  ) {
    super(`the ${proc} (pid ${pid}) was killed by the OOM killer`);
  }
}

/** An `expect` op found something else: the scenario's outcome is wrong. Its message says why, in the scenario's words first. */
export class ExpectationFailed extends Error {
  override readonly name = 'ExpectationFailed';
  constructor(
    readonly op: MmoOp,
    found: string,
    /** the word the op's free-text reason is (its OpSpec.freeTextFrom), where it is not expect's 3 or expect_dev's 2 */
    whyAt?: number,
  ) {
    const why = op.words[whyAt ?? (op.op === 'expect_dev' ? 2 : 3)];
    super(why ? `${shorten(why, REASON_CHARS)}: ${found}` : `expectation on line ${op.line} failed: ${found}`);
  }
}
