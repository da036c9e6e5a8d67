/**
 * Re-run one schedule step by step, recording what each thread did, the
 * values that decided it (Thread.values) and what the checks said: the
 * readable trace of a failure.
 *
 * With ReplayOptions.rest the schedule may be a prefix: once it is used
 * up, the rest runs in thread order — at each step the lowest-numbered
 * thread that can run — until every thread has finished, a check fails, or
 * no thread can run (a deadlock, reported as the run's failure). Without
 * it the replay stops where the schedule does.
 */
import { Executor } from './executor.js';
import type { Instance, Program } from './program.js';
import { formatSchedule, parseSchedule, ScheduleSyntaxError } from './schedule.js';
import { ACT_DONE, isLockAct, isUnlockAct, lockOf } from './thread.js';

export interface ReplayStep {
  readonly step: number;
  readonly thread: number;
  /** 'step', 'lock k' or 'unlock k' */
  readonly action: string;
  /** where the thread stood after the step */
  readonly where: string;
  readonly preemption: boolean;
  /** the values the step read that decide the outcome (truncate_count, mapcount, the rmap walk's VMAs, …), where the path records them */
  readonly values?: Readonly<Record<string, string | number>>;
  /** a step past the schedule given: chosen in thread order */
  readonly rest?: true;
  /** the state after the step (ptes and pages), when ReplayOptions.states asks and the program can show it */
  readonly state?: string;
}

export interface ReplayResult {
  readonly program: string;
  readonly steps: readonly ReplayStep[];
  /** the broken rule, or null when the schedule ran clean */
  readonly failure: string | null;
  /** whether every thread finished (a schedule may stop early at a failure) */
  readonly finished: boolean;
  /** the state after the last step (ptes and pages), when the program can show it */
  readonly state?: string;
  /** the whole schedule run: the one given, and the steps run in thread order after it */
  readonly schedule: string;
  /** how many steps the given schedule named */
  readonly given: number;
}

export interface ReplayOptions {
  /** called after each step */
  readonly onStep?: (s: ReplayStep) => void;
  /** keep the state after every step (ReplayStep.state): for a picture of the trace */
  readonly states?: boolean;
  /** run the rest in thread order after the schedule */
  readonly rest?: boolean;
  /** the most steps run in thread order after the schedule (default REST_CAP) */
  readonly restCap?: number;
}

/** Steps run in thread order after a prefix before the replay gives up on a thread that never finishes. */
export const REST_CAP = 100_000;

function actionName(instance: Instance, a: number): string {
  const lock = (k: number): string => instance.lockName?.(k) ?? String(k);
  return isLockAct(a) ? `lock ${lock(lockOf(a))}` : isUnlockAct(a) ? `unlock ${lock(lockOf(a))}` : 'step';
}

export function replay(program: Program, schedule: string, options: ReplayOptions | ((s: ReplayStep) => void) = {}): ReplayResult {
  const o: ReplayOptions = typeof options === 'function' ? { onStep: options } : options;
  const ex = new Executor(program);
  ex.start();
  const choices = parseSchedule(schedule, ex.instance.threads.length);
  const steps: ReplayStep[] = [];
  const cap = choices.length + (o.rest ? (o.restCap ?? REST_CAP) : 0);
  const done = (finished: boolean): ReplayResult => withState(ex.instance, { program: program.name, steps, failure: ex.failure, finished, schedule: formatSchedule(ex.choices, ex.depth), given: choices.length });
  for (let i = 0; i < cap; i++) {
    const enabled = ex.enabledMask();
    const rest = i >= choices.length;
    if (rest && enabled === 0) break; // every thread finished, or none can run
    // past the prefix: the lowest-numbered thread that can run
    const t = rest ? 31 - Math.clz32(enabled & -enabled) : choices[i]!;
    if ((enabled & (1 << t)) === 0) {
      const why = ex.instance.threads[t]!.next === ACT_DONE ? 'has finished' : 'is blocked on a lock';
      throw new ScheduleSyntaxError(`schedule: step ${i} runs thread ${t}, which ${why}${o.rest ? ' (a schedule may stop early: the rest runs in thread order)' : ''}`);
    }
    const th = ex.instance.threads[t]!;
    const action = actionName(ex.instance, th.next);
    const preemption = ex.isPreemption(t, enabled);
    const ok = ex.exec(t, enabled);
    const values = th.values;
    const state = o.states ? ex.instance.snapshot?.() : undefined;
    const s: ReplayStep = { step: i, thread: t, action, where: th.where, preemption, ...(values ? { values } : {}), ...(rest ? { rest: true as const } : {}), ...(state !== undefined ? { state } : {}) };
    steps.push(s);
    o.onStep?.(s);
    if (!ok) return done(false);
  }
  const finished = ex.allDone();
  // the final checks; with the rest run, threads left that none can run are a deadlock
  if (finished || (o.rest && ex.enabledMask() === 0)) ex.finish();
  return done(finished);
}

function withState(instance: Instance, r: ReplayResult): ReplayResult {
  const state = instance.snapshot?.();
  return state === undefined ? r : { ...r, state };
}
