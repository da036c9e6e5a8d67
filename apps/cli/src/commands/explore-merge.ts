/**
 * `mmsim explore --merge FILES`: join the `--json` results of the shards of
 * one unbounded search (`--bound none --shard I/N --json`) into one
 * verdict. Every shard of the split must be there, once; the distinct
 * states are the union of the shards' state keys (a state two shards both
 * reached counts once), so a clean merge counts exactly what one run does.
 * A failure in any shard is the verdict; the one shown has the fewest
 * preemptions, then the fewest steps.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, EXIT_STOPPED, UsageError } from '../errors.js';
import { jsonDocument } from '../render/json.js';
import { quote } from '../text.js';
import { summaryTable, verdictLine, type Outcome, type ResultLike } from './explore-text.js';

interface ShardResult extends ResultLike {
  readonly policy: string;
  readonly expected?: 'fails' | 'clean';
  readonly pruned?: number;
  readonly cpuMs?: number;
  readonly key?: string;
  readonly stateKeys?: readonly string[];
  readonly replay?: string;
}

interface ShardFile {
  readonly command: 'explore';
  readonly race: string;
  readonly variant: string;
  readonly bound: 'none';
  readonly key: string;
  readonly shard: { readonly index: number; readonly count: number };
  readonly results: readonly ShardResult[];
}

/** Read one shard's JSON, or say in one line why it is not one. */
function readShard(ctx: RunContext, name: string): ShardFile {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, name), 'utf8');
  } catch (error) {
    throw new UsageError(`--merge ${quote(name)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: Partial<ShardFile>;
  try {
    doc = JSON.parse(text) as Partial<ShardFile>;
  } catch {
    throw new UsageError(`--merge ${quote(name)}: not JSON; valid: the output of 'mmsim explore RACE --bound none --shard I/N --json'`);
  }
  if (doc?.command !== 'explore' || doc.bound !== 'none' || !doc.shard || !Array.isArray(doc.results) || typeof doc.variant !== 'string') {
    throw new UsageError(`--merge ${quote(name)}: not a shard's result; valid: the output of 'mmsim explore RACE --bound none --shard I/N --json' on one variant`);
  }
  for (const r of doc.results) {
    if (!Array.isArray(r.stateKeys)) throw new UsageError(`--merge ${quote(name)}: policy ${quote(String(r.policy))} carries no stateKeys`);
  }
  return doc as ShardFile;
}

export function mergeCommandRun(ctx: RunContext): number {
  const names = ctx.positionals;
  if (names.length === 0) throw new UsageError('--merge needs the shard result files (FILE.json…)');
  const shards = names.map((n) => readShard(ctx, n));
  const first = shards[0]!;
  const count = first.shard.count;
  const seen = new Map<number, string>();
  shards.forEach((s, i) => {
    const what = `--merge ${quote(names[i]!)}`;
    if (s.race !== first.race || s.variant !== first.variant || s.key !== first.key) throw new UsageError(`${what}: ${s.race} on ${s.variant} (key ${s.key}), but ${quote(names[0]!)} is ${first.race} on ${first.variant} (key ${first.key}); valid: the shards of one search`);
    if (s.shard.count !== count) throw new UsageError(`${what}: shard ${s.shard.index}/${s.shard.count}, but ${quote(names[0]!)} is of ${count}; valid: the shards of one split`);
    const other = seen.get(s.shard.index);
    if (other !== undefined) throw new UsageError(`${what}: shard ${s.shard.index}/${count} again (first in ${quote(other)})`);
    seen.set(s.shard.index, names[i]!);
  });
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new UsageError(`--merge: shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', …' : ''} of ${count} missing; valid: every shard 0 … ${count - 1} of the split, once`);
  const policies = first.results.map((r) => r.policy);
  for (const [i, s] of shards.entries()) {
    const ps = s.results.map((r) => r.policy);
    if (ps.join(',') !== policies.join(',')) throw new UsageError(`--merge ${quote(names[i]!)}: policies ${ps.join(', ')}, but ${quote(names[0]!)} has ${policies.join(', ')}; valid: the shards of one search`);
  }
  const outcomes: Outcome[] = policies.map((policy, k) => {
    const parts = shards.map((s) => s.results[k]!);
    const keys = new Set<string>();
    for (const p of parts) for (const key of p.stateKeys!) keys.add(key);
    const failures = parts.map((p) => p.failure).filter((f) => f !== null);
    failures.sort((a, b) => a.preemptions - b.preemptions || a.steps - b.steps);
    const failure = failures[0] ?? null;
    const complete = parts.every((p) => p.complete);
    const stoppedBy = parts.find((p) => p.stoppedBy)?.stoppedBy;
    const result = {
      bound: 'none' as const,
      schedules: parts.reduce((s, p) => s + p.schedules, 0),
      states: parts.reduce((s, p) => s + p.states, 0),
      distinctStates: keys.size,
      elapsedMs: Math.max(...parts.map((p) => p.elapsedMs)),
      exhaustive: failure === null && complete,
      complete: failure !== null || complete,
      ...(stoppedBy && failure === null ? { stoppedBy } : {}),
      failure,
    };
    const expected = parts[0]!.expected ?? 'clean';
    const searched = failure !== null || complete;
    const contradicts = searched && (failure !== null) !== (expected === 'fails');
    const replay = failure ? parts.find((p) => p.failure === failure)?.replay : undefined;
    const cpuMs = parts.reduce((s, p) => s + (p.cpuMs ?? 0), 0);
    return { variant: first.variant, policy, result, cpuMs, expected, verdict: searched, searched, contradicts, replay };
  });
  if (ctx.json) {
    ctx.io.out(
      `${jsonDocument({
        command: 'explore',
        merged: names.length,
        race: first.race,
        variant: first.variant,
        strategy: 'dfs',
        bound: 'none',
        key: first.key,
        shards: count,
        complete: outcomes.every((x) => x.result.complete),
        cpuMs: Math.round(outcomes.reduce((s, x) => s + x.cpuMs, 0)),
        results: outcomes.map((x) => ({ policy: x.policy, expected: x.expected, cpuMs: Math.round(x.cpuMs), ...x.result, ...(x.replay ? { replay: x.replay } : {}) })),
      })}\n`,
    );
  } else {
    const lines = [ctx.c.bold(`== ${first.race} on ${first.variant}: ${count} shards merged (state key: ${first.key}); time is the slowest shard's, cpu the sum`), ''];
    for (const x of outcomes) lines.push(verdictLine(ctx, x, 'dfs', false));
    lines.push('', ...summaryTable(ctx, outcomes, 'dfs'));
    ctx.print(lines);
  }
  if (outcomes.some((x) => x.contradicts)) return EXIT_FAILED;
  if (outcomes.some((x) => !x.searched)) return EXIT_STOPPED;
  return EXIT_OK;
}
