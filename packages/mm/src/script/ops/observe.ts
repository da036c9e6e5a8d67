/**
 * Ops that run nothing in the kernel: `observe` (a step the oracle observes after) and
 * `sample` (the pages an observation lists; scriptSteps reads it before any step).
 */
import { ok, type OpSpec } from './spec.js';

export const observeOp: OpSpec = {
  name: 'observe',
  arity: [0, Infinity],
  freeTextFrom: 0,
  run(ctx, op) {
    return { args: op.words[0] ? { why: op.words[0] } : {}, ret: ok() };
  },
};

export const sampleOp: OpSpec = {
  name: 'sample',
  arity: [2, 2],
  run(ctx, op) {
    return { args: {}, ret: ok() };
  },
};
