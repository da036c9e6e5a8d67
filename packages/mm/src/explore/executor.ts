/**
 * Runs one instance step by step under the scheduler's choices: lock
 * ownership, which threads can run, preemption counting, and the checks
 * after each step. Shared by every search strategy and by replay, so a
 * schedule means the same thing everywhere. The step loop allocates nothing
 * (the choice log grows by doubling).
 */
import { ProgramError, type Instance, type Program } from './program.js';
import type { Failure } from './result.js';
import { formatSchedule } from './schedule.js';
import { ACT_DONE, isLockAct, isUnlockAct, lockOf, MAX_LOCKS, MAX_THREADS } from './thread.js';

export class Executor {
  instance!: Instance;
  /** owner thread of each lock, -1 when free */
  readonly owner = new Int32Array(MAX_LOCKS);
  /** the thread run at each step so far */
  choices = new Int32Array(256);
  depth = 0;
  /** the thread run last, -1 before the first step */
  prev = -1;
  preemptions = 0;
  /** the failure that stopped the run, or null */
  failure: string | null = null;
  /** total steps executed over every run (the explorer's "states") */
  steps = 0;

  constructor(readonly program: Program) {}

  start(): void {
    this.instance = this.program.instantiate();
    if (this.instance.threads.length > MAX_THREADS) {
      // the program is wrong in itself (a race file with too many threads): bad input, not a failing schedule
      throw new ProgramError(`explore: ${this.program.name} has ${this.instance.threads.length} threads; at most ${MAX_THREADS} are supported`);
    }
    this.owner.fill(-1);
    this.depth = 0;
    this.prev = -1;
    this.preemptions = 0;
    this.failure = null;
  }

  /** Bit t set when thread t can run now. */
  enabledMask(): number {
    const threads = this.instance.threads;
    let mask = 0;
    for (let t = 0; t < threads.length; t++) {
      const a = threads[t]!.next;
      if (a === ACT_DONE) continue;
      if (isLockAct(a) && this.owner[lockOf(a)] !== -1) continue;
      mask |= 1 << t;
    }
    return mask;
  }

  /** Whether every thread has finished. */
  allDone(): boolean {
    const threads = this.instance.threads;
    for (let t = 0; t < threads.length; t++) if (threads[t]!.next !== ACT_DONE) return false;
    return true;
  }

  /** Whether running `t` now (with `enabled` runnable) would be a preemption. */
  isPreemption(t: number, enabled: number): boolean {
    return this.prev >= 0 && t !== this.prev && (enabled & (1 << this.prev)) !== 0;
  }

  /** Run thread t for one step; false when the run has failed (see `failure`). */
  exec(t: number, enabled: number): boolean {
    if (this.isPreemption(t, enabled)) this.preemptions++;
    if (this.depth === this.choices.length) {
      const grown = new Int32Array(this.choices.length * 2);
      grown.set(this.choices);
      this.choices = grown;
    }
    this.choices[this.depth++] = t;
    this.prev = t;
    this.steps++;
    const th = this.instance.threads[t]!;
    const a = th.next;
    if (isLockAct(a)) {
      const k = lockOf(a);
      if (this.owner[k] === t) return this.fail(`thread ${t} takes lock ${k} it already holds (self-deadlock)`);
      this.owner[k] = t;
    } else if (isUnlockAct(a)) {
      const k = lockOf(a);
      if (this.owner[k] !== t) return this.fail(`thread ${t} drops lock ${k} it does not hold`);
      this.owner[k] = -1;
    }
    try {
      th.step();
    } catch (e) {
      if (e instanceof ProgramError) throw e; // the program is wrong, not the schedule
      return this.fail(e instanceof Error ? e.message : String(e));
    }
    const broken = this.instance.check();
    if (broken !== null) return this.fail(broken);
    return true;
  }

  /** The run's failure as a search reports it (its schedule so far), or null. */
  failureRecord(): Failure | null {
    if (this.failure === null) return null;
    return { schedule: formatSchedule(this.choices, this.depth), preemptions: this.preemptions, steps: this.depth, message: this.failure };
  }

  /** At the end of a run: a deadlock, or the program's final check. */
  finish(): boolean {
    if (!this.allDone()) return this.fail('deadlock: no thread can run, and not every thread has finished');
    const broken = this.instance.final?.() ?? null;
    if (broken !== null) return this.fail(broken);
    return true;
  }

  private fail(message: string): false {
    this.failure = message;
    return false;
  }
}
