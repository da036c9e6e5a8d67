/**
 * MADV_COLLAPSE (kernel/khugepaged.ts), the debugfs split_huge_pages file
 * (kernel/split-huge-pages.ts) and swap on zram (kernel/swap.ts,
 * swap-cluster.ts, swap-ra.ts, swap-in.ts, vmscan.ts) — 6.18 — on every
 * variant, and how 2.6.21 (no THP, no zram) refuses them; then random
 * sequences of all of it that keep the invariants and the data.
 */
import { VARIANTS as X86, x86_64_618 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { PteClassCode, type VariantSpec } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  access,
  cluster_alloc_swap_entry,
  do_madvise,
  do_mmap,
  do_munmap,
  dup_mmap,
  exit_mmap,
  FOLL_PIN,
  get_user_pages,
  has_split_huge_pages_file,
  largeFolioAt,
  split_huge_pages_write,
  swapon,
  thpState,
  thpSwap,
  unpin_user_page,
  usedKb,
} from '../src/kernel/index.js';
import { checkInvariants, ReferenceModel } from '../src/check/index.js';
import { create_file } from '../src/model/index.js';
import { Machine, parseMmo, runScript, SyscallError, type Mm, type Process } from '../src/index.js';
import { startScript } from '../src/script/index.js';
import { PG_anon_exclusive, PG_dirty, PG_swapcache } from '../src/kernel/page-flags.js';
import { VM_NOHUGEPAGE, VM_UFFD_WP } from '../src/kernel/vma.js';
import { swap_free } from '../src/kernel/swapfile.js';
import { adviseReference, clean, errnoOf, exitChild, forkChild, forkReference, peekPte, same } from './helpers.js';

const ALL = [...X86, ...PPC];
const V618 = ALL.filter((s) => s.era === '6.18');
const THP = V618.filter((s) => s.huge !== undefined);
const NO_THP_618 = V618.filter((s) => s.huge === undefined);
const V2621 = ALL.filter((s) => s.era === '2.6.21');
const RW = { read: true, write: true, exec: false };

function swapSlotAt(m: Machine, mm: Mm, vpn: number): number {
  const slot = mm.pgtable.walk(vpn, false);
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  expect(m.variant.fast.classify(hi, lo)).toBe(PteClassCode.swap);
  return m.variant.fast.pte_to_swp_offset_lo(hi, lo);
}

function pmdMapped(mm: Mm, vpn: number): boolean {
  const ps = mm.pgtable.pmdSlot(vpn, false);
  return ps >= 0 && mm.pgtable.hugeAt(ps) !== undefined;
}

interface Setup {
  m: Machine;
  p: Process;
  nr: number;
  A: number;
}

/** A machine and an anon region of `pmds` aligned PMD ranges (no MADV_HUGEPAGE: faults map small pages). */
function setup(spec: VariantSpec, pmds = 1, frames = 8192): Setup {
  const m = new Machine({ spec, frames });
  const nr = thpState(m)?.nr ?? 512;
  const p = m.spawn('p');
  const A = 8 * nr;
  do_mmap(m, p.mm, { start: A, pages: pmds * nr, prot: RW, shared: false });
  return { m, p, nr, A };
}

const write = (s: Setup, page: number, tag: string, mm = s.p.mm) => expect(access(s.m, mm, s.A + page, true, s.m.tags.intern(tag)).ok).toBe(true);
const read = (s: Setup, page: number, mm = s.p.mm) => {
  const r = access(s.m, mm, s.A + page, false);
  if (!r.ok) throw new Error(`read of page ${page} failed`);
  return r.tag;
};

describe('MADV_COLLAPSE (6.18 mm/khugepaged.c madvise_collapse)', () => {
  for (const spec of THP) {
    describe(`${spec.id}@${spec.era}`, () => {
      test('small pages, zero-page ptes and none ptes are copied into a new THP mapped by a pmd; the old pages go', () => {
        const s = setup(spec);
        write(s, 0, 'D0');
        write(s, 2, 'D2');
        write(s, s.nr - 1, 'DL');
        expect(read(s, 3)).toBe('0'); // the zero page
        const before = s.m.frames.inUse;
        const old = peekPte(s.m, s.p.mm, s.A + 2).frame;
        do_madvise(s.m, s.p.mm, s.A, s.nr, 'COLLAPSE'); // no MADV_HUGEPAGE needed: sysfs is not consulted
        expect(pmdMapped(s.p.mm, s.A)).toBe(true);
        const head = largeFolioAt(s.m, s.p.mm, s.A);
        expect(head).toBeGreaterThanOrEqual(0);
        expect(head).not.toBe(old);
        expect(s.m.frames.isFree(old)).toBe(true);
        expect(s.m.frames.inUse).toBe(before - 3 + s.nr);
        // exclusive, not PG_dirty (the pmd is dirty): the host's thp_anon recording
        expect(s.m.frames.flags[head]! & PG_anon_exclusive).not.toBe(0);
        expect(s.m.frames.flags[head]! & PG_dirty).toBe(0);
        expect([read(s, 0), read(s, 1), read(s, 2), read(s, 3), read(s, s.nr - 1)]).toEqual(['D0', '0', 'D2', '0', 'DL']);
        write(s, 1, 'W1'); // writable at once
        expect(largeFolioAt(s.m, s.p.mm, s.A + 1)).toBe(head);
        clean(s.m);
      });

      test('a range already PMD-mapped counts as collapsed (SCAN_PMD_MAPPED); an aligned range shorter than a PMD does nothing and succeeds', () => {
        const s = setup(spec);
        do_madvise(s.m, s.p.mm, s.A, s.nr, 'HUGEPAGE');
        write(s, 0, 'H');
        const head = largeFolioAt(s.m, s.p.mm, s.A);
        expect(errnoOf(() => do_madvise(s.m, s.p.mm, s.A, s.nr, 'COLLAPSE'))).toBeUndefined();
        expect(largeFolioAt(s.m, s.p.mm, s.A)).toBe(head);
        const t = setup(spec);
        write(t, 0, 'x');
        expect(errnoOf(() => do_madvise(t.m, t.p.mm, t.A, t.nr - 1, 'COLLAPSE'))).toBeUndefined();
        expect(pmdMapped(t.p.mm, t.A)).toBe(false);
      });

      test('errnos: EINVAL (no pte table, VM_NOHUGEPAGE, no aligned PMD in the VMA, a range inside one PMD, an ext4 file; read-only ptes after fork collapse), EAGAIN (a pin), EBUSY (userfaultfd armed), ENOMEM (no THP to allocate)', () => {
        // never touched: the pmd is none (SCAN_PMD_NULL)
        const a = setup(spec);
        expect(errnoOf(() => do_madvise(a.m, a.p.mm, a.A, a.nr, 'COLLAPSE'))).toBe('EINVAL');
        // VM_NOHUGEPAGE
        const b = setup(spec);
        write(b, 0, 'x');
        do_madvise(b.m, b.p.mm, b.A, b.nr, 'NOHUGEPAGE');
        expect(b.p.mm.vmas.lookup(b.A)!.flags & VM_NOHUGEPAGE).not.toBe(0);
        expect(errnoOf(() => do_madvise(b.m, b.p.mm, b.A, b.nr, 'COLLAPSE'))).toBe('EINVAL');
        // a VMA one page short of a PMD
        const c = new Machine({ spec, frames: 8192 });
        const nr = thpState(c)!.nr;
        const cp = c.spawn('p');
        do_mmap(c, cp.mm, { start: 8 * nr, pages: nr - 1, prot: RW, shared: false });
        access(c, cp.mm, 8 * nr, true, c.tags.intern('x'));
        expect(errnoOf(() => do_madvise(c, cp.mm, 8 * nr, nr - 1, 'COLLAPSE'))).toBe('EINVAL');
        // start and end inside one PMD range, unaligned: the unsigned hend - hstart wraps
        const d = setup(spec, 2);
        write(d, 1, 'x');
        expect(errnoOf(() => do_madvise(d.m, d.p.mm, d.A + 1, 2, 'COLLAPSE'))).toBe('EINVAL');
        // after fork every pte is write-protected, and the range collapses all the same: 6.18 has no
        // SCAN_PAGE_RO (mm/khugepaged.c 1278–1406 never reads pte_write); the parent gets a new THP,
        // the child keeps the old pages (selftests/mm/cow.c "collapsing after fork() (fully shared)")
        const e = setup(spec);
        write(e, 0, 'P');
        const kid = dup_mmap(e.m, e.p, 'c');
        expect(errnoOf(() => do_madvise(e.m, e.p.mm, e.A, e.nr, 'COLLAPSE'))).toBeUndefined();
        expect(pmdMapped(e.p.mm, e.A)).toBe(true);
        write(e, 0, 'P2');
        const seen = access(e.m, kid.mm, e.A, false);
        expect(seen.ok ? seen.tag : seen.signal).toBe('P');
        exit_mmap(e.m, kid);
        expect(read(e, 0)).toBe('P2');
        clean(e.m);
        // a FOLL_PIN on a page: an extra reference (SCAN_PAGE_COUNT)
        const f = setup(spec);
        write(f, 0, 'x');
        write(f, 5, 'y');
        const pin = get_user_pages(f.m, f.p.mm, f.A + 5, FOLL_PIN);
        expect(errnoOf(() => do_madvise(f.m, f.p.mm, f.A, f.nr, 'COLLAPSE'))).toBe('EAGAIN');
        expect(pmdMapped(f.p.mm, f.A)).toBe(false);
        clean(f.m);
        unpin_user_page(f.m, pin);
        expect(errnoOf(() => do_madvise(f.m, f.p.mm, f.A, f.nr, 'COLLAPSE'))).toBeUndefined();
        // userfaultfd armed on the VMA: a none pte may not be filled (SCAN_EXCEED_NONE_PTE)
        const g = setup(spec);
        write(g, 0, 'x');
        g.p.mm.vmas.lookup(g.A)!.flags |= VM_UFFD_WP;
        expect(errnoOf(() => do_madvise(g.m, g.p.mm, g.A, g.nr, 'COLLAPSE'))).toBe('EBUSY');
        // no aligned run of free frames (alloc_charge_folio): SCAN_ALLOC_HUGE_PAGE_FAIL
        const h = setup(spec, 1, thpState(new Machine({ spec }))!.nr + 40);
        write(h, 0, 'x');
        expect(errnoOf(() => do_madvise(h.m, h.p.mm, h.A, h.nr, 'COLLAPSE'))).toBe('ENOMEM');
        // a private ext4 mapping: file_thp_enabled() is false (the file is open for writing)
        const i = new Machine({ spec, frames: 8192 });
        const ip = i.spawn('p');
        const inode = create_file(i, 'F', 'ext4', nr, 'F');
        do_mmap(i, ip.mm, { start: 8 * nr, pages: nr, prot: RW, shared: false, inode, pgoff: 0 });
        access(i, ip.mm, 8 * nr, false);
        expect(errnoOf(() => do_madvise(i, ip.mm, 8 * nr, nr, 'COLLAPSE'))).toBe('EINVAL');
      });

      test('swapped ptes are swapped in first (max_ptes_swap does not apply), then collapsed; their slots are freed', () => {
        const s = setup(spec);
        swapon(s.m, 'zram', 4096);
        for (let i = 0; i < 6; i++) write(s, i, `S${i}`);
        do_madvise(s.m, s.p.mm, s.A, 4, 'PAGEOUT');
        expect(peekPte(s.m, s.p.mm, s.A).cls).toBe(PteClassCode.swap);
        expect(usedKb(s.m)).toBeGreaterThan(0);
        do_madvise(s.m, s.p.mm, s.A, s.nr, 'COLLAPSE');
        expect(pmdMapped(s.p.mm, s.A)).toBe(true);
        expect(usedKb(s.m)).toBe(0);
        for (let i = 0; i < 6; i++) expect(read(s, i)).toBe(`S${i}`);
        clean(s.m);
      });

      test('a PTE-mapped THP (its pmd split) collapses into a new folio; two PMD ranges, one failing, report the failure', () => {
        const s = setup(spec, 2);
        do_madvise(s.m, s.p.mm, s.A, 2 * s.nr, 'HUGEPAGE');
        write(s, 0, 'T0');
        write(s, 7, 'T7');
        do_madvise(s.m, s.p.mm, s.A + s.nr - 1, 1, 'DONTNEED'); // splits the pmd, the folio stays large
        expect(pmdMapped(s.p.mm, s.A)).toBe(false);
        const oldHead = largeFolioAt(s.m, s.p.mm, s.A);
        expect(oldHead).toBeGreaterThanOrEqual(0);
        // the second range was never touched: SCAN_PMD_NULL (whitelisted) after the first collapsed
        expect(errnoOf(() => do_madvise(s.m, s.p.mm, s.A, 2 * s.nr, 'COLLAPSE'))).toBe('EINVAL');
        expect(pmdMapped(s.p.mm, s.A)).toBe(true);
        expect(largeFolioAt(s.m, s.p.mm, s.A)).not.toBe(oldHead);
        expect(s.m.frames.isFree(oldHead)).toBe(true);
        expect([read(s, 0), read(s, 7), read(s, s.nr - 1)]).toEqual(['T0', 'T7', '0']);
        clean(s.m);
      });
    });
  }

  test('2.6.21 (no MADV_COLLAPSE: 6.1) and a 6.18 variant without THP answer EINVAL', () => {
    for (const spec of [...V2621, ...NO_THP_618]) {
      const s = setup(spec);
      write(s, 0, 'x');
      expect(errnoOf(() => do_madvise(s.m, s.p.mm, s.A, s.nr, 'COLLAPSE')), `${spec.id}@${spec.era}`).toBe('EINVAL');
    }
  });

  test('the thp_anon collapse as a script: MADV_COLLAPSE after MADV_COLD split the folio (x86_64)', () => {
    const t = runScript(
      parseMmo(`scenario c
sample A 0,1,2,3,511
mmap A 512 rw- private,anon slot=0
madvise A 0 512 HUGEPAGE
write A 0 H0
write A 2 P2
madvise A 256 256 DONTNEED
madvise A 0 1 COLD
madvise A 0 512 COLLAPSE
`),
      { spec: x86_64_618 },
      'c.mmo',
      { check: true },
    );
    const last = t.steps.at(-1)!;
    expect(last.ret).toEqual({ ok: true, val: 0 });
    expect(last.obs['A']!.pages.map((p) => `${p.pfn}=${p.data}`)).toEqual(['P1=H0', 'P1+1=0', 'P1+2=P2', 'P1+3=0', 'P1+511=0']);
    expect(last.obs['A']!.summary['pmd_mapped']).toBe(512);
    expect(last.obs['A']!.vmas[0]!.kB['AnonHugePages']).toBe(2048);
  });
});

describe('debugfs split_huge_pages (6.18 split_huge_pages_write → split_huge_pages_pid)', () => {
  const script = (body: string) => parseMmo(`scenario s\nsample A 0,1,2,511,512,513,1023,1024\n${body}`);
  const THREE = `mmap A 1536 rw- private,anon slot=0
madvise A 0 1536 HUGEPAGE
write A 0 a
write A 512 b
write A 1024 c
`;

  test('the host is locked down: EPERM, and the oracle observes the region (thp_anon step 14)', () => {
    const t = runScript(script(`${THREE}split_huge_pages A\n`), { spec: x86_64_618 }, 's.mmo', { check: true });
    const last = t.steps.at(-1)!;
    expect(last.ret).toEqual({ ok: false, errno: 'EPERM' });
    expect(last.obs['A']!.summary['pmd_mapped']).toBe(1536);
  });

  test('without lockdown: every THP of the range is split to order 0 (zero-filled pages onto the zero page); a sub-range splits only the folios it touches', () => {
    const all = runScript(script(`${THREE}split_huge_pages A\n`), { spec: x86_64_618, lockdown: 'none' }, 's.mmo', { check: true });
    const a = all.steps.at(-1)!;
    expect(a.ret).toEqual({ ok: true, val: 0 });
    expect(a.obs['A']!.summary['thp']).toBe(0);
    expect(a.obs['A']!.pages.map((p) => p.pfn)).toEqual(['P0', 'ZERO', 'ZERO', 'ZERO', 'P1', 'ZERO', 'ZERO', 'P2']);
    // PAGE NPAGES (mmsim): one page of the second folio splits that folio only
    const part = runScript(script(`${THREE}split_huge_pages A 600 1\n`), { spec: x86_64_618, lockdown: 'none' }, 's.mmo', { check: true });
    const p = part.steps.at(-1)!;
    expect(p.obs['A']!.summary['pmd_mapped']).toBe(1024);
    expect(p.obs['A']!.pages.find((x) => x.i === 513)!.pfn).toBe('ZERO');
    expect(p.obs['A']!.pages.find((x) => x.i === 1)!.scan).toEqual(['huge']);
  });

  test('the walk stops at the first hole (vma_lookup NULL); a pinned folio is skipped (can_split_folio)', () => {
    const hole = runScript(script(`${THREE}munmap A 512 512\nsplit_huge_pages A\n`), { spec: x86_64_618, lockdown: 'none' }, 's.mmo', { check: true });
    const h = hole.steps.at(-1)!;
    expect(h.obs['A']!.pages.find((x) => x.i === 1)!.pfn).toBe('ZERO'); // before the hole: split
    expect(h.obs['A']!.pages.find((x) => x.i === 1024)!.scan).toEqual(['huge']); // after it: untouched
    const pinned = runScript(script(`${THREE}gup A 5 pin P\nsplit_huge_pages A\n`), { spec: x86_64_618, lockdown: 'none' }, 's.mmo', { check: true });
    const q = pinned.steps.at(-1)!;
    expect(q.ret).toEqual({ ok: true, val: 0 });
    expect(q.obs['A']!.pages.find((x) => x.i === 1)!.scan).toEqual(['huge']);
    expect(q.obs['A']!.pages.find((x) => x.i === 513)!.pfn).toBe('ZERO');
  });

  test('the written text: "1" splits every THP, an unparsable one is EINVAL, an unknown pid ESRCH, an order at or above the PMD order or order 1 splits nothing', () => {
    const m = new Machine({ spec: x86_64_618 });
    const p = m.spawn('p');
    const nr = thpState(m)!.nr;
    do_mmap(m, p.mm, { start: 8 * nr, pages: 2 * nr, prot: RW, shared: false });
    do_madvise(m, p.mm, 8 * nr, 2 * nr, 'HUGEPAGE');
    access(m, p.mm, 8 * nr, true, m.tags.intern('a'));
    access(m, p.mm, 9 * nr, true, m.tags.intern('b'));
    const range = (extra = '') => `${p.pid},0x${(8 * nr * 4096).toString(16)},0x${(10 * nr * 4096).toString(16)}${extra}`;
    expect(errnoOf(() => split_huge_pages_write(m, 'garbage'))).toBe('EINVAL');
    expect(errnoOf(() => split_huge_pages_write(m, `${p.pid},0x1000`))).toBe('EINVAL');
    expect(errnoOf(() => split_huge_pages_write(m, `99,0x0,0x1000`))).toBe('ESRCH');
    expect(split_huge_pages_write(m, range(',9'))).toBe(range(',9').length);
    expect(split_huge_pages_write(m, range(',1'))).toBe(range(',1').length);
    expect(pmdMapped(p.mm, 8 * nr) && pmdMapped(p.mm, 9 * nr)).toBe(true);
    expect(() => split_huge_pages_write(m, range(',3'))).toThrow(/not modelled/);
    expect(split_huge_pages_write(m, '1')).toBe(1);
    expect(pmdMapped(p.mm, 8 * nr) || pmdMapped(p.mm, 9 * nr)).toBe(false);
    expect(largeFolioAt(m, p.mm, 8 * nr)).toBe(-1);
    clean(m);
  });

  test('no file where there is no THP: 2.6.21 (THP came in 2.6.38) and 6.18 variants without it — ENOENT, and the oracle observes nothing', () => {
    for (const spec of [...V2621, ...NO_THP_618]) {
      const m = new Machine({ spec });
      expect(has_split_huge_pages_file(m)).toBe(false);
      expect(errnoOf(() => split_huge_pages_write(m, '1,0x0,0x1000'))).toBe('ENOENT');
      const t = runScript(parseMmo('scenario s\nmmap A 4 rw- private,anon slot=0\nwrite A 0 x\nsplit_huge_pages A\n'), { spec });
      expect(t.steps.at(-1)!.ret).toEqual({ ok: false, errno: 'ENOENT' });
      expect(t.steps.at(-1)!.obs).toEqual({});
    }
    for (const spec of THP) expect(has_split_huge_pages_file(new Machine({ spec }))).toBe(true);
  });
});

describe('swap on zram (6.18: SWP_SYNCHRONOUS_IO, the cluster allocator, VMA readahead)', () => {
  for (const spec of V618) {
    test(`${spec.id}@${spec.era}: pageout frees the pages; a single-user swap-in skips the swap cache; a shared entry goes through it, with readahead`, () => {
      const m = new Machine({ spec, frames: 4096 });
      const dev = swapon(m, 'zram', 4096);
      const p = m.spawn('p');
      const A = 0x400;
      do_mmap(m, p.mm, { start: A, pages: 4, prot: RW, shared: false });
      const s: Setup = { m, p, nr: 0, A };
      for (let i = 0; i < 4; i++) write(s, i, `A${i}`);
      const old = peekPte(m, p.mm, A).frame;
      do_madvise(m, p.mm, A, 4, 'PAGEOUT');
      // slots 1..4 of cluster 0 (slot 0 is the header); nothing left in the swap cache (mincore 0)
      expect([0, 1, 2, 3].map((i) => swapSlotAt(m, p.mm, A + i))).toEqual([1, 2, 3, 4]);
      expect([1, 2, 3, 4].map((slot) => dev.cache[slot])).toEqual([-1, -1, -1, -1]);
      expect(m.frames.isFree(old)).toBe(true);
      // read: a major fault into a new page, no swap cache, the slot freed, the pte writable at once
      const r = access(m, p.mm, A, false);
      expect(r).toMatchObject({ ok: true, tag: 'A0', major: 1, minor: 0 });
      const f0 = peekPte(m, p.mm, A);
      expect(m.frames.flags[f0.frame]! & PG_swapcache).toBe(0);
      expect(m.frames.flags[f0.frame]! & PG_anon_exclusive).not.toBe(0);
      expect(f0.write).toBe(true);
      expect(dev.map[1]).toBe(0);
      expect(access(m, p.mm, A, true, m.tags.intern('A0w'))).toMatchObject({ ok: true, major: 0, minor: 0 });
      // a shared entry (count 2): through the swap cache, and the window's other swap pte (page 3) comes along
      const kid = dup_mmap(m, p, 'c');
      expect(access(m, kid.mm, A + 2, false)).toMatchObject({ ok: true, tag: 'A2', major: 1 });
      const shared = peekPte(m, kid.mm, A + 2).frame;
      expect(m.frames.flags[shared]! & PG_swapcache).not.toBe(0);
      expect(dev.cache[4]).toBeGreaterThanOrEqual(0);
      exit_mmap(m, kid);
      // the parent finds both in the swap cache: minor faults, the same pages
      expect(access(m, p.mm, A + 2, false)).toMatchObject({ ok: true, tag: 'A2', major: 0, minor: 1 });
      expect(peekPte(m, p.mm, A + 2).frame).toBe(shared);
      expect(access(m, p.mm, A + 3, false)).toMatchObject({ ok: true, tag: 'A3', major: 0, minor: 1 });
      clean(m);
    });
  }

  for (const spec of THP) {
    test(`${spec.id}@${spec.era}: MADV_PAGEOUT of a PMD-mapped THP — ${thpSwap(new Machine({ spec })) ? 'swapped whole to one cluster (CONFIG_THP_SWAP)' : 'split first (no CONFIG_THP_SWAP)'}`, () => {
      const m = new Machine({ spec, frames: 8192 });
      const dev = swapon(m, 'zram', 4096);
      const nr = thpState(m)!.nr;
      const p = m.spawn('p');
      const s: Setup = { m, p, nr, A: 8 * nr };
      do_mmap(m, p.mm, { start: s.A, pages: nr, prot: RW, shared: false });
      do_madvise(m, p.mm, s.A, nr, 'HUGEPAGE');
      write(s, 0, 'a');
      write(s, 1, 'b');
      const head = largeFolioAt(m, p.mm, s.A);
      for (let i = 2; i < nr; i++) write(s, i, `h${i}`);
      do_madvise(m, p.mm, s.A, nr, 'PAGEOUT');
      expect(m.frames.isFree(head)).toBe(true);
      if (thpSwap(m)) {
        // cluster 0 holds the header: the THP takes cluster 1 whole, in order
        expect([0, 1, nr - 1].map((i) => swapSlotAt(m, p.mm, s.A + i))).toEqual([nr, nr + 1, 2 * nr - 1]);
        expect(usedKb(m)).toBe((nr * m.variant.constants.PAGE_SIZE) / 1024);
        // one subpage back: a small page, the rest stays on swap
        expect(read(s, nr / 2)).toBe(`h${nr / 2}`);
        expect(largeFolioAt(m, p.mm, s.A + nr / 2)).toBe(-1);
        expect(dev.map[nr + nr / 2]).toBe(0);
      } else {
        // split, each page to its own slot
        expect(peekPte(m, p.mm, s.A).cls).toBe(PteClassCode.swap);
      }
      for (const i of [0, 1, 2, nr - 1]) expect(read(s, i)).toBe(i === 0 ? 'a' : i === 1 ? 'b' : `h${i}`);
      clean(m);
    });
  }

  test('MADV_WILLNEED on anon memory reads swapped pages into the swap cache (swapin_walk_pmd_entry); the fault then finds them', () => {
    const m = new Machine({ spec: x86_64_618, frames: 4096 });
    const dev = swapon(m, 'zram', 1024);
    const p = m.spawn('p');
    const s: Setup = { m, p, nr: 0, A: 0x400 };
    do_mmap(m, p.mm, { start: s.A, pages: 4, prot: RW, shared: false });
    for (let i = 0; i < 4; i++) write(s, i, `W${i}`);
    do_madvise(m, p.mm, s.A, 4, 'PAGEOUT');
    do_madvise(m, p.mm, s.A + 1, 2, 'WILLNEED');
    expect([1, 2, 3, 4].map((slot) => dev.cache[slot]! >= 0)).toEqual([false, true, true, false]);
    expect(peekPte(m, p.mm, s.A + 1).cls).toBe(PteClassCode.swap);
    expect(access(m, p.mm, s.A + 1, false)).toMatchObject({ ok: true, tag: 'W1', major: 0, minor: 1 });
    expect(access(m, p.mm, s.A + 3, false)).toMatchObject({ ok: true, tag: 'W3', major: 1 });
    clean(m);
  });

  test('the cluster allocator: order 0 from cluster 0 on, a PMD-sized run needs a free cluster, and a freed cluster goes to the free list tail', () => {
    const m = new Machine({ spec: x86_64_618, frames: 1024 });
    const dev = swapon(m, 'zram', 4 * 512);
    const take = (order: number) => {
      const at = cluster_alloc_swap_entry(dev, order);
      if (at >= 0) for (let i = 0; i < 2 ** order; i++) dev.map[at + i] = 1;
      return at;
    };
    expect([take(0), take(0)]).toEqual([1, 2]); // slot 0 is the header
    expect(take(9)).toBe(512);
    expect(take(9)).toBe(1024);
    expect(take(0)).toBe(3); // order 0 goes on in the CPU's cluster
    for (let i = 512; i < 1024; i++) swap_free(m, dev, i); // cluster 1 empty: onto the free list, behind cluster 3
    expect(take(9)).toBe(1536);
    expect(take(9)).toBe(512);
    expect(take(9)).toBe(-1);
  });

  test('a device smaller than one cluster has no room for a THP: PAGEOUT splits it', () => {
    const m = new Machine({ spec: x86_64_618, frames: 4096 });
    swapon(m, 'zram', 256);
    const nr = 512;
    const p = m.spawn('p');
    const s: Setup = { m, p, nr, A: 8 * nr };
    do_mmap(m, p.mm, { start: s.A, pages: nr, prot: RW, shared: false });
    do_madvise(m, p.mm, s.A, nr, 'HUGEPAGE');
    for (let i = 0; i < 8; i++) write(s, i, `x${i}`);
    do_madvise(m, p.mm, s.A, nr, 'PAGEOUT');
    expect(peekPte(m, p.mm, s.A).cls).toBe(PteClassCode.swap);
    expect(peekPte(m, p.mm, s.A + 8).frame).toBe(m.zeroFrame); // a zero-filled page of the split: the zero page
    for (let i = 0; i < 8; i++) expect(read(s, i)).toBe(`x${i}`);
    clean(m);
  });

  test('2.6.21 has no zram (3.14): swapon zram fails with ENOENT, as the oracle would find no /sys/block/zram0', () => {
    for (const spec of V2621) {
      const m = new Machine({ spec });
      expect(errnoOf(() => swapon(m, 'zram', 1024))).toBe('ENOENT');
      expect(m.swaps.every((d) => d === undefined)).toBe(true);
      const t = runScript(parseMmo('scenario z\nswapon zram\n'), { spec });
      expect(t.steps[0]!.ret).toEqual({ ok: false, errno: 'ENOENT' });
      expect(errnoOf(() => swapon(m, 'file', 1024))).toBeUndefined();
    }
  });
});

// --- random sequences: THP faults, splits, collapse, zram pageout and swap-in, fork ---

type Op =
  | { k: 'write' | 'read'; page: number; tag: number; child: boolean }
  | { k: 'madvise'; page: number; n: number; advice: 'HUGEPAGE' | 'PAGEOUT' | 'COLLAPSE' | 'DONTNEED' | 'COLD' | 'WILLNEED'; child: boolean }
  | { k: 'split'; page: number; n: number; child: boolean }
  | { k: 'fork' }
  | { k: 'exit' }
  | { k: 'pin'; page: number }
  | { k: 'unpin' };

/** The cluster allocator's counts are the slots in use (a pte or shmem entry, or a swap-cache page), the header and the tail past the device. */
function clusterCountsAgree(m: Machine): boolean {
  for (const dev of m.swaps) {
    const c = dev?.clusters;
    if (!dev || !c) continue;
    for (let ci = 0; ci < c.count.length; ci++) {
      let used = 0;
      for (let slot = ci * c.size; slot < (ci + 1) * c.size; slot++) if (slot === 0 || slot >= dev.pages || dev.map[slot]! > 0 || dev.cache[slot]! >= 0) used++;
      if (used !== c.count[ci]) return false;
    }
  }
  return true;
}

/** HPAGE_PMD_NR of a variant (a small machine asked once per variant) */
const NR = new Map<string, number>();
function hpageNr(spec: VariantSpec): number {
  let nr = NR.get(`${spec.id}@${spec.era}`);
  if (nr === undefined) NR.set(`${spec.id}@${spec.era}`, (nr = thpState(new Machine({ spec, frames: 64 }))!.nr));
  return nr;
}

/** the live process of that name on the machine */
function live(m: Machine, name: string): Process {
  for (let i = m.procs.length - 1; i >= 0; i--) if (m.procs[i]!.name === name && m.procs[i]!.alive) return m.procs[i]!;
  throw new Error(`no live ${name}`);
}

/**
 * One random sequence as a `.mmo` script (region A of two huge pages) run
 * through the script runner, which checks the invariants after every step;
 * this test checks each step's result, the swap clusters' counts and, at
 * the end, every page's data.
 */
function runRandom(spec: VariantSpec, ops: Op[]): void {
  const nr = hpageNr(spec);
  const PAGES = 2 * nr;
  const lines = ['swapon zram 2048', `mmap A ${PAGES} rw- private,anon slot=0`];
  // most runs fault THPs in from the start (MADV_HUGEPAGE before any pte table exists)
  if (ops.length % 3 !== 0) lines.push(`madvise A 0 ${PAGES} HUGEPAGE`);
  const setup = lines.length;
  const kept: Op[] = [];
  let kid = false;
  const pins: string[] = [];
  let pinNames = 0;
  for (const o of ops) {
    const at = 'child' in o && o.child && kid ? '@child ' : '';
    const page = 'page' in o ? o.page % PAGES : 0;
    const n = 'n' in o ? Math.min(o.n, PAGES - page) : 0;
    let text: string | undefined;
    if (o.k === 'write') text = `${at}write A ${page} T${o.tag}`;
    else if (o.k === 'read') text = `${at}read A ${page}`;
    else if (o.k === 'madvise') text = `${at}madvise A ${page} ${n} ${o.advice}`;
    // the oracle's debugfs write "<pid>,0x<start>,0x<end>" of part of A
    else if (o.k === 'split') text = `${at}split_huge_pages A ${page} ${n}`;
    else if (o.k === 'fork' && !kid) text = 'fork';
    else if (o.k === 'exit' && kid) text = '@child exit';
    else if (o.k === 'pin' && pins.length < 2) {
      pins.push(`P${++pinNames}`);
      text = `gup A ${page} pin ${pins[pins.length - 1]}`;
    }
    else if (o.k === 'unpin' && pins.length) text = `unpin ${pins.pop()}`;
    if (text === undefined) continue;
    lines.push(text);
    kept.push(o);
    if (o.k === 'fork') kid = true;
    if (o.k === 'exit') kid = false;
  }
  const script = lines.join('\n');
  // no lockdown: debugfs split_huge_pages is there to write to
  const { machine: m, steps } = startScript(parseMmo(script, 'random-collapse.mmo'), { spec, frames: 8192, nodes: 2, lockdown: 'none' }, 'random-collapse.mmo', { check: true, observe: false });
  const ref = new ReferenceModel();
  const c = m.variant.constants;
  // the runner's arena: slot 0 starts a quarter of the way into the address space (script/run.ts Runner)
  const A = 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT);
  let kidPid = -1;
  let i = -1;
  for (const step of steps) {
    if (++i < setup) {
      same(step.ret['ok'], true, () => `setup line ${i + 1}`);
      if (i === 1) ref.map(live(m, 'parent').pid, A, PAGES);
      continue;
    }
    const o = kept[i - setup]!;
    const where = () => `${spec.id}@${spec.era} line ${i + 1} '${lines[i]}' of:\n${script}`;
    // MADV_COLLAPSE's refusals (EINVAL, EAGAIN, EBUSY, ENOMEM) change nothing; nothing else fails
    if (step.ret['ok'] !== true) same(o.k === 'madvise' && o.advice === 'COLLAPSE' && 'errno' in step.ret, true, () => `${where()}: ${JSON.stringify(step.ret)}`);
    same(clusterCountsAgree(m), true, where);
    if (step.ret['ok'] !== true) continue;
    const pid = o.k === 'exit' ? kidPid : live(m, step.proc).pid;
    const page = 'page' in o ? A + (o.page % PAGES) : 0;
    if (o.k === 'write') ref.write(pid, page, `T${o.tag}`);
    else if (o.k === 'read') same(ref.read(pid, page, String(step.ret['data'])), undefined, where);
    else if (o.k === 'madvise') adviseReference(ref, pid, o.advice, page, Math.min(o.n, PAGES - (o.page % PAGES)));
    else if (o.k === 'fork') kidPid = forkReference(ref, live(m, 'parent'), live(m, 'child'));
    else if (o.k === 'exit') ref.exit(kidPid);
  }
  // everything still reads back
  const procs = [live(m, 'parent'), ...(kid ? [live(m, 'child')] : [])];
  for (const p of procs) {
    for (let k = 0; k < PAGES; k += 37) {
      const r = access(m, p.mm, A + k, false);
      if (r.ok) same(ref.read(p.pid, A + k, r.tag), undefined, () => `${spec.id}: final read ${k}`);
    }
  }
  for (const pin of m.pins.keys()) if (m.pins[pin]) unpin_user_page(m, pin);
  if (kid) exit_mmap(m, procs[1]!);
  do_munmap(m, procs[0]!.mm, A, PAGES);
  expect(checkInvariants(m).map((v) => v.message)).toEqual([]);
}

describe('random THP / collapse / split_huge_pages / zram sequences keep the invariants and the data', () => {
  const page = fc.integer({ min: 0, max: 4095 });
  const child = fc.boolean();
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.record({ k: fc.constantFrom('write' as const, 'read' as const), page, tag: fc.integer({ min: 0, max: 99 }), child }), weight: 8 },
    {
      arbitrary: fc.record({ k: fc.constant('madvise' as const), page, n: fc.integer({ min: 1, max: 1100 }), advice: fc.constantFrom('HUGEPAGE' as const, 'PAGEOUT' as const, 'COLLAPSE' as const, 'DONTNEED' as const, 'COLD' as const, 'WILLNEED' as const), child }),
      weight: 4,
    },
    { arbitrary: fc.record({ k: fc.constant('split' as const), page, n: fc.integer({ min: 1, max: 1100 }), child }), weight: 1 },
    { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
    { arbitrary: fc.constant({ k: 'exit' as const }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant('pin' as const), page }), weight: 1 },
    { arbitrary: fc.constant({ k: 'unpin' as const }), weight: 1 },
  );
  for (const spec of THP) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 5, maxLength: 40, size: 'max' }), (ops) => runRandom(spec, ops)),
        { numRuns: Number(process.env['MMSIM_COLLAPSE_RUNS'] ?? 100) },
      );
    });
  }
});
