/**
 * The caps a search can be given: at most so many schedules, at most so
 * much time. Checked once per schedule, never per step (a schedule is a
 * few dozen steps; the clock is read with performance.now(), which is
 * cheap next to one schedule, and nothing is allocated).
 */
import type { SearchOptions, StopReason } from './result.js';

/** The most a cap may ask for: 2^53 − 1 schedules (a count JavaScript holds exactly), about 31 years. */
export const MAX_SCHEDULES_CAP = Number.MAX_SAFE_INTEGER;
export const MAX_TIME_LIMIT_MS = 1e12;

export class SearchCaps {
  readonly maxSchedules: number;
  /** performance.now() at which the search stops; Infinity without --time-limit */
  readonly deadline: number;

  constructor(options: SearchOptions, t0: number) {
    const max = options.maxSchedules;
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_SCHEDULES_CAP)) {
      throw new RangeError(`explore: maxSchedules ${max} is out of range 1 to ${MAX_SCHEDULES_CAP}`);
    }
    const ms = options.timeLimitMs;
    if (ms !== undefined && (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME_LIMIT_MS)) {
      throw new RangeError(`explore: timeLimitMs ${ms} is out of range 0 to ${MAX_TIME_LIMIT_MS}`);
    }
    this.maxSchedules = max ?? Infinity;
    this.deadline = ms === undefined ? Infinity : t0 + ms;
  }

  /** Whether any cap was asked for. */
  get any(): boolean {
    return this.maxSchedules !== Infinity || this.deadline !== Infinity;
  }

  /** After a schedule, with more left to run: the cap that stops the search now, or null. */
  reached(schedules: number): StopReason | null {
    if (schedules >= this.maxSchedules) return 'max-schedules';
    if (this.deadline !== Infinity && performance.now() >= this.deadline) return 'time-limit';
    return null;
  }
}
