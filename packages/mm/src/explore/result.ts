/** What a search reports. */
export interface Failure {
  /** the schedule up to and including the failing step (see schedule.ts) */
  readonly schedule: string;
  /** preemptions in that schedule */
  readonly preemptions: number;
  /** steps in that schedule */
  readonly steps: number;
  /** the broken rule, in the checker's words */
  readonly message: string;
}

/** Which cap stopped a search before it found a failure or covered its space. */
export type StopReason = 'max-schedules' | 'time-limit';

export interface Progress {
  readonly schedules: number;
  readonly states: number;
  readonly elapsedMs: number;
  /** the preemption bound being searched (dfs) */
  readonly bound?: number;
  /** the bound the search is for, when it deepens one bound at a time (dfs with a cap) */
  readonly targetBound?: number;
  /**
   * An estimate of the fraction of the current search done, 0 to 1: for
   * dfs, the share of the tree (at the bound being searched) left of the
   * current path, counting each branch as equal; for random and pct,
   * schedules run of those asked for.
   */
  readonly fraction?: number;
  /** the time left until the search ends or a cap stops it, where it can be estimated */
  readonly etaMs?: number;
  /** what ends it first at the current rate: the search itself or a cap */
  readonly endsBy?: 'search' | StopReason;
}

export interface ExploreResult {
  readonly program: string;
  readonly strategy: 'dfs' | 'random' | 'pct';
  /** the preemption bound (dfs), or 'none' for the unbounded search (unbounded.ts) */
  readonly bound?: number | 'none';
  /** the seed (random, pct) */
  readonly seed?: number;
  /** complete schedules run (for dfs within the bound: all of them, unless a failure or a cap stopped it) */
  readonly schedules: number;
  /** steps executed over all schedules */
  readonly states: number;
  /** distinct states the cache saw, and runs it cut short (dfs with Instance.key) */
  readonly distinctStates?: number;
  readonly pruned?: number;
  readonly elapsedMs: number;
  /** true when the search covered its whole space (dfs) */
  readonly exhaustive: boolean;
  /**
   * false when a cap stopped the search before a failure or the end of its
   * space: the result is partial, and `stoppedBy` says which cap
   */
  readonly complete: boolean;
  readonly stoppedBy?: StopReason;
  /**
   * dfs with a cap deepens the bound one preemption at a time: every
   * schedule with at most `boundCompleted` preemptions was run (−1: not even
   * bound 0 finished), and `boundReached` is the bound it was searching
   */
  readonly boundCompleted?: number;
  readonly boundReached?: number;
  readonly failure: Failure | null;
}

export interface SearchOptions {
  /** called about once a second on long searches */
  readonly onProgress?: (p: Progress) => void;
  /** stop after this many schedules (a partial result, `stoppedBy: 'max-schedules'`) */
  readonly maxSchedules?: number;
  /** stop once this many milliseconds have passed, checked after each schedule (`stoppedBy: 'time-limit'`) */
  readonly timeLimitMs?: number;
}
