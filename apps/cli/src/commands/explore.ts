/**
 * `mmsim explore RACE`: search the interleavings of one of the simulator's
 * race programs (@mmsim/mm races) under a policy. (`mmsim replay`, which
 * re-runs a schedule step by step, is commands/replay.ts.)
 */
import { resolve } from 'node:path';
import type { Variant } from '@mmsim/core';
import { simulatorVariants, type CommandSpec, type RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, EXIT_STOPPED, UsageError } from '../errors.js';
import { parseNumber } from '../numbers.js';
import { jsonDocument } from '../render/json.js';
import { quote } from '../text.js';
import { stateLines, traceLines } from '../render/race-trace.js';

/** the simulator's root entry and the explorer's (its caps and error classes), loaded lazily as one namespace */
type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/explore');
type Race = Mm['RACES'][number];
type Result = ReturnType<Mm['exploreDfs']>;
type Progress = Parameters<NonNullable<Parameters<Mm['exploreDfs']>[1]>['onProgress'] & {}>[0];

/** A whole-number option in any of the CLI's number forms (hex too), from `min` to `max`. */
function intOption(ctx: RunContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.values[name];
  if (typeof raw !== 'string') return fallback;
  return Number(parseNumber(raw, `--${name}`, BigInt(min), BigInt(max)));
}

/** `1h02m`, `3m20s`, `12s`, `0.4s` */
function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  if (whole < 60) return `${whole}s`;
  const m = Math.floor(whole / 60);
  if (m < 60) return `${m}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The stderr progress line: what ran, how fast, how far the search is, and the time left where it can be told. */
function progressLine(p: Progress): string {
  const parts = [`${p.schedules} schedules, ${p.states} steps, ${Math.round((p.schedules * 1000) / p.elapsedMs)} schedules/s`];
  if (p.bound !== undefined) {
    const of = p.targetBound !== undefined ? `bound ${p.bound} of ${p.targetBound}` : `bound ${p.bound}`;
    parts.push(p.fraction !== undefined ? `${of}, ~${(p.fraction * 100).toFixed(1)}% of its tree (by branch)` : of);
  } else if (p.fraction !== undefined) {
    parts.push(`${(p.fraction * 100).toFixed(1)}% of the runs`);
  }
  if (p.etaMs !== undefined) parts.push(`~${duration(p.etaMs)} left${p.endsBy && p.endsBy !== 'search' ? ` (--${p.endsBy})` : ''}`);
  return `  … ${parts.join('; ')}\n`;
}

/** How far a search a cap stopped got: `stopped by --max-schedules: bounds 0–1 complete, in bound 2 of 3` */
function stoppedText(r: Result): string {
  const parts = [`stopped by --${r.stoppedBy} before a verdict`];
  if (r.boundReached !== undefined && r.bound !== undefined) {
    const done = r.boundCompleted === undefined || r.boundCompleted < 0 ? 'no bound complete' : r.boundCompleted === 0 ? 'bound 0 complete' : `bounds 0–${r.boundCompleted} complete`;
    parts.push(`${done}, ${r.boundCompleted === r.boundReached ? 'stopped before' : 'stopped in'} bound ${r.boundCompleted === r.boundReached ? r.boundReached + 1 : r.boundReached} of ${r.bound}`);
  }
  return parts.join('; ');
}

/** How the replay line names the race: by name, or by the path the user gave (quoted for a POSIX shell where needed). */
function raceArg(name: string, isFile: boolean): string {
  if (!isFile || /^[\w./@:=,+-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

export async function pick(ctx: RunContext, verb: string): Promise<{ mm: Mm; race: Race; variant: Variant; policies: string[]; arg: string }> {
  const mm: Mm = { ...(await import('@mmsim/mm')), ...(await import('@mmsim/mm/explore')) };
  const name = ctx.positionals[0];
  const names = mm.RACES.map((r) => r.name).join(', ');
  if (!name) throw new UsageError(`${verb} needs a RACE (one of: ${names}) or a race scenario file`);
  const isFile = /[\\/]|\.mmo$/.test(name);
  const race = isFile ? fromFile(mm, resolve(ctx.cwd, name), name) : mm.findRace(name);
  if (!race) throw new UsageError(`unknown race ${quote(name)} (valid: ${names}, or a path to a race scenario .mmo)`);
  const variants = simulatorVariants(ctx);
  if (variants.length !== 1) throw new UsageError(`${verb} runs on one variant; --arch named ${variants.length} (${variants.map((v) => v.key).join(', ')})`);
  const variant = variants[0]!;
  const available = [...race.policies(variant.spec)];
  if (available.length === 0) throw new UsageError(`${race.name} does not apply to ${variant.key}: it needs what that variant lacks (THP is 6.18-only; try --kernel 6.18 --arch x86_64)`);
  const asked = ctx.values['policy'];
  const policies = asked === undefined ? available : [String(asked)];
  for (const p of policies) if (!available.includes(p)) throw new UsageError(`--policy ${quote(p)}: not a policy of ${race.name} in ${variant.era} (valid: ${available.join(', ')})`);
  return { mm, race, variant, policies, arg: raceArg(name, isFile) };
}

/** A race scenario given as a path: read and parsed now, so a bad file is a one-line usage error. */
function fromFile(mm: Mm, path: string, given: string): Race {
  try {
    const race = mm.raceFromFile(path);
    void race.summary;
    return race;
  } catch (error) {
    // a file that cannot be read (missing, a directory, too big): named as the user gave it
    if (error instanceof mm.ScriptFileError) throw new UsageError(`race scenario ${quote(given)}: ${error.reason}`);
    // the reader's own errors (syntax, a setup that cannot run) name the file and line
    if (error instanceof mm.MmoSyntaxError || error instanceof mm.ProgramError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Run a search or replay. A scenario that is wrong in itself (a bad op, a
 * setup step that fails, too many threads) is bad input: one line, exit 2;
 * so is a setup that needs more frames than the race machine has, should
 * the simulator let one through rather than answer ENOMEM.
 */
export function scriptErrors<T>(mm: Mm, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof mm.ProgramError || error instanceof mm.MmoSyntaxError || error instanceof mm.ScheduleSyntaxError) throw new UsageError(error.message);
    if (error instanceof mm.OutOfFramesError) throw new UsageError(`the race machine ran out of simulated frames: ${error.message}`);
    throw error;
  }
}

export const exploreCommand: CommandSpec = {
  name: 'explore',
  summary: 'search the interleavings of a race program for a failing schedule, per policy',
  usage: 'explore RACE|FILE.mmo',
  options: {
    policy: { type: 'string', value: 'NAME', help: 'one policy (default: every policy of the race, oldest first)' },
    strategy: { type: 'string', value: 'dfs|random|pct', help: 'search strategy (default dfs: exhaustive within --bound)' },
    bound: { type: 'string', value: 'N', help: 'preemption bound for dfs, 0–64 (default: the race\'s)' },
    seed: { type: 'string', value: 'N', help: 'seed for random and pct, 0–0xffffffff (default 1)' },
    runs: { type: 'string', value: 'N', help: 'schedules for random and pct, 1–1000000000 (default 1000)' },
    'max-schedules': { type: 'string', value: 'N', help: 'stop each policy\'s search after N schedules, 1–2^53−1 (a partial result, exit 4)' },
    'time-limit': { type: 'string', value: 'SECONDS', help: 'stop searching after this many seconds in all, 0–1000000000 (a partial result, exit 4)' },
  },
  maxPositionals: 1,
  defaultEras: ['6.18'],
  details: [
    'Races: run `mmsim explore` with no RACE for the list; the shipped scenarios are packages/mm/scenarios/races/*.mmo, and any such file may be given by path. A failing schedule prints with the `mmsim replay` line that re-runs it.',
    'Caps: --max-schedules and --time-limit stop a search (any strategy) with a partial result that says how far it got (schedules, steps,',
    'distinct states, and for dfs the bounds finished: with a cap, dfs deepens the bound one preemption at a time, so every bound it finished',
    'is proved). --json: "complete": false, "stoppedBy": "max-schedules" or "time-limit". Progress goes to stderr about once a second.',
    'Exit status: 0 every policy behaved as the race says; 1 one did not (a failure where none was expected, or none found where one was,',
    'in an exhaustive search), even if another search was stopped by a cap; 4 a cap stopped a search before a verdict; 2 bad input.',
  ],
  async run(ctx: RunContext): Promise<number> {
    const { mm, race, variant, policies, arg } = await pick(ctx, 'explore');
    const strategy = String(ctx.values['strategy'] ?? 'dfs');
    if (!['dfs', 'random', 'pct'].includes(strategy)) throw new UsageError(`--strategy ${quote(strategy)}: expected dfs, random or pct`);
    const bound = intOption(ctx, 'bound', race.bound, 0, 64);
    const seed = intOption(ctx, 'seed', 1, 0, 0xffffffff);
    const runs = intOption(ctx, 'runs', 1000, 1, 1e9);
    const maxSchedules = ctx.values['max-schedules'] === undefined ? undefined : intOption(ctx, 'max-schedules', 0, 1, mm.MAX_SCHEDULES_CAP);
    const timeLimit = ctx.values['time-limit'] === undefined ? undefined : intOption(ctx, 'time-limit', 0, 0, mm.MAX_TIME_LIMIT_MS / 1000);
    const onProgress = ctx.json ? undefined : (p: Progress) => ctx.io.err(progressLine(p));
    // --time-limit is for the whole command: each policy's search gets what is left of it
    const deadline = timeLimit === undefined ? undefined : performance.now() + timeLimit * 1000;
    const caps = () => ({
      ...(maxSchedules !== undefined ? { maxSchedules } : {}),
      ...(deadline !== undefined ? { timeLimitMs: Math.max(0, deadline - performance.now()) } : {}),
    });
    const results = scriptErrors(mm, () =>
      policies.map((policy) => {
        const program = race.make(variant.spec, policy);
        const options = { onProgress, ...caps() };
        const r: Result =
          strategy === 'dfs'
            ? mm.exploreDfs(program, { bound, ...options })
            : strategy === 'random'
              ? mm.exploreRandom(program, { seed, runs, ...options })
              : mm.explorePct(program, { seed, runs, ...options });
        // the readable trace of the minimal failing schedule: what each thread did, and the state at the failing step
        const trace = r.failure ? mm.replay(program, r.failure.schedule) : undefined; // a Program instantiates a fresh machine per run
        const expected = race.failsUnder.includes(policy) ? 'fails' : 'clean';
        // a verdict: a failure, or a search that ran to its end; a cap that stopped it before either leaves none
        const verdict = r.failure !== null || r.complete;
        // random and pct may miss a failure: only finding one where none is expected contradicts the race
        const contradicts = verdict && (r.failure !== null) !== (expected === 'fails') && !(strategy !== 'dfs' && expected === 'fails');
        return { policy, result: r, trace, expected, verdict, contradicts };
      }),
    );
    const complete = results.every((x) => x.result.complete);
    const replayLine = (policy: string, schedule: string) => `mmsim replay ${arg} ${schedule} --policy ${policy} --arch ${variant.id} --kernel ${variant.era}`;
    if (ctx.json) {
      const stoppedBy = results.find((x) => x.result.stoppedBy)?.result.stoppedBy;
      ctx.io.out(
        `${jsonDocument({
          command: 'explore',
          race: race.name,
          variant: variant.key,
          strategy,
          ...(maxSchedules !== undefined ? { maxSchedules } : {}),
          ...(timeLimit !== undefined ? { timeLimitSeconds: timeLimit } : {}),
          complete,
          ...(stoppedBy ? { stoppedBy } : {}),
          results: results.map((x) => ({ policy: x.policy, ...x.result, ...(x.result.failure ? { replay: replayLine(x.policy, x.result.failure.schedule), trace: x.trace } : {}) })),
        })}\n`,
      );
    } else {
      const { c } = ctx;
      const capText = [maxSchedules !== undefined ? `at most ${maxSchedules} schedules per policy` : '', timeLimit !== undefined ? `${timeLimit} s in all` : ''].filter(Boolean).join(', ');
      const lines = [
        c.bold(`== ${race.name}: ${race.summary}`),
        `   ${race.thread ? `from ${race.thread}; ` : ''}on ${variant.key}; ${strategy}${strategy === 'dfs' ? `, preemption bound ${bound}` : `, seed ${seed}, ${runs} runs`}${capText ? `; capped: ${capText}` : ''}`,
        '',
      ];
      for (const { policy, result: r, trace } of results) {
        const stats = `${r.schedules} schedules, ${r.states} steps${r.distinctStates !== undefined ? `, ${r.distinctStates} distinct states` : ''}, ${r.elapsedMs.toFixed(1)} ms`;
        if (r.failure) {
          lines.push(`${c.red('✗')} ${c.bold(policy)}: ${r.failure.message}`, `    schedule ${r.failure.schedule} (${r.failure.steps} steps, ${r.failure.preemptions} preemptions); ${stats}`, `    ${replayLine(policy, r.failure.schedule)}`);
          if (trace) lines.push('', ...[...traceLines(c, trace), ...stateLines(c, trace)].map((l) => (l === '' ? '' : `    ${l}`)), '');
        } else if (!r.complete) {
          lines.push(`${c.yellow('…')} ${c.bold(policy)}: no failing schedule so far, ${stoppedText(r)}; ${stats}`);
        } else {
          lines.push(`${c.green('✓')} ${c.bold(policy)}: no failing schedule${r.exhaustive ? ' (exhaustive within the bound)' : ''}; ${stats}`);
        }
      }
      ctx.print(lines);
    }
    // 1 when a policy behaves otherwise than the race says, whatever a cap did elsewhere; 4 when a cap left a policy without a verdict
    if (results.some((x) => x.contradicts)) return EXIT_FAILED;
    if (results.some((x) => !x.verdict)) return EXIT_STOPPED;
    return EXIT_OK;
  },
};
