/**
 * Re-run one schedule step by step, recording what each thread did and
 * what the checks said: the readable trace of a failure.
 */
import { Executor } from './executor.js';
import type { Instance, Program } from './program.js';
import { parseSchedule, ScheduleSyntaxError } from './schedule.js';
import { ACT_DONE, isLockAct, isUnlockAct, lockOf } from './thread.js';

export interface ReplayStep {
  readonly step: number;
  readonly thread: number;
  /** 'step', 'lock k' or 'unlock k' */
  readonly action: string;
  /** where the thread stood after the step */
  readonly where: string;
  readonly preemption: boolean;
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
}

function actionName(instance: Instance, a: number): string {
  const lock = (k: number): string => instance.lockName?.(k) ?? String(k);
  return isLockAct(a) ? `lock ${lock(lockOf(a))}` : isUnlockAct(a) ? `unlock ${lock(lockOf(a))}` : 'step';
}

export function replay(program: Program, schedule: string, onStep?: (s: ReplayStep) => void): ReplayResult {
  const ex = new Executor(program);
  ex.start();
  const choices = parseSchedule(schedule, ex.instance.threads.length);
  const steps: ReplayStep[] = [];
  for (let i = 0; i < choices.length; i++) {
    const t = choices[i]!;
    const enabled = ex.enabledMask();
    if ((enabled & (1 << t)) === 0) {
      const why = ex.instance.threads[t]!.next === ACT_DONE ? 'has finished' : 'is blocked on a lock';
      throw new ScheduleSyntaxError(`schedule: step ${i} runs thread ${t}, which ${why}`);
    }
    const action = actionName(ex.instance, ex.instance.threads[t]!.next);
    const preemption = ex.isPreemption(t, enabled);
    const ok = ex.exec(t, enabled);
    const s: ReplayStep = { step: i, thread: t, action, where: ex.instance.threads[t]!.where, preemption };
    steps.push(s);
    onStep?.(s);
    if (!ok) return withState(ex.instance, { program: program.name, steps, failure: ex.failure, finished: false });
  }
  const finished = ex.allDone();
  if (finished) ex.finish();
  return withState(ex.instance, { program: program.name, steps, failure: ex.failure, finished });
}

function withState(instance: Instance, r: ReplayResult): ReplayResult {
  const state = instance.snapshot?.();
  return state === undefined ? r : { ...r, state };
}
