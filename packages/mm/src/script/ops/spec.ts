/**
 * One op of the `.mmo` language as data: its name, how many words it
 * takes, which of them are free text, whether the trace observes the
 * machine after it, its kernel path, and its doc. The parser's checks, the
 * runner's dispatch, the quiet list and docs/mmo.md's op reference all read
 * the table of these (ops/index.ts).
 */
import type { Process } from '../../model/machine.js';
import type { KernelPath } from '../../model/sched.js';
import type { MmoOp } from '../parse.js';
import type { Runner, StepResult } from '../run.js';

/**
 * The families docs/mmo.md groups the ops in, in the doc's order (an op
 * names its family in OpDoc.family).
 */
export const OP_FAMILIES = {
  space: 'The address space: mmap, munmap, mprotect, madvise, mremap',
  access: 'Touching memory',
  file: 'Files and the page cache',
  process: 'Processes',
  swap: 'Swap and memory pressure',
  thp: 'Transparent huge pages',
  numa: 'NUMA: policies and migration',
  gup: 'GUP pins and a device behind them',
  pte: 'userfaultfd, mlock and clear_refs',
  ksm: 'KSM',
  observe: 'Observation',
  expect: 'Expectations (race scenarios)',
} as const;

export type OpFamily = keyof typeof OP_FAMILIES;

/**
 * An op as docs/mmo.md documents it: the reference part of that doc is
 * generated from these (tooling/scripts/gen-docs.mjs), and a test runs
 * every example (test/mmo-doc.test.ts).
 */
export interface OpDoc {
  readonly family: OpFamily;
  /** the words after the op, as a usage line: `R NPAGES PROT FLAGS [slot=N] [file=F] [pgoff=N]` */
  readonly usage: string;
  /** what it does (the kernel path it runs), each argument's meaning and default, and its own refusals; Markdown */
  readonly text: string;
  /**
   * A line that uses it, run by the doc test after the doc's set-up lines
   * (EXAMPLE_SETUP): regions A (4 pages) and B (8 pages), a file F, a
   * write pin P, and a forked child. It succeeds on x86_64 in 6.18 but for
   * the few EXAMPLE_ERRNO lists.
   */
  readonly example: string;
  /** true: an mmsim extension, which no real-kernel recording has (the recorder does not know it) */
  readonly simulatorOnly?: boolean;
}

/**
 * What the doc's examples may assume (docs/mmo.md says so): each example
 * line runs after these.
 */
export const EXAMPLE_SETUP: readonly string[] = [
  'file F tmpfs 8 F',
  'mmap A 4 rw- private,anon',
  'mmap B 8 rw- shared file=F',
  'write A 0 A0',
  'gup A 0 write,pin P',
  'fork',
];

/** The examples that fail with an errno even on x86_64 in 6.18, and why (the doc test checks each succeeds otherwise). */
export const EXAMPLE_ERRNO: Readonly<Record<string, string>> = {
  split_huge_pages: 'EPERM: a run\'s machine is locked down, as the recording machine was',
  uffd_writeprotect: 'EBADF: one line has no uffd_register_wp before it',
  swapoff: 'EINVAL: one line has no swapon before it',
};

export interface OpSpec {
  /** the op's word in a script */
  readonly name: string;
  /** words it takes: [min, max] (max Infinity: any) */
  readonly arity: readonly [number, number];
  /** the op in docs/mmo.md */
  readonly doc: OpDoc;
  /** from this word on, the rest of the line is free text, kept as one word (a reason, a note) */
  readonly freeTextFrom?: number;
  /** the step's name in a trace when the oracle records it under another (file → file_create) */
  readonly step?: string;
  /**
   * The recorder observes nothing after this step (its step_end_noobs;
   * docs/mmo.md "The JSON trace"): always, or when the result says so.
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
