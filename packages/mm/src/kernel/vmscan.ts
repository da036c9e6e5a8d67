/**
 * Reclaim of one anonymous page (mm/vmscan.c shrink_folio_list, as
 * MADV_PAGEOUT's reclaim_pages() drives it): add_to_swap, try_to_unmap
 * writing the arch's swap pte into every pte that mapped the page, then
 * pageout. Without a swap device with a free slot the page stays.
 *
 * try_to_unmap_one carries the pte's state into the swap pte: 6.18 sets
 * the swap-exclusive bit for a PageAnonExclusive page and moves soft-dirty.
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine } from './machine.js';
import { PG_anon_exclusive, PG_dirty, PG_swapcache } from './page-flags.js';
import { page_remove_rmap } from './rmap.js';
import { add_to_swap_cache, delete_from_swap_cache, get_swap_page, slotOffset, slotType, type SwapDevice } from './swap.js';

/** The swap pte for (type, slot) with the 6.18 flag bits, into m.pteHi/pteLo. */
export function mkSwapPte(m: Machine, type: number, slot: number, exclusive: boolean, softDirty: boolean): void {
  const f = m.variant.fast;
  let hi = f.swp_entry_to_pte_hi(type, 0, slot);
  let lo = f.swp_entry_to_pte_lo(type, 0, slot);
  const flags = m.variant.spec.swap.flags;
  const set = (bit: number | undefined) => {
    if (bit === undefined) return;
    if (bit >= 32) hi = (hi | (1 << (bit - 32))) >>> 0;
    else lo = (lo | (1 << bit)) >>> 0;
  };
  if (exclusive) set(flags?.exclusive);
  if (softDirty) set(flags?.softDirty);
  m.pteHi = hi;
  m.pteLo = lo;
}

function bitSet(hi: number, lo: number, bit: number): boolean {
  return bit >= 32 ? ((hi >>> (bit - 32)) & 1) === 1 : ((lo >>> bit) & 1) === 1;
}

/** try_to_unmap(): every pte mapping the anon frame becomes a swap pte for the slot. */
export function try_to_unmap_anon(m: Machine, frame: number, dev: SwapDevice, slot: number): void {
  const f = m.frames;
  const anonVma = f.mapping[frame]!;
  const index = f.index[frame]!;
  const softDirtyBit = m.variant.spec.bits.find((b) => b.name === 'soft_dirty' && b.when !== 'not-present')?.bit;
  for (const p of m.procs) {
    if (!p.alive) continue;
    for (const vma of p.mm.vmas.list) {
      if (vma.anonVma !== anonVma || index < vma.pgoff || index >= vma.pgoff + (vma.end - vma.start)) continue;
      const vpn = vma.start + (index - vma.pgoff);
      const slotPte = p.mm.pgtable.walk(vpn, false);
      if (slotPte < 0) continue;
      const hi = p.mm.pgtable.hi(slotPte);
      const lo = p.mm.pgtable.lo(slotPte);
      const cls = m.variant.fast.classify(hi, lo);
      if ((cls !== PteClassCode.present && cls !== PteClassCode.protnone) || m.pteFrame(hi, lo) !== frame) continue;
      if (m.isPteDirty(hi, lo)) f.flags[frame]! |= PG_dirty;
      const softDirty = softDirtyBit !== undefined && bitSet(hi, lo, softDirtyBit);
      mkSwapPte(m, dev.type, slot, m.era === '6.18' && (f.flags[frame]! & PG_anon_exclusive) !== 0, softDirty);
      p.mm.pgtable.set(slotPte, m.pteHi, m.pteLo);
      dev.map[slot]!++;
      page_remove_rmap(m, frame);
    }
  }
}

/**
 * Reclaim one anon page (exclusively mapped for MADV_PAGEOUT; any page
 * under memory pressure, `shared`); false when there is nowhere to swap it. A page already in the swap cache (swapped in by a read fault,
 * its slot kept) keeps its entry: shrink_folio_list skips add_to_swap, and
 * a clean page needs no pageout, its data is on the device already.
 */
export function reclaim_anon_page(m: Machine, frame: number, shared = false): boolean {
  const f = m.frames;
  let dev: SwapDevice | undefined;
  let slot = -1;
  const existing = (f.flags[frame]! & PG_swapcache) !== 0 ? f.swapSlot.get(frame) : undefined;
  if (existing !== undefined) {
    dev = m.swaps[slotType(existing)];
    slot = slotOffset(existing);
  } else {
    for (const d of m.swaps) {
      if (!d) continue;
      slot = get_swap_page(d);
      if (slot >= 0) {
        dev = d;
        break;
      }
    }
  }
  if (!dev || slot < 0) return false;
  f.get(frame); // the reclaimer's isolation reference, held across unmap
  if (existing === undefined) add_to_swap_cache(m, dev, slot, frame);
  try_to_unmap_anon(m, frame, dev, slot);
  // pageout(): a new or dirty page reaches the device; it is clean afterwards
  if (existing === undefined || (f.flags[frame]! & PG_dirty) !== 0) dev.data[slot] = f.tag[frame]!;
  f.flags[frame]! &= ~PG_dirty;
  // A synchronous device (zram), or memory pressure, frees the clean, unmapped page now.
  if ((dev.kind === 'zram' || shared) && f.maps(frame) === 0) delete_from_swap_cache(m, dev, slot);
  f.put(frame);
  return true;
}
