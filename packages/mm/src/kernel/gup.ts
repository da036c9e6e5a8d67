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
 */
import { SyscallError } from './errno.js';
import type { Machine, Mm } from './machine.js';
import { do_wp_page, handle_mm_fault, FAULT_FLAG_WRITE } from './memory.js';
import { PG_anon, PG_anon_exclusive } from './page-flags.js';
import { VM_FAULT_SIGBUS } from './signals.js';
import { VM_WRITE } from './vma.js';
import { PteClassCode } from '@mmsim/core';

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
  readonly frame: number;
  readonly gupFlags: number;
  /** references held: 1 (FOLL_GET) or GUP_PIN_COUNTING_BIAS (FOLL_PIN, 5.7+) */
  readonly refs: number;
}

/** The references a FOLL_PIN holds under the machine's rules. */
export function pinRefs(m: Machine, gupFlags: number): number {
  return gupFlags & FOLL_PIN && m.cowPolicy !== 'mapcount' ? GUP_PIN_COUNTING_BIAS : 1;
}

/** folio_maybe_dma_pinned() for a small folio */
export function maybe_dma_pinned(m: Machine, frame: number): boolean {
  return m.cowPolicy !== 'mapcount' && m.frames.refs(frame) >= GUP_PIN_COUNTING_BIAS;
}

/** Whether any pin was taken through this mm (MMF_HAS_PINNED). */
export function mm_has_pinned(m: Machine, mm: Mm): boolean {
  for (const p of m.pins) if (p && p.mm === mm) return true;
  return false;
}

/**
 * __get_user_pages() for one page: fault it in as FOLL_WRITE / unshare
 * require, then take the reference or pin. Returns the pin id.
 */
export function get_user_pages(m: Machine, mm: Mm, vpn: number, gupFlags: number): number {
  if ((gupFlags & FOLL_PIN) !== 0 && (gupFlags & FOLL_GET) !== 0) throw new SyscallError('EINVAL', 'gup: FOLL_PIN and FOLL_GET are exclusive');
  const vma = mm.vmas.lookup(vpn);
  if (!vma) throw new SyscallError('EFAULT', `gup: no mapping at page 0x${vpn.toString(16)}`);
  const write = (gupFlags & FOLL_WRITE) !== 0;
  if (write && (vma.flags & VM_WRITE) === 0) throw new SyscallError('EFAULT', 'gup: FOLL_WRITE on a mapping without PROT_WRITE');
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  let frame = -1;
  for (let tries = 0; tries < 4 && frame < 0; tries++) {
    const slot = pt.walk(vpn, false);
    const hi = slot < 0 ? 0 : pt.hi(slot);
    const lo = slot < 0 ? 0 : pt.lo(slot);
    const cls = slot < 0 ? PteClassCode.none : fast.classify(hi, lo);
    if (cls === PteClassCode.present && (!write || m.pteWrite(hi, lo))) {
      const f = m.pteFrame(hi, lo);
      const flags = m.frames.flags[f]!;
      // gup_must_unshare(): a read-only pin of an anon page this mm does not own exclusively
      if (!write && gupFlags & FOLL_PIN && m.cowPolicy === 'anon-exclusive' && flags & PG_anon && !(flags & PG_anon_exclusive)) {
        do_wp_page(m, mm, vma, vpn, slot, true);
        continue;
      }
      frame = f;
      break;
    }
    if (handle_mm_fault(m, mm, vma, vpn, write ? FAULT_FLAG_WRITE : 0) === VM_FAULT_SIGBUS) throw new SyscallError('EFAULT', `gup: the fault at page 0x${vpn.toString(16)} failed (SIGBUS)`);
  }
  if (frame < 0) throw new Error(`gup: page 0x${vpn.toString(16)} never became accessible`);
  const refs = gupFlags & FOLL_PIN ? pinRefs(m, gupFlags) : 1;
  m.frames.getMany(frame, refs);
  const id = m.pins.length;
  m.pins.push({ id, mm, vpn, frame, gupFlags, refs });
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

/** unpin_user_page() / put_page(): drop what the pin holds. */
export function unpin_user_page(m: Machine, id: number): void {
  const p = pinOf(m, id);
  m.pins[id] = undefined;
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
