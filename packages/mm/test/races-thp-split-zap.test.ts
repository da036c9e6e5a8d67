/**
 * The 2021 THP-split-vs-zap race under the explorer, on every 6.18 variant:
 * without TTU_SYNC the unmap walk skips the pte zap_pte_range has cleared
 * and split_huge_page finds the folio still mapped; with it, never.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreDfs, findRace, replay, thpSplitZap } from '../src/index.js';

describe('THP split vs zap', () => {
  for (const spec of [...X86, ...PPC].filter((s) => s.era === '6.18')) {
    test(`${spec.id}@${spec.era}`, () => {
      const r = exploreDfs(thpSplitZap(spec, 'no-TTU_SYNC'), { bound: 3 });
      expect(r.failure?.message).toMatch(/^VM_BUG_ON_FOLIO\(folio_mapped\(folio\)\): pfn 0x[0-9a-f]+ still has mapcount 1 after unmap_folio, but no pte maps it/);
      expect(r.failure!.schedule).toBe('0*2,1*2');
      expect(replay(thpSplitZap(spec, 'no-TTU_SYNC'), r.failure!.schedule).steps.map((s) => s.where)).toEqual([
        'zap_pte_range: pte lock taken',
        'zap_pte_range: ptep_get_and_clear (the pte is none, the mapcount not yet dropped)',
        'page_vma_mapped_walk: the pte is none (read without the lock): skipped',
        'split_huge_page: unmap_folio done; VM_BUG_ON_FOLIO(folio_mapped(folio))',
      ]);
      const fixed = exploreDfs(thpSplitZap(spec, 'TTU_SYNC'), { bound: 64 });
      expect(fixed.failure).toBeNull();
      expect(fixed.exhaustive).toBe(true);
      expect(fixed.schedules).toBeGreaterThan(5);
    });
  }

  test('2.6.21 has no THP: the race offers no policy there', () => {
    expect(findRace('thp-split-zap')!.policies('2.6.21')).toEqual([]);
  });
});
