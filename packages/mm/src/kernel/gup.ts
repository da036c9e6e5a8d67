/**
 * get_user_pages() / pin_user_pages() (mm/gup.c) and a device that reads
 * and writes through what they return, for the COW-vs-GUP scenarios.
 *
 * A FOLL_GET reference is one get_page(); a FOLL_PIN adds
 * GUP_PIN_COUNTING_BIAS (1024) references (5.7+, so in the 'refcount' and
 * 'anon-exclusive' policies), which is how folio_maybe_dma_pinned() tells a
 * pinned page from a merely referenced one. GUP faults the page in first:
 * FOLL_WRITE as a write fault (breaking COW), and — with PageAnonExclusive
 * (5.19+) — a read-only FOLL_PIN of an anon page not exclusive to this mm
 * as an unshare fault (gup_must_unshare, FAULT_FLAG_UNSHARE), so the pin
 * never refers to a page another mm may reuse.
 *
 * Large folios (PMD-mapped THP, huge_memory.ts; 6.18 mm/gup.c
 * follow_pmd_mask → follow_huge_pmd, try_grab_folio, gup_put_folio): a
 * page behind a huge pmd is followed there — FOLL_WRITE on a read-only
 * huge pmd (after fork) faults first (can_follow_write_pmd →
 * do_huge_pmd_wp_page), a read-only FOLL_PIN of a page not exclusive
 * unshares (-EMLINK → FAULT_FLAG_UNSHARE), and get_user_pages (FOLL_TOUCH)
 * makes the pmd young (and dirty for FOLL_WRITE: touch_pmd). The pin
 * refers to the subpage; its references are the folio's, on the head: a
 * FOLL_GET takes one, and a FOLL_PIN one plus folio->_pincount
 * (folio_has_pincount(): every THP order, 5.7+), not the bias. A
 * PTE-mapped page of a large folio is the same, reached by its pte.
 *
 * @kernel mm/gup.c
 */
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { handle_mm_fault, FAULT_FLAG_WRITE } from './memory.js';
import { do_wp_page } from './memory.wp.js';
import { PG_anon, PG_anon_exclusive, PG_zero } from './page-flags.js';
import { VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV } from '../model/signals.js';
import { VM_READ, VM_WRITE, type Vma } from './vma.js';
import { PteClassCode } from '@mmsim/core';
import { folioHead, huge_pmd_mkyoung, PG_large, pmdFrame, thpState, VM_FAULT_FALLBACK } from './huge_memory.js';
import { do_huge_pmd_wp_page } from './huge_memory.fault.js';
import { folio_maybe_dma_pinned, folio_put, is_cow_mapping } from './mm.js';

export const FOLL_WRITE = 0x01;
export const FOLL_GET = 0x04;
export const FOLL_LONGTERM = 0x100;
export const FOLL_PIN = 0x40000;
export const GUP_PIN_COUNTING_BIAS = 1024;

export interface Pin {
  readonly id: number;
  /** the mm whose page tables GUP walked */
  readonly mm: Mm;
  readonly vpn: number;
  /** the page the pin refers to (a subpage of a large folio: what the device reads and writes) */
  readonly frame: number;
  /** the frame the references are on: the folio's head (the page itself for a small folio) */
  readonly folio: number;
  readonly gupFlags: number;
  /** references held on `folio`: 1 (FOLL_GET; FOLL_PIN of a large folio) or GUP_PIN_COUNTING_BIAS (FOLL_PIN of a small one, 5.7+) */
  readonly refs: number;
  /** whether the pin counts in the large folio's _pincount (FOLL_PIN, 5.7+) */
  readonly pincount: boolean;
}

/** The references a FOLL_PIN of a small folio holds under the machine's rules. */
export function pinRefs(m: Machine, gupFlags: number): number {
  return gupFlags & FOLL_PIN && m.cowPolicy !== 'mapcount' ? GUP_PIN_COUNTING_BIAS : 1;
}

/** folio_maybe_dma_pinned() of the folio a frame belongs to: a small folio's refcount bias, a large folio's _pincount. */
export function maybe_dma_pinned(m: Machine, frame: number): boolean {
  if (m.cowPolicy === 'mapcount') return false;
  if ((m.frames.flags[frame]! & PG_large) !== 0) return folio_maybe_dma_pinned(m, folioHead(m, frame));
  return m.frames.refs(frame) >= GUP_PIN_COUNTING_BIAS;
}

/** Whether any pin was taken through this mm (MMF_HAS_PINNED). */
export function mm_has_pinned(m: Machine, mm: Mm): boolean {
  for (const p of m.pins) if (p && p.mm === mm) return true;
  return false;
}

/**
 * gup_must_unshare() (6.18 mm/internal.h 1471–1514; 5.19+): a read-only
 * FOLL_PIN of an anon page this mm does not own exclusively — or, for a page
 * that is not anon (the zero page, a page-cache page), a read-only
 * FOLL_LONGTERM pin in a COW mapping, whose COW must be broken now so that
 * later writes through the page tables reach the pinned page.
 */
function must_unshare(m: Machine, vma: Vma, frame: number, gupFlags: number): boolean {
  if ((gupFlags & (FOLL_WRITE | FOLL_PIN)) !== FOLL_PIN || m.cowPolicy !== 'anon-exclusive') return false;
  const flags = m.frames.flags[frame]!;
  if (frame === m.zeroFrame || (flags & PG_anon) === 0 || (flags & PG_zero) !== 0) return (gupFlags & FOLL_LONGTERM) !== 0 && is_cow_mapping(vma.flags);
  return (flags & PG_anon_exclusive) === 0;
}

/**
 * follow_huge_pmd() (6.18 mm/gup.c) where vpn is behind a huge pmd: the
 * subpage, once the access is allowed — or -1 after the fault that must
 * come first (handle_mm_fault for FOLL_WRITE on a read-only pmd; the
 * FAULT_FLAG_UNSHARE fault for gup_must_unshare: do_huge_pmd_wp_page, and
 * when it falls back, the pte level's do_wp_page on the split pmd's pte),
 * or -2 when no huge pmd is there.
 */
function follow_huge_pmd(m: Machine, mm: Mm, vma: Vma, vpn: number, gupFlags: number): number {
  const pt = mm.pgtable;
  const ps = pt.pmdSlot(vpn, false);
  const h = ps < 0 ? undefined : pt.hugeAt(ps);
  if (h === undefined || !m.variant.fast.pmd_present!(h.hi, h.lo)) return -2;
  const write = (gupFlags & FOLL_WRITE) !== 0;
  if (write && !m.pteWrite(h.hi, h.lo)) {
    // can_follow_write_pmd() fails: faultin_page(FOLL_WRITE) → wp_huge_pmd → do_huge_pmd_wp_page
    if (handle_mm_fault(m, mm, vma, vpn, FAULT_FLAG_WRITE) === VM_FAULT_SIGBUS) throw new SyscallError('EFAULT', `gup: the fault at page 0x${vpn.toString(16)} failed (SIGBUS)`);
    return -1;
  }
  const page = pmdFrame(m, h.hi, h.lo) + (vpn - h.vpn);
  if (!m.pteWrite(h.hi, h.lo) && must_unshare(m, vma, page, gupFlags)) {
    // -EMLINK → faultin_page(FAULT_FLAG_UNSHARE): wp_huge_pmd, and on VM_FAULT_FALLBACK the pte level
    if (do_huge_pmd_wp_page(m, mm, vma, vpn, ps, true) === VM_FAULT_FALLBACK) do_wp_page(m, mm, vma, vpn, pt.walk(vpn, false), true);
    return -1;
  }
  if ((gupFlags & FOLL_PIN) === 0) {
    // FOLL_TOUCH (get_user_pages sets it, pin_user_pages does not): touch_pmd()
    huge_pmd_mkyoung(m, h, write);
  }
  return page;
}

/**
 * __get_user_pages() for one page: fault it in as FOLL_WRITE / unshare
 * require, then take the reference or pin (try_grab_folio). Returns the pin id.
 */
export function get_user_pages(m: Machine, mm: Mm, vpn: number, gupFlags: number): number {
  if ((gupFlags & FOLL_PIN) !== 0 && (gupFlags & FOLL_GET) !== 0) throw new SyscallError('EINVAL', 'gup: FOLL_PIN and FOLL_GET are exclusive');
  const vma = mm.vmas.lookup(vpn);
  if (!vma) throw new SyscallError('EFAULT', `gup: no mapping at page 0x${vpn.toString(16)}`);
  const write = (gupFlags & FOLL_WRITE) !== 0;
  // check_vma_flags() (6.18 mm/gup.c; 2.6.21 get_user_pages' vm_flags test), without FOLL_FORCE
  if (write && (vma.flags & VM_WRITE) === 0) throw new SyscallError('EFAULT', 'gup: FOLL_WRITE on a mapping without PROT_WRITE');
  if (!write && (vma.flags & VM_READ) === 0) throw new SyscallError('EFAULT', 'gup: a read on a mapping without PROT_READ');
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  let frame = -1;
  for (let tries = 0; tries < 4 && frame < 0; tries++) {
    const slot = pt.walk(vpn, false);
    if (slot < 0 && pt.huge.size !== 0) {
      // follow_pmd_mask(): pmd_trans_huge → follow_huge_pmd
      const page = follow_huge_pmd(m, mm, vma, vpn, gupFlags);
      if (page >= 0) frame = page;
      if (page !== -2) continue;
    }
    const hi = slot < 0 ? 0 : pt.hi(slot);
    const lo = slot < 0 ? 0 : pt.lo(slot);
    const cls = slot < 0 ? PteClassCode.none : fast.classify(hi, lo);
    if (cls === PteClassCode.present && (!write || m.pteWrite(hi, lo))) {
      const f = m.pteFrame(hi, lo);
      // gup_must_unshare(): a read-only pin of an anon page this mm does not own exclusively
      if (!write && must_unshare(m, vma, f, gupFlags)) {
        do_wp_page(m, mm, vma, vpn, slot, true);
        continue;
      }
      frame = f;
      break;
    }
    const ret = handle_mm_fault(m, mm, vma, vpn, write ? FAULT_FLAG_WRITE : 0);
    if (ret === VM_FAULT_SIGBUS || ret === VM_FAULT_SIGSEGV) throw new SyscallError('EFAULT', `gup: the fault at page 0x${vpn.toString(16)} failed (${ret === VM_FAULT_SIGBUS ? 'SIGBUS' : 'SIGSEGV: a guard region'})`);
  }
  if (frame < 0) throw new Error(`gup: page 0x${vpn.toString(16)} never became accessible`);
  // try_grab_folio(folio, 1, flags): the references go on the folio (its head)
  const large = (m.frames.flags[frame]! & PG_large) !== 0;
  const folio = folioHead(m, frame);
  const pin = (gupFlags & FOLL_PIN) !== 0;
  const pincount = pin && large && m.cowPolicy !== 'mapcount';
  const refs = pin && !large ? pinRefs(m, gupFlags) : 1;
  m.frames.getMany(folio, refs);
  if (pincount) {
    const counts = thpState(m)!.pincount;
    counts.set(folio, (counts.get(folio) ?? 0) + 1);
  }
  const id = m.pins.length;
  m.pins.push({ id, mm, vpn, frame, folio, gupFlags, refs, pincount });
  return id;
}

/** pin_user_pages(): get_user_pages with FOLL_PIN. */
export function pin_user_pages(m: Machine, mm: Mm, vpn: number, gupFlags: number): number {
  return get_user_pages(m, mm, vpn, gupFlags | FOLL_PIN);
}

function pinOf(m: Machine, id: number): Pin {
  const p = m.pins[id];
  if (!p) throw new SyscallError('EINVAL', `pin ${id} is not held (pins held: ${m.pins.filter(Boolean).map((x) => x!.id).join(', ') || 'none'})`);
  return p;
}

/** unpin_user_page() / put_page() (gup_put_folio): drop what the pin holds — a large folio's _pincount and reference, freeing it with the last. */
export function unpin_user_page(m: Machine, id: number): void {
  const p = pinOf(m, id);
  m.pins[id] = undefined;
  if (p.folio !== p.frame || (m.frames.flags[p.folio]! & PG_large) !== 0) {
    if (p.pincount) {
      const counts = thpState(m)!.pincount;
      const n = (counts.get(p.folio) ?? 0) - 1;
      if (n <= 0) counts.delete(p.folio);
      else counts.set(p.folio, n);
    }
    for (let i = 0; i < p.refs; i++) folio_put(m, p.folio);
    return;
  }
  m.frames.putMany(p.frame, p.refs);
}

/** A device's DMA write through a pin: the page's contents change, no pte is involved. */
export function device_write(m: Machine, id: number, tag: number): void {
  const p = pinOf(m, id);
  if (!(p.gupFlags & FOLL_WRITE)) throw new SyscallError('EINVAL', `pin ${id} was taken without FOLL_WRITE: the device may only read through it`);
  m.frames.tag[p.frame] = tag;
}

/** A device's DMA read through a pin (or the reader of a vmsplice'd page). */
export function device_read(m: Machine, id: number): number {
  return m.frames.tag[pinOf(m, id).frame]!;
}
