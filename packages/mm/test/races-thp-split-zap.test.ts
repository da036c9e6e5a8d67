/**
 * The 2021 THP-split-vs-zap race (scenarios/races/thp-split-zap.mmo) on
 * every variant with PMD-mapped THP, through the simulator's own kernel
 * paths: split_huge_page's unmap_folio (huge_memory.ts) against
 * MADV_DONTNEED's zap_pte_range (memory.ts). Without TTU_SYNC the unmap walk
 * skips the pte the zap has cleared but not yet unaccounted, and the split
 * finds the folio still mapped; with it, no schedule within the bound fails.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreDfs, findRace, replay } from '../src/index.js';

const race = findRace('thp-split-zap')!;
const ALL = [...X86, ...PPC];
const THP = ALL.filter((s) => s.huge !== undefined);

describe('THP split vs zap (thp-split-zap.mmo)', () => {
  test('the scenario file: split policies, fails without TTU_SYNC, bound 3', () => {
    expect(race.file).toMatch(/scenarios\/races\/thp-split-zap\.mmo$/);
    expect(race.failsUnder).toEqual(['no-TTU_SYNC']);
    expect(race.bound).toBe(3);
    expect(THP.map((s) => `${s.id}@${s.era}`)).toEqual(['i386@6.18', 'i386-pae@6.18', 'x86_64@6.18', 'ppc64-64k@6.18']);
  });

  for (const spec of THP) {
    test(`${spec.id}@${spec.era}: no-TTU_SYNC fails and replays; TTU_SYNC is clean`, () => {
      expect(race.policies(spec)).toEqual(['no-TTU_SYNC', 'TTU_SYNC']);
      const before = exploreDfs(race.make(spec, 'no-TTU_SYNC'), { bound: race.bound });
      expect(before.failure?.message).toMatch(/^VM_BUG_ON_FOLIO\(folio_mapped\(folio\)\): pfn 0x[0-9a-f]+ still has mapcount 1 after unmap_folio, but no pte maps it/);
      expect(before.failure!.schedule).toBe('0*3,1*2,0*2');
      const again = replay(race.make(spec, 'no-TTU_SYNC'), before.failure!.schedule);
      expect(again.failure).toBe(before.failure!.message);
      expect(again.steps.map((s) => `${s.thread} ${s.action.replace(/0x[0-9a-f]+|#\d+/g, 'N')} ${s.where.replace(/0x[0-9a-f]+/g, 'N')}`)).toEqual([
        '0 step split: split_huge_page A 0',
        '0 lock page lock of pfn N split: split_huge_page: folio_lock',
        '0 lock anon_vma lock of N split: split_huge_page: anon_vma_lock_write; unmap_folio (try_to_migrate)',
        '1 step zap: madvise A 0 1 DONTNEED',
        '1 lock pte lock of N zap: zap_pte_range: pte lock; ptep_get_and_clear',
        '0 step split: page_vma_mapped_walk: reads the pte of N without the pte lock',
        '0 step split: split_huge_page: unmap_folio done; VM_BUG_ON_FOLIO(folio_mapped(folio))',
      ]);
      const t0 = performance.now();
      const after = exploreDfs(race.make(spec, 'TTU_SYNC'), { bound: race.bound });
      const ms = performance.now() - t0;
      expect(after.failure).toBeNull();
      expect(after.exhaustive).toBe(true);
      expect(after.schedules).toBeGreaterThan(10);
      expect(ms).toBeLessThan(10_000);
    });
  }

  test('no THP, no race: 2.6.21 and the 6.18 variants without a huge pmd format offer no policy', () => {
    for (const spec of ALL.filter((s) => s.huge === undefined)) expect(race.policies(spec)).toEqual([]);
  });
});
