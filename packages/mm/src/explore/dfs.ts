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
 */
import { Executor } from './executor.js';
import { ProgressReporter } from './progress.js';
import type { Program } from './program.js';
import type { ExploreResult, Failure, SearchOptions } from './result.js';

export interface DfsOptions extends SearchOptions {
  /** preemption bound (default 2) */
  readonly bound?: number;
  /** use Instance.key for a state cache when the program provides it (default true) */
  readonly stateCache?: boolean;
  /** stop after this many schedules (default unlimited) */
  readonly maxSchedules?: number;
}

const lowestBit = (mask: number): number => 31 - Math.clz32(mask & -mask);

export function exploreDfs(program: Program, options: DfsOptions = {}): ExploreResult {
  const bound = options.bound ?? 2;
  if (!Number.isInteger(bound) || bound < 0 || bound > 64) throw new RangeError(`explore: preemption bound ${bound} is out of range 0 to 64`);
  const first = dfs(program, bound, options);
  if (first.failure === null) return first;
  // A failure with fewer preemptions is easier to read: look for one below.
  for (let b = 0; b < first.failure.preemptions; b++) {
    const smaller = dfs(program, b, { ...options, onProgress: undefined });
    if (smaller.failure !== null) return { ...first, failure: smaller.failure };
  }
  return first;
}

function dfs(program: Program, bound: number, options: DfsOptions): ExploreResult {
  const ex = new Executor(program);
  const progress = new ProgressReporter(options, bound);
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
  const maxSchedules = options.maxSchedules ?? Infinity;
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
    if (ex.failure !== null) {
      failure = ex.failureRecord();
      if (!cut) schedules++;
      break;
    }
    if (!cut) schedules++;
    if (schedules >= maxSchedules) break;
    progress.tick(schedules, ex.steps);
    // backtrack: the deepest step with an untried choice the bound allows
    let d = ex.depth - 1;
    for (; d >= 0; d--) {
      let untried = enabledAt[d]! & ~triedAt[d]!;
      const p = prevAt[d]!;
      // switching away from a runnable thread costs a preemption
      if (p >= 0 && (enabledAt[d]! & (1 << p)) !== 0 && preemptAt[d]! + 1 > bound) untried &= 1 << p;
      if (untried !== 0) {
        const u = lowestBit(untried);
        triedAt[d]! |= 1 << u;
        ex.choices[d] = u;
        prefix = d + 1;
        break;
      }
    }
    if (d < 0) break;
  }
  return {
    program: program.name,
    strategy: 'dfs',
    bound,
    schedules,
    states: ex.steps,
    ...(useCache && seen.size > 0 ? { distinctStates: seen.size, pruned } : {}),
    elapsedMs: performance.now() - progress.t0,
    exhaustive: failure === null && schedules < maxSchedules,
    failure,
  };
}

function grow(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
