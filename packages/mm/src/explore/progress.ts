/**
 * The about-once-a-second progress report of a long search (the clock is
 * looked at every 256 schedules), with an estimate of what is left where
 * one can be made: the search's own fraction done, and the caps.
 */
import type { SearchCaps } from './caps.js';
import type { Progress, SearchOptions } from './result.js';

export class ProgressReporter {
  readonly t0: number;
  private last: number;
  constructor(
    private readonly options: SearchOptions,
    private readonly caps?: SearchCaps,
    t0 = performance.now(),
  ) {
    this.t0 = t0;
    this.last = t0;
  }

  /**
   * After a schedule. `fraction` is asked for only when a report is due
   * (it walks the current path), so it costs nothing on the other calls.
   */
  tick(schedules: number, states: number, fraction?: () => number, bound?: { readonly bound: number; readonly target?: number }): void {
    if (this.due(schedules)) this.report(schedules, states, fraction?.(), bound);
  }

  /** Whether a report is due after this many schedules (the clock is read every 256 schedules, a report made once a second). */
  due(schedules: number): boolean {
    if (!this.options.onProgress || (schedules & 255) !== 0) return false;
    return performance.now() - this.last >= 1000;
  }

  /** The report, once due() said so; `f` the search's own fraction done where it has one. */
  report(schedules: number, states: number, f: number | undefined, bound?: { readonly bound: number; readonly target?: number }): void {
    const onProgress = this.options.onProgress;
    if (!onProgress) return;
    const now = performance.now();
    this.last = now;
    const elapsedMs = now - this.t0;
    // the search's own end, at the average pace so far (the fraction counts branches, not schedules: an estimate)
    let etaMs = f !== undefined && f > 0 && f <= 1 ? (elapsedMs * (1 - f)) / f : Infinity;
    let endsBy: Progress['endsBy'] = 'search';
    if (bound?.target !== undefined && bound.bound < bound.target) etaMs = Infinity; // higher bounds still to come: no estimate of them
    const caps = this.caps;
    if (caps) {
      const perSchedule = elapsedMs / schedules;
      const bySchedules = (caps.maxSchedules - schedules) * perSchedule;
      if (bySchedules < etaMs) [etaMs, endsBy] = [bySchedules, 'max-schedules'];
      const byTime = caps.deadline - now;
      if (byTime < etaMs) [etaMs, endsBy] = [Math.max(0, byTime), 'time-limit'];
    }
    onProgress({
      schedules,
      states,
      elapsedMs,
      ...(bound ? { bound: bound.bound, ...(bound.target !== undefined ? { targetBound: bound.target } : {}) } : {}),
      ...(f !== undefined ? { fraction: f } : {}),
      ...(Number.isFinite(etaMs) ? { etaMs, endsBy } : {}),
    });
  }
}
