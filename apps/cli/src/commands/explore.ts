/**
 * `mmsim explore RACE` and `mmsim replay RACE SCHEDULE`: search the
 * interleavings of one of the simulator's race programs (@mmsim/mm races)
 * under a policy, and re-run a schedule step by step.
 */
import { resolve } from 'node:path';
import type { Variant } from '@mmsim/core';
import { simulatorVariants, type CommandSpec, type RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { jsonDocument } from '../render/json.js';

type Mm = typeof import('@mmsim/mm');
type Race = Mm['RACES'][number];

function intOption(ctx: RunContext, name: string, fallback: number, min: number, max: number): number {
  const raw = ctx.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < min || n > max) throw new UsageError(`--${name} ${String(raw)}: expected an integer from ${min} to ${max}`);
  return n;
}

/** How the replay line names the race: by name, or by the path the user gave (quoted for a POSIX shell where needed). */
function raceArg(name: string, isFile: boolean): string {
  if (!isFile || /^[\w./@:=,+-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

async function pick(ctx: RunContext, verb: string): Promise<{ mm: Mm; race: Race; variant: Variant; policies: string[]; arg: string }> {
  const mm: Mm = await import('@mmsim/mm');
  const name = ctx.positionals[0];
  const names = mm.RACES.map((r) => r.name).join(', ');
  if (!name) throw new UsageError(`${verb} needs a RACE (one of: ${names}) or a race scenario file`);
  const isFile = /[\\/]|\.mmo$/.test(name);
  const race = isFile ? fromFile(mm, resolve(ctx.cwd, name), name) : mm.findRace(name);
  if (!race) throw new UsageError(`unknown race '${name}' (valid: ${names}, or a path to a race scenario .mmo)`);
  const variants = simulatorVariants(ctx);
  if (variants.length !== 1) throw new UsageError(`${verb} runs on one variant; --arch named ${variants.length} (${variants.map((v) => v.key).join(', ')})`);
  const variant = variants[0]!;
  const available = [...race.policies(variant.spec)];
  if (available.length === 0) throw new UsageError(`${race.name} does not apply to ${variant.key}: it needs what that variant lacks (THP is 6.18-only; try --kernel 6.18 --arch x86_64)`);
  const asked = ctx.values['policy'];
  const policies = asked === undefined ? available : [String(asked)];
  for (const p of policies) if (!available.includes(p)) throw new UsageError(`--policy ${p}: not a policy of ${race.name} in ${variant.era} (valid: ${available.join(', ')})`);
  return { mm, race, variant, policies, arg: raceArg(name, isFile) };
}

/** A race scenario given as a path: read and parsed now, so a bad file is a one-line usage error. */
function fromFile(mm: Mm, path: string, given: string): Race {
  const race = mm.raceFromFile(path);
  try {
    void race.summary;
  } catch (error) {
    if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`race scenario '${given}': no such file`);
    throw error;
  }
  return race;
}

/** Run a search or replay; a scenario that is wrong in itself (a bad op, a setup step that fails) is bad input: one line, exit 2. */
function scriptErrors<T>(mm: Mm, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof mm.ProgramError || error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
    throw error;
  }
}

/** A replay's steps, one line each: thread, preemption, the lock taken or dropped, what the kernel path did. */
function traceLines(ctx: RunContext, r: ReturnType<Mm['replay']>): string[] {
  const { c } = ctx;
  return r.steps.map((s) => `${String(s.step).padStart(3)}  T${s.thread}${s.preemption ? c.yellow(' (preempts)') : ''}  ${s.action === 'step' ? '' : c.dim(`[${s.action}] `)}${s.where}`);
}

/** The state a replay ended in, under a heading. */
function stateLines(ctx: RunContext, r: ReturnType<Mm['replay']>): string[] {
  return r.state === undefined ? [] : ['', ctx.c.bold(r.failure ? 'state at the failing step:' : 'state after the last step:'), ...r.state.split('\n').map((l) => `  ${l}`)];
}

export const exploreCommand: CommandSpec = {
  name: 'explore',
  summary: 'search the interleavings of a race program for a failing schedule, per policy',
  usage: 'explore RACE|FILE.mmo',
  options: {
    policy: { type: 'string', value: 'NAME', help: 'one policy (default: every policy of the race, oldest first)' },
    strategy: { type: 'string', value: 'dfs|random|pct', help: 'search strategy (default dfs: exhaustive within --bound)' },
    bound: { type: 'string', value: 'N', help: 'preemption bound for dfs (default: the race\'s)' },
    seed: { type: 'string', value: 'N', help: 'seed for random and pct (default 1)' },
    runs: { type: 'string', value: 'N', help: 'schedules for random and pct (default 1000)' },
  },
  maxPositionals: 1,
  defaultEras: ['6.18'],
  details: ['Races: run `mmsim explore` with no RACE for the list; the shipped scenarios are packages/mm/scenarios/races/*.mmo, and any such file may be given by path. A failing schedule prints with the `mmsim replay` line that re-runs it.'],
  async run(ctx: RunContext): Promise<number> {
    const { mm, race, variant, policies, arg } = await pick(ctx, 'explore');
    const strategy = String(ctx.values['strategy'] ?? 'dfs');
    if (!['dfs', 'random', 'pct'].includes(strategy)) throw new UsageError(`--strategy ${strategy}: expected dfs, random or pct`);
    const bound = intOption(ctx, 'bound', race.bound, 0, 64);
    const seed = intOption(ctx, 'seed', 1, 0, 0xffffffff);
    const runs = intOption(ctx, 'runs', 1000, 1, 1e9);
    const onProgress = ctx.json
      ? undefined
      : (p: { schedules: number; states: number; elapsedMs: number }) => ctx.io.err(`  … ${p.schedules} schedules, ${p.states} steps, ${Math.round((p.schedules * 1000) / p.elapsedMs)} schedules/s\n`);
    const results = scriptErrors(mm, () => policies.map((policy) => {
      const program = race.make(variant.spec, policy);
      const r = strategy === 'dfs' ? mm.exploreDfs(program, { bound, onProgress }) : strategy === 'random' ? mm.exploreRandom(program, { seed, runs, onProgress }) : mm.explorePct(program, { seed, runs, onProgress });
      // the readable trace of the minimal failing schedule: what each thread did, and the state at the failing step
      const trace = r.failure ? mm.replay(program, r.failure.schedule) : undefined; // a Program instantiates a fresh machine per run
      return { policy, result: r, trace, expected: race.failsUnder.includes(policy) ? 'fails' : 'clean' };
    }));
    const replayLine = (policy: string, schedule: string) => `mmsim replay ${arg} ${schedule} --policy ${policy} --arch ${variant.id} --kernel ${variant.era}`;
    if (ctx.json) {
      ctx.io.out(`${jsonDocument({ command: 'explore', race: race.name, variant: variant.key, strategy, results: results.map((x) => ({ policy: x.policy, ...x.result, ...(x.result.failure ? { replay: replayLine(x.policy, x.result.failure.schedule), trace: x.trace } : {}) })) })}\n`);
    } else {
      const { c } = ctx;
      const lines = [c.bold(`== ${race.name}: ${race.summary}`), `   ${race.thread ? `from ${race.thread}; ` : ''}on ${variant.key}; ${strategy}${strategy === 'dfs' ? `, preemption bound ${bound}` : `, seed ${seed}, ${runs} runs`}`, ''];
      for (const { policy, result: r, trace } of results) {
        const stats = `${r.schedules} schedules, ${r.states} steps${r.distinctStates !== undefined ? `, ${r.distinctStates} distinct states` : ''}, ${r.elapsedMs.toFixed(1)} ms`;
        if (r.failure) {
          lines.push(`${c.red('✗')} ${c.bold(policy)}: ${r.failure.message}`, `    schedule ${r.failure.schedule} (${r.failure.steps} steps, ${r.failure.preemptions} preemptions); ${stats}`, `    ${replayLine(policy, r.failure.schedule)}`);
          if (trace) lines.push('', ...[...traceLines(ctx, trace), ...stateLines(ctx, trace)].map((l) => (l === '' ? '' : `    ${l}`)), '');
        } else {
          lines.push(`${c.green('✓')} ${c.bold(policy)}: no failing schedule${r.exhaustive ? ' (exhaustive within the bound)' : ''}; ${stats}`);
        }
      }
      ctx.print(lines);
    }
    // exit 1 when a policy behaves otherwise than the race says it does
    return results.every((x) => (x.result.failure !== null) === (x.expected === 'fails') || (strategy !== 'dfs' && x.expected === 'fails')) ? EXIT_OK : EXIT_FAILED;
  },
};

export const replayCommand: CommandSpec = {
  name: 'replay',
  summary: 'run a race program along one schedule, step by step',
  usage: 'replay RACE|FILE.mmo SCHEDULE',
  options: {
    policy: { type: 'string', value: 'NAME', help: 'the policy (default: the race\'s oldest)' },
  },
  maxPositionals: 2,
  defaultEras: ['6.18'],
  details: ['SCHEDULE names the thread of each step, run-length encoded: 0*2,1 runs thread 0 twice, then thread 1.'],
  async run(ctx: RunContext): Promise<number> {
    const { mm, race, variant, policies } = await pick(ctx, 'replay');
    const schedule = ctx.positionals[1];
    if (schedule === undefined) throw new UsageError('replay needs a SCHEDULE (e.g. 0*2,1)');
    const policy = policies[0]!;
    let r;
    try {
      r = scriptErrors(mm, () => mm.replay(race.make(variant.spec, policy), schedule));
    } catch (error) {
      if (error instanceof mm.ScheduleSyntaxError) throw new UsageError(error.message);
      throw error;
    }
    if (ctx.json) {
      ctx.io.out(`${jsonDocument({ command: 'replay', race: race.name, variant: variant.key, policy, schedule, ...r })}\n`);
    } else {
      const { c } = ctx;
      const lines = [c.bold(`== ${race.name} under ${policy} on ${variant.key}: schedule ${schedule}`), ''];
      lines.push(...traceLines(ctx, r));
      lines.push('', r.failure ? c.red(`✗ ${r.failure}`) : r.finished ? c.green('✓ every thread finished; every check held') : 'the schedule ended before every thread finished; every check held so far');
      lines.push(...stateLines(ctx, r));
      ctx.print(lines);
    }
    return r.failure ? EXIT_FAILED : EXIT_OK;
  },
};
