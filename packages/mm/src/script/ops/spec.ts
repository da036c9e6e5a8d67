/**
 * One op of the `.mmo` language as data: its name, how many words it
 * takes, which of them are free text, whether the oracle observes the
 * machine after it, and its kernel path. The parser's checks, the runner's
 * dispatch and the quiet list all read the table of these (ops/index.ts).
 */
import type { Process } from '../../model/machine.js';
import type { KernelPath } from '../../model/sched.js';
import type { MmoOp } from '../parse.js';
import type { Runner, StepResult } from '../run.js';

export interface OpSpec {
  /** the op's word in a script */
  readonly name: string;
  /** words it takes: [min, max] (max Infinity: any) */
  readonly arity: readonly [number, number];
  /** from this word on, the rest of the line is free text, kept as one word (a reason, a note) */
  readonly freeTextFrom?: number;
  /** the step's name in a trace when the oracle records it under another (file → file_create) */
  readonly step?: string;
  /**
   * The oracle observes nothing after this step (step_end_noobs, host-oracle
   * oracle.c): always, or when the result says so.
   */
  readonly quiet?: boolean | ((result: StepResult) => boolean);
  /**
   * The op as a kernel path that stops at the kernel's lock points when the
   * explorer drives the machine (kernel/sched.ts) …
   */
  readonly path?: (ctx: Runner, op: MmoOp, proc: Process) => KernelPath<StepResult>;
  /** … or, where the kernel code it models has no stop point, a call that runs whole. */
  readonly run?: (ctx: Runner, op: MmoOp, proc: Process) => StepResult;
}

/** The oracle's step_ret_ok(0): a step that succeeded with nothing more to say (a fresh object per step). */
export function ok(): { ok: true; val: number } {
  return { ok: true, val: 0 };
}
