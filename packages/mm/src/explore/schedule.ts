/**
 * Schedules as strings: the thread run at each step, run-length encoded —
 * `0*3,1,0*2` runs thread 0 for three steps, thread 1 for one, thread 0 for
 * two. Every explorer result carries one, and `replay` takes one back.
 */
import { MAX_THREADS } from './thread.js';

export class ScheduleSyntaxError extends Error {
  override readonly name = 'ScheduleSyntaxError';
}

export function formatSchedule(choices: ArrayLike<number>, length = choices.length): string {
  const parts: string[] = [];
  for (let i = 0; i < length; ) {
    const t = choices[i]!;
    let n = 1;
    while (i + n < length && choices[i + n] === t) n++;
    parts.push(n === 1 ? `${t}` : `${t}*${n}`);
    i += n;
  }
  return parts.join(',');
}

/** Parse a schedule string into the thread of each step. */
export function parseSchedule(text: string, threads = MAX_THREADS): number[] {
  const out: number[] = [];
  const trimmed = text.trim();
  if (trimmed === '') return out;
  for (const part of trimmed.split(',')) {
    const m = /^\s*(\d+)(?:\s*\*\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new ScheduleSyntaxError(`schedule: bad step '${part.trim()}': expected THREAD or THREAD*COUNT (e.g. 0*3,1,0*2)`);
    const t = Number(m[1]);
    const n = m[2] === undefined ? 1 : Number(m[2]);
    if (t >= threads) throw new ScheduleSyntaxError(`schedule: thread ${t} in '${part.trim()}' is out of range: the program has threads 0 to ${threads - 1}`);
    if (n < 1 || n > 1_000_000) throw new ScheduleSyntaxError(`schedule: count ${n} in '${part.trim()}' is out of range 1 to 1000000`);
    for (let i = 0; i < n; i++) out.push(t);
  }
  return out;
}
