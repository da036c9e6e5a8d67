/**
 * What the page tables hold, decoded with the backend's own encoding
 * (@mmsim/core decodePte), after each kind of operation, on every variant:
 * the simulator writes exactly the ptes the kernel would — present ptes
 * with the page's pfn and the fault's permissions, write-protected ptes
 * after fork, swap ptes naming the device and slot, nonlinear file ptes
 * naming the pgoff, none after unmap.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { decodePte, toBig } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { Machine, type Mm } from '../src/index.js';
import { create_file } from '../src/model/index.js';
import {
  do_madvise,
  do_mmap,
  do_mprotect,
  do_mremap,
  do_munmap,
  do_truncate,
  dup_mmap,
  swapoff,
  swapon,
  sys_remap_file_pages,
  touch,
} from '../src/kernel/index.js';

function pteAt(m: Machine, mm: Mm, vpn: number): bigint {
  const slot = mm.pgtable.walk(vpn, false);
  return slot < 0 ? 0n : toBig(mm.pgtable.hi(slot), mm.pgtable.lo(slot));
}

const decode = (m: Machine, mm: Mm, vpn: number) => decodePte(m.variant, pteAt(m, mm, vpn));
const field = (d: ReturnType<typeof decode>, name: string) => d.fields.find((f) => f.name === name)?.value;
const flag = (d: ReturnType<typeof decode>, ...names: string[]) => d.flags.some((f) => names.includes(f.name) && f.value !== 0);

describe('decoded ptes after each operation', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, () => {
      const m = new Machine({ spec, frames: 512 });
      const p = m.spawn('p');
      const A = 0x2000;
      do_mmap(m, p.mm, { start: A, pages: 4, prot: { read: true, write: true, exec: false }, shared: false });

      // a read fault: the zero page, read-only
      touch(m, p.mm, A, false, 0);
      let d = decode(m, p.mm, A);
      expect(d.class).toBe('present');
      expect(field(d, 'pfn')).toBe(BigInt(m.frames.pfn(m.zeroFrame)));
      expect(flag(d, 'rw', 'write')).toBe(false);

      // a write fault: a new page, writable and dirty
      touch(m, p.mm, A + 1, true, m.tags.intern('X'));
      d = decode(m, p.mm, A + 1);
      const frame = m.pteFrame(Number(pteAt(m, p.mm, A + 1) >> 32n), Number(pteAt(m, p.mm, A + 1) & 0xffffffffn));
      expect(d.class).toBe('present');
      expect(field(d, 'pfn')).toBe(BigInt(m.frames.pfn(frame)));
      expect(flag(d, 'rw', 'write')).toBe(true);
      expect(flag(d, 'dirty')).toBe(true);

      // fork: both sides write-protected, same pfn
      const c = dup_mmap(m, p, 'c');
      const dp = decode(m, p.mm, A + 1);
      const dc = decode(m, c.mm, A + 1);
      expect(flag(dp, 'rw', 'write')).toBe(false);
      expect(flag(dc, 'rw', 'write')).toBe(false);
      expect(field(dc, 'pfn')).toBe(field(dp, 'pfn'));

      // unmap: none
      do_munmap(m, c.mm, A, 4);
      expect(decode(m, c.mm, A + 1).class).toBe('none');

      // swap (6.18: MADV_PAGEOUT): the arch's swap pte names the device and slot
      if (spec.era === '6.18') {
        const dev = swapon(m, 'file', 64);
        do_madvise(m, p.mm, A + 1, 1, 'PAGEOUT');
        d = decode(m, p.mm, A + 1);
        expect(d.class).toBe('swap');
        expect(field(d, 'type')).toBe(BigInt(dev.type));
        expect(field(d, 'offset')).toBe(1n); // the first slot after the header
        // fork shared the page (PageAnonExclusive cleared) and the child's munmap does not restore
        // it: the swap pte is not marked exclusive
        expect(d.flags.find((f) => f.name === 'swp_exclusive')?.value).toBe(0);
        expect(touch(m, p.mm, A + 1, false, 0)).toBe(0);
        expect(m.tags.name(m.lastTag)).toBe('X');
      }

      // nonlinear (2.6.21): a file pte naming the pgoff, in the arch's file-pte encoding
      if (spec.era === '2.6.21') {
        const inode = create_file(m, 'F', 'tmpfs', 8, 'F');
        const S = 0x4000;
        do_mmap(m, p.mm, { start: S, pages: 4, prot: { read: true, write: true, exec: false }, shared: true, inode, pgoff: 0 });
        inode.cache.delete(6); // not cached: MAP_NONBLOCK installs a file pte
        inode.size = 8 * m.variant.constants.PAGE_SIZE;
        sys_remap_file_pages(m, p.mm, { start: S + 2, pages: 1, prot: 0, pgoff: 6n, flags: 0x10000 });
        d = decode(m, p.mm, S + 2);
        expect(d.class).toBe('file');
        expect(field(d, 'pgoff')).toBe(6n);
      }
    });
  }
});

describe('decoded ptes after mprotect, mremap, madvise, shared file faults, truncate and swapoff', () => {
  const rw = { read: true, write: true, exec: false };
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, () => {
      const m = new Machine({ spec, frames: 512 });
      const p = m.spawn('p');
      const A = 0x2000;
      do_mmap(m, p.mm, { start: A, pages: 4, prot: rw, shared: false });
      for (let i = 0; i < 4; i++) touch(m, p.mm, A + i, true, m.tags.intern(`A${i}`));
      const pfn0 = field(decode(m, p.mm, A), 'pfn');

      // mprotect read-only: same page, no longer writable (change_pte_range)
      do_mprotect(m, p.mm, A, 1, { read: true, write: false, exec: false });
      let d = decode(m, p.mm, A);
      expect(d.class).toBe('present');
      expect(field(d, 'pfn')).toBe(pfn0);
      expect(flag(d, 'rw', 'write')).toBe(false);
      // and back: mprotect does not make a private page writable until the next write fault (6.18
      // may, for an exclusive anon page: can_change_pte_writable); either way the data stays
      do_mprotect(m, p.mm, A, 1, rw);
      expect(touch(m, p.mm, A, true, m.tags.intern('A0b'))).toBe(0);
      d = decode(m, p.mm, A);
      expect(field(d, 'pfn')).toBe(pfn0); // an exclusive page is reused, not copied
      expect(flag(d, 'rw', 'write')).toBe(true);

      // mremap move: the same ptes at the new address, none at the old
      const B = 0x8000;
      const before = [1, 2, 3].map((i) => pteAt(m, p.mm, A + i));
      do_mremap(m, p.mm, { start: A + 1, oldPages: 3, newPages: 3, maymove: true, fixed: true, dontunmap: false, newStart: B });
      expect([0, 1, 2].map((i) => pteAt(m, p.mm, B + i))).toEqual(before);
      expect(decode(m, p.mm, A + 1).class).toBe('none');

      // MADV_DONTNEED: none, and a read fault after it maps the zero page again
      do_madvise(m, p.mm, B, 1, 'DONTNEED');
      expect(decode(m, p.mm, B).class).toBe('none');
      touch(m, p.mm, B, false, 0);
      expect(field(decode(m, p.mm, B), 'pfn')).toBe(BigInt(m.frames.pfn(m.zeroFrame)));

      // a shared file mapping: a write fault maps the page-cache page, writable and dirty
      const inode = create_file(m, 'F', 'ext4', 4, 'F');
      const F = 0xc000;
      do_mmap(m, p.mm, { start: F, pages: 4, prot: rw, shared: true, inode, pgoff: 0 });
      touch(m, p.mm, F + 2, true, m.tags.intern('W2'));
      d = decode(m, p.mm, F + 2);
      expect(d.class).toBe('present');
      expect(field(d, 'pfn')).toBe(BigInt(m.frames.pfn(inode.cache.get(2)!)));
      expect(flag(d, 'rw', 'write')).toBe(true);
      expect(flag(d, 'dirty')).toBe(true);
      // truncate to 2 pages: the ptes beyond EOF are zapped before the pages leave the cache
      do_truncate(m, inode, 2 * m.variant.constants.PAGE_SIZE);
      expect(decode(m, p.mm, F + 2).class).toBe('none');
      expect(inode.cache.has(2)).toBe(false);

      // swapoff (6.18 PAGEOUT to swap, then swapoff): the swap pte becomes a present pte again, same data
      if (spec.era === '6.18') {
        swapon(m, 'file', 64);
        do_madvise(m, p.mm, B + 1, 1, 'PAGEOUT');
        expect(decode(m, p.mm, B + 1).class).toBe('swap');
        swapoff(m);
        d = decode(m, p.mm, B + 1);
        expect(d.class).toBe('present');
        expect(touch(m, p.mm, B + 1, false, 0)).toBe(0);
        expect(m.tags.name(m.lastTag)).toBe('A2');
      }
    });
  }
});
