/**
 * Ops that run nothing in the kernel: `observe` (a step the oracle observes after) and
 * `sample` (the pages an observation lists; scriptSteps reads it before any step).
 */
import { ok, type OpSpec } from './spec.js';

export const observeOp: OpSpec = {
  name: 'observe',
  arity: [0, Infinity],
  doc: {
    family: 'observe',
    usage: '[why…]',
    text: 'A step that does nothing but observe (the rest of the line is its note, `args.why`).',
    example: 'observe after the write',
  },
  freeTextFrom: 0,
  run(ctx, op) {
    return { args: op.words[0] ? { why: op.words[0] } : {}, ret: ok() };
  },
};

export const sampleOp: OpSpec = {
  name: 'sample',
  arity: [2, 2],
  doc: {
    family: 'observe',
    usage: 'R I,J,K',
    text: 'The pages an observation lists for region R, in this order (R may be mapped later); the summary still counts every page. Not a step: it takes no step number and the trace has no line for it.',
    example: 'sample B 0,7',
  },
  run(ctx, op) {
    return { args: {}, ret: ok() };
  },
};
