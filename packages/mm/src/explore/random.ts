/**
 * Random search and PCT (probabilistic concurrency testing, Burckhardt et
 * al., ASPLOS 2010). Run r of a search with seed s uses the generator seeded
 * with s + r, so any failing run is reproducible from the seed alone, and
 * its schedule string replays it exactly.
 */
import { SearchCaps } from './caps.js';
import { Executor } from './executor.js';
import type { Program } from './program.js';
import { Prng } from './prng.js';
import type { ExploreResult, Failure, SearchOptions, StopReason } from './result.js';
import { ProgressReporter } from './progress.js';
import { popcount } from './masks.js';

export interface RandomOptions extends SearchOptions {
  readonly seed?: number;
  /** schedules to try (default 1000) */
  readonly runs?: number;
}

export interface PctOptions extends RandomOptions {
  /** the bug depth d: d − 1 priority change points per run (default 3) */
  readonly depth?: number;
}

function checkRuns(runs: number, seed: number): void {
  if (!Number.isInteger(runs) || runs < 1 || runs > 1e9) throw new RangeError(`explore: runs ${runs} is out of range 1 to 1000000000`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`explore: seed ${seed} is out of range 0 to 4294967295`);
}

const nthBit = (mask: number, n: number): number => {
  for (let t = 0; ; t++) if (mask & (1 << t) && n-- === 0) return t;
};

/** The caps and the progress of one random or PCT search, and how it ended. */
class Runs {
  readonly t0 = performance.now();
  readonly caps: SearchCaps;
  readonly progress: ProgressReporter;
  schedules = 0;
  stoppedBy: StopReason | null = null;
  /** schedules run of those asked for: exact, so the estimate is too (made once, called only when a report is due) */
  readonly fraction = (): number => this.schedules / this.runs;

  constructor(
    options: RandomOptions,
    readonly runs: number,
  ) {
    this.caps = new SearchCaps(options, this.t0);
    this.progress = new ProgressReporter(options, this.caps, this.t0);
  }

  /** After a schedule: whether to run another (none left, a failure, or a cap says stop). */
  next(failure: Failure | null, states: number): boolean {
    this.schedules++;
    if (failure !== null || this.schedules >= this.runs) return false;
    this.stoppedBy = this.caps.reached(this.schedules);
    if (this.stoppedBy !== null) return false;
    this.progress.tick(this.schedules, states, this.fraction);
    return true;
  }

  result(program: Program, strategy: 'random' | 'pct', seed: number, states: number, failure: Failure | null): ExploreResult {
    return {
      program: program.name,
      strategy,
      seed,
      schedules: this.schedules,
      states,
      elapsedMs: performance.now() - this.t0,
      exhaustive: false,
      complete: this.stoppedBy === null,
      ...(this.stoppedBy !== null ? { stoppedBy: this.stoppedBy } : {}),
      failure,
    };
  }
}

export function exploreRandom(program: Program, options: RandomOptions = {}): ExploreResult {
  const seed = options.seed ?? 1;
  const runs = options.runs ?? 1000;
  checkRuns(runs, seed);
  const ex = new Executor(program);
  const search = new Runs(options, runs);
  const rng = new Prng(seed);
  let failure: Failure | null = null;
  for (let r = 0; ; r++) {
    rng.reseed((seed + r) >>> 0);
    ex.start();
    for (;;) {
      const enabled = ex.enabledMask();
      if (enabled === 0) {
        ex.finish();
        break;
      }
      if (!ex.exec(nthBit(enabled, rng.below(popcount(enabled))), enabled)) break;
    }
    failure = ex.failureRecord();
    if (!search.next(failure, ex.steps)) break;
  }
  return search.result(program, 'random', seed, ex.steps, failure);
}

export function explorePct(program: Program, options: PctOptions = {}): ExploreResult {
  const seed = options.seed ?? 1;
  const runs = options.runs ?? 1000;
  const depth = options.depth ?? 3;
  checkRuns(runs, seed);
  if (!Number.isInteger(depth) || depth < 1 || depth > 16) throw new RangeError(`explore: PCT depth ${depth} is out of range 1 to 16`);
  const ex = new Executor(program);
  const search = new Runs(options, runs);
  const rng = new Prng(seed);
  let failure: Failure | null = null;
  // k, the number of steps a run takes, is learnt from the longest run so far
  let k = 1;
  const prio = new Int32Array(32);
  const change = new Int32Array(depth);
  for (let r = 0; ; r++) {
    rng.reseed((seed + r) >>> 0);
    ex.start();
    const n = ex.instance.threads.length;
    // initial priorities d … d+n−1 in a random order (a Fisher–Yates shuffle)
    for (let t = 0; t < n; t++) prio[t] = depth + t;
    for (let t = n - 1; t > 0; t--) {
      const j = rng.below(t + 1);
      const x = prio[t]!;
      prio[t] = prio[j]!;
      prio[j] = x;
    }
    for (let i = 0; i < depth - 1; i++) change[i] = 1 + rng.below(k);
    for (;;) {
      const enabled = ex.enabledMask();
      if (enabled === 0) {
        ex.finish();
        break;
      }
      let best = -1;
      for (let t = 0; t < n; t++) if (enabled & (1 << t) && (best < 0 || prio[t]! > prio[best]!)) best = t;
      if (!ex.exec(best, enabled)) break;
      // at the i-th change point the running thread drops to priority i
      for (let i = 0; i < depth - 1; i++) if (change[i] === ex.depth) prio[best] = i;
    }
    if (ex.depth > k) k = ex.depth;
    failure = ex.failureRecord();
    if (!search.next(failure, ex.steps)) break;
  }
  return search.result(program, 'pct', seed, ex.steps, failure);
}
