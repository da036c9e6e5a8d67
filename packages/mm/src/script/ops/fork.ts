/**
 * fork(2) and exit(2) of the script's processes (kernel/fork.ts: dup_mmap; kernel/mmap.ts: exit_mmap).
 */
import { ok, type OpSpec } from './spec.js';
import { dup_mmap } from '../../kernel/fork.js';
import { exit_mmap } from '../../kernel/mmap.js';

export const forkOp: OpSpec = {
  name: 'fork',
  arity: [0, 0],
  run(ctx, op, p) {
    const m = ctx.m;
    ctx.procs.child = dup_mmap(m, p, 'child');
    return { args: {}, ret: ok() };
  },
};

export const exitOp: OpSpec = {
  name: 'exit',
  arity: [0, 0],
  run(ctx, op, p) {
    const m = ctx.m;
    exit_mmap(m, p);
    return { args: {}, ret: ok() };
  },
};
