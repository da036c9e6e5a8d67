/**
 * The KSM sysfs ops (ksm-ops.ts reads and runs them).
 */
import type { MmoOp } from '../parse.js';
import type { Runner, StepResult } from '../run.js';
import type { OpSpec } from './spec.js';
import { ksmOp } from '../ksm-ops.js';

/** ksm_start, ksm_wait, ksm_restore: one function reads and runs them all */
function ksmFamily(ctx: Runner, op: MmoOp): StepResult {
  const m = ctx.m;
  return ksmOp(m, op, (word, reason) => ctx.bad(op, word, reason));
}

/** KSM (ksm-ops.ts): [run=N] [sleep_millisecs=N] [pages_to_scan=N] / N (pages_shared to wait for) / nothing */
export const ksm_startOp: OpSpec = {
  name: 'ksm_start',
  arity: [0, 3],
  quiet: true,
  run: ksmFamily,
};

export const ksm_waitOp: OpSpec = {
  name: 'ksm_wait',
  arity: [1, 1],
  run: ksmFamily,
};

export const ksm_restoreOp: OpSpec = {
  name: 'ksm_restore',
  arity: [0, 0],
  quiet: true,
  run: ksmFamily,
};
