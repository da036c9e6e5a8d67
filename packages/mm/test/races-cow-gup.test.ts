/**
 * Race 4, COW against GUP (2020), from its scenario files
 * (scenarios/races/cow-gup-*.mmo): from the bare scenario the DFS finds the
 * failing order under the do_wp_page rules that had the bug, replay
 * reproduces it, and under the fixed rule the exhaustive search within the
 * bound finds nothing — on every variant. The ops are the simulator's own
 * fork, pin_user_pages, munmap, exit and write fault.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreDfs, explorePct, exploreRandom, findRace, replay, type Program } from '../src/index.js';
import { ScheduleSyntaxError } from '../src/explore/index.js';

const specs = [...X86, ...PPC];
const vmsplice = findRace('cow-gup-vmsplice')!;
const device = findRace('cow-gup-device')!;

/** The schedule that runs whole threads one after another in `order` (a thread's step count depends on what ran before it). */
function serial(program: Program, order: readonly number[]): string {
  const steps: number[] = [];
  for (const t of order) {
    for (;;) {
      let failed: boolean;
      try {
        failed = replay(program, [...steps, t].join(',')).failure !== null;
      } catch (e) {
        if (e instanceof ScheduleSyntaxError) break; // thread t has finished
        throw e;
      }
      steps.push(t);
      if (failed) return steps.join(',');
    }
  }
  return steps.join(',');
}

describe('cow-gup races (scenario files)', () => {
  for (const spec of specs) {
    const policies = spec.era === '6.18' ? ['mapcount', 'refcount', 'anon-exclusive'] : ['mapcount', 'refcount'];
    test(`${spec.id}@${spec.era}: vmsplice`, () => {
      expect(vmsplice.policies(spec)).toEqual(policies);
      for (const policy of policies) {
        const r = exploreDfs(vmsplice.make(spec, policy), { bound: vmsplice.bound });
        if (policy === 'mapcount') {
          expect(r.failure?.message).toBe("data leak: the child's read-only pin must keep reading what its memory held: pin P reads S2, not S1");
          expect(r.failure!.schedule).toBe('0*2,1*3'); // pin, munmap, then the parent's write fault (entry, pte lock, unlock): no preemption needed
          const again = replay(vmsplice.make(spec, policy), r.failure!.schedule);
          expect(again.failure).toBe(r.failure!.message);
          expect(again.steps.map((s) => s.where)).toEqual([
            'child: @child gup M 0 pin P',
            'child: @child munmap M 0 1',
            'parent: write M 0 S2',
            'parent: handle_pte_fault: pte lock; is the pte the one the fault read?',
            'parent: do_wp_page: the page reused, pte lock dropped',
          ]);
          expect(again.state).toMatch(/^parent M\[0\] pte 0x[0-9a-f]+: present pfn 0x[0-9a-f]+ \(anon, mapcount 1, refcount 2, data S2\)$/m);
        } else {
          expect(r.failure).toBeNull();
          expect(r.exhaustive).toBe(true);
          // the parent's write fault stops at the pte lock (memory.wp.ts): under 'refcount' it copies (two lock rounds), under 'anon-exclusive' it reuses
          expect(r.schedules).toBe(policy === 'refcount' ? 15 : 13);
        }
      }
    });

    test(`${spec.id}@${spec.era}: device pin`, () => {
      for (const policy of policies) {
        const r = exploreDfs(device.make(spec, policy), { bound: device.bound });
        if (policy === 'anon-exclusive') {
          expect(r.failure).toBeNull();
          expect(r.exhaustive).toBe(true);
          expect(r.schedules).toBe(6); // three one-step threads: 3! orders, all clean
        } else {
          expect(r.failure?.message).toMatch(/^lost DMA: the device must write the page the parent maps: pin P holds pfn 0x[0-9a-f]+, but parent maps pfn 0x[0-9a-f]+ at M page 0 and reads B$/);
          expect(replay(device.make(spec, policy), r.failure!.schedule).failure).toBe(r.failure!.message);
        }
      }
      // 'mapcount' fails only when the parent writes before the child exits; 'refcount' in every order
      const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
      const count = (policy: string): number => orders.filter((order) => replay(device.make(spec, policy), serial(device.make(spec, policy), order)).failure !== null).length;
      expect(count('mapcount')).toBe(3);
      expect(count('refcount')).toBe(6);
    });
  }

  test('random and PCT search find the vmsplice leak too, reproducibly', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const r = exploreRandom(vmsplice.make(spec, 'mapcount'), { seed: 7, runs: 200 });
    expect(r.failure).not.toBeNull();
    expect(exploreRandom(vmsplice.make(spec, 'mapcount'), { seed: 7, runs: 200 }).failure).toEqual(r.failure);
    const p = explorePct(vmsplice.make(spec, 'mapcount'), { seed: 7, runs: 200 });
    expect(replay(vmsplice.make(spec, 'mapcount'), p.failure!.schedule).failure).toBe(p.failure!.message);
  });
});
