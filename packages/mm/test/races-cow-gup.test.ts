/**
 * The COW-vs-GUP race programs under the explorer: from the bare scenario
 * (no schedule written in it) the DFS finds the failing order under the
 * rules that had the bug, replay reproduces it, and under the fixed rule
 * the exhaustive search within the bound finds nothing — on every variant.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { cowGupDevice, cowGupVmsplice, exploreDfs, explorePct, exploreRandom, replay } from '../src/index.js';

const specs = [...X86, ...PPC];

describe('cow-gup races', () => {
  for (const spec of specs) {
    const policies = spec.era === '6.18' ? (['mapcount', 'refcount', 'anon-exclusive'] as const) : (['mapcount', 'refcount'] as const);
    test(`${spec.id}@${spec.era}: vmsplice`, () => {
      for (const policy of policies) {
        const program = cowGupVmsplice(spec, policy);
        const r = exploreDfs(program, { bound: 2 });
        if (policy === 'mapcount') {
          expect(r.failure?.message).toBe("data leak: the child's read-only pin reads S2, which the parent wrote after fork (the child's memory held S1)");
          expect(r.failure!.schedule).toBe('0*2,1'); // pin, munmap, then the parent's write: no preemption needed
          const again = replay(program, r.failure!.schedule);
          expect(again.failure).toBe(r.failure!.message);
          expect(again.steps.map((s) => s.where)).toEqual(['child: vmsplice: pin_user_pages(0x1000, read-only)', 'child: munmap(0x1000)', 'parent: write 0x1000 = S2']);
        } else {
          expect(r.failure).toBeNull();
          expect(r.exhaustive).toBe(true);
          expect(r.schedules).toBeGreaterThanOrEqual(2);
        }
      }
    });

    test(`${spec.id}@${spec.era}: device pin`, () => {
      for (const policy of policies) {
        const program = cowGupDevice(spec, policy);
        const r = exploreDfs(program, { bound: 3, stateCache: false });
        if (policy === 'anon-exclusive') {
          expect(r.failure).toBeNull();
          expect(r.exhaustive).toBe(true);
          expect(r.schedules).toBe(6); // three one-step threads: 3! orders, all clean
        } else {
          expect(r.failure?.message).toMatch(/^lost DMA: the device writes pfn 0x[0-9a-f]+ through its pin, but the parent maps pfn 0x[0-9a-f]+ at 0x1000 and reads B$/);
          expect(replay(program, r.failure!.schedule).failure).toBe(r.failure!.message);
        }
      }
      // 'mapcount' fails only when the parent writes before the child exits; 'refcount' in every order
      const count = (policy: 'mapcount' | 'refcount') => {
        let bad = 0;
        for (const s of ['0,1,2', '0,2,1', '1,0,2', '1,2,0', '2,0,1', '2,1,0']) if (replay(cowGupDevice(spec, policy), s).failure) bad++;
        return bad;
      };
      expect(count('mapcount')).toBe(3);
      expect(count('refcount')).toBe(6);
    });
  }

  test('random and PCT search find the vmsplice leak too, reproducibly', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const r = exploreRandom(cowGupVmsplice(spec, 'mapcount'), { seed: 7, runs: 200 });
    expect(r.failure).not.toBeNull();
    expect(exploreRandom(cowGupVmsplice(spec, 'mapcount'), { seed: 7, runs: 200 }).failure).toEqual(r.failure);
    const p = explorePct(cowGupVmsplice(spec, 'mapcount'), { seed: 7, runs: 200 });
    expect(replay(cowGupVmsplice(spec, 'mapcount'), p.failure!.schedule).failure).toBe(p.failure!.message);
  });
});
