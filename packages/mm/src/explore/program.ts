/**
 * A program for the explorer: a fresh instance per schedule (exploration is
 * stateless: every schedule is replayed from the start), its threads, and
 * the checks run after every step.
 */
import type { StateHasher } from './state-key.js';
import type { Thread } from './thread.js';

export interface Instance {
  readonly threads: readonly Thread[];
  /** The invariants after a step: null, or a report of the broken rule. */
  check(): string | null;
  /** After every thread has finished: null, or what is wrong with the outcome. */
  final?(): string | null;
  /**
   * The whole state — shared state and each thread's position — as a key,
   * for the DFS state cache. Two instances with equal keys must behave the
   * same from there on. Optional: without it the DFS does not cache.
   */
  key?(): string;
  /**
   * Feed the shared state — every structure that decides what happens next,
   * the machine and whatever the program keeps beside it — to the hasher,
   * for the unbounded search's state cache (explore/unbounded.ts). The
   * threads' positions and what they hold mid-path are keyed by the
   * explorer from each thread's history; see Thread.fresh.
   */
  hashShared?(h: StateHasher): void;
  /**
   * Threads that run the same code from the same start, so that swapping
   * two of them maps every state to one that behaves alike: thread t's
   * class, the lowest thread with its code. The state key then counts the
   * threads of a class as a multiset (symmetry reduction). Absent: every
   * thread a class of its own.
   */
  symmetry?(): readonly number[];
  /**
   * What lock k is, as a number that does not depend on the order locks
   * were first taken (the lock ids do): `--key declared` keys the locks a
   * thread holds by it, and then leaves `UNKEYED_LOCK_IDS` out of the hash.
   */
  lockKey?(k: number): number;
  /** A readable name of lock k, for traces ("page lock of pfn 0x105"). */
  lockName?(k: number): string;
  /** The state now — ptes and pages — for the report of a failing step. */
  snapshot?(): string;
}

/**
 * A program that is wrong in itself — a script error in a scenario, a setup
 * step that cannot run — rather than a schedule that breaks a rule: the
 * searches and replay let it through to the caller instead of reporting it
 * as a failing schedule.
 */
export class ProgramError extends Error {
  override readonly name = 'ProgramError';
}

export interface Program {
  readonly name: string;
  instantiate(): Instance;
}
