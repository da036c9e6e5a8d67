/**
 * PMD-mapped THPs through mremap, GUP and migration, on every variant with
 * a huge pmd format (6.18 i386, i386-pae, x86_64, ppc64-64k):
 * - mremap (6.18 mm/mremap.c move_page_tables): a huge pmd whose whole
 *   extent moves to an HPAGE-aligned destination moves as one entry
 *   (move_huge_pmd); otherwise it is split and its ptes move;
 * - GUP (6.18 mm/gup.c follow_huge_pmd, try_grab_folio): pins of PMD- and
 *   PTE-mapped pages hold their references on the folio's head (a FOLL_PIN
 *   one plus _pincount), FOLL_WRITE on a read-only huge pmd faults
 *   (do_huge_pmd_wp_page), a read-only pin of a shared page unshares, and
 *   fork copies a pinned exclusive THP for the child at once;
 * - migration of a page of a large folio (migrate_pages_batch's split
 *   path): the folio is split and each of its pages migrates;
 * and random sequences of all of it keep the invariants and the data.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { PteClassCode, type VariantSpec } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  access,
  checkInvariants,
  device_read,
  device_write,
  do_madvise,
  do_mmap,
  do_mprotect,
  do_mremap,
  do_mremap_path,
  do_munmap,
  dup_mmap,
  entireMapcount,
  exit_mmap,
  folio_maybe_dma_pinned,
  get_user_pages,
  isolate_lru_page,
  largeFolioAt,
  Machine,
  migrate_pages,
  MIGRATE_EAGAIN,
  MIGRATE_SPLIT,
  pin_user_pages,
  PG_head,
  PG_tail,
  runPath,
  split_huge_page,
  SyscallError,
  thpState,
  unpin_user_page,
  FOLL_LONGTERM,
  FOLL_WRITE,
  type Mm,
  type MremapRequest,
  type Process,
} from '../src/index.js';
import { PG_anon_exclusive, PG_zero } from '../src/kernel/page-flags.js';
import { VM_READ, VM_WRITE } from '../src/kernel/vma.js';
import { clean, hugeAt, thpSetup } from './helpers.js';

const THP = [...X86, ...PPC].filter((s) => s.huge !== undefined);
const RW = { read: true, write: true, exec: false };
const RO = { read: true, write: false, exec: false };

const setup = (spec: VariantSpec, frames?: number) => thpSetup(spec, frames === undefined ? {} : { frames });

/** The frame mapped at vpn, through a huge pmd or a present pte; -1 for none. */
function frameAt(m: Machine, mm: Mm, vpn: number): number {
  const h = hugeAt(mm, vpn);
  if (h !== undefined) return m.frames.frameOf(m.variant.fast.pmd_pfn_lo!(h.hi, h.lo)) + (vpn - h.vpn);
  const slot = mm.pgtable.walk(vpn, false);
  if (slot < 0) return -1;
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  const cls = m.variant.fast.classify(hi, lo);
  return cls === PteClassCode.present || cls === PteClassCode.protnone ? m.pteFrame(hi, lo) : -1;
}

function pteWritable(m: Machine, mm: Mm, vpn: number): boolean {
  const slot = mm.pgtable.walk(vpn, false);
  return slot >= 0 && m.pteWrite(mm.pgtable.hi(slot), mm.pgtable.lo(slot));
}

const move = (start: number, pages: number, newStart: number, dontunmap = false): MremapRequest => ({ start, oldPages: pages, newPages: pages, maymove: true, fixed: true, dontunmap, newStart });

/** The explorer's view of a path: where it stops (m.sched.on), run to its end. */
function stops<R>(m: Machine, path: Generator<number, R, void>): string[] {
  const out: string[] = [];
  m.sched.on = true;
  try {
    for (let r = path.next(); !r.done; r = path.next()) out.push(m.sched.where);
  } finally {
    m.sched.on = false;
  }
  return out;
}

for (const spec of THP) {
  describe(`mremap of THPs on ${spec.id}@${spec.era}`, () => {
    test('a moved THP keeps its pgoff: a fresh VMA below it does not merge with it (can_vma_merge_after), so split_huge_page still finds it by rmap', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('T'));
      const R = 64 * nr;
      do_mmap(m, p.mm, { start: R, pages: nr, prot: RW, shared: false });
      do_mremap(m, p.mm, move(A, nr, R + nr));
      do_madvise(m, p.mm, R, 2 * nr, 'HUGEPAGE'); // tries to merge R with the moved VMA: pgoffs do not continue
      expect(p.mm.vmas.lookup(R)!.end).toBe(R + nr);
      const head = largeFolioAt(m, p.mm, R + nr);
      expect(split_huge_page(m, head)).toBe(true);
      expect(access(m, p.mm, R + nr, false)).toMatchObject({ ok: true, tag: 'T' });
      clean(m);
    });

    test('a whole THP to an aligned destination: move_huge_pmd — the same pmd words, folio and counts', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 3, true, m.tags.intern('X'));
      const h = hugeAt(p.mm, A)!;
      const words = [h.hi, h.lo];
      const head = largeFolioAt(m, p.mm, A);
      const B = 32 * nr;
      const where = stops(m, do_mremap_path(m, p.mm, move(A, nr, B)));
      expect(where).toContain(`move_huge_pmd: 0x${A.toString(16)} → 0x${B.toString(16)}: huge pmd moved; pmd locks dropped`);
      expect(where.some((w) => w.includes('split_huge_pmd'))).toBe(false);
      expect(hugeAt(p.mm, A)).toBeUndefined();
      const moved = hugeAt(p.mm, B)!;
      // written: pmd_mkdirty made it soft-dirty already, so move_soft_dirty_pmd changes nothing
      expect([moved.hi, moved.lo]).toEqual(words);
      expect(p.mm.pgtable.walk(B, false)).toBe(-1);
      expect(largeFolioAt(m, p.mm, B)).toBe(head);
      expect(entireMapcount(m, head)).toBe(1);
      expect(m.frames.refs(head)).toBe(1);
      expect(access(m, p.mm, B + 3, false)).toMatchObject({ ok: true, tag: 'X', minor: 0 });
      expect(access(m, p.mm, B + 4, true, m.tags.intern('Y'))).toMatchObject({ ok: true, minor: 0 }); // still writable
      expect(access(m, p.mm, A + 3, false)).toMatchObject({ ok: false, signal: 'SIGSEGV' });
      clean(m);
      // the old range's pte level is free for a THP again (do_munmap → free_pgtables)
      do_mmap(m, p.mm, { start: A, pages: nr, prot: RW, shared: false });
      do_madvise(m, p.mm, A, nr, 'HUGEPAGE');
      access(m, p.mm, A, true, m.tags.intern('Z'));
      expect(hugeAt(p.mm, A)).toBeDefined();
      clean(m);
    });

    test('the huge zero pmd moves whole too; two THPs move as two pmds', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A, false);
      access(m, p.mm, A + nr + 1, true, m.tags.intern('W'));
      const B = 64 * nr;
      do_mremap(m, p.mm, move(A, 2 * nr, B));
      expect(p.mm.pgtable.huge.size).toBe(2);
      const z = hugeAt(p.mm, B)!;
      expect(m.frames.flags[m.frames.frameOf(m.variant.fast.pmd_pfn_lo!(z.hi, z.lo))]! & PG_zero).not.toBe(0);
      expect(access(m, p.mm, B + 7, false)).toMatchObject({ tag: '0' });
      expect(access(m, p.mm, B + nr + 1, false)).toMatchObject({ tag: 'W' });
      clean(m);
    });

    test('a whole THP to an unaligned destination: split_huge_pmd, then the ptes move — the same frames, the folio still large', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 2, true, m.tags.intern('U'));
      const head = largeFolioAt(m, p.mm, A);
      const B = 32 * nr + 3;
      const where = stops(m, do_mremap_path(m, p.mm, move(A, nr, B)));
      expect(where.some((w) => w.startsWith('move_page_tables: split_huge_pmd at'))).toBe(true);
      expect(p.mm.pgtable.huge.size).toBe(0);
      for (let i = 0; i < nr; i += nr / 4) {
        expect(frameAt(m, p.mm, B + i)).toBe(head + i);
        expect(pteWritable(m, p.mm, B + i)).toBe(true);
        expect(m.frames.maps(head + i)).toBe(1);
      }
      expect(m.frames.flags[head]! & PG_head).not.toBe(0);
      expect(m.frames.flags[head + 1]! & PG_tail).not.toBe(0);
      expect(entireMapcount(m, head)).toBe(0);
      expect(m.frames.refs(head)).toBe(nr);
      expect(access(m, p.mm, B + 2, false)).toMatchObject({ tag: 'U' });
      clean(m);
      // the rmap still finds every page at its new address: split_huge_page works there
      expect(split_huge_page(m, head)).toBe(true);
      expect(frameAt(m, p.mm, B + 2)).toBe(head + 2);
      expect(frameAt(m, p.mm, B + 5)).toBe(m.zeroFrame);
      expect(access(m, p.mm, B + 2, false)).toMatchObject({ tag: 'U' });
      clean(m);
    });

    test('part of a THP: the source is split where the range cuts it; both halves PTE-mapped, one folio', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 1, true, m.tags.intern('L'));
      access(m, p.mm, A + nr - 1, true, m.tags.intern('R'));
      access(m, p.mm, A + nr, true, m.tags.intern('2'));
      const head = largeFolioAt(m, p.mm, A);
      const B = 40 * nr; // aligned, but the extent is half a pmd
      do_mremap(m, p.mm, move(A + nr / 2, nr / 2, B));
      expect(p.mm.pgtable.huge.size).toBe(1); // the second THP, untouched
      expect(frameAt(m, p.mm, A + 1)).toBe(head + 1);
      expect(frameAt(m, p.mm, B + nr / 2 - 1)).toBe(head + nr - 1);
      expect(access(m, p.mm, A + nr / 2, false)).toMatchObject({ ok: false, signal: 'SIGSEGV' });
      expect(access(m, p.mm, A + 1, false)).toMatchObject({ tag: 'L' });
      expect(access(m, p.mm, B + nr / 2 - 1, false)).toMatchObject({ tag: 'R' });
      expect(m.frames.refs(head)).toBe(nr);
      clean(m);
      expect(split_huge_page(m, head)).toBe(true);
      expect(access(m, p.mm, A + 1, false)).toMatchObject({ tag: 'L' });
      expect(access(m, p.mm, B + nr / 2 - 1, false)).toMatchObject({ tag: 'R' });
      clean(m);
    });

    test('MREMAP_DONTUNMAP: the huge pmd moves, the old VMA stays, empty', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('D'));
      const B = 48 * nr;
      do_mremap(m, p.mm, move(A, nr, B, true));
      expect(hugeAt(p.mm, B)).toBeDefined();
      expect(hugeAt(p.mm, A)).toBeUndefined();
      expect(access(m, p.mm, B, false)).toMatchObject({ tag: 'D' });
      expect(access(m, p.mm, A, false)).toMatchObject({ ok: true, tag: '0' });
      clean(m);
    });

    test('after fork: the parent moves its shared pmd; the child keeps its own; the next write COWs as before', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 5, true, m.tags.intern('F'));
      const head = largeFolioAt(m, p.mm, A);
      const c = dup_mmap(m, p, 'c');
      const B = 32 * nr;
      do_mremap(m, p.mm, move(A, nr, B));
      expect(entireMapcount(m, head)).toBe(2);
      expect(largeFolioAt(m, c.mm, A)).toBe(head);
      clean(m);
      expect(access(m, p.mm, B + 5, true, m.tags.intern('P'))).toMatchObject({ ok: true });
      expect(access(m, c.mm, A + 5, false)).toMatchObject({ tag: 'F' });
      expect(access(m, p.mm, B + 5, false)).toMatchObject({ tag: 'P' });
      clean(m);
      exit_mmap(m, c);
      clean(m);
    });
  });

  describe(`GUP on THPs on ${spec.id}@${spec.era}`, () => {
    test('get_user_pages of a PMD-mapped page: the reference on the head, the pin names the subpage; FOLL_TOUCH makes the pmd young', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 9, true, m.tags.intern('G'));
      const head = largeFolioAt(m, p.mm, A);
      const c = dup_mmap(m, p, 'c'); // the child's pmd is old
      const h = hugeAt(c.mm, A)!;
      m.pteHi = h.hi;
      m.pteLo = h.lo;
      m.modify('pte_mkyoung');
      const young = [m.pteHi, m.pteLo];
      expect([h.hi, h.lo]).not.toEqual(young);
      const id = get_user_pages(m, c.mm, A + 9, 0);
      expect(m.pins[id]).toMatchObject({ frame: head + 9, folio: head, refs: 1, pincount: false });
      expect([h.hi, h.lo]).toEqual(young);
      expect(m.frames.refs(head)).toBe(3);
      expect(m.frames.refs(head + 9)).toBe(1);
      expect(hugeAt(c.mm, A)).toBeDefined(); // a read needs no fault
      expect(m.tags.name(device_read(m, id))).toBe('G');
      clean(m);
      unpin_user_page(m, id);
      expect(m.frames.refs(head)).toBe(2);
      clean(m);
      void nr;
    });

    test('MADV_FREE then MADV_PAGEOUT over part of a pinned PTE-mapped THP: it cannot be split, so its pages stay (none is freed alone)', () => {
      const { m, p, nr, A } = setup(spec);
      for (let i = 0; i < 6; i++) access(m, p.mm, A + i, true, m.tags.intern(`t${i}`));
      const head = largeFolioAt(m, p.mm, A);
      const id = pin_user_pages(m, p.mm, A, FOLL_WRITE);
      do_madvise(m, p.mm, A + nr - 1, 1, 'DONTNEED'); // the pmd is split: PTE-mapped, the folio stays whole
      expect(hugeAt(p.mm, A)).toBeUndefined();
      do_madvise(m, p.mm, A + 1, 4, 'FREE');
      do_madvise(m, p.mm, A + 1, 4, 'PAGEOUT');
      clean(m);
      for (let i = 1; i < 5; i++) {
        expect(largeFolioAt(m, p.mm, A + i)).toBe(head);
        expect(access(m, p.mm, A + i, false)).toMatchObject({ tag: `t${i}` });
      }
      unpin_user_page(m, id);
      clean(m);
    });

    test('pin_user_pages(FOLL_WRITE): one reference and _pincount on the head; the device writes what the process reads', () => {
      const { m, p, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('a'));
      const head = largeFolioAt(m, p.mm, A);
      const id = pin_user_pages(m, p.mm, A + 4, FOLL_WRITE | FOLL_LONGTERM);
      expect(m.pins[id]).toMatchObject({ frame: head + 4, folio: head, refs: 1, pincount: true });
      expect(thpState(m)!.pincount.get(head)).toBe(1);
      expect(folio_maybe_dma_pinned(m, head)).toBe(true);
      expect(m.frames.refs(head)).toBe(2);
      clean(m);
      device_write(m, id, m.tags.intern('dma'));
      expect(access(m, p.mm, A + 4, false)).toMatchObject({ tag: 'dma' });
      // a pinned folio cannot be split (the refcount freeze fails): it stays PMD-mapped
      expect(split_huge_page(m, head)).toBe(false);
      expect(hugeAt(p.mm, A)).toBeDefined();
      clean(m);
      unpin_user_page(m, id);
      expect(folio_maybe_dma_pinned(m, head)).toBe(false);
      expect(thpState(m)!.pincount.size).toBe(0);
      clean(m);
    });

    test('GUP on a none pmd faults a THP in (FOLL_WRITE) or the huge zero folio (a read)', () => {
      const { m, p, nr, A } = setup(spec);
      const w = pin_user_pages(m, p.mm, A + 1, FOLL_WRITE);
      const head = largeFolioAt(m, p.mm, A);
      expect(head).toBeGreaterThanOrEqual(0);
      expect(m.pins[w]).toMatchObject({ frame: head + 1, folio: head });
      const r = pin_user_pages(m, p.mm, A + nr + 2, 0);
      const zero = m.pins[r]!.folio;
      expect(m.frames.flags[zero]! & PG_zero).not.toBe(0);
      expect(m.pins[r]!.frame).toBe(zero + 2);
      expect(m.tags.name(device_read(m, r))).toBe('0');
      clean(m);
      // the process writes over the huge zero folio: a new THP; the read pin still sees the zero folio
      access(m, p.mm, A + nr + 2, true, m.tags.intern('new'));
      expect(m.tags.name(device_read(m, r))).toBe('0');
      unpin_user_page(m, r);
      unpin_user_page(m, w);
      clean(m);
    });

    test('after fork: FOLL_WRITE on the read-only huge pmd faults (do_huge_pmd_wp_page): split, one page COWed and pinned', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 6, true, m.tags.intern('orig'));
      const head = largeFolioAt(m, p.mm, A);
      const c = dup_mmap(m, p, 'c');
      const id = pin_user_pages(m, p.mm, A + 6, FOLL_WRITE | FOLL_LONGTERM);
      const pin = m.pins[id]!;
      expect(hugeAt(p.mm, A)).toBeUndefined();
      expect(hugeAt(c.mm, A)).toBeDefined();
      expect(pin.frame).not.toBe(head + 6);
      expect(pin.frame).toBe(frameAt(m, p.mm, A + 6));
      expect(pin.folio).toBe(pin.frame); // a small page now
      expect(m.frames.flags[pin.frame]! & PG_anon_exclusive).not.toBe(0);
      clean(m);
      device_write(m, id, m.tags.intern('dev'));
      expect(access(m, p.mm, A + 6, false)).toMatchObject({ tag: 'dev' });
      expect(access(m, c.mm, A + 6, false)).toMatchObject({ tag: 'orig' });
      expect(frameAt(m, p.mm, A + 7)).toBe(head + 7);
      unpin_user_page(m, id);
      clean(m);
      void nr;
    });

    test('after fork: a read-only FOLL_PIN of the shared PMD-mapped page unshares it (FAULT_FLAG_UNSHARE)', () => {
      const { m, p, A } = setup(spec);
      access(m, p.mm, A + 3, true, m.tags.intern('s'));
      const c = dup_mmap(m, p, 'c');
      const id = pin_user_pages(m, c.mm, A + 3, 0);
      const pin = m.pins[id]!;
      expect(pin.frame).toBe(frameAt(m, c.mm, A + 3));
      expect(m.frames.flags[pin.frame]! & PG_anon_exclusive).not.toBe(0);
      expect(pteWritable(m, c.mm, A + 3)).toBe(false); // the unshare copy is mapped read-only
      clean(m);
      // the parent's write cannot reach the child's pinned page, and the child's own write lands in it
      access(m, p.mm, A + 3, true, m.tags.intern('parent'));
      expect(m.tags.name(device_read(m, id))).toBe('s');
      access(m, c.mm, A + 3, true, m.tags.intern('child'));
      expect(frameAt(m, c.mm, A + 3)).toBe(pin.frame);
      expect(m.tags.name(device_read(m, id))).toBe('child');
      unpin_user_page(m, id);
      clean(m);
    });

    test('a pin on a PTE-mapped tail page holds the folio (not the tail); munmap leaves the folio to the pin, unpin frees it', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 2, true, m.tags.intern('t'));
      const head = largeFolioAt(m, p.mm, A);
      do_munmap(m, p.mm, A + nr - 1, 1); // PTE-mapped now
      expect(hugeAt(p.mm, A)).toBeUndefined();
      const id = pin_user_pages(m, p.mm, A + 2, FOLL_WRITE);
      expect(m.pins[id]).toMatchObject({ frame: head + 2, folio: head, refs: 1, pincount: true });
      expect(m.frames.refs(head + 2)).toBe(1);
      expect(m.frames.refs(head)).toBe(nr - 1 + 1);
      clean(m);
      const before = m.frames.inUse;
      do_munmap(m, p.mm, A, nr);
      expect(m.frames.inUse).toBe(before); // the pin keeps the whole folio
      expect(m.frames.refs(head)).toBe(1);
      clean(m);
      device_write(m, id, m.tags.intern('late'));
      expect(m.tags.name(device_read(m, id))).toBe('late');
      unpin_user_page(m, id);
      expect(m.frames.inUse).toBe(before - nr);
      clean(m);
    });

    test('fork of a pinned THP: the parent pmd is split and the child gets copies at once (folio_needs_cow_for_dma)', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('x0'));
      const head = largeFolioAt(m, p.mm, A);
      const id = pin_user_pages(m, p.mm, A + 1, FOLL_WRITE | FOLL_LONGTERM);
      const c = dup_mmap(m, p, 'c');
      expect(hugeAt(p.mm, A)).toBeUndefined();
      expect(frameAt(m, p.mm, A + 1)).toBe(head + 1);
      expect(frameAt(m, c.mm, A + 1)).not.toBe(head + 1);
      expect(entireMapcount(m, head)).toBe(0);
      clean(m);
      device_write(m, id, m.tags.intern('to-parent'));
      expect(access(m, p.mm, A + 1, false)).toMatchObject({ tag: 'to-parent' });
      expect(access(m, c.mm, A + 1, false)).toMatchObject({ tag: '0' });
      expect(access(m, c.mm, A, false)).toMatchObject({ tag: 'x0' });
      // the parent still owns every page, writable (copy_present_page left its ptes alone)
      expect(access(m, p.mm, A + nr - 1, true, m.tags.intern('own'))).toMatchObject({ ok: true, minor: 0 });
      expect(frameAt(m, p.mm, A + nr - 1)).toBe(head + nr - 1);
      unpin_user_page(m, id);
      clean(m);
    });

    test('mremap of a pinned THP: the pin follows the page to its new address', () => {
      const { m, p, nr, A } = setup(spec);
      const id = pin_user_pages(m, p.mm, A + 5, FOLL_WRITE);
      const B = 32 * nr + 1;
      do_mremap(m, p.mm, move(A, nr, B));
      device_write(m, id, m.tags.intern('moved'));
      expect(access(m, p.mm, B + 5, false)).toMatchObject({ tag: 'moved' });
      unpin_user_page(m, id);
      clean(m);
    });

    test('GUP without the VMA permission: EFAULT', () => {
      const { m, p, A } = setup(spec);
      do_mprotect(m, p.mm, A, 1, RO);
      expect(() => pin_user_pages(m, p.mm, A, FOLL_WRITE)).toThrow(SyscallError);
      do_mprotect(m, p.mm, A, 1, { read: false, write: false, exec: false });
      expect(() => get_user_pages(m, p.mm, A, 0)).toThrow(SyscallError);
      clean(m);
    });
  });

  describe(`migration of THP pages on ${spec.id}@${spec.era}`, () => {
    test('a page of a PMD-mapped THP: the folio is split (try_split_folio), then each page migrates; one failure counted', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 1, true, m.tags.intern('m1'));
      access(m, p.mm, A + nr - 2, true, m.tags.intern('m2'));
      const head = largeFolioAt(m, p.mm, A);
      const inUse = m.frames.inUse;
      expect(isolate_lru_page(m, head + 1)).toBe(true);
      expect(isolate_lru_page(m, head + 3)).toBe(false); // the folio is isolated already
      clean(m);
      expect(runPath(migrate_pages(m, head + 1, 1))).toBe(MIGRATE_SPLIT);
      expect(hugeAt(p.mm, A)).toBeUndefined();
      for (const [i, tag] of [[1, 'm1'], [nr - 2, 'm2']] as const) {
        const f = frameAt(m, p.mm, A + i);
        expect(f).not.toBe(head + i);
        expect(m.frames.nid(f)).toBe(1);
        expect(m.frames.flags[f]! & PG_anon_exclusive).not.toBe(0);
        expect(pteWritable(m, p.mm, A + i)).toBe(true);
        expect(access(m, p.mm, A + i, false)).toMatchObject({ tag });
      }
      expect(frameAt(m, p.mm, A + 5)).toBe(m.zeroFrame); // zero-filled: the shared zero page after the split
      expect(m.frames.inUse).toBe(inUse - nr + 2);
      expect(m.sched.held.size).toBe(0);
      clean(m);
    });

    test('a page of a PTE-mapped THP shared with a child: every mapping is migrated', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 4, true, m.tags.intern('sh'));
      const head = largeFolioAt(m, p.mm, A);
      do_munmap(m, p.mm, A + nr - 1, 1);
      const c = dup_mmap(m, p, 'c');
      expect(isolate_lru_page(m, head + 4)).toBe(true);
      expect(runPath(migrate_pages(m, head + 4, 1))).toBe(MIGRATE_SPLIT);
      const f = frameAt(m, p.mm, A + 4);
      expect(m.frames.nid(f)).toBe(1);
      expect(frameAt(m, c.mm, A + 4)).toBe(f);
      expect(m.frames.maps(f)).toBe(2);
      expect(access(m, c.mm, A + 4, false)).toMatchObject({ tag: 'sh' });
      clean(m);
      access(m, c.mm, A + 4, true, m.tags.intern('c'));
      expect(access(m, p.mm, A + 4, false)).toMatchObject({ tag: 'sh' });
      clean(m);
    });

    test('a pinned THP is not split, so not migrated (-EAGAIN); it stays whole', () => {
      const { m, p, A } = setup(spec);
      const id = pin_user_pages(m, p.mm, A, FOLL_WRITE);
      const head = largeFolioAt(m, p.mm, A);
      expect(isolate_lru_page(m, head + 2)).toBe(true);
      expect(runPath(migrate_pages(m, head + 2, 1))).toBe(MIGRATE_EAGAIN);
      expect(largeFolioAt(m, p.mm, A)).toBe(head);
      expect(hugeAt(p.mm, A)).toBeDefined();
      expect(m.sched.held.size).toBe(0);
      clean(m);
      unpin_user_page(m, id);
      clean(m);
    });
  });
}

// --- random sequences: THP faults, munmap, mprotect, mremap, fork, GUP, device writes, migration ---

type Op =
  | { k: 'mmap'; r: number; huge: boolean }
  | { k: 'write'; r: number; page: number; tag: number; child: boolean }
  | { k: 'read'; r: number; page: number; child: boolean }
  | { k: 'munmap'; r: number; page: number; n: number; child: boolean }
  | { k: 'mprotect'; r: number; page: number; n: number; prot: number; child: boolean }
  | { k: 'mremap'; r: number; page: number; n: number; to: number; dpage: number; child: boolean }
  | { k: 'gup'; r: number; page: number; how: number; child: boolean }
  | { k: 'unpin'; which: number }
  | { k: 'dev_write'; which: number; tag: number }
  | { k: 'migrate'; r: number; page: number; child: boolean }
  | { k: 'fork' }
  | { k: 'exit' };

/** page positions that scale with HPAGE_PMD_NR: the edges of the two huge pages and a few inside */
const SPOTS: ((nr: number) => number)[] = [() => 0, () => 1, (nr) => nr / 2, (nr) => nr - 1, (nr) => nr, (nr) => nr + 1, (nr) => 2 * nr - 1];
/** page counts: one page, half a huge page, one, two */
const COUNTS: ((nr: number) => number)[] = [() => 1, (nr) => nr / 2, (nr) => nr, (nr) => 2 * nr];
/** destination offsets of an mremap: aligned (0, nr) or not */
const DSPOTS: ((nr: number) => number)[] = [() => 0, (nr) => nr, () => 1, (nr) => nr / 2 + 3];
/** GUP kinds: pin for write, pin read-only, get for write, get read-only */
const HOW = [FOLL_WRITE | FOLL_LONGTERM, 0, FOLL_WRITE, 0];

const r = fc.integer({ min: 0, max: 1 });
const page = fc.integer({ min: 0, max: SPOTS.length - 1 });
const n = fc.integer({ min: 0, max: COUNTS.length - 1 });
const child = fc.boolean();
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('mmap' as const), r, huge: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('write' as const), r, page, tag: fc.integer({ min: 0, max: 99 }), child }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('read' as const), r, page, child }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('munmap' as const), r, page, n, child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('mprotect' as const), r, page, n, prot: fc.integer({ min: 0, max: 2 }), child }), weight: 1 },
  {
    // biased to whole huge pages (from offset 0 or nr, nr or 2nr pages), so that huge pmds move as often as they split
    arbitrary: fc.record({
      k: fc.constant('mremap' as const),
      r,
      page: fc.constantFrom(0, 0, 4, 4, 1, 2, 3, 6),
      n: fc.constantFrom(2, 2, 3, 0, 1),
      to: fc.integer({ min: 0, max: 2 }),
      dpage: fc.integer({ min: 0, max: DSPOTS.length - 1 }),
      child,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ k: fc.constant('gup' as const), r, page, how: fc.integer({ min: 0, max: HOW.length - 1 }), child }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('unpin' as const), which: fc.nat(7) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('dev_write' as const), which: fc.nat(7), tag: fc.integer({ min: 0, max: 99 }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('migrate' as const), r, page, child }), weight: 1 },
  { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'exit' as const }), weight: 1 },
);

/** Every sequence starts with two MADV_HUGEPAGE regions and three THPs faulted in. */
const PROLOGUE: Op[] = [
  { k: 'mmap', r: 0, huge: true },
  { k: 'write', r: 0, page: 1, tag: 1, child: false },
  { k: 'write', r: 0, page: 5, tag: 2, child: false },
  { k: 'mmap', r: 1, huge: true },
  { k: 'write', r: 1, page: 3, tag: 3, child: false },
];

/** A pin of the run: where the page it refers to is mapped (null once unmapped), and whether it is a FOLL_PIN. */
interface RunPin {
  readonly id: number;
  readonly pin: boolean;
  readonly write: boolean;
  /** a read-only pin of a zero page: the process may map something else there later; the pin reads zeroes */
  readonly zero: boolean;
  at: { pid: number; vpn: number } | null;
}

function runSeq(spec: VariantSpec, ops: Op[]): void {
  const m = new Machine({ spec, frames: 16384 });
  const nr = thpState(m)!.nr;
  /** pid → vpn → the tag a read must see */
  const ref = new Map<number, Map<number, string>>();
  const refOf = (pid: number) => {
    let x = ref.get(pid);
    if (!x) ref.set(pid, (x = new Map()));
    return x;
  };
  const parent = m.spawn('parent');
  let kid: Process | undefined;
  const pins: RunPin[] = [];
  const start = (region: number) => 16 * nr + region * 4 * nr;
  const count = (x: number) => COUNTS[x]!(nr);
  /** the range leaves the process: its reference pages go, and pins there lose their place */
  const unmapped = (pid: number, from: number, pages: number) => {
    for (let v = from; v < from + pages; v++) refOf(pid).delete(v);
    for (const q of pins) if (q.at && q.at.pid === pid && q.at.vpn >= from && q.at.vpn < from + pages) q.at = null;
  };
  const live = () => pins.filter((q) => m.pins[q.id] !== undefined);
  const check = (where: string) => {
    expect(checkInvariants(m).map((v) => `${v.rule}: ${v.message}`), where).toEqual([]);
    // a FOLL_PIN refers to the page the process maps (6.18: unshare on a read-only pin, fork copies a pinned page)
    for (const q of live()) {
      if (!q.pin) continue;
      const got = m.tags.name(device_read(m, q.id));
      if (q.zero) expect(got, `${where}: pin ${q.id} of a zero page`).toBe('0');
      else if (q.at) expect(got, `${where}: pin ${q.id} at ${JSON.stringify(q.at)}`).toBe(refOf(q.at.pid).get(q.at.vpn));
    }
  };
  ops.forEach((o, step) => {
    const p = 'child' in o && o.child && kid ? kid : parent;
    const where = `${m.variant.key} step ${step} ${JSON.stringify(o)}`;
    const at = 'page' in o ? start(o.r) + SPOTS[o.page]!(nr) : 0;
    try {
      switch (o.k) {
        case 'mmap':
          unmapped(p.pid, start(o.r), 2 * nr);
          do_mmap(m, p.mm, { start: start(o.r), pages: 2 * nr, prot: RW, shared: false });
          if (o.huge) do_madvise(m, p.mm, start(o.r), 2 * nr, 'HUGEPAGE');
          for (let v = start(o.r); v < start(o.r) + 2 * nr; v++) refOf(p.pid).set(v, '0');
          break;
        case 'write': {
          const res = access(m, p.mm, at, true, m.tags.intern(`T${o.tag}`));
          const vma = p.mm.vmas.lookup(at);
          expect(res.ok, where).toBe(vma !== undefined && (vma.flags & VM_WRITE) !== 0);
          if (res.ok) refOf(p.pid).set(at, `T${o.tag}`);
          break;
        }
        case 'read': {
          const res = access(m, p.mm, at, false);
          const vma = p.mm.vmas.lookup(at);
          expect(res.ok, where).toBe(vma !== undefined && (vma.flags & VM_READ) !== 0);
          if (res.ok) expect(res.tag, where).toBe(refOf(p.pid).get(at));
          break;
        }
        case 'munmap':
          do_munmap(m, p.mm, at, count(o.n));
          unmapped(p.pid, at, count(o.n));
          break;
        case 'mprotect':
          do_mprotect(m, p.mm, at, count(o.n), { read: o.prot !== 0, write: o.prot === 2, exec: false });
          break;
        case 'mremap': {
          const pages = count(o.n);
          const to = start(o.to) + DSPOTS[o.dpage]!(nr);
          // 6.18 remap_move (mm/mremap.c 1822–1909): each VMA's part of the range moves to the same offset from
          // `to`, its destination unmapped first; the gaps between the parts, and their destinations, stay as they were
          const parts = p.mm.vmas.overlapping(at, at + pages).map((v) => [Math.max(v.start, at), Math.min(v.end, at + pages)] as const);
          do_mremap(m, p.mm, move(at, pages, to)); // EFAULT/EINVAL before any change
          const mine = refOf(p.pid);
          for (const [s, e] of parts) {
            const vals: (string | undefined)[] = [];
            for (let v = s; v < e; v++) vals.push(mine.get(v));
            unmapped(p.pid, to + (s - at), e - s);
            for (let v = s; v < e; v++) {
              mine.delete(v);
              mine.set(to + (v - at), vals[v - s]!);
            }
          }
          for (const q of pins) if (q.at && q.at.pid === p.pid && q.at.vpn >= at && q.at.vpn < at + pages) q.at = { pid: p.pid, vpn: q.at.vpn - at + to };
          break;
        }
        case 'gup': {
          const how = HOW[o.how]!;
          const pin = o.how < 2;
          const id = pin ? pin_user_pages(m, p.mm, at, how) : get_user_pages(m, p.mm, at, how);
          const zero = (m.frames.flags[m.pins[id]!.frame]! & PG_zero) !== 0;
          pins.push({ id, pin, write: (how & FOLL_WRITE) !== 0, zero, at: zero ? null : { pid: p.pid, vpn: at } });
          break;
        }
        case 'unpin': {
          const l = live();
          if (l.length === 0) return;
          unpin_user_page(m, l[o.which % l.length]!.id);
          break;
        }
        case 'dev_write': {
          const l = live().filter((q) => q.pin && q.write);
          if (l.length === 0) return;
          const q = l[o.which % l.length]!;
          device_write(m, q.id, m.tags.intern(`D${o.tag}`));
          if (q.at) refOf(q.at.pid).set(q.at.vpn, `D${o.tag}`);
          break;
        }
        case 'migrate': {
          const frame = frameAt(m, p.mm, at);
          if (frame < 0 || (m.frames.flags[frame]! & PG_zero) !== 0) return;
          if (!isolate_lru_page(m, frame)) return;
          runPath(migrate_pages(m, frame, 1 - m.frames.nid(frame)));
          expect(m.sched.held.size, where).toBe(0);
          break;
        }
        case 'fork':
          if (kid) return;
          kid = dup_mmap(m, parent, 'child');
          for (const [v, tag] of refOf(parent.pid)) refOf(kid.pid).set(v, tag);
          break;
        case 'exit':
          if (!kid) return;
          exit_mmap(m, kid);
          ref.delete(kid.pid);
          for (const q of pins) if (q.at && q.at.pid === kid.pid) q.at = null;
          kid = undefined;
          break;
      }
    } catch (error) {
      if (!(error instanceof SyscallError)) throw error;
    }
    check(where);
  });
  // every page still mapped holds what the reference expects (nothing lost in a move, split, COW or migration)
  for (const p of kid ? [parent, kid] : [parent]) {
    for (let region = 0; region < 3; region++) {
      for (let vpn = start(region); vpn < start(region) + 2 * nr; vpn++) {
        const vma = p.mm.vmas.lookup(vpn);
        if (!vma || (vma.flags & VM_READ) === 0) continue;
        const res = access(m, p.mm, vpn, false);
        expect(res.ok).toBe(true);
        if (res.ok) expect(res.tag, `${m.variant.key} final read of 0x${vpn.toString(16)}`).toBe(refOf(p.pid).get(vpn));
      }
    }
  }
  for (const q of live()) unpin_user_page(m, q.id);
  check(`${m.variant.key} after the last unpin`);
}

/** Sequences that once failed, run first every time. */
const EXAMPLES: Op[][] = [
  // a THP moved next to a fresh (never faulted) anon VMA: the two must not merge, or the moved pages' index stops
  // matching their address and split_huge_page's rmap walk misses them (VM_BUG_ON_FOLIO(folio_mapped))
  [
    { k: 'mmap', r: 1, huge: true },
    { k: 'mremap', r: 0, page: 0, n: 2, to: 1, dpage: 1, child: false },
    { k: 'migrate', r: 1, page: 4, child: false },
  ],
  // mremap onto another part of the source's own VMA: the VMA is looked up again after the destination's munmap
  [
    { k: 'mmap', r: 0, huge: false },
    { k: 'write', r: 0, page: 1, tag: 0, child: false },
    { k: 'mremap', r: 0, page: 1, n: 0, to: 0, dpage: 0, child: false },
    { k: 'write', r: 0, page: 0, tag: 0, child: false },
  ],
];

describe('random THP sequences with mremap, GUP pins, device writes and migration keep the invariants and the data', () => {
  for (const spec of THP) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 5, maxLength: 30, size: 'max' }), (ops) => runSeq(spec, [...PROLOGUE, ...ops])),
        { numRuns: Number(process.env['MMSIM_THP_RUNS'] ?? 30), examples: EXAMPLES.map((ops) => [ops]) },
      );
    });
  }
});
