/**
 * `mmsim explore RACE`: search the interleavings of a race program under
 * each policy — within a preemption bound, or with `--bound none` over the
 * whole state space (the state cache and its partial-order reduction,
 * @mmsim/mm explore/unbounded.ts) — on the race's own era, or on every
 * applicable variant with `--arch all`. `--shard I/N` runs one part of an
 * unbounded search, `--merge FILES` joins the parts' JSON into one verdict
 * (explore-merge.ts). The trace and state lines are replay's (explore.ts).
 */
import type { Variant } from '@mmsim/core';
import type { Progress } from '@mmsim/mm/explore';
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, EXIT_STOPPED, UsageError } from '../errors.js';
import { parseNumber } from '../numbers.js';
import { jsonDocument } from '../render/json.js';
import { quote } from '../text.js';
import { exploreVariants } from './explore-variants.js';
import { mergeCommandRun } from './explore-merge.js';
import { progressLine, stoppedText, summaryTable, verdictLine, type Outcome } from './explore-text.js';
import { findRace, loadMm, scriptErrors, type Mm } from './explore.js';
import { stateLines, traceLines } from '../render/race-trace.js';

type Trace = ReturnType<Mm['replay']>;

/** A whole-number option in any of the CLI's number forms (hex too), from `min` to `max`. */
function intOption(ctx: RunContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.values[name];
  if (typeof raw !== 'string') return fallback;
  return Number(parseNumber(raw, `--${name}`, BigInt(min), BigInt(max)));
}

/** `--bound N` or `--bound none` */
function boundOption(ctx: RunContext, fallback: number): number | 'none' {
  if (ctx.values['bound'] === 'none') return 'none';
  try {
    return intOption(ctx, 'bound', fallback, 0, 64);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${error.message}, or none`);
    throw error;
  }
}

/** `--shard I/N`: shard I of N, 0 ≤ I < N ≤ 4096 */
function shardOption(ctx: RunContext): { index: number; count: number } | undefined {
  const raw = ctx.values['shard'];
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(raw.trim());
  if (!m) throw new UsageError(`--shard ${quote(raw)}: expected I/N, shard I of N (e.g. 0/4); valid: 0 ≤ I < N ≤ 4096`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 4096 || index >= count) throw new UsageError(`--shard ${quote(raw)}: shard ${index} of ${count} is out of range; valid: 0 ≤ I < N ≤ 4096`);
  return { index, count };
}

export const exploreCommand: CommandSpec = {
  name: 'explore',
  summary: 'search the interleavings of a race program for a failing schedule, per policy',
  usage: 'explore RACE|FILE.mmo  |  explore --merge FILE.json…',
  options: {
    policy: { type: 'string', value: 'NAME', help: 'one policy (default: every policy of the race, oldest first)' },
    strategy: { type: 'string', value: 'dfs|random|pct', help: 'search strategy (default dfs: exhaustive within --bound)' },
    bound: { type: 'string', value: 'N|none', help: "preemption bound for dfs, 0–64, or none: every interleaving, with a state cache (default: the race's)" },
    key: { type: 'string', value: 'trace|history|declared', help: 'with --bound none: how threads enter the state key (default trace: a partial-order reduction over lock and unlocked steps; declared: by what the kernel path declares it holds at its stop)' },
    shard: { type: 'string', value: 'I/N', help: 'with --bound none: run shard I of N (split by schedule prefix); --json carries its state keys for --merge' },
    merge: { type: 'boolean', help: 'join the --json results of the shards named as arguments into one verdict' },
    seed: { type: 'string', value: 'N', help: 'seed for random and pct, 0–0xffffffff (default 1)' },
    runs: { type: 'string', value: 'N', help: 'schedules for random and pct, 1–1000000000 (default 1000)' },
    'max-schedules': { type: 'string', value: 'N', help: "stop each policy's search after N schedules, 1–2^53−1 (a partial result, exit 4)" },
    'time-limit': { type: 'string', value: 'SECONDS', help: 'stop searching after this many seconds in all, 0–1000000000 (a partial result, exit 4)' },
  },
  maxPositionals: 4096,
  details: [
    'Races: run `mmsim explore` with no RACE for the list; the shipped scenarios are packages/mm/scenarios/races/*.mmo, and any such file may be given by path. A failing schedule prints with the `mmsim replay` line that re-runs it.',
    "Variants: without --kernel the race file's era (its oldest with every policy it names); without --arch x86_64; --arch all runs every variant the race applies to, with one summary table.",
    '--bound none: every interleaving, proven or refuted over the whole state space (docs/explore.md); --shard I/N runs one part, --merge FILES joins the parts.',
    'Caps: --max-schedules and --time-limit stop a search (any strategy) with a partial result that says how far it got (schedules, steps,',
    'distinct states, and for dfs the bounds finished: with a cap, dfs deepens the bound one preemption at a time, so every bound it finished',
    'is proved). --json: "complete": false, "stoppedBy": "max-schedules" or "time-limit". Progress goes to stderr about once a second.',
    'random and pct never prove a policy clean: they say "no failure found in N runs".',
    'Exit status: 0 every policy behaved as the race says; 1 one did not (a failure where none was expected, or none found where one was,',
    'in an exhaustive search), even if another search was stopped by a cap; 4 a cap stopped a search before a verdict; 2 bad input.',
  ],
  async run(ctx: RunContext): Promise<number> {
    const mm = await loadMm();
    if (ctx.values['merge'] === true) return mergeCommandRun(ctx);
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument ${quote(ctx.positionals[1]!)} (usage: mmsim explore RACE|FILE.mmo, or explore --merge FILE.json…)`);
    const { race, arg } = findRace(mm, ctx, 'explore');
    const variants = scriptErrors(mm, () => exploreVariants(ctx, race));
    const strategy = String(ctx.values['strategy'] ?? 'dfs');
    if (!['dfs', 'random', 'pct'].includes(strategy)) throw new UsageError(`--strategy ${quote(strategy)}: expected dfs, random or pct`);
    const bound = boundOption(ctx, race.bound);
    const key = String(ctx.values['key'] ?? 'trace');
    if (!(mm.KEY_MODES as readonly string[]).includes(key)) throw new UsageError(`--key ${quote(key)}: expected ${mm.KEY_MODES.slice(0, -1).join(', ')} or ${mm.KEY_MODES.at(-1)}`);
    const shard = shardOption(ctx);
    if ((shard || ctx.values['key'] !== undefined) && (bound !== 'none' || strategy !== 'dfs')) throw new UsageError(`--${shard ? 'shard' : 'key'} goes with --bound none (the unbounded dfs)`);
    const seed = intOption(ctx, 'seed', 1, 0, 0xffffffff);
    const runs = intOption(ctx, 'runs', 1000, 1, 1e9);
    const maxSchedules = ctx.values['max-schedules'] === undefined ? undefined : intOption(ctx, 'max-schedules', 0, 1, mm.MAX_SCHEDULES_CAP);
    const timeLimit = ctx.values['time-limit'] === undefined ? undefined : intOption(ctx, 'time-limit', 0, 0, mm.MAX_TIME_LIMIT_MS / 1000);
    const asked = ctx.values['policy'];
    for (const v of variants) {
      const available = race.policies(v.spec);
      if (asked !== undefined && !available.includes(String(asked))) throw new UsageError(`--policy ${quote(String(asked))}: not a policy of ${race.name} in ${v.era} (valid: ${available.join(', ')})`);
    }
    const onProgress = ctx.json ? undefined : (p: Progress) => ctx.io.err(progressLine(p));
    // --time-limit is for the whole command: each search gets what is left of it
    const deadline = timeLimit === undefined ? undefined : performance.now() + timeLimit * 1000;
    const caps = () => ({
      ...(maxSchedules !== undefined ? { maxSchedules } : {}),
      ...(deadline !== undefined ? { timeLimitMs: Math.max(0, deadline - performance.now()) } : {}),
    });
    const outcomes: Outcome[] = scriptErrors(mm, () =>
      variants.flatMap((variant: Variant) =>
        (asked === undefined ? race.policies(variant.spec) : [String(asked)]).map((policy) => {
          const program = race.make(variant.spec, policy);
          const options = { onProgress, ...caps() };
          const cpu0 = process.cpuUsage();
          const result =
            strategy !== 'dfs'
              ? (strategy === 'random' ? mm.exploreRandom : mm.explorePct)(program, { seed, runs, ...options })
              : bound === 'none'
                ? mm.exploreUnbounded(program, { ...options, key: key as (typeof mm.KEY_MODES)[number], ...(shard ? { shard } : {}) })
                : mm.exploreDfs(program, { bound, ...options });
          const cpu = process.cpuUsage(cpu0);
          const cpuMs = (cpu.user + cpu.system) / 1000;
          const trace = result.failure ? mm.replay(program, result.failure.schedule) : undefined;
          const expected = race.failsUnder.includes(policy) ? 'fails' : 'clean';
          // a shard proves nothing alone: its verdict is the merge's
          const verdict = !shard && (result.failure !== null || (result.complete && strategy === 'dfs'));
          const searched = result.failure !== null || result.complete;
          // random and pct may miss a failure: only finding one where none is expected contradicts the race
          // (a shard's clean part proves nothing alone; a failure it finds where none is expected does)
          const contradicts = searched && (result.failure !== null ? expected === 'clean' : expected === 'fails' && strategy === 'dfs' && !shard);
          const replay = result.failure ? `mmsim replay ${arg} ${result.failure.schedule} --policy ${policy} --arch ${variant.id} --kernel ${variant.era}` : undefined;
          return { variant: variant.key, policy, result, cpuMs, trace, expected, verdict, searched, contradicts, replay } satisfies Outcome;
        }),
      ),
    );
    const complete = outcomes.every((x) => x.result.complete);
    if (ctx.json) {
      const stoppedBy = outcomes.find((x) => x.result.stoppedBy)?.result.stoppedBy;
      const results = (variant: string) =>
        outcomes
          .filter((x) => x.variant === variant)
          .map((x) => ({ policy: x.policy, expected: x.expected, cpuMs: Math.round(x.cpuMs), ...x.result, ...(x.replay ? { replay: x.replay, trace: x.trace } : {}) }));
      const keys = [...new Set(outcomes.map((x) => x.variant))];
      ctx.io.out(
        `${jsonDocument({
          command: 'explore',
          race: race.name,
          ...(keys.length === 1 ? { variant: keys[0] } : { variants: keys }),
          strategy,
          ...(strategy === 'dfs' ? { bound } : {}),
          ...(bound === 'none' && strategy === 'dfs' ? { key } : {}),
          ...(shard ? { shard } : {}),
          ...(maxSchedules !== undefined ? { maxSchedules } : {}),
          ...(timeLimit !== undefined ? { timeLimitSeconds: timeLimit } : {}),
          complete,
          ...(stoppedBy ? { stoppedBy } : {}),
          cpuMs: Math.round(outcomes.reduce((s, x) => s + x.cpuMs, 0)),
          ...(keys.length === 1 ? { results: results(keys[0]!) } : { runs: keys.map((variant) => ({ variant, results: results(variant) })) }),
        })}\n`,
      );
    } else {
      const { c } = ctx;
      const capText = [maxSchedules !== undefined ? `at most ${maxSchedules} schedules per policy` : '', timeLimit !== undefined ? `${timeLimit} s in all` : ''].filter(Boolean).join(', ');
      const how = strategy === 'dfs' ? (bound === 'none' ? `dfs, no bound (every interleaving; state key: ${key})${shard ? `, shard ${shard.index}/${shard.count}` : ''}` : `dfs, preemption bound ${bound}`) : `${strategy}, seed ${seed}, ${runs} runs`;
      const lines = [c.bold(`== ${race.name}: ${race.summary}`), `   ${race.thread ? `from ${race.thread}; ` : ''}on ${variants.map((v) => v.key).join(', ')}; ${how}${capText ? `; capped: ${capText}` : ''}`, ''];
      for (const x of outcomes) {
        if (variants.length > 1 && x === outcomes.find((y) => y.variant === x.variant)) lines.push(c.bold(`-- ${x.variant}`));
        lines.push(verdictLine(ctx, x, strategy, shard !== undefined));
        if (x.result.failure && x.trace && variants.length === 1) lines.push('', ...[...traceLines(ctx.c, x.trace as Trace), ...stateLines(ctx.c, x.trace as Trace)].map((l) => (l === '' ? '' : `    ${l}`)), '');
        if (!x.result.failure && !x.result.complete) lines.push(`    ${stoppedText(x.result)}`);
      }
      if (variants.length > 1 || bound === 'none') lines.push('', ...summaryTable(ctx, outcomes, strategy, shard !== undefined));
      ctx.print(lines);
    }
    if (outcomes.some((x) => x.contradicts)) return EXIT_FAILED;
    if (outcomes.some((x) => !x.searched)) return EXIT_STOPPED;
    return EXIT_OK;
  },
};

