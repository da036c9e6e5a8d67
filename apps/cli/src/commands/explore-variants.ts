/**
 * Which variants `mmsim explore` runs a race on. Without --kernel the race
 * file decides: its `era` line (default both eras), and of those the
 * oldest era in which every policy it names exists — a 2007 race runs on
 * 2.6.21, a race whose fix is PageAnonExclusive on 6.18 — whatever --arch
 * names. Without --arch the
 * simulator's default arch; `--arch all` (or a list) runs every variant
 * named that the race applies to (its eras, and `needs thp`: a huge pmd
 * layout). A variant the race does not apply to is refused with the
 * race's own reason.
 */
import type { Variant } from '@mmsim/core';
import { simulatorVariants, type RunContext } from '../command.js';
import { UsageError } from '../errors.js';
import { configNames, resolveSelection } from '../select.js';

const strings = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : []);

/** The part of a race entry the choice reads (@mmsim/mm RaceScenario). */
export interface RaceLike {
  readonly name: string;
  policies(spec: Variant['spec']): readonly string[];
  /** the eras the file's `era` line names, and its `needs` */
  readonly eras: readonly string[];
  readonly needs: readonly string[];
  /** every policy the file names */
  readonly allPolicies: readonly string[];
}

/** Why a race does not apply to a variant, in the race file's terms. */
export function notApplicable(race: RaceLike, v: Variant): string {
  if (!race.eras.includes(v.era)) return `${race.name} does not apply to ${v.key}: its race file names era ${race.eras.join(' and ')} (give --kernel ${race.eras[0]}, or leave --kernel out)`;
  if (race.needs.includes('thp') && !v.spec.huge) return `${race.name} does not apply to ${v.key}: it needs thp, and ${v.key} has no huge pmd layout (try --arch all to run every variant that has one)`;
  return `${race.name} does not apply to ${v.key}: none of its policies (${race.allPolicies.join(', ')}) exists in ${v.era}`;
}

/** The era the race runs in when --kernel is not given: the oldest of its eras with every policy it names. */
export function defaultEra(race: RaceLike, variants: readonly Variant[]): string | undefined {
  const eras = [...race.eras].sort((a, b) => (a === b ? 0 : a === '2.6.21' ? -1 : 1));
  for (const era of eras) {
    const v = variants.find((x) => x.era === era && race.policies(x.spec).length > 0);
    if (v && race.allPolicies.every((p) => race.policies(v.spec).includes(p))) return era;
  }
  return eras.find((era) => variants.some((x) => x.era === era && race.policies(x.spec).length > 0));
}

/**
 * The variants to run. explore's default --kernel is every era (cli.ts
 * applies defaultEras before the command runs), so "no --kernel" is seen
 * here as the option missing.
 */
export function exploreVariants(ctx: RunContext, race: RaceLike): Variant[] {
  const all = simulatorVariants(ctx);
  const kernelGiven = ctx.values['kernel'] !== undefined;
  let chosen = all;
  if (!kernelGiven) {
    const era = defaultEra(race, all);
    chosen = all.filter((v) => v.era === era);
    // each --config must exist in the era the race chose, as cli.ts checks it for a --kernel given
    if (era === '2.6.21' || era === '6.18') resolveSelection(ctx.backends, { arch: strings(ctx.values['arch']), eras: [era], config: ctx.config, configNames: configNames(strings(ctx.values['config'])) });
  }
  const applicable = chosen.filter((v) => race.policies(v.spec).length > 0);
  if (applicable.length === 0) throw new UsageError(notApplicable(race, chosen[0] ?? all[0]!));
  return applicable;
}
