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

export interface Progress {
  readonly schedules: number;
  readonly states: number;
  readonly elapsedMs: number;
  readonly bound?: number;
}

export interface ExploreResult {
  readonly program: string;
  readonly strategy: 'dfs' | 'random' | 'pct';
  /** the preemption bound (dfs) */
  readonly bound?: number;
  /** the seed (random, pct) */
  readonly seed?: number;
  /** complete schedules run (for dfs within the bound: all of them, unless a failure stopped it) */
  readonly schedules: number;
  /** steps executed over all schedules */
  readonly states: number;
  /** distinct states the cache saw, and runs it cut short (dfs with Instance.key) */
  readonly distinctStates?: number;
  readonly pruned?: number;
  readonly elapsedMs: number;
  /** true when the search covered its whole space (dfs) */
  readonly exhaustive: boolean;
  readonly failure: Failure | null;
}

export interface SearchOptions {
  /** called about once a second on long searches */
  readonly onProgress?: (p: Progress) => void;
}
