/**
 * A race replay as text (mmsim replay, and the failing schedule mmsim
 * explore prints): one line per step — the step, the thread, whether it
 * preempted, the lock it took or dropped, what the kernel path did, and in
 * braces the values that decided it — then the state at the end.
 */
import type { ReplayResult, ReplayStep } from '@mmsim/mm/explore';
import type { Colors } from './color.js';

/** `{truncate_count sampled=0, truncate_count now=0}` */
export function valuesText(values: ReplayStep['values']): string {
  if (!values) return '';
  return `{${Object.entries(values).map(([k, v]) => `${k}=${String(v)}`).join(', ')}}`;
}

/** The steps, one line each; a line marks where the given schedule ends and the rest runs in thread order. */
export function traceLines(c: Colors, r: Pick<ReplayResult, 'steps'>): string[] {
  const lines: string[] = [];
  for (const s of r.steps) {
    if (s.rest && (s.step === 0 || !r.steps[s.step - 1]?.rest)) lines.push(c.dim('     — the schedule given ends here; the rest runs in thread order —'));
    const values = valuesText(s.values);
    lines.push(`${String(s.step).padStart(3)}  T${s.thread}${s.preemption ? c.yellow(' (preempts)') : ''}  ${s.action === 'step' ? '' : c.dim(`[${s.action}] `)}${s.where}${values ? `  ${c.cyan(values)}` : ''}`);
  }
  return lines;
}

/** The state a replay ended in, under a heading. */
export function stateLines(c: Colors, r: Pick<ReplayResult, 'state' | 'failure'>): string[] {
  return r.state === undefined ? [] : ['', c.bold(r.failure ? 'state at the failing step:' : 'state after the last step:'), ...r.state.split('\n').map((l) => `  ${l}`)];
}
