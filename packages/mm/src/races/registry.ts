/**
 * The race programs by name, with the policies each compares and the one
 * that carries the fix: what `mmsim explore`, `mmsim replay` and the test
 * runner's races suite iterate over.
 */
import type { VariantSpec } from '@mmsim/core';
import type { Program } from '../explore/program.js';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SCENARIO_DIR } from '../scenarios.js';
import { parseRaceFile, type RaceFile } from './scenario-file.js';
import { raceProgram } from './scenario-program.js';
import { mremapRmap, type MremapPolicy } from './mremap-rmap.js';
import { thpSplitZap, type SplitPolicy } from './thp-split-zap.js';

export interface RaceScenario {
  readonly name: string;
  readonly summary: string;
  /** the kernel thread it comes from */
  readonly thread: string;
  /** policies available on a variant, oldest first; the last is the fixed one (none: the race needs what the variant lacks) */
  policies(spec: VariantSpec): readonly string[];
  /** the scenario file (scenarios/races/NAME.mmo), when the race is one */
  readonly file?: string;
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
 * is read and parsed on first use; a syntax error names line and column.
 */
export function raceFromFile(file: string, name = basename(file).replace(/\.mmo$/, '')): RaceScenario {
  let parsed: RaceFile | undefined;
  const race = (): RaceFile => (parsed ??= parseRaceFile(readFileSync(file, 'utf8'), file));
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
    get bound() {
      return race().bound;
    },
    policies(spec) {
      const r = race();
      if (!r.eras.includes(spec.era)) return [];
      if (r.needs.includes('thp') && !(spec as { huge?: unknown }).huge) return []; // PMD-mapped THP: variants whose spec has a huge pmd layout
      // anon-exclusive (PageAnonExclusive) is 5.19+: not a 2.6.21 rule
      return r.policies.filter((p) => spec.era === '6.18' || p !== 'anon-exclusive');
    },
    make: (spec, policy) => raceProgram(race(), spec, policy),
  };
}

export const RACES: readonly RaceScenario[] = [
  fromFile('fault-invalidate'),
  fromFile('fault-truncate'),
  fromFile('fault-nonlinear-punch'),
  {
    name: 'mremap-rmap',
    summary: 'mremap moving a pte while remove_migration_ptes walks the anon_vma chain destination-first',
    thread: '2011 mremap vs rmap_walk (anon_vma_order_tail; the anon_vma lock around move_page_tables)',
    policies: () => ['merge-order', 'order-tail', 'anon-vma-lock'],
    failsUnder: ['merge-order'],
    bound: 3,
    make: (spec, policy) => mremapRmap(spec, policy as MremapPolicy),
  },
  fromFile('cow-gup-vmsplice'),
  fromFile('cow-gup-device'),
  {
    name: 'thp-split-zap',
    summary: "split_huge_page's unmap skipping a pte zap_pte_range has cleared but not yet unaccounted",
    thread: '2021 THP split vs zap (TTU_SYNC)',
    // THP is 6.18-era only: the kernel had none in 2.6.21
    policies: (spec) => (spec.era === '6.18' ? ['no-TTU_SYNC', 'TTU_SYNC'] : []),
    failsUnder: ['no-TTU_SYNC'],
    bound: 3,
    make: (spec, policy) => thpSplitZap(spec, policy as SplitPolicy),
  },
];

export function findRace(name: string): RaceScenario | undefined {
  return RACES.find((r) => r.name === name);
}
