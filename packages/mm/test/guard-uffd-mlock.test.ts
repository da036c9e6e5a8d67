/**
 * Guard regions, userfaultfd async write-protect, mlock and clear_refs on
 * every variant of both eras: decoded ptes and markers through the arch's
 * own encoding where the arch has the bits, the kernel's refusals where
 * the era or the arch has none, the invariants after every step, and a
 * fast-check property over random sequences of these ops, run as `.mmo`
 * scripts (mmap_fixed, madvise, mlock, uffd_*, fork, reclaim, clear_refs)
 * through the script runner.
 */
import { VARIANTS as X86, x86_64_618 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { PTE_MARKER, pte_marker_get, type VariantSpec } from '@mmsim/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  access,
  clear_refs_write,
  do_madvise,
  do_mlock,
  do_mmap,
  do_munmap,
  do_truncate,
  dup_mmap,
  mwriteprotect_range,
  pageMlocked,
  pageUnevictable,
  pteMarker,
  pteSwpUffdWp,
  pteUffdWp,
  swapon,
  sys_userfaultfd,
  try_to_free_pages,
  UFFD_FEATURE_WP_ASYNC,
  UFFD_FEATURE_WP_UNPOPULATED,
  userfaultfd_api,
  userfaultfd_register_wp,
  userfaultfd_release,
  VM_LOCKED,
  VM_MAYBE_GUARD,
  VM_UFFD_WP,
} from '../src/kernel/index.js';
import { checkInvariants } from '../src/check/index.js';
import { create_file } from '../src/model/index.js';
import { Machine, parseMmo, runScript, type Mm, type Process } from '../src/index.js';
import { observeRegion, PfnLabels, type RegionObs } from '../src/observe/index.js';
import { recordingToMmo, startScript, type Recording } from '../src/script/index.js';
import { errnoOf, liveProc, slotStart } from './helpers.js';

const ALL: readonly VariantSpec[] = [...X86, ...PPC];
const E618 = ALL.filter((s) => s.era === '6.18');
const E2621 = ALL.filter((s) => s.era === '2.6.21');
const RW = { read: true, write: true, exec: false };
const BASE = 0x100;

function machine(spec: VariantSpec) {
  const m = new Machine({ spec, nodes: 1 });
  const p = m.spawn('p');
  const ok = () => expect(checkInvariants(m)).toEqual([]);
  return { m, p, ok };
}

function pte(m: Machine, mm: Mm, vpn: number): bigint {
  const slot = mm.pgtable.walk(vpn, false);
  if (slot < 0) return 0n;
  return (BigInt(mm.pgtable.hi(slot)) << 32n) | BigInt(mm.pgtable.lo(slot));
}

/** the marker bits of the pte, decoded through the kernel-faithful layer: swp type must be SWP_PTE_MARKER */
function decodedMarker(m: Machine, mm: Mm, vpn: number): number {
  const v = m.variant;
  const p = pte(m, mm, vpn);
  if (v.classify(p) !== 'marker') return 0;
  const entry = v.kernel.pte_to_swp_entry(p);
  expect(v.kernel.swp_type(entry)).toBe(v.swapTypes.byName('SWP_PTE_MARKER')!.type);
  return pte_marker_get(v, entry);
}

function bitOf(spec: VariantSpec, name: string): bigint {
  const b = spec.bits.find((x) => x.name === name && x.when !== 'not-present');
  return 1n << BigInt(b!.bit);
}

function observe(m: Machine, p: Process, start: number, pages: number, labels = new PfnLabels(m)): RegionObs {
  return observeRegion(m, p, { name: 'R', start, pages }, labels);
}

describe('guard regions (MADV_GUARD_INSTALL / MADV_GUARD_REMOVE)', () => {
  for (const spec of E618) {
    test(`${spec.id}@6.18: markers in the arch's encoding, SIGSEGV, DONTNEED keeps them, fork copies them, munmap drops them`, () => {
      const { m, p, ok } = machine(spec);
      do_mmap(m, p.mm, { start: BASE, pages: 4, prot: RW, shared: false });
      for (let i = 0; i < 4; i++) access(m, p.mm, BASE + i, true, m.tags.intern(`G${i}`));
      const inUse = m.frames.inUse;
      do_madvise(m, p.mm, BASE + 1, 2, 'GUARD_INSTALL');
      ok();
      expect(m.frames.inUse).toBe(inUse - 2); // the pages went
      expect(decodedMarker(m, p.mm, BASE + 1)).toBe(PTE_MARKER.GUARD);
      expect(decodedMarker(m, p.mm, BASE + 2)).toBe(PTE_MARKER.GUARD);
      expect(decodedMarker(m, p.mm, BASE + 0)).toBe(0);
      // one VMA, with VM_MAYBE_GUARD: no split
      expect(p.mm.vmas.list.length).toBe(1);
      expect(p.mm.vmas.list[0]!.flags & VM_MAYBE_GUARD).toBe(VM_MAYBE_GUARD);
      expect(access(m, p.mm, BASE + 1, false)).toEqual({ ok: false, signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' });
      expect(access(m, p.mm, BASE + 2, true, 1)).toEqual({ ok: false, signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' });
      const obs = observe(m, p, BASE, 4);
      expect(obs.pages.map((x) => x.st)).toEqual(['present', 'marker', 'marker', 'present']);
      expect(obs.pages[1]!.pm).toEqual(['guard']);
      expect(obs.pages[1]!.scan).toEqual(['guard']);
      expect(obs.summary['guard']).toBe(2);
      expect(obs.vmas[0]!.VmFlags.split(' ')).toContain('gu');
      // installing again over guards and pages: still guards, no error
      do_madvise(m, p.mm, BASE, 3, 'GUARD_INSTALL');
      expect([0, 1, 2].map((i) => decodedMarker(m, p.mm, BASE + i))).toEqual([4, 4, 4]);
      do_madvise(m, p.mm, BASE + 0, 1, 'GUARD_REMOVE');
      ok();
      // DONTNEED keeps guard markers (zap_details NULL)
      do_madvise(m, p.mm, BASE, 4, 'DONTNEED');
      ok();
      expect([0, 1, 2, 3].map((i) => decodedMarker(m, p.mm, BASE + i))).toEqual([0, 4, 4, 0]);
      // fork copies them (VM_MAYBE_GUARD is copy-on-fork)
      const child = dup_mmap(m, p, 'c');
      ok();
      expect(decodedMarker(m, child.mm, BASE + 1)).toBe(PTE_MARKER.GUARD);
      expect(access(m, child.mm, BASE + 2, false)).toMatchObject({ signal: 'SIGSEGV' });
      // remove: the next read maps the zero page
      do_madvise(m, p.mm, BASE + 2, 1, 'GUARD_REMOVE');
      expect(decodedMarker(m, p.mm, BASE + 2)).toBe(0);
      expect(access(m, p.mm, BASE + 2, false)).toMatchObject({ ok: true, tag: '0' });
      expect(observe(m, p, BASE, 4).vmas[0]!.VmFlags.split(' ')).toContain('gu'); // the flag stays: "maybe"
      ok();
      do_munmap(m, p.mm, BASE, 4);
      ok();
      expect([0, 1, 2, 3].map((i) => pte(m, p.mm, BASE + i))).toEqual([0n, 0n, 0n, 0n]);
    });

    test(`${spec.id}@6.18: VM_LOCKED refuses install, not remove; WIPEONFORK children get none; file guards survive truncate`, () => {
      const { m, p, ok } = machine(spec);
      do_mmap(m, p.mm, { start: BASE, pages: 2, prot: RW, shared: false });
      do_mlock(m, p.mm, BASE, 2, true);
      expect(errnoOf(() => do_madvise(m, p.mm, BASE, 1, 'GUARD_INSTALL'))).toBe('EINVAL');
      expect(errnoOf(() => do_madvise(m, p.mm, BASE, 1, 'GUARD_REMOVE'))).toBeUndefined();
      do_mlock(m, p.mm, BASE, 2, false);
      do_madvise(m, p.mm, BASE, 2, 'WIPEONFORK');
      do_madvise(m, p.mm, BASE, 1, 'GUARD_INSTALL');
      const child = dup_mmap(m, p, 'c');
      expect(decodedMarker(m, child.mm, BASE)).toBe(0);
      expect(access(m, child.mm, BASE, false)).toMatchObject({ ok: true, tag: '0' });
      ok();
      const f = create_file(m, 'F', 'tmpfs', 4, 'F');
      do_mmap(m, p.mm, { start: BASE + 0x40, pages: 4, prot: RW, shared: true, inode: f, pgoff: 0 });
      do_madvise(m, p.mm, BASE + 0x41, 1, 'GUARD_INSTALL');
      expect(access(m, p.mm, BASE + 0x41, false)).toMatchObject({ signal: 'SIGSEGV' });
      expect(access(m, p.mm, BASE + 0x40, false)).toMatchObject({ ok: true, tag: 'F0' });
      // fault-around skips the marker
      expect(decodedMarker(m, p.mm, BASE + 0x41)).toBe(PTE_MARKER.GUARD);
      do_truncate(m, f, 0);
      do_truncate(m, f, 4 * m.variant.constants.PAGE_SIZE);
      expect(decodedMarker(m, p.mm, BASE + 0x41)).toBe(PTE_MARKER.GUARD);
      ok();
    });
  }

  for (const spec of E2621) {
    test(`${spec.id}@2.6.21: no guard regions (EINVAL)`, () => {
      const { m, p } = machine(spec);
      do_mmap(m, p.mm, { start: BASE, pages: 2, prot: RW, shared: false });
      expect(errnoOf(() => do_madvise(m, p.mm, BASE, 1, 'GUARD_INSTALL'))).toBe('EINVAL');
      expect(errnoOf(() => do_madvise(m, p.mm, BASE, 1, 'GUARD_REMOVE'))).toBe('EINVAL');
    });
  }
});

/** userfaultfd + UFFDIO_API(WP_ASYNC|WP_UNPOPULATED) + UFFDIO_REGISTER(MODE_WP), as the oracle's op does */
function registerWp(m: Machine, mm: Mm, start: number, pages: number) {
  const ctx = sys_userfaultfd(m, mm);
  userfaultfd_api(m, ctx, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
  userfaultfd_register_wp(m, ctx, start, pages);
  return ctx;
}

describe('userfaultfd async write-protect', () => {
  const spec = x86_64_618;
  const UFFD = bitOf(spec, 'uffd_wp');
  const RWB = bitOf(spec, 'rw');

  test('x86_64@6.18: the pte bit (_PAGE_UFFD_WP) and markers, async resolution by a write, WP_UNPOPULATED markers, resolve', () => {
    const { m, p, ok } = machine(spec);
    do_mmap(m, p.mm, { start: BASE, pages: 4, prot: RW, shared: false });
    access(m, p.mm, BASE, true, m.tags.intern('U0'));
    access(m, p.mm, BASE + 1, true, m.tags.intern('U1'));
    const ctx = registerWp(m, p.mm, BASE, 4);
    expect(p.mm.vmas.list[0]!.flags & VM_UFFD_WP).toBe(VM_UFFD_WP);
    mwriteprotect_range(m, ctx, BASE, 4, true);
    ok();
    for (const i of [0, 1]) {
      const v = pte(m, p.mm, BASE + i);
      expect(v & UFFD).toBe(UFFD);
      expect(v & RWB).toBe(0n);
    }
    expect(decodedMarker(m, p.mm, BASE + 2)).toBe(PTE_MARKER.UFFD_WP);
    expect(decodedMarker(m, p.mm, BASE + 3)).toBe(PTE_MARKER.UFFD_WP);
    const obs = observe(m, p, BASE, 4);
    expect(obs.pages.map((x) => x.pm)).toEqual([['excl', 'uffd_wp'], ['excl', 'uffd_wp'], ['uffd_wp'], ['uffd_wp']]);
    expect(obs.pages[0]!.scan).toEqual(['not_written', 'wpallowed']);
    expect(obs.vmas[0]!.VmFlags).toBe('rd wr mr mw me uw ac');
    // a write to a protected page: one fault, the kernel clears the bit, the page is reused
    const frame1 = m.pteFrame(p.mm.pgtable.hi(p.mm.pgtable.walk(BASE + 1, false)), p.mm.pgtable.lo(p.mm.pgtable.walk(BASE + 1, false)));
    expect(access(m, p.mm, BASE + 1, true, m.tags.intern('U1w'))).toMatchObject({ ok: true, minor: 1 });
    expect(pte(m, p.mm, BASE + 1) & UFFD).toBe(0n);
    expect(pte(m, p.mm, BASE + 1) & RWB).toBe(RWB);
    expect(m.pteFrame(p.mm.pgtable.hi(p.mm.pgtable.walk(BASE + 1, false)), p.mm.pgtable.lo(p.mm.pgtable.walk(BASE + 1, false)))).toBe(frame1);
    // a write to a uffd-wp marker: the page comes in protected, then the same write resolves it — two faults
    expect(access(m, p.mm, BASE + 3, true, m.tags.intern('U3'))).toMatchObject({ ok: true, minor: 2 });
    expect(pte(m, p.mm, BASE + 3) & UFFD).toBe(0n);
    // a read of a marker maps the zero page with the bit
    expect(access(m, p.mm, BASE + 2, false)).toMatchObject({ ok: true, tag: '0', minor: 1 });
    expect(pte(m, p.mm, BASE + 2) & UFFD).toBe(UFFD);
    expect(observe(m, p, BASE, 4).pages[2]!.pfn).toBe('ZERO');
    ok();
    // resolve: bits cleared, exclusive pages writable again without a fault
    mwriteprotect_range(m, ctx, BASE, 4, false);
    ok();
    for (const i of [0, 1, 2, 3]) expect(pte(m, p.mm, BASE + i) & UFFD).toBe(0n);
    expect(access(m, p.mm, BASE, true, m.tags.intern('U0w'))).toMatchObject({ ok: true, minor: 0 });
    // protect again, then close: everything resolved, the VMA no longer registered
    mwriteprotect_range(m, ctx, BASE, 4, true);
    userfaultfd_release(m, ctx);
    expect(p.mm.vmas.list[0]!.flags & VM_UFFD_WP).toBe(0);
    for (const i of [0, 1, 2, 3]) expect(pte(m, p.mm, BASE + i) & UFFD).toBe(0n);
    ok();
  });

  test('x86_64@6.18: fork clears the bits in the child; swap-out keeps the bit in the swap pte; errors', () => {
    const { m, p, ok } = machine(spec);
    swapon(m, 'file', 64);
    do_mmap(m, p.mm, { start: BASE, pages: 4, prot: RW, shared: false });
    access(m, p.mm, BASE, true, 1);
    access(m, p.mm, BASE + 1, true, 2);
    const ctx = registerWp(m, p.mm, BASE, 4);
    mwriteprotect_range(m, ctx, BASE, 4, true);
    const child = dup_mmap(m, p, 'c');
    ok();
    expect(child.mm.vmas.list[0]!.flags & VM_UFFD_WP).toBe(0);
    expect(pte(m, child.mm, BASE) & UFFD).toBe(0n);
    expect(pte(m, p.mm, BASE) & UFFD).toBe(UFFD);
    expect(decodedMarker(m, child.mm, BASE + 2)).toBe(0); // copy_pte_marker drops uffd-wp into an unregistered VMA
    // the child writes without any uffd involvement
    expect(access(m, child.mm, BASE, true, 7)).toMatchObject({ ok: true });
    do_madvise(m, p.mm, BASE + 1, 1, 'PAGEOUT'); // exclusive in the parent? no: shared with the child — skipped
    const obsBefore = observe(m, p, BASE, 4);
    expect(obsBefore.pages[1]!.st).toBe('present');
    do_munmap(m, child.mm, BASE, 4);
    do_madvise(m, p.mm, BASE + 1, 1, 'PAGEOUT');
    ok();
    const sw = pte(m, p.mm, BASE + 1);
    expect(m.variant.classify(sw)).toBe('swap');
    expect(m.variant.kernel.pte_swp_uffd_wp(sw)).toBe(true);
    expect(pteSwpUffdWp(m, Number(sw >> 32n), Number(sw & 0xffffffffn))).toBe(true);
    expect(observe(m, p, BASE, 4).pages[1]).toMatchObject({ st: 'swapped', pm: ['uffd_wp'], scan: ['not_written', 'wpallowed'] });
    // swap-in on write: protected, then resolved in the same fault
    expect(access(m, p.mm, BASE + 1, true, m.tags.intern('S9'))).toMatchObject({ ok: true, tag: 'S9' });
    expect(pteUffdWp(m, p.mm.pgtable.hi(p.mm.pgtable.walk(BASE + 1, false)), p.mm.pgtable.lo(p.mm.pgtable.walk(BASE + 1, false)))).toBe(false);
    ok();
    // errors: writeprotect of an unregistered VMA, a second userfaultfd on a registered VMA, a closed one
    do_mmap(m, p.mm, { start: BASE + 0x40, pages: 2, prot: RW, shared: false });
    expect(errnoOf(() => mwriteprotect_range(m, ctx, BASE + 0x40, 2, true))).toBe('ENOENT');
    expect(errnoOf(() => registerWp(m, p.mm, BASE, 1))).toBe('EBUSY');
    userfaultfd_release(m, ctx);
    expect(errnoOf(() => mwriteprotect_range(m, ctx, BASE, 1, true))).toBe('EBADF');
    const bare = sys_userfaultfd(m, p.mm);
    expect(errnoOf(() => userfaultfd_register_wp(m, bare, BASE, 1))).toBe('EINVAL'); // no UFFDIO_API yet
  });

  test('x86_64@6.18: a shared tmpfs mapping uses markers, is write-notified, and DONTNEED of a protected pte leaves a marker', () => {
    const { m, p, ok } = machine(spec);
    const f = create_file(m, 'F', 'tmpfs', 4, 'F');
    do_mmap(m, p.mm, { start: BASE, pages: 4, prot: RW, shared: true, inode: f, pgoff: 0 });
    const ctx = sys_userfaultfd(m, p.mm);
    userfaultfd_api(m, ctx, UFFD_FEATURE_WP_ASYNC); // no WP_UNPOPULATED: file VMAs use markers all the same
    userfaultfd_register_wp(m, ctx, BASE, 4);
    // no fault-around in a uffd-wp VMA; the pte is read-only (write-notify)
    expect(access(m, p.mm, BASE, false)).toMatchObject({ ok: true, tag: 'F0' });
    expect(m.variant.classify(pte(m, p.mm, BASE + 1))).toBe('none');
    mwriteprotect_range(m, ctx, BASE, 4, true);
    expect(decodedMarker(m, p.mm, BASE + 1)).toBe(PTE_MARKER.UFFD_WP);
    expect(pte(m, p.mm, BASE) & UFFD).toBe(UFFD);
    do_madvise(m, p.mm, BASE, 1, 'DONTNEED');
    expect(decodedMarker(m, p.mm, BASE)).toBe(PTE_MARKER.UFFD_WP);
    // a read fault through the marker maps the page cache page protected
    expect(access(m, p.mm, BASE, false)).toMatchObject({ ok: true, tag: 'F0' });
    expect(pte(m, p.mm, BASE) & UFFD).toBe(UFFD);
    expect(access(m, p.mm, BASE, true, m.tags.intern('W'))).toMatchObject({ ok: true, minor: 1 });
    expect(pte(m, p.mm, BASE) & UFFD).toBe(0n);
    ok();
  });

  for (const s of E618.filter((x) => x !== x86_64_618)) {
    test(`${s.id}@6.18: no uffd-wp pte bit, so UFFDIO_API with WP_ASYNC|WP_UNPOPULATED is EINVAL`, () => {
      const { m, p } = machine(s);
      const ctx = sys_userfaultfd(m, p.mm);
      expect(errnoOf(() => userfaultfd_api(m, ctx, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED))).toBe('EINVAL');
      const trace = runScript(parseMmo('mmap U 2 rw- private,anon slot=0\nuffd_register_wp U\nuffd_writeprotect U 0 2 1\n'), { spec: s }, 'u.mmo', { check: true });
      expect(trace.steps.map((x) => x.ret)).toEqual([{ ok: true, val: 0 }, { ok: false, errno: 'EINVAL' }, { ok: false, errno: 'EBADF' }]);
    });
  }
  for (const s of E2621) {
    test(`${s.id}@2.6.21: no userfaultfd(2) (ENOSYS), no /proc/PID/clear_refs (ENOENT)`, () => {
      const trace = runScript(parseMmo('mmap U 2 rw- private,anon slot=0\nuffd_register_wp U\nclear_refs 4\n'), { spec: s }, 'u.mmo', { check: true });
      expect(trace.steps.map((x) => x.ret)).toEqual([{ ok: true, val: 0 }, { ok: false, errno: 'ENOSYS' }, { ok: false, errno: 'ENOENT' }]);
    });
  }
});

describe('mlock / munlock', () => {
  for (const spec of ALL) {
    test(`${spec.id}@${spec.era}: VM_LOCKED, populate, Locked, kpageflags, reclaim skips, DONTNEED refuses, fork does not inherit`, () => {
      const { m, p, ok } = machine(spec);
      const kb = m.variant.constants.PAGE_SIZE / 1024;
      swapon(m, 'file', 64);
      do_mmap(m, p.mm, { start: BASE, pages: 3, prot: RW, shared: false });
      access(m, p.mm, BASE, true, m.tags.intern('D0'));
      do_mlock(m, p.mm, BASE, 2, true);
      ok();
      // split [0-2 lo][2-3]; page 1 populated by a write fault
      expect(p.mm.vmas.list.map((v) => [v.start - BASE, v.end - BASE, (v.flags & VM_LOCKED) !== 0])).toEqual([
        [0, 2, true],
        [2, 3, false],
      ]);
      expect(m.variant.classify(pte(m, p.mm, BASE + 1))).toBe('present');
      const labels = new PfnLabels(m);
      const obs = observe(m, p, BASE, 3, labels);
      expect(obs.vmas[0]!.VmFlags.split(' ')).toContain('lo');
      expect(obs.vmas[0]!.kB['Locked']).toBe(2 * kb);
      expect(obs.vmas[1]!.kB['Locked']).toBeUndefined();
      const f0 = m.pteFrame(p.mm.pgtable.hi(p.mm.pgtable.walk(BASE, false)), p.mm.pgtable.lo(p.mm.pgtable.walk(BASE, false)));
      const f1 = m.pteFrame(p.mm.pgtable.hi(p.mm.pgtable.walk(BASE + 1, false)), p.mm.pgtable.lo(p.mm.pgtable.walk(BASE + 1, false)));
      expect(pageMlocked(m, f0) && pageMlocked(m, f1)).toBe(true);
      if (spec.era === '6.18') {
        // mlock_vma_pages_range drained the batch for the page already there; the one populate faulted in waits in it
        expect(obs.pages[0]!.kf).toEqual(['UPTODATE', 'MMAP', 'ANON', 'SWAPBACKED', 'UNEVICTABLE', 'MLOCKED', 'ANON_EXCL']);
        expect(obs.pages[1]!.kf).toEqual(['UPTODATE', 'MMAP', 'ANON', 'SWAPBACKED', 'MLOCKED', 'ANON_EXCL']);
        expect(pageUnevictable(m, f1)).toBe(false);
      } else {
        expect(obs.pages[0]!.kf).not.toContain('MLOCKED');
      }
      // reclaim leaves mlocked pages alone; the unlocked page 2 may go
      access(m, p.mm, BASE + 2, true, 3);
      try_to_free_pages(m, m.frames.max);
      ok();
      expect(m.variant.classify(pte(m, p.mm, BASE))).toBe('present');
      expect(m.variant.classify(pte(m, p.mm, BASE + 1))).toBe('present');
      expect(errnoOf(() => do_madvise(m, p.mm, BASE, 1, 'DONTNEED'))).toBe('EINVAL');
      const child = dup_mmap(m, p, 'c');
      expect(child.mm.vmas.list.every((v) => (v.flags & VM_LOCKED) === 0)).toBe(true);
      ok();
      do_mlock(m, p.mm, BASE, 3, false);
      ok();
      expect(p.mm.vmas.list.every((v) => (v.flags & VM_LOCKED) === 0)).toBe(true);
      expect(pageMlocked(m, f0) || pageMlocked(m, f1) || pageUnevictable(m, f0)).toBe(false);
      // a hole: ENOMEM; an empty range: nothing
      expect(errnoOf(() => do_mlock(m, p.mm, BASE, 8, true))).toBe('ENOMEM');
      expect(errnoOf(() => do_mlock(m, p.mm, BASE, 0, true))).toBeUndefined();
      ok();
    });
  }

  for (const spec of E618) {
    test(`${spec.id}@6.18: mlock twice over a VM_MERGEABLE VMA (bit 31 of the flags) locks once; munlock unlocks`, () => {
      const { m, p, ok } = machine(spec);
      do_mmap(m, p.mm, { start: BASE, pages: 2, prot: RW, shared: false });
      access(m, p.mm, BASE, true, 1);
      do_mlock(m, p.mm, BASE, 2, true);
      do_madvise(m, p.mm, BASE, 2, 'MERGEABLE');
      do_mlock(m, p.mm, BASE, 2, true);
      const f0 = m.pteFrame(Number(pte(m, p.mm, BASE) >> 32n), Number(pte(m, p.mm, BASE) & 0xffffffffn));
      expect(pageMlocked(m, f0)).toBe(true);
      do_mlock(m, p.mm, BASE, 2, false);
      expect(p.mm.vmas.lookup(BASE)!.flags & VM_LOCKED).toBe(0);
      expect(pageMlocked(m, f0)).toBe(false);
      ok();
    });
  }

  test('6.18: munmap of an mlocked range drains the batch and munlocks (the pages are freed)', () => {
    const { m, p, ok } = machine(x86_64_618);
    do_mmap(m, p.mm, { start: BASE, pages: 2, prot: RW, shared: false });
    do_mlock(m, p.mm, BASE, 2, true);
    const used = m.frames.inUse;
    do_munmap(m, p.mm, BASE, 2);
    ok();
    expect(m.frames.inUse).toBe(used - 2);
  });
});

describe('clear_refs', () => {
  for (const spec of E618) {
    test(`${spec.id}@6.18: 1–5 succeed, 4 changes nothing (no CONFIG_MEM_SOFT_DIRTY), 1 clears the accessed bit, others EINVAL`, () => {
      const { m, p, ok } = machine(spec);
      do_mmap(m, p.mm, { start: BASE, pages: 2, prot: RW, shared: false });
      access(m, p.mm, BASE, true, 1);
      const before = pte(m, p.mm, BASE);
      expect(clear_refs_write(m, p.mm, '4')).toBe(1);
      expect(pte(m, p.mm, BASE)).toBe(before);
      expect(observe(m, p, BASE, 2).pages[0]!.pm).not.toContain('soft_dirty');
      clear_refs_write(m, p.mm, '1');
      const young = spec.bits.find((b) => b.name === 'accessed' && b.when !== 'not-present');
      if (young) expect(pte(m, p.mm, BASE) & (1n << BigInt(young.bit))).toBe(0n);
      for (const v of ['2', '3', '5']) expect(errnoOf(() => clear_refs_write(m, p.mm, v))).toBeUndefined();
      for (const v of ['0', '6', 'x']) expect(errnoOf(() => clear_refs_write(m, p.mm, v))).toBe('EINVAL');
      expect(access(m, p.mm, BASE, false)).toMatchObject({ ok: true, tag: m.tags.name(1) });
      ok();
    });
  }
});

// --- the property: random sequences run as `.mmo` scripts, invariants after every step, a model of guards, locks and uffd-wp ---

type Op =
  | { k: 'write' | 'read'; page: number; child: boolean }
  | { k: 'guard' | 'unguard' | 'dontneed' | 'mlock' | 'munlock' | 'wp' | 'unwp' | 'munmap' | 'mmap'; page: number; n: number }
  | { k: 'register' | 'close' | 'fork' | 'reclaim' | 'clear_refs' };

const PAGES = 6;
const page = fc.integer({ min: 0, max: PAGES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constantFrom('write' as const, 'read' as const), page, child: fc.boolean() }),
  fc.record({ k: fc.constantFrom('guard' as const, 'unguard' as const, 'dontneed' as const, 'mlock' as const, 'munlock' as const, 'wp' as const, 'unwp' as const, 'munmap' as const, 'mmap' as const), page, n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ k: fc.constantFrom('register' as const, 'close' as const, 'fork' as const, 'reclaim' as const, 'clear_refs' as const) }),
);

const MADVICE = { guard: 'GUARD_INSTALL', unguard: 'GUARD_REMOVE', dontneed: 'DONTNEED' } as const;

/** An op as `.mmo` lines on region R (six pages at slot 0), each with the op it stands for; a write or read by the child once forked. */
function lines(o: Op, forked: boolean, tag: number): [string, Op][] {
  const s = 'page' in o ? o.page : 0;
  const n = 'n' in o ? Math.min(PAGES, s + o.n) - s : 0;
  switch (o.k) {
    case 'write':
      return [[`${o.child && forked ? '@child ' : ''}write R ${s} T${tag}`, o]];
    case 'read':
      return [[`${o.child && forked ? '@child ' : ''}read R ${s}`, o]];
    case 'guard':
    case 'unguard':
    case 'dontneed':
      return [[`madvise R ${s} ${n} ${MADVICE[o.k]}`, o]];
    case 'mlock':
    case 'munlock':
      return [[`${o.k} R ${s} ${n}`, o]];
    case 'wp':
    case 'unwp':
      return [[`uffd_writeprotect R ${s} ${n} ${o.k === 'wp' ? 1 : 0}`, o]];
    case 'munmap':
      return [[`munmap R ${s} ${n}`, o]];
    case 'mmap':
      return [[`mmap_fixed R ${s} ${n} rw- private,anon`, o]];
    // a new registration closes the current userfaultfd first (else the second registration of the range is EBUSY)
    case 'register':
      return [['uffd_close', { k: 'close' }], ['uffd_register_wp R', o]];
    case 'close':
      return [['uffd_close', o]];
    case 'fork':
      return forked ? [] : [['fork', o]];
    case 'reclaim':
      return [['reclaim', o]];
    case 'clear_refs':
      return [['clear_refs 4', o]];
  }
}

function run(spec: VariantSpec, ops: Op[]): void {
  const script = ['swapon file 256', `mmap R ${PAGES} rw- private,anon slot=0`];
  const setup = script.length;
  const kept: Op[] = [];
  let forked = false;
  for (const o of ops) {
    for (const [text, what] of lines(o, forked, kept.length)) {
      script.push(text);
      kept.push(what);
    }
    if (o.k === 'fork') forked = true;
  }
  const text = script.join('\n');
  const { machine: m, steps } = startScript(parseMmo(text, 'random-guard.mmo'), { spec, nodes: 1, frames: 512 }, 'random-guard.mmo', { check: true, observe: false });
  // the model: per page, mapped / guarded / tag written (undefined: zero)
  const mapped = new Array<boolean>(PAGES).fill(true);
  const guard = new Array<boolean>(PAGES).fill(false);
  const data = new Array<string | undefined>(PAGES).fill(undefined);
  const e618 = spec.era === '6.18';
  const uffd = spec === x86_64_618;
  let BASE = 0;
  /** the pages an mlocked VMA has present before the step */
  const lockedPresent = new Set<number>();
  let i = -1;
  for (const step of steps) {
    i++;
    const where = `${spec.id}@${spec.era} line ${i + 1} '${script[i]}' of:\n${text}`;
    const p = liveProc(m, 'parent')!;
    if (i < setup) {
      expect(step.ret['ok'], where).toBe(true);
      BASE = slotStart(m, 0);
    } else {
      const o = kept[i - setup]!;
      const range = 'n' in o ? { s: o.page, e: Math.min(PAGES, o.page + o.n) } : { s: 0, e: 0 };
      const all = (f: (k: number) => boolean) => Array.from({ length: range.e - range.s }, (_, j) => range.s + j).every(f);
      const locked = () => p.mm.vmas.overlapping(BASE + range.s, BASE + range.e).some((v) => (v.flags & VM_LOCKED) !== 0);
      const ret = step.ret;
      switch (o.k) {
        case 'write':
        case 'read':
          // the child writes too: its writes must never reach the parent's pages (after fork + reclaim, 2.6.21's
          // swap-in and do_wp_page count the swap entries still naming a page: can_share_swap_page)
          if (step.proc !== 'parent') break;
          if (!mapped[o.page]) expect(ret, where).toMatchObject({ signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' });
          else if (guard[o.page]) expect(ret, where).toEqual({ ok: false, signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' });
          else if (o.k === 'write') {
            expect(ret['ok'], where).toBe(true);
            data[o.page] = String(step.args['tag']);
          } else expect(ret, where).toMatchObject({ ok: true, data: data[o.page] ?? '0' });
          break;
        case 'guard':
        case 'dontneed':
          // madvise walks the VMAs in order: a VM_LOCKED one stops it (EINVAL), a hole is ENOMEM at the end
          if (e618 || o.k === 'dontneed') {
            for (let k = range.s; k < range.e; k++) {
              if (!mapped[k]) continue;
              if ((p.mm.vmas.lookup(BASE + k)!.flags & VM_LOCKED) !== 0) break;
              if (o.k === 'guard') guard[k] = true;
              data[k] = undefined;
            }
          }
          break;
        case 'unguard':
          if (e618) for (let k = range.s; k < range.e; k++) guard[k] = false;
          break;
        case 'munmap':
        case 'mmap':
          for (let k = range.s; k < range.e; k++) {
            mapped[k] = o.k === 'mmap';
            guard[k] = false;
            data[k] = undefined;
          }
          break;
        case 'fork': {
          const child = liveProc(m, 'child')!;
          for (let k = 0; k < PAGES; k++) expect(decodedMarker(m, child.mm, BASE + k) === PTE_MARKER.GUARD, where).toBe(guard[k]);
          break;
        }
      }
      // the kernel's refusals are the only errors
      if ('errno' in ret) {
        const err = ret['errno'];
        if (o.k === 'guard' && err === 'EINVAL') expect(locked() || !e618, where).toBe(true);
        else if (o.k === 'unguard' && err === 'EINVAL') expect(e618, where).toBe(false);
        else if (o.k === 'dontneed' && err === 'EINVAL') expect(locked(), where).toBe(true);
        else if (err === 'ENOMEM') expect(all((k) => mapped[k]!), where).toBe(false);
        // a backend with uffd-wp refuses only a range with no VMA in it (userfaultfd_register: vma_find() finds none)
        else if (o.k === 'register' && err === 'EINVAL' && uffd) expect(mapped.some(Boolean), where).toBe(false);
        else if (o.k === 'register' && (err === 'ENOSYS' || err === 'EINVAL')) expect(uffd, where).toBe(false);
        // no current userfaultfd: the oracle's op finds uffd = -1 (EBADF); one whose range has no registered VMA: ENOENT
        else if (o.k === 'wp' || o.k === 'unwp') expect(err, where).toBe(p.uffd === undefined ? 'EBADF' : 'ENOENT');
        else if (o.k === 'clear_refs') expect([err, e618], where).toEqual(['ENOENT', false]);
        else throw new Error(`${where}: unexpected ${String(err)}`);
      } else if (ret['ok'] === false && o.k !== 'write' && o.k !== 'read') throw new Error(`${where}: ${JSON.stringify(ret)}`);
      // the page tables agree with the model: guards are guard markers, uffd-wp only in registered VMAs, mlocked pages
      // resident (one expect for them all: an expect per page would be most of the test's time)
      const wrong: string[] = [];
      for (let k = 0; k < PAGES; k++) {
        const v = pte(m, p.mm, BASE + k);
        const hi = Number(v >> 32n);
        const lo = Number(v & 0xffffffffn);
        if (((pteMarker(m, hi, lo) & PTE_MARKER.GUARD) !== 0) !== guard[k]) wrong.push(`page ${k}: guard marker ${!guard[k]}, the model ${guard[k]}`);
        const vma = p.mm.vmas.lookup(BASE + k);
        const cls = m.variant.classify(v);
        if (!vma || (vma.flags & VM_UFFD_WP) === 0) {
          if (cls === 'present' && pteUffdWp(m, hi, lo)) wrong.push(`page ${k}: a uffd-wp pte outside a registered VMA`);
          if ((pteMarker(m, hi, lo) & PTE_MARKER.UFFD_WP) !== 0) wrong.push(`page ${k}: a uffd-wp marker outside a registered VMA`);
        }
        if (vma && (vma.flags & VM_LOCKED) !== 0 && cls === 'present') {
          const frame = m.pteFrame(hi, lo);
          if (frame !== m.zeroFrame && !pageMlocked(m, frame)) wrong.push(`page ${k}: present in a VM_LOCKED VMA, not mlocked`);
        }
        if (o.k === 'reclaim' && lockedPresent.has(k) && cls !== 'present') wrong.push(`page ${k}: reclaim took an mlocked page (${cls})`);
      }
      expect(wrong, where).toEqual([]);
    }
    // the pages an mlocked VMA has present before the next step
    lockedPresent.clear();
    for (let k = 0; k < PAGES; k++) {
      const vma = p.mm.vmas.lookup(BASE + k);
      if (vma && (vma.flags & VM_LOCKED) !== 0 && m.variant.classify(pte(m, p.mm, BASE + k)) === 'present') lockedPresent.add(k);
    }
  }
  expect(i, 'every line ran').toBe(script.length - 1);
}

/** sequences an earlier search shrank to (madvise over a hole; mlock over a hole, then reclaim; register over nothing) */
const EXAMPLES: [Op[]][] = [
  [[{ k: 'guard', page: 0, n: 1 }, { k: 'munmap', page: 1, n: 1 }, { k: 'unguard', page: 0, n: 2 }, { k: 'register' }, { k: 'guard', page: 0, n: 1 }, { k: 'write', page: 0, child: false }]],
  [[{ k: 'write', page: 0, child: false }, { k: 'reclaim' }, { k: 'munmap', page: 1, n: 1 }, { k: 'mlock', page: 0, n: 2 }, { k: 'reclaim' }, { k: 'guard', page: 0, n: 1 }, { k: 'register' }, { k: 'guard', page: 0, n: 1 }]],
  // register with every page unmapped: EINVAL on the backend with uffd-wp too
  [[{ k: 'munmap', page: 3, n: 3 }, { k: 'munmap', page: 0, n: 3 }, { k: 'register' }, { k: 'register' }, { k: 'register' }]],
];

describe('random sequences of guard, uffd-wp, mlock, fork, reclaim keep the invariants and the model', () => {
  for (const spec of ALL) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 3, maxLength: 40 }), (ops) => run(spec, ops)),
        { numRuns: Number(process.env['MMSIM_GUARD_RUNS'] ?? (spec === x86_64_618 ? 400 : 150)), examples: EXAMPLES },
      );
    });
  }
});

describe("the host's pagemap_bits scenario on every variant (invariants after every step)", () => {
  const rec = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'host', 'pagemap_bits.json'), 'utf8')) as Recording;
  const script = parseMmo((recordingToMmo(rec) as { text: string }).text, 'pagemap_bits.mmo');
  for (const spec of ALL) {
    test(`${spec.id}@${spec.era}`, () => {
      const trace = runScript(script, { spec }, 'pagemap_bits.mmo', { check: true });
      const ret = (op: string, k = 0) => trace.steps.filter((s) => s.op === op)[k]!.ret;
      const guards = spec.era === '6.18';
      const uffd = spec === x86_64_618;
      expect(ret('madvise')).toEqual(guards ? { ok: true, val: 0 } : { ok: false, errno: 'EINVAL' });
      expect(ret('read')).toEqual(guards ? { ok: false, signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' } : expect.objectContaining({ ok: true }));
      expect(ret('uffd_register_wp')).toEqual(uffd ? { ok: true, val: 0 } : { ok: false, errno: spec.era === '6.18' ? 'EINVAL' : 'ENOSYS' });
      expect(ret('uffd_writeprotect')).toEqual(uffd ? { ok: true, val: 0 } : { ok: false, errno: 'EBADF' });
      expect(ret('clear_refs')).toEqual(spec.era === '6.18' ? { ok: true, val: 0 } : { ok: false, errno: 'ENOENT' });
      expect(ret('mlock')).toEqual({ ok: true, val: 0 });
      const locked = trace.steps.find((s) => s.op === 'mlock')!.obs['D']!;
      expect(locked.vmas[0]!.VmFlags.split(' ')).toContain('lo');
      expect(locked.pages.every((p) => p.kf?.includes('MLOCKED') === (spec.era === '6.18'))).toBe(true);
    });
  }
});
