/**
 * walk_page_range() at the pte level (mm/pagewalk.c): the ptes of a range,
 * in order, handed to a pte_entry callback — for the operations that visit
 * every pte of a range (mlock, guard regions, userfaultfd write-protect,
 * clear_refs, the THP part of an unmap). One closure per walk, none per
 * pte. The hot per-pte loops (zap_pte_range, copy_page_range, touch) keep
 * their own code.
 *
 * @kernel mm/pagewalk.c
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../model/machine.js';
import type { PageTable } from '../model/pagetable.js';

/** A pte_entry: the pte's slot, address, words and class; return true to end the walk. */
export type PteEntry = (slot: number, vpn: number, hi: number, lo: number, cls: number) => boolean | void;

/**
 * Every pte of [start, end) whose pte table exists — or, with `alloc`, every
 * pte, tables allocated as the kernel's change_pmd_prepare does — in order.
 */
export function walk_pte_range(m: Machine, mm: Mm, start: number, end: number, entry: PteEntry, alloc = false): void {
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  for (let vpn = alloc ? start : pt.nextPopulated(start, end); vpn < end; vpn++) {
    const slot = pt.walk(vpn, alloc);
    if (slot < 0) {
      // no pte table (or a huge pmd): on to the next populated pmd entry, past empty upper levels too
      vpn = next_table_vpn(pt, vpn, end) - 1;
      continue;
    }
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    if (entry(slot, vpn, hi, lo, fast.classify(hi, lo)) === true) return;
  }
}

/**
 * Where a range walk goes on after `vpn` found no pte table: the first vpn
 * at or after the next pte-table boundary whose pmd entry is populated, or
 * `end`. Proportional to the upper-table entries looked at, not the range.
 */
export function next_table_vpn(pt: PageTable, vpn: number, end: number): number {
  const n = pt.ptrsPerPte;
  return pt.nextPopulated(vpn - (vpn % n) + n, end);
}

/**
 * For a per-vpn loop over [start, end) that only acts where a pmd entry is
 * populated (a pte table or a huge pmd): the vpn to look at next — `vpn`
 * itself inside a pte table's range, and at the start of one (or of the
 * loop) the first populated vpn from there, or `end`. Usage:
 * `for (let vpn = start; (vpn = skip_empty(pt, vpn, start, end)) < end; vpn++)`.
 */
export function skip_empty(pt: PageTable, vpn: number, start: number, end: number): number {
  if (vpn !== start && vpn % pt.ptrsPerPte !== 0) return vpn;
  return pt.nextPopulated(vpn, end);
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
