/**
 * Memory pressure: more pages written than the machine has frames. Reclaim
 * (at access boundaries, like kswapd) swaps anon pages out through the
 * arch's swap ptes and brings them back on fault, on every variant; the data
 * survives and the invariants hold.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { PteClassCode } from '@mmsim/core';
import { Machine } from '../src/index.js';
import { checkInvariants } from '../src/check/index.js';
import { do_mmap, dup_mmap, swapon, touch, TOUCH_OK, try_to_free_pages } from '../src/kernel/index.js';

describe('reclaim under memory pressure', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}: 3x more pages than frames, swapped out and back`, () => {
      const m = new Machine({ spec, frames: 256 });
      swapon(m, 'file', 4096);
      const p = m.spawn('p');
      const pages = 600;
      do_mmap(m, p.mm, { start: 0x1000, pages, prot: { read: true, write: true, exec: false }, shared: false });
      for (let i = 0; i < pages; i++) expect(touch(m, p.mm, 0x1000 + i, true, m.tags.intern(`T${i}`))).toBe(TOUCH_OK);
      // a child shares everything: reclaim must turn both processes' ptes into swap ptes
      const c = dup_mmap(m, p, 'c');
      for (let i = pages - 1; i >= 0; i--) {
        expect(touch(m, p.mm, 0x1000 + i, false, 0)).toBe(TOUCH_OK);
        expect(m.tags.name(m.lastTag)).toBe(`T${i}`);
        expect(touch(m, c.mm, 0x1000 + i, false, 0)).toBe(TOUCH_OK);
        expect(m.tags.name(m.lastTag)).toBe(`T${i}`);
      }
      expect(m.frames.inUse).toBeLessThanOrEqual(256);
      expect(checkInvariants(m)).toEqual([]);
    });
  }
});

describe('reclaim is per machine', () => {
  test("a machine's reclaim does not depend on the machines reclaimed before it (each has its own clock hand)", () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const swappedOut = (): number[] => {
      const m = new Machine({ spec, frames: 512 });
      swapon(m, 'file', 1024);
      const p = m.spawn('p');
      do_mmap(m, p.mm, { start: 0x1000, pages: 64, prot: { read: true, write: true, exec: false }, shared: false });
      for (let i = 0; i < 64; i++) touch(m, p.mm, 0x1000 + i, true, m.tags.intern(`T${i}`));
      try_to_free_pages(m, 5);
      const out: number[] = [];
      for (let i = 0; i < 64; i++) {
        const slot = p.mm.pgtable.walk(0x1000 + i, false);
        if (m.variant.fast.classify(p.mm.pgtable.hi(slot), p.mm.pgtable.lo(slot)) === PteClassCode.swap) out.push(i);
      }
      return out;
    };
    const first = swappedOut();
    expect(first).toHaveLength(5);
    expect(swappedOut()).toEqual(first);
  });
});

