/**
 * How `mmsim explore` words its results: one verdict line per policy, the
 * progress line, how far a capped search got, and the summary table of an
 * unbounded or many-variant run. Only an exhaustive dfs earns a ✓; random
 * and pct say what they did — "no failure found in N runs" — for every
 * policy, the buggy ones above all.
 */
import type { Progress } from '@mmsim/mm/explore';
import type { RunContext } from '../command.js';
import { table } from '../render/table.js';

/** What a search reports (@mmsim/mm ExploreResult, as the CLI reads it). */
export interface ResultLike {
  readonly schedules: number;
  readonly states: number;
  readonly distinctStates?: number;
  readonly elapsedMs: number;
  readonly exhaustive: boolean;
  readonly complete: boolean;
  readonly stoppedBy?: string;
  readonly bound?: number | 'none';
  readonly boundCompleted?: number;
  readonly boundReached?: number;
  readonly failure: { readonly schedule: string; readonly preemptions: number; readonly steps: number; readonly message: string } | null;
}

/** One policy's search on one variant. */
export interface Outcome {
  readonly variant: string;
  readonly policy: string;
  readonly result: ResultLike;
  readonly cpuMs: number;
  readonly trace?: unknown;
  readonly expected: 'fails' | 'clean';
  /** a failure, or an exhaustive search that ran to its end */
  readonly verdict: boolean;
  /** a failure, or a search that ran to its end (random and pct included) */
  readonly searched: boolean;
  readonly contradicts: boolean;
  readonly replay?: string | undefined;
}

/** `1h02m`, `3m20s`, `12s`, `0.4s` */
export function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  if (whole < 60) return `${whole}s`;
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The stderr progress line: what ran, how fast, how far the search is, and the time left where it can be told. */
export function progressLine(p: Progress): string {
  const parts = [`${p.schedules} schedules, ${p.states} steps, ${Math.round((p.schedules * 1000) / p.elapsedMs)} schedules/s`];
  if (p.bound !== undefined) {
    const of = p.targetBound !== undefined ? `bound ${p.bound} of ${p.targetBound}` : `bound ${p.bound}`;
    parts.push(p.fraction !== undefined ? `${of}, ~${(p.fraction * 100).toFixed(1)}% of its tree (by branch)` : of);
  } else if (p.fraction !== undefined) {
    parts.push(`~${(p.fraction * 100).toFixed(1)}% done`);
  }
  if (p.etaMs !== undefined) parts.push(`~${duration(p.etaMs)} left${p.endsBy && p.endsBy !== 'search' ? ` (--${p.endsBy})` : ''}`);
  return `  … ${parts.join('; ')}\n`;
}

/** How far a search a cap stopped got: `stopped by --max-schedules: bounds 0–1 complete, in bound 2 of 3` */
export function stoppedText(r: ResultLike): string {
  const parts = [`stopped by --${r.stoppedBy} before a verdict`];
  if (r.boundReached !== undefined && typeof r.bound === 'number') {
    const done = r.boundCompleted === undefined || r.boundCompleted < 0 ? 'no bound complete' : r.boundCompleted === 0 ? 'bound 0 complete' : `bounds 0–${r.boundCompleted} complete`;
    parts.push(`${done}, ${r.boundCompleted === r.boundReached ? 'stopped before' : 'stopped in'} bound ${r.boundCompleted === r.boundReached ? r.boundReached + 1 : r.boundReached} of ${r.bound}`);
  }
  return parts.join('; ');
}

function stats(r: ResultLike, cpuMs: number): string {
  return `${r.schedules} schedules, ${r.states} steps${r.distinctStates !== undefined ? `, ${r.distinctStates} distinct states` : ''}, ${r.elapsedMs.toFixed(1)} ms (cpu ${cpuMs.toFixed(0)} ms)`;
}

/** One policy's verdict, with the replay line of its failure. */
export function verdictLine(ctx: RunContext, x: Outcome, strategy: string, shard: boolean): string {
  const { c } = ctx;
  const r = x.result;
  if (r.failure) {
    return [
      `${c.red('✗')} ${c.bold(x.policy)}: ${r.failure.message}`,
      `    schedule ${r.failure.schedule} (${r.failure.steps} steps, ${r.failure.preemptions} preemptions); ${stats(r, x.cpuMs)}`,
      `    ${x.replay ?? ''}`,
    ].join('\n');
  }
  if (!r.complete) return `${c.yellow('…')} ${c.bold(x.policy)}: no failing schedule so far, ${stoppedText(r)}; ${stats(r, x.cpuMs)}`;
  if (strategy !== 'dfs') {
    const note = x.expected === 'fails' ? ' (the race fails under this policy: this search missed it, and proves nothing)' : ' (not a proof: random schedules)';
    return `${c.yellow('·')} ${c.bold(x.policy)}: no failure found in ${r.schedules} runs${note}; ${stats(r, x.cpuMs)}`;
  }
  if (shard) return `${c.dim('·')} ${c.bold(x.policy)}: no failing schedule in this shard (the verdict is --merge's); ${stats(r, x.cpuMs)}`;
  const within = r.bound === 'none' ? ' over the whole state space (no bound)' : ' (exhaustive within the bound)';
  return `${c.green('✓')} ${c.bold(x.policy)}: no failing schedule${within}; ${stats(r, x.cpuMs)}`;
}

/** The summary: one row per variant and policy. */
export function summaryTable(ctx: RunContext, outcomes: readonly Outcome[], strategy: string, shard = false): string[] {
  const { c } = ctx;
  const verdict = (x: Outcome): string => {
    if (x.result.failure) return x.expected === 'fails' ? c.red('fails (as expected)') : c.red('FAILS (unexpected)');
    if (!x.result.complete) return c.yellow('stopped');
    if (strategy !== 'dfs') return c.yellow(`no failure found in ${x.result.schedules} runs`);
    if (shard) return c.dim('clean in this shard (--merge decides)');
    return x.expected === 'fails' ? c.red('CLEAN (expected to fail)') : c.green(x.result.bound === 'none' ? 'proven clean' : 'clean within bound');
  };
  return table(
    [{ header: 'variant' }, { header: 'policy' }, { header: 'verdict' }, { header: 'states', align: 'right' }, { header: 'schedules', align: 'right' }, { header: 'time', align: 'right' }, { header: 'cpu', align: 'right' }, { header: 'schedule' }],
    outcomes.map((x) => [
      x.variant,
      x.policy,
      verdict(x),
      String(x.result.distinctStates ?? x.result.states),
      String(x.result.schedules),
      duration(x.result.elapsedMs),
      duration(x.cpuMs),
      x.result.failure?.schedule ?? '',
    ]),
  );
}
