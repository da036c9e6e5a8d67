/**
 * userfaultfd write-protect, clear_refs and mlock (pte-ops.ts reads and runs them).
 */
import type { Process } from '../../kernel/machine.js';
import type { MmoOp } from '../parse.js';
import type { Runner, StepResult } from '../run.js';
import type { OpSpec } from './spec.js';
import { pteOp } from '../pte-ops.js';

/** uffd_register_wp, uffd_writeprotect, uffd_close, clear_refs, mlock, munlock: one function reads and runs them all */
function pteFamily(ctx: Runner, op: MmoOp, p: Process): StepResult {
  const m = ctx.m;
  // userfaultfd-wp, clear_refs, mlock (pte-ops.ts)
  return pteOp({ m, proc: p, region: (w) => ctx.region(op, w), int: (w, what) => ctx.count(op, w, what), bad: (w, reason) => ctx.bad(op, w, reason), note: (args) => ctx.note(args) }, op);
}

/** pte-ops.ts: userfaultfd write-protect, clear_refs, mlock (the oracle's pagemap_bits ops) */
export const uffd_register_wpOp: OpSpec = {
  name: 'uffd_register_wp',
  arity: [1, 1],
  run: pteFamily,
};

export const uffd_writeprotectOp: OpSpec = {
  name: 'uffd_writeprotect',
  arity: [4, 4],
  run: pteFamily,
};

export const uffd_closeOp: OpSpec = {
  name: 'uffd_close',
  arity: [0, 0],
  run: pteFamily,
};

export const clear_refsOp: OpSpec = {
  name: 'clear_refs',
  arity: [1, 1],
  run: pteFamily,
};

export const mlockOp: OpSpec = {
  name: 'mlock',
  arity: [3, 3],
  run: pteFamily,
};

export const munlockOp: OpSpec = {
  name: 'munlock',
  arity: [3, 3],
  run: pteFamily,
};
