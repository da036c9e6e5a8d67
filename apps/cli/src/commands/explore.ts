/**
 * `mmsim replay RACE SCHEDULE`: re-run a schedule of one of the
 * simulator's race programs (@mmsim/mm races) step by step. (`mmsim
 * explore` lives in explore-command.ts.)
 */
import { resolve } from 'node:path';
import type { Variant } from '@mmsim/core';
import { simulatorVariants, type CommandSpec, type RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, EXIT_STOPPED, UsageError } from '../errors.js';
import { parseNumber } from '../numbers.js';
import { jsonDocument } from '../render/json.js';
import { quote } from '../text.js';

/** the simulator's root entry and the explorer's (its caps and error classes), loaded lazily as one namespace */
type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/explore');
type Race = Mm['RACES'][number];
type Result = ReturnType<Mm['exploreDfs']>;
type Progress = Parameters<NonNullable<Parameters<Mm['exploreDfs']>[1]>['onProgress'] & {}>[0];

/** How the replay line names the race: by name, or by the path the user gave (quoted for a POSIX shell where needed). */
function raceArg(name: string, isFile: boolean): string {
  if (!isFile || /^[\w./@:=,+-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

async function pick(ctx: RunContext, verb: string): Promise<{ mm: Mm; race: Race; variant: Variant; policies: string[]; arg: string }> {
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
function scriptErrors<T>(mm: Mm, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof mm.ProgramError || error instanceof mm.MmoSyntaxError || error instanceof mm.ScheduleSyntaxError) throw new UsageError(error.message);
    if (error instanceof mm.OutOfFramesError) throw new UsageError(`the race machine ran out of simulated frames: ${error.message}`);
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
