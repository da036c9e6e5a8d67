/**
 * Race 1, the 2007 fault-vs-truncate/invalidate race, from its scenario
 * files (scenarios/races/fault-*.mmo) on every variant: under the
 * truncate_count rule (2.6.20 do_no_page) the explorer finds, with no
 * schedule written in the scenario, the order in which a fault maps a page
 * that invalidate_inode_pages2 has just dropped from the page cache; under
 * the page lock (2.6.23 ->fault) nothing fails within the bound; against
 * truncate both rules are sound. The steps are the simulator's own
 * do_fault and invalidate/truncate paths stopping at their locks.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { explorePct, exploreDfs, exploreRandom, findRace, replay } from '../src/index.js';

const STALE = /^stale-file-pte: pid 1: the pte at 0x[0-9a-f]+ maps pfn 0x[0-9a-f]+, a file page no longer in the page cache \(truncated or invalidated\): the process sees data the file no longer has$/;
const invalidate = findRace('fault-invalidate')!;
const truncate = findRace('fault-truncate')!;
const nonlinear = findRace('fault-nonlinear-punch')!;

describe('fault vs invalidate / truncate (scenario files)', () => {
  test('the scenarios are files with their policies', () => {
    expect(invalidate.file).toMatch(/scenarios[\\/]races[\\/]fault-invalidate\.mmo$/);
    expect(invalidate.failsUnder).toEqual(['truncate_count']);
    expect(truncate.failsUnder).toEqual([]);
    expect(invalidate.bound).toBe(3);
  });

  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, () => {
      expect(invalidate.policies(spec)).toEqual(['truncate_count', 'page-lock']);
      const before = exploreDfs(invalidate.make(spec, 'truncate_count'), { bound: 3 });
      expect(before.failure?.message).toMatch(STALE);
      // the minimal schedule: the fault finds the page, invalidate drops it unmapped, the fault maps it
      expect(before.failure!.schedule).toBe('0*2,1*4,0');
      expect(before.failure!.preemptions).toBe(1);
      const again = replay(invalidate.make(spec, 'truncate_count'), before.failure!.schedule);
      expect(again.failure).toBe(before.failure!.message);
      expect(again.steps.map((s) => `${s.thread} ${s.action.replace(/0x[0-9a-f]+/, 'N')}: ${s.where}`)).toEqual([
        '0 step: fault: read M 1',
        '0 step: fault: do_no_page: truncate_count sampled; ->nopage',
        '1 step: invalidate: invalidate F 1 1',
        '1 lock page lock of pfn N: invalidate: invalidate_inode_pages2: lock_page',
        '1 step: invalidate: invalidate_inode_pages2: the page leaves the page cache',
        '1 unlock page lock of pfn N: invalidate: invalidate_inode_pages2: unlock_page',
        '0 lock pte lock of #1: fault: do_no_page: pte lock; truncate_count re-checked',
      ]);
      // the state at the failing step: the pte maps a page the cache no longer holds (the fault still holds its ->nopage reference)
      expect(again.state).toMatch(/parent M\[1\] pte 0x[0-9a-f]+: present pfn 0x[0-9a-f]+ \(NOT in the page cache, mapcount 1, refcount 2, data F1\)/);
      expect(again.state).toMatch(/file F: i_size \d+, page cache \{0→pfn 0x[0-9a-f]+\}/);
      for (const [race, policy] of [
        [invalidate, 'page-lock'],
        [truncate, 'truncate_count'],
        [truncate, 'page-lock'],
      ] as const) {
        const r = exploreDfs(race.make(spec, policy), { bound: 3 });
        expect(r.failure, `${race.name}/${policy}`).toBeNull();
        expect(r.exhaustive).toBe(true);
        expect(r.schedules).toBeGreaterThan(20);
      }
    });
  }

  describe('the nonlinear half: install_page never reads truncate_count', () => {
    for (const spec of [...X86, ...PPC]) {
      test(`${spec.id}@${spec.era}`, () => {
        if (spec.era === '6.18') {
          // remap_file_pages is emulated with linear VMAs since 4.0: no nonlinear ptes, no scenario
          expect(nonlinear.policies(spec)).toEqual([]);
          return;
        }
        const before = exploreDfs(nonlinear.make(spec, 'truncate_count'), { bound: nonlinear.bound });
        // the punch unmaps, takes the page lock; the nonlinear fault installs (no page lock, no truncate_count); the page leaves the cache mapped
        expect(before.failure?.message).toMatch(/^BUG_ON\(page_mapped\(page\)\): F index 2 \(pfn \d+\) leaves the page cache while 1 pte\(s\) still map it$/);
        expect(before.failure!.schedule).toBe('1*6,0*4,1');
        const again = replay(nonlinear.make(spec, 'truncate_count'), before.failure!.schedule);
        expect(again.failure).toBe(before.failure!.message);
        expect(again.steps.map((s) => s.where).slice(6, 10)).toEqual([
          'fault: read SH 0',
          'fault: filemap_populate: i_size check, filemap_getpage',
          'fault: install_page: pte lock; page->mapping and i_size checked',
          'fault: install_page: pte installed, pte lock dropped',
        ]);
        const after = exploreDfs(nonlinear.make(spec, 'page-lock'), { bound: nonlinear.bound });
        expect(after.failure).toBeNull();
        expect(after.exhaustive).toBe(true);
      });
    }
  });

  test('the page lock is clean with no bound at all, and truncate_count fails at bound 1 but not 0', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '2.6.21')!;
    expect(exploreDfs(invalidate.make(spec, 'page-lock'), { bound: 64 }).failure).toBeNull();
    expect(exploreDfs(invalidate.make(spec, 'truncate_count'), { bound: 0 }).failure).toBeNull();
    expect(exploreDfs(invalidate.make(spec, 'truncate_count'), { bound: 1 }).failure?.message).toMatch(STALE);
  });

  test('random and PCT search find it too, and replay what they find', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    for (const r of [exploreRandom(invalidate.make(spec, 'truncate_count'), { seed: 3, runs: 500 }), explorePct(invalidate.make(spec, 'truncate_count'), { seed: 3, runs: 500 })]) {
      expect(r.failure).not.toBeNull();
      expect(replay(invalidate.make(spec, 'truncate_count'), r.failure!.schedule).failure).toBe(r.failure!.message);
    }
  });

  test('invalidate first: the fault reads the page back in; fault first: invalidate unmaps it under the page lock', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    for (const schedule of ['1*4,0*6', '0*6,1*8']) {
      const r = replay(invalidate.make(spec, 'page-lock'), schedule);
      expect(r.failure, schedule).toBeNull();
      expect(r.finished, schedule).toBe(true);
    }
  });
});
