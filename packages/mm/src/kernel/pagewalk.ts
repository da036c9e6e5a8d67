/**
 * walk_page_range() at the pte level (mm/pagewalk.c): the ptes of a range,
 * in order, handed to a pte_entry callback — for the operations that visit
 * every pte of a range (mlock, guard regions, userfaultfd write-protect,
 * clear_refs, the THP part of an unmap). One closure per walk, none per
 * pte. The hot per-pte loops (zap_pte_range, copy_page_range, touch) keep
 * their own code.
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from './machine.js';

/** A pte_entry: the pte's slot, address, words and class; return true to end the walk. */
export type PteEntry = (slot: number, vpn: number, hi: number, lo: number, cls: number) => boolean | void;

/**
 * Every pte of [start, end) whose pte table exists — or, with `alloc`, every
 * pte, tables allocated as the kernel's change_pmd_prepare does — in order.
 */
export function walk_pte_range(m: Machine, mm: Mm, start: number, end: number, entry: PteEntry, alloc = false): void {
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  for (let vpn = start; vpn < end; vpn++) {
    const slot = pt.walk(vpn, alloc);
    if (slot < 0) {
      // no pte table (or a huge pmd): on to the next table
      vpn += pt.ptrsPerPte - 1 - (vpn % pt.ptrsPerPte);
      continue;
    }
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    if (entry(slot, vpn, hi, lo, fast.classify(hi, lo)) === true) return;
  }
}

/** Whether a pte class maps a page (pte_present, a protnone pte included). */
export const mapsPage = (cls: number): boolean => cls === PteClassCode.present || cls === PteClassCode.protnone;

/** Whether the pte at `slot` (-1: no pte table) maps `frame` (page_vma_mapped_walk's check_pte for a present pte). */
export function pte_maps_frame(m: Machine, mm: Mm, slot: number, frame: number): boolean {
  if (slot < 0) return false;
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  return mapsPage(m.variant.fast.classify(hi, lo)) && m.pteFrame(hi, lo) === frame;
}

/** The frame a present (or protnone) pte maps at vpn, or -1 (no table, not present). */
export function present_frame(m: Machine, mm: Mm, vpn: number): number {
  const pt = mm.pgtable;
  const slot = pt.walk(vpn, false);
  if (slot < 0) return -1;
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  return mapsPage(m.variant.fast.classify(hi, lo)) ? m.pteFrame(hi, lo) : -1;
}
