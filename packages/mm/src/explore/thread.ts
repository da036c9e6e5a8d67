/**
 * What the explorer schedules: threads that stop at the points where a
 * kernel path takes or drops a lock, or reads shared state without one.
 *
 * A thread exposes its pending action (`next`) so the scheduler can tell,
 * before it runs the thread, whether it would block on a lock; `step()` then
 * runs the code from that point up to the next one. Actions are small
 * integers so the step loop allocates nothing:
 *
 *   ACT_DONE   the thread has finished
 *   ACT_STEP   an unlocked step (a read or write of shared state)
 *   lockAct(k) take lock k (the thread is not runnable while another holds it)
 *   unlockAct(k) drop lock k
 */
export const ACT_DONE = -1;
export const ACT_STEP = 0;

/** The action that takes lock `k` (0 ≤ k < MAX_LOCKS). */
export const lockAct = (k: number): number => 1 + 2 * k;
/** The action that drops lock `k`. */
export const unlockAct = (k: number): number => 2 + 2 * k;
export const isLockAct = (a: number): boolean => a > 0 && (a & 1) === 1;
export const isUnlockAct = (a: number): boolean => a > 0 && (a & 1) === 0;
/** The lock an action takes or drops. */
export const lockOf = (a: number): number => (a - 1) >> 1;

/** Locks a program may name (spin and sleeping locks alike; the explorer treats them the same). */
export const MAX_LOCKS = 64;
/** Threads a program may have (the DFS keeps runnable sets as 31-bit masks). */
export const MAX_THREADS = 31;

export interface Thread {
  /** what the thread does when next scheduled: ACT_DONE, ACT_STEP, lockAct(k) or unlockAct(k) */
  readonly next: number;
  /** Run the pending action's code up to the next stop point (updating `next`). */
  step(): void;
  /** where the thread stands, for traces (a kernel function name and what it did) */
  readonly where: string;
  /** the values the last step read that decide the outcome (truncate_count, mapcount, …), for traces; optional */
  readonly values?: Readonly<Record<string, string | number>> | undefined;
  /**
   * When ≥ 0: the thread holds nothing from its earlier steps but this
   * number (it is about to enter its op number `fresh`, say), so the state
   * key may forget its history. −1 or absent: it may hold values read at
   * any earlier step, and the key keeps its whole history (unbounded.ts).
   */
  readonly fresh?: number;
  /**
   * When ≥ 0: the thread stands at a declared stop (model/sched.ts) of its
   * op number `declaredOp`, and the first `declaredCount` values of
   * `declared` are everything its future reads besides the machine, so
   * `--key declared` keys it by them instead of its history. −1 or absent:
   * not declared.
   */
  readonly declaredOp?: number;
  readonly declared?: Float64Array;
  readonly declaredCount?: number;
}

/** One kind of stop a generator-written thread yields (see fromGenerator). */
export interface Stop {
  readonly act: number;
  readonly where: string;
}

/**
 * A thread written as a generator that yields its stops. Convenient for
 * scenarios and tests; each resumption allocates an iterator result, so the
 * allocation-free form is a hand-written Thread.
 */
export function fromGenerator(gen: Generator<Stop, void, void>, start = 'start'): Thread {
  let next = ACT_STEP;
  let where = start;
  let pendingWhere = start;
  let started = false;
  const advance = (): void => {
    const r = gen.next();
    if (r.done) {
      next = ACT_DONE;
      pendingWhere = 'done';
    } else {
      next = r.value.act;
      pendingWhere = r.value.where;
    }
  };
  return {
    get next() {
      if (!started) {
        started = true;
        advance();
      }
      return next;
    },
    get where() {
      return where;
    },
    step() {
      if (!started) {
        started = true;
        advance();
      }
      where = pendingWhere;
      advance();
    },
  };
}
