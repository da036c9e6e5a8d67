/**
 * A race program whose threads are lists of whole operations: each
 * operation runs atomically (as a syscall or a device access under the
 * locks it takes for its whole length) and the explorer interleaves the
 * operations. This is the granularity the COW-vs-GUP races need — their
 * bad outcomes come from the order of fork, pin, unmap and write, not from
 * inside one of them. The operations are the simulator's own kernel paths.
 */
import { checkInvariants } from '../check/invariants.js';
import type { Instance, Program } from '../explore/program.js';
import { ACT_DONE, ACT_STEP, type Thread } from '../explore/thread.js';

export interface Op<C> {
  /** what the operation is, for traces: e.g. "child: pin_user_pages(0x1000, read)" */
  readonly what: string;
  run(ctx: C): void;
}

export interface OpProgramSpec<C> {
  readonly name: string;
  /** the state before the threads start (machine, processes, pages) */
  setup(): C;
  readonly threads: readonly { readonly name: string; readonly ops: readonly Op<C>[] }[];
  /** the machine of the context, for the invariant checks after each step */
  machineOf(ctx: C): Parameters<typeof checkInvariants>[0];
  /** what must hold when every thread has finished */
  final(ctx: C): string | null;
  /** a key for the state cache: the context's observable state */
  key?(ctx: C): string;
}

class OpThread<C> implements Thread {
  pc = 0;
  where: string;
  constructor(
    private readonly name: string,
    private readonly ops: readonly Op<C>[],
    private readonly ctx: C,
  ) {
    this.where = `${name}: start`;
  }
  get next(): number {
    return this.pc < this.ops.length ? ACT_STEP : ACT_DONE;
  }
  step(): void {
    const op = this.ops[this.pc++]!;
    this.where = `${this.name}: ${op.what}`;
    op.run(this.ctx);
  }
}

export function opProgram<C>(spec: OpProgramSpec<C>): Program {
  return {
    name: spec.name,
    instantiate(): Instance {
      const ctx = spec.setup();
      const threads = spec.threads.map((t) => new OpThread(t.name, t.ops, ctx));
      const m = spec.machineOf(ctx);
      return {
        threads,
        check: () => {
          const v = checkInvariants(m);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
        final: () => spec.final(ctx),
        ...(spec.key ? { key: () => `${threads.map((t) => t.pc).join(',')}|${spec.key!(ctx)}` } : {}),
      };
    },
  };
}
