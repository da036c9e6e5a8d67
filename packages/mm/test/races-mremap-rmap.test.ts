/**
 * The 2011 mremap-vs-rmap_walk race, from its scenario file
 * (scenarios/races/mremap-rmap.mmo), on every x86 variant in both eras: the
 * simulator's own mremap (copy_vma, move_ptes under the pte lock) against
 * its own move_pages migration (try_to_migrate, the copy,
 * remove_migration_ptes, each an rmap walk over the anon_vma chain). With
 * the destination VMA before the source in the chain, the explorer finds
 * move_ptes slipping a migration entry past remove_migration_ptes — it is
 * left behind naming the freed page; anon_vma_order_tail, or the anon_vma
 * lock around move_ptes, closes it. (The powerpc variants: the -ppc file.)
 *
 * Two variants here, one per era, 32- and 64-bit (two more in the -ppc file): the exhaustive searches
 * are most of this package's race-test time, and the test command runs this race on every variant
 * anyway — mmsim-test's races suite (apps/test-runner, its default run in run.test.ts) searches every
 * race under every policy on every variant and fails unless the search finds the bug exactly under
 * merge-order and the schedule replays. Set MMSIM_ALL_VARIANTS=1 to run these checks on all of them.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreRandom, findRace, replay } from '../src/index.js';
import { sample } from './helpers.js';
import { checkRace, LEFT_BEHIND } from './mremap-rmap-race.js';

describe('mremap vs rmap_walk (scenario file)', () => {
  for (const spec of sample(X86, ['i386@2.6.21', 'x86_64@6.18'])) test(`${spec.id}@${spec.era}`, () => checkRace(spec), 60_000);

  test('random search finds the left-behind entry too, and replay reproduces it', () => {
    const race = findRace('mremap-rmap')!;
    const spec = PPC.find((s) => s.id === 'ppc64' && s.era === '2.6.21')!;
    const r = exploreRandom(race.make(spec, 'merge-order'), { seed: 3, runs: 3000 });
    expect(r.failure?.message).toMatch(LEFT_BEHIND);
    expect(replay(race.make(spec, 'merge-order'), r.failure!.schedule).failure).toBe(r.failure!.message);
  });
});
