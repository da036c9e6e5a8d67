/**
 * The 2011 mremap-vs-rmap_walk race under the explorer, on every variant:
 * with the destination VMA before the source in the anon_vma chain,
 * move_page_tables slips a migration entry past remove_migration_ptes and
 * it is left behind naming the freed page; anon_vma_order_tail, or the
 * anon_vma lock across the move, closes it.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreDfs, exploreRandom, mremapRmap, replay } from '../src/index.js';

describe('mremap vs rmap_walk', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, () => {
      const r = exploreDfs(mremapRmap(spec, 'merge-order'), { bound: 3 });
      expect(r.failure?.message).toMatch(/^left-behind migration entry: the pte at 0x10 names pfn 0x[0-9a-f]+, which migration has freed; a fault there waits in migration_entry_wait for ever$/);
      expect(r.failure!.schedule).toBe('0*3,1*7,0*2,1*3');
      const steps = replay(mremapRmap(spec, 'merge-order'), r.failure!.schedule);
      expect(steps.failure).toBe(r.failure!.message);
      // the walk visits the destination, the entry moves into it, the walk visits the emptied source
      expect(steps.steps.slice(9, 13).map((s) => s.where)).toEqual([
        'remove_migration_ptes: VMA at 0x10: no migration entry at 0x10',
        'mremap: move_ptes 0x40 → 0x10 (migration entry moved)',
        'mremap: moved',
        'remove_migration_ptes: VMA at 0x40: no migration entry at 0x40',
      ]);
      for (const policy of ['order-tail', 'anon-vma-lock'] as const) {
        const ok = exploreDfs(mremapRmap(spec, policy), { bound: 3 });
        expect(ok.failure, policy).toBeNull();
        expect(ok.exhaustive).toBe(true);
        expect(ok.schedules).toBeGreaterThan(20);
      }
    });
  }

  test('unbounded, the fixes hold in every interleaving', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    for (const policy of ['order-tail', 'anon-vma-lock'] as const) expect(exploreDfs(mremapRmap(spec, policy), { bound: 64 }).failure).toBeNull();
  });

  test('random search finds the left-behind entry too', () => {
    const spec = PPC.find((s) => s.id === 'ppc64' && s.era === '2.6.21')!;
    const r = exploreRandom(mremapRmap(spec, 'merge-order'), { seed: 3, runs: 3000 });
    expect(r.failure?.message).toMatch(/^left-behind migration entry/);
    expect(replay(mremapRmap(spec, 'merge-order'), r.failure!.schedule).failure).toBe(r.failure!.message);
  });
});
