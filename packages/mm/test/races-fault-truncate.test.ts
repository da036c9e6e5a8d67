/**
 * The 2007 fault-vs-truncate/invalidate race under the explorer, on every
 * variant: truncate_count (2.6.20) lets a fault map a page that
 * invalidate_inode_pages2 has just dropped from the page cache; the page
 * lock held over ->fault (2.6.23) closes it; against truncate both are sound.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreDfs, exploreRandom, explorePct, faultInvalidate, faultTruncate, replay } from '../src/index.js';

const STALE = /^stale mapping: the pte at 0x1001 maps pfn 0x[0-9a-f]+, which is no longer in F's page cache at index 1: the process reads data the file no longer has$/;

describe('fault vs invalidate / truncate', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, () => {
      const before = exploreDfs(faultInvalidate(spec, 'truncate_count'), { bound: 3 });
      expect(before.failure?.message).toMatch(STALE);
      // the minimal schedule: the fault finds the page, invalidate drops it unmapped, the fault maps it
      expect(before.failure!.schedule).toBe('0*2,1*6,0');
      expect(before.failure!.preemptions).toBe(1);
      const steps = replay(faultInvalidate(spec, 'truncate_count'), before.failure!.schedule);
      expect(steps.failure).toBe(before.failure!.message);
      expect(steps.steps.map((s) => s.where)).toEqual([
        'fault: do_no_page samples truncate_count',
        '->nopage: i_size checked, the cached page found (a reference taken)',
        'invalidate: find the cached page',
        'invalidate: lock_page',
        'invalidate: page not mapped: nothing to unmap',
        'invalidate: pte lock dropped',
        'invalidate: the page leaves the page cache',
        'invalidate: unlock_page',
        'fault: truncate_count unchanged: pte installed',
      ]);
      for (const [program, label] of [
        [faultInvalidate(spec, 'page-lock'), 'invalidate, page lock'],
        [faultTruncate(spec, 'truncate_count'), 'truncate, truncate_count'],
        [faultTruncate(spec, 'page-lock'), 'truncate, page lock'],
      ] as const) {
        const r = exploreDfs(program, { bound: 3 });
        expect(r.failure, label).toBeNull();
        expect(r.exhaustive).toBe(true);
        expect(r.schedules).toBeGreaterThan(10);
      }
    });
  }

  test('every interleaving of the fixed fault against invalidate, unbounded, is clean', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const r = exploreDfs(faultInvalidate(spec, 'page-lock'), { bound: 64, stateCache: false });
    expect(r.failure).toBeNull();
    expect(r.exhaustive).toBe(true);
  });

  // the other form of the same bug: the fault maps the page between invalidate's mapped check and its
  // removal, and the page leaves the cache mapped (2.6.23 made that a BUG_ON; 2.6.20 left the stale pte)
  const BUG = /^(stale mapping: |KernelBug: )?(the pte at 0x1001|BUG_ON\(page_mapped\(page\)\): F index 1)/;
  test('random and PCT find the bug too, in one of its two forms', () => {
    const spec = X86.find((s) => s.id === 'i386' && s.era === '2.6.21')!;
    const r = exploreRandom(faultInvalidate(spec, 'truncate_count'), { seed: 11, runs: 2000 });
    expect(r.failure?.message).toMatch(BUG);
    expect(replay(faultInvalidate(spec, 'truncate_count'), r.failure!.schedule).failure).toBe(r.failure!.message);
    const p = explorePct(faultInvalidate(spec, 'truncate_count'), { seed: 11, runs: 2000, depth: 2 });
    expect(p.failure?.message).toMatch(BUG);
    expect(replay(faultInvalidate(spec, 'truncate_count'), p.failure!.schedule).failure).toBe(p.failure!.message);
  });
});
