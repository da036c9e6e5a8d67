/**
 * What `mmsim explore` (explore-command.ts) and `mmsim replay` (replay.ts)
 * share: the simulator loaded lazily, naming a race (a shipped one or a
 * scenario file), choosing its variant, and reporting a scenario that is
 * wrong in itself as bad input.
 */
import { resolve } from 'node:path';
import type { Variant } from '@mmsim/core';
import type { RunContext } from '../command.js';
import { UsageError } from '../errors.js';
import { quote } from '../text.js';
import { exploreVariants, notApplicable } from './explore-variants.js';

/** the simulator's root entry and the explorer's (its caps and error classes), loaded lazily as one namespace */
export type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/explore');
export type Race = Mm['RACES'][number];

export async function loadMm(): Promise<Mm> {
  return { ...(await import('@mmsim/mm')), ...(await import('@mmsim/mm/explore')) };
}

/** How the replay line names the race: by name, or by the path the user gave (quoted for a POSIX shell where needed). */
export function raceArg(name: string, isFile: boolean): string {
  if (!isFile || /^[\w./@:=,+-]+$/.test(name)) return name;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

/** The race the first positional names: a shipped name or a scenario file (read and parsed now: a bad file is one line, exit 2). */
export function findRace(mm: Mm, ctx: RunContext, verb: string): { race: Race; arg: string } {
  const name = ctx.positionals[0];
  const names = mm.RACES.map((r) => r.name).join(', ');
  if (!name) throw new UsageError(`${verb} needs a RACE (one of: ${names}) or a race scenario file`);
  const isFile = /[\\/]|\.mmo$/.test(name);
  if (!isFile) {
    const race = mm.findRace(name);
    if (!race) throw new UsageError(`unknown race ${quote(name)} (valid: ${names}, or a path to a race scenario .mmo)`);
    return { race, arg: name };
  }
  try {
    const race = mm.raceFromFile(resolve(ctx.cwd, name));
    void race.summary;
    return { race, arg: raceArg(name, true) };
  } catch (error) {
    // a file that cannot be read (missing, a directory, too big): named as the user gave it
    if (error instanceof mm.ScriptFileError) throw new UsageError(`race scenario ${quote(name)}: ${error.reason}`);
    // the reader's own errors (syntax, a setup that cannot run) name the file and line
    if (error instanceof mm.MmoSyntaxError || error instanceof mm.ProgramError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The race, its one variant and the policies to run (`replay`): without
 * --kernel the race file's era, as explore chooses it (explore-variants.ts).
 */
export async function pick(ctx: RunContext, verb: string): Promise<{ mm: Mm; race: Race; variant: Variant; policies: string[]; arg: string }> {
  const mm = await loadMm();
  const { race, arg } = findRace(mm, ctx, verb);
  const variants = exploreVariants(ctx, race);
  if (variants.length !== 1) throw new UsageError(`${verb} runs on one variant; --arch named ${variants.length} (${variants.map((v) => v.key).join(', ')})`);
  const variant = variants[0]!;
  const available = [...race.policies(variant.spec)];
  if (available.length === 0) throw new UsageError(notApplicable(race, variant));
  const asked = ctx.values['policy'];
  const policies = asked === undefined ? available : [String(asked)];
  for (const p of policies) if (!available.includes(p)) throw new UsageError(`--policy ${quote(p)}: not a policy of ${race.name} in ${variant.era} (valid: ${available.join(', ')})`);
  return { mm, race, variant, policies, arg };
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
