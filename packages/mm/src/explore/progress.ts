/** The about-once-a-second progress report of a long search (checked every 256 schedules). */
import type { SearchOptions } from './result.js';

export class ProgressReporter {
  readonly t0 = performance.now();
  private last = this.t0;
  constructor(
    private readonly options: SearchOptions,
    private readonly bound?: number,
  ) {}

  tick(schedules: number, states: number): void {
    const onProgress = this.options.onProgress;
    if (!onProgress || (schedules & 255) !== 0) return;
    const now = performance.now();
    if (now - this.last < 1000) return;
    this.last = now;
    onProgress({ schedules, states, elapsedMs: now - this.t0, ...(this.bound !== undefined ? { bound: this.bound } : {}) });
  }
}
