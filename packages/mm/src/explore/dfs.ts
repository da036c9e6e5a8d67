/**
 * Exhaustive DFS over schedules with a preemption bound (iterative context
 * bounding, Musuvathi & Qadeer, PLDI 2007): a switch away from a thread that
 * could have continued costs one preemption, switches at blocking points or
 * thread exits are free. Stateless: every schedule replays from a fresh
 * instance, following the previous schedule's prefix and then taking the
 * next untried choice at the deepest point that has one.
 *
 * With Instance.key the search keeps a state cache: a run that reaches a
 * state already seen with the same last thread and no more preemptions
 * used is cut there, since everything below it has been (or is being)
 * explored from the first visit.
 *
 * With a cap (maxSchedules, timeLimitMs) the search deepens the bound one
 * preemption at a time, 0, 1, … up to the bound asked for (iterative
 * context bounding proper): a search the cap stops still proves that no
 * schedule with at most `boundCompleted` preemptions fails, and a failure
 * it finds has the fewest preemptions. Without a cap it searches the bound
 * directly, then looks below the failure's preemptions for a simpler one.
 */
import { SearchCaps } from './caps.js';
import { Executor } from './executor.js';
import { ProgressReporter } from './progress.js';
import type { Program } from './program.js';
import type { ExploreResult, Failure, SearchOptions, StopReason } from './result.js';
import { lowestBit, popcount, grow } from './masks.js';

export interface DfsOptions extends SearchOptions {
  /** preemption bound (default 2) */
  readonly bound?: number;
  /** use Instance.key for a state cache when the program provides it (default true) */
  readonly stateCache?: boolean;
}

/** One DFS at one bound: what it ran, and why it ended. */
interface Run {
  readonly schedules: number;
  readonly states: number;
  readonly distinctStates: number;
  readonly pruned: number;
  readonly failure: Failure | null;
  readonly stoppedBy: StopReason | null;
}

/** Counts carried from the bounds already searched, so caps and progress see the whole search. */
interface Before {
  readonly schedules: number;
  readonly states: number;
  /** the bound asked for, when deepening */
  readonly target?: number;
}

const NOTHING_BEFORE: Before = { schedules: 0, states: 0 };

export function exploreDfs(program: Program, options: DfsOptions = {}): ExploreResult {
  const bound = options.bound ?? 2;
  if (!Number.isInteger(bound) || bound < 0 || bound > 64) throw new RangeError(`explore: preemption bound ${bound} is out of range 0 to 64`);
  const t0 = performance.now();
  const caps = new SearchCaps(options, t0);
  const progress = new ProgressReporter(options, caps, t0);
  const useCache = options.stateCache !== false;
  const result = (r: Run, extra: Partial<ExploreResult>): ExploreResult => ({
    program: program.name,
    strategy: 'dfs',
    bound,
    schedules: r.schedules,
    states: r.states,
    ...(useCache && r.distinctStates > 0 ? { distinctStates: r.distinctStates, pruned: r.pruned } : {}),
    elapsedMs: performance.now() - t0,
    exhaustive: r.failure === null && r.stoppedBy === null,
    complete: r.stoppedBy === null,
    ...(r.stoppedBy !== null ? { stoppedBy: r.stoppedBy } : {}),
    ...extra,
    failure: r.failure,
  });
  if (caps.any) return deepening(program, bound, options, caps, progress, result);
  const first = dfs(program, bound, options, caps, progress, NOTHING_BEFORE);
  if (first.failure === null) return result(first, {});
  // A failure with fewer preemptions is easier to read: look for one below.
  for (let b = 0; b < first.failure.preemptions; b++) {
    const quiet = new ProgressReporter({});
    const smaller = dfs(program, b, { ...options, onProgress: undefined }, caps, quiet, NOTHING_BEFORE);
    if (smaller.failure !== null) return result({ ...first, failure: smaller.failure }, {});
  }
  return result(first, {});
}

/** Bounds 0, 1, … `bound`, each searched whole unless a failure or a cap ends the search. */
function deepening(
  program: Program,
  bound: number,
  options: DfsOptions,
  caps: SearchCaps,
  progress: ProgressReporter,
  result: (r: Run, extra: Partial<ExploreResult>) => ExploreResult,
): ExploreResult {
  let schedules = 0;
  let states = 0;
  let pruned = 0;
  for (let b = 0; ; b++) {
    const r = dfs(program, b, options, caps, progress, { schedules, states, target: bound });
    schedules += r.schedules;
    states += r.states;
    pruned += r.pruned;
    const total: Run = { ...r, schedules, states, pruned };
    if (r.failure !== null || r.stoppedBy !== null) return result(total, { boundCompleted: b - 1, boundReached: b });
    if (b === bound) return result(total, { boundCompleted: b, boundReached: b });
    // bound b is done and a cap is already reached: stop before the next one
    const stop = caps.reached(schedules);
    if (stop !== null) return result({ ...total, stoppedBy: stop }, { boundCompleted: b, boundReached: b });
  }
}

function dfs(program: Program, bound: number, options: DfsOptions, caps: SearchCaps, progress: ProgressReporter, before: Before): Run {
  const ex = new Executor(program);
  let cap = 256;
  let enabledAt = new Int32Array(cap);
  let triedAt = new Int32Array(cap);
  let prevAt = new Int32Array(cap);
  let preemptAt = new Int32Array(cap);
  const useCache = options.stateCache !== false;
  const seen = new Map<string, number>();
  let pruned = 0;
  let schedules = 0;
  let prefix = 0;
  let failure: Failure | null = null;
  let stoppedBy: StopReason | null = null;
  // no closure over the search arrays here: a closure would move them (reassigned by grow) into a
  // heap context, and every access in the step loop below would pay for it
  const where = { bound, ...(before.target !== undefined ? { target: before.target } : {}) };
  for (;;) {
    ex.start();
    const cache = useCache && ex.instance.key ? ex.instance : null;
    let cut = false;
    for (;;) {
      const d = ex.depth;
      const enabled = ex.enabledMask();
      if (enabled === 0) break;
      let t: number;
      if (d < prefix) {
        t = ex.choices[d]!;
      } else {
        if (d === cap) {
          cap *= 2;
          enabledAt = grow(enabledAt, cap);
          triedAt = grow(triedAt, cap);
          prevAt = grow(prevAt, cap);
          preemptAt = grow(preemptAt, cap);
        }
        // the default continues the running thread: no preemption
        t = ex.prev >= 0 && (enabled & (1 << ex.prev)) !== 0 ? ex.prev : lowestBit(enabled);
        enabledAt[d] = enabled;
        triedAt[d] = 1 << t;
        prevAt[d] = ex.prev;
        preemptAt[d] = ex.preemptions;
      }
      if (!ex.exec(t, enabled)) break;
      if (cache && ex.depth > prefix) {
        const key = `${cache.key!()}|${ex.prev}`;
        const was = seen.get(key);
        if (was !== undefined && was <= ex.preemptions) {
          cut = true;
          pruned++;
          break;
        }
        seen.set(key, ex.preemptions);
      }
    }
    if (ex.failure === null && !cut) ex.finish();
    if (!cut) schedules++;
    if (ex.failure !== null) {
      failure = ex.failureRecord();
      break;
    }
    // backtrack: the deepest step with an untried choice the bound allows
    let d = ex.depth - 1;
    for (; d >= 0; d--) {
      const untried = allowedAt(enabledAt, prevAt, preemptAt, d, bound) & ~triedAt[d]!;
      if (untried !== 0) {
        const u = lowestBit(untried);
        triedAt[d]! |= 1 << u;
        ex.choices[d] = u;
        prefix = d + 1;
        break;
      }
    }
    if (d < 0) break; // the whole tree within the bound is done
    // more to run: a cap may stop it here (checked per schedule, never per step)
    stoppedBy = caps.reached(before.schedules + schedules);
    if (stoppedBy !== null) break;
    if (progress.due(before.schedules + schedules)) {
      progress.report(before.schedules + schedules, before.states + ex.steps, fractionDone(enabledAt, triedAt, prevAt, preemptAt, prefix, bound), where);
    }
  }
  return { schedules, states: ex.steps, distinctStates: useCache ? seen.size : 0, pruned, failure, stoppedBy };
}

/** The choices the bound allows at depth d: all enabled threads, or only the running one once the preemptions are spent. */
function allowedAt(enabledAt: Int32Array, prevAt: Int32Array, preemptAt: Int32Array, d: number, bound: number): number {
  const p = prevAt[d]!;
  if (p >= 0 && (enabledAt[d]! & (1 << p)) !== 0 && preemptAt[d]! + 1 > bound) return 1 << p;
  return enabledAt[d]!;
}

/** The share of the tree left of the current path, each branch of a node counted as an equal part (only when a report is due). */
function fractionDone(enabledAt: Int32Array, triedAt: Int32Array, prevAt: Int32Array, preemptAt: Int32Array, prefix: number, bound: number): number {
  let done = 0;
  let weight = 1;
  for (let d = 0; d < prefix && weight > 1e-12; d++) {
    const allowed = allowedAt(enabledAt, prevAt, preemptAt, d, bound);
    const n = popcount(allowed);
    done += (weight * (popcount(triedAt[d]! & allowed) - 1)) / n;
    weight /= n;
  }
  return done;
}

