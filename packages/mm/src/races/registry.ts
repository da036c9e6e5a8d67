/**
 * The race programs by name, with the policies each compares and the one
 * that carries the fix: what `mmsim explore`, `mmsim replay` and the test
 * runner's races suite iterate over.
 */
import type { VariantSpec } from '@mmsim/core';
import type { Program } from '../explore/program.js';
import { basename, join } from 'node:path';
import { SCENARIO_DIR } from '../scenarios.js';
import { parseRaceFile, type RaceFile } from './scenario-file.js';
import { raceProgram } from './scenario-program.js';
import { policyInEra } from '../model/policies.js';
import { readScriptFile, ScriptFileError } from '../script/read-file.js';

export interface RaceScenario {
  readonly name: string;
  readonly summary: string;
  /** the kernel thread it comes from */
  readonly thread: string;
  /** policies available on a variant, oldest first; the last is the fixed one (none: the race needs what the variant lacks) */
  policies(spec: VariantSpec): readonly string[];
  /** the scenario file (scenarios/races/NAME.mmo), when the race is one */
  readonly file?: string;
  /** the eras the file's `era` line names (default both), what a variant must have (`needs`), every policy it names */
  readonly eras: readonly string[];
  readonly needs: readonly string[];
  readonly allPolicies: readonly string[];
  /** policies whose exhaustive search must find a failure */
  readonly failsUnder: readonly string[];
  /** the preemption bound the acceptance search uses */
  readonly bound: number;
  make(spec: VariantSpec, policy: string): Program;
}

/** The directory of the race scenario files. */
export const RACE_DIR: string = join(SCENARIO_DIR, 'races');

/** A shipped scenario file as a registry entry. */
function fromFile(name: string): RaceScenario {
  return raceFromFile(join(RACE_DIR, `${name}.mmo`), name);
}

/**
 * Any race scenario file as a registry entry (`mmsim explore PATH`): its
 * policies by era, and only on variants that have what it needs. The file
 * is read (at most MAX_SCRIPT_BYTES: read-file.ts) and parsed on first
 * use; a syntax error names line and column, a file that cannot be read
 * (missing, a directory, too big) is a ScriptFileError — both
 * MmoSyntaxErrors; a caller may name the file as the user gave it, with the
 * error's `reason`.
 */
export function raceFromFile(file: string, name = basename(file).replace(/\.mmo$/, '')): RaceScenario {
  let parsed: RaceFile | undefined;
  const race = (): RaceFile => (parsed ??= parseRaceFile(readScriptFile(file), file));
  return {
    name,
    file,
    get summary() {
      return race().summary;
    },
    get thread() {
      return race().source;
    },
    get failsUnder() {
      return race().failsUnder;
    },
    get eras() {
      return race().eras;
    },
    get needs() {
      return race().needs;
    },
    get allPolicies() {
      return race().policies;
    },
    get bound() {
      return race().bound;
    },
    policies(spec) {
      const r = race();
      if (!r.eras.includes(spec.era)) return [];
      if (r.needs.includes('thp') && !spec.huge) return []; // PMD-mapped THP: variants whose spec has a huge pmd layout
      return r.policies.filter((p) => policyInEra(p, spec.era));
    },
    make: (spec, policy) => raceProgram(race(), spec, policy),
  };
}

export const RACES: readonly RaceScenario[] = [
  fromFile('fault-invalidate'),
  fromFile('fault-truncate'),
  fromFile('fault-nonlinear-punch'),
  fromFile('mremap-rmap'),
  fromFile('cow-gup-vmsplice'),
  fromFile('cow-gup-device'),
  fromFile('thp-split-zap'),
  fromFile('vma-is-anonymous'),
];

export function findRace(name: string): RaceScenario | undefined {
  return RACES.find((r) => r.name === name);
}
