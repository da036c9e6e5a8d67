/**
 * Reclaim of one anonymous page (mm/vmscan.c shrink_folio_list, as
 * MADV_PAGEOUT's reclaim_pages() drives it): add_to_swap, try_to_unmap
 * writing the arch's swap pte into every pte that mapped the page, then
 * pageout. Without a swap device with a free slot the page stays.
 *
 * try_to_unmap_one carries the pte's state into the swap pte: 6.18 sets
 * the swap-exclusive bit for a PageAnonExclusive page and moves soft-dirty.
 *
 * A large folio (6.18) goes whole where folio_alloc_swap can give it a
 * PMD-sized run of slots (zram with CONFIG_THP_SWAP: reclaim_large_folio),
 * else it is split first; MADV_PAGEOUT's choices among large folios —
 * whole, split or left alone — are pageout_large_folios.
 *
 * @kernel mm/vmscan.c
 */
import { folio_putback_lru_inactive } from './swap.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon_exclusive, PG_dirty, PG_swapcache } from './page-flags.js';
import { pteUffdWp, setSwpUffdWp } from './userfaultfd.js';
import { get_swap_page, slotOffset, slotType, swap_free, thpSwap, type SwapDevice } from './swapfile.js';
import { cluster_alloc_swap_entry } from './swapfile.cluster.js';
import { __split_huge_pmd, folioLargeMapcount, isHugeZeroPmd, PG_large, pmdFrame, thpState } from './huge_memory.js';
import type { Vma } from './vma.js';
import { mapsPage, present_frame, next_table_vpn, skip_empty } from './pagewalk.js';
import { add_to_swap_cache, delete_from_swap_cache } from './swap_state.js';
import { folio_get, folio_maybe_dma_pinned, folio_put } from './mm.js';
import { folio_remove_rmap_pte, try_to_unmap_anon } from './rmap.js';
import { anonVmasOf, largeFolioAt, split_huge_page } from './huge_memory.split.js';

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

export function bitSet(hi: number, lo: number, bit: number): boolean {
  return bit >= 32 ? ((hi >>> (bit - 32)) & 1) === 1 : ((lo >>> bit) & 1) === 1;
}

/**
 * try_to_unmap_one()'s swap half for one present pte (words hi, lo) of an
 * anon page going to `swapSlot`: the swap pte, with the exclusive marker
 * and the pte's soft-dirty and uffd-wp bits carried over, and one more
 * user of the slot. The caller drops the page's rmap.
 */
export function unmap_pte_to_swap(m: Machine, mm: Mm, slotPte: number, hi: number, lo: number, dev: SwapDevice, swapSlot: number, exclusive: boolean): void {
  const sd = m.variant.roleBits.softDirty; // core's roles: null where the arch has no soft-dirty bit
  mkSwapPte(m, dev.type, swapSlot, exclusive, sd !== null && bitSet(hi, lo, sd));
  if (pteUffdWp(m, hi, lo)) setSwpUffdWp(m); // pte_uffd_wp → pte_swp_mkuffd_wp (userfaultfd.ts)
  mm.pgtable.set(slotPte, m.pteHi, m.pteLo);
  dev.map[swapSlot]!++;
}

/**
 * Reclaim one anon page (exclusively mapped for MADV_PAGEOUT; any page
 * under memory pressure, `shared`); false when there is nowhere to swap it. A page already in the swap cache (swapped in by a read fault,
 * its slot kept) keeps its entry: shrink_folio_list skips add_to_swap, and
 * a clean page needs no pageout, its data is on the device already.
 */
export function reclaim_anon_page(m: Machine, frame: number, shared = false): boolean {
  const f = m.frames;
  // a page of a large folio goes with its folio (reclaim_large_folio) or after a split, never alone
  if ((f.flags[frame]! & PG_large) !== 0) return false;
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
  // A synchronous device (zram), or memory pressure, frees the clean, unmapped page now; so does 6.18 for a
  // zero-filled page: swap_writeout sets its zeromap bit and does no IO, so no writeback keeps it
  // (mm/page_io.c 257–266, is_folio_zero_filled 174).
  if ((dev.kind === 'zram' || shared || (m.era === '6.18' && f.tag[frame] === 0)) && f.maps(frame) === 0) delete_from_swap_cache(m, dev, slot);
  else if (m.era === '6.18') folio_putback_lru_inactive(m, frame); // kept in the swap cache: back on the LRU (swap.ts)
  f.put(frame);
  return true;
}

/**
 * shrink_folio_list() on a whole large anon folio (6.18 mm/vmscan.c), for
 * MADV_PAGEOUT: folio_alloc_swap() takes HPAGE_PMD_NR contiguous slots of
 * one cluster — only on a block device with the cluster allocator and
 * CONFIG_THP_SWAP (cluster_alloc_swap_entry refuses a large order on a swap
 * file: here zram) — then try_to_unmap(TTU_SPLIT_HUGE_PMD | TTU_SYNC)
 * splits each huge pmd and turns every pte into the swap pte of its page's
 * slot (exclusive where the page was), the folio is written out whole and,
 * on a synchronous device, freed at once. False when no such run of slots
 * is free or something besides its mappings holds the folio (the caller
 * then splits it and reclaims the small pages, THP_SWPOUT_FALLBACK).
 */
export function reclaim_large_folio(m: Machine, head: number): boolean {
  const st = thpState(m);
  if (st === null || !thpSwap(m)) return false;
  const f = m.frames;
  // can_split_folio(folio, 1, NULL) with the reclaimer's reference: nothing but mappings holds it
  if (folio_maybe_dma_pinned(m, head) || f.refs(head) !== folioLargeMapcount(m, head)) return false;
  let dev: SwapDevice | undefined;
  let base = -1;
  for (const d of m.swaps) {
    if (!d?.clusters) continue;
    base = cluster_alloc_swap_entry(d, st.order);
    if (base >= 0) {
      dev = d;
      break;
    }
  }
  if (!dev || base < 0) return false;
  folio_get(m, head); // the reclaimer's isolation reference
  f.flags[head]! |= PG_dirty; // folio_mark_dirty
  for (const { mm, vma, from, to } of anonVmasOf(m, head)) {
    const pt = mm.pgtable;
    if (pt.huge.size !== 0) {
      const ps = pt.pmdSlot(from, false);
      const h = ps >= 0 ? pt.hugeAt(ps) : undefined;
      if (h !== undefined && !isHugeZeroPmd(m, h) && pmdFrame(m, h.hi, h.lo) === head) __split_huge_pmd(m, mm, vma, ps); // TTU_SPLIT_HUGE_PMD
    }
    for (let vpn = from; vpn < to; vpn++) {
      const slotPte = pt.walk(vpn, false);
      if (slotPte < 0) {
        vpn = next_table_vpn(pt, vpn, to) - 1;
        continue;
      }
      const hi = pt.hi(slotPte);
      const lo = pt.lo(slotPte);
      const cls = m.variant.fast.classify(hi, lo);
      if (!mapsPage(cls)) continue;
      const frame = m.pteFrame(hi, lo);
      if (frame < head || frame >= head + st.nr) continue;
      unmap_pte_to_swap(m, mm, slotPte, hi, lo, dev, base + (frame - head), (f.flags[frame]! & PG_anon_exclusive) !== 0);
      folio_remove_rmap_pte(m, frame);
    }
  }
  // pageout(): swap_writeout of the whole folio; the slots nothing maps (there are none: the folio was fully mapped) go back
  for (let i = 0; i < st.nr; i++) {
    dev.data[base + i] = f.tag[head + i]!;
    if (dev.map[base + i] === 0) swap_free_unused(m, dev, base + i);
  }
  f.flags[head]! &= ~PG_dirty;
  // a synchronous device (zram): __remove_mapping frees the clean, unmapped folio right away
  folio_put(m, head);
  return true;
}

/** A slot allocated for a large folio that no pte took: back to the allocator (put_swap_folio). */
function swap_free_unused(m: Machine, dev: SwapDevice, slot: number): void {
  dev.map[slot] = 1;
  swap_free(m, dev, slot);
}

/**
 * MADV_PAGEOUT's part for the large folios over [start, end) of one VMA
 * (6.18 mm/madvise.c madvise_cold_or_pageout_pte_range): a huge pmd the
 * range covers whole is reclaimed as one folio (reclaim_large_folio), or —
 * where that fails — split for its pages to be reclaimed one by one (the
 * split of shrink_folio_list's fallback); one the range covers in part is
 * split; a PTE-mapped folio whose ptes all lie in the range and are its
 * only mappings is reclaimed whole too, one covered in part is split. A
 * folio mapped elsewhere as well (folio_maybe_mapped_shared), or pinned, is
 * left alone — pages of large folios that remain are skipped by the small
 * page reclaim (reclaim_anon_page). The huge zero folio is left alone.
 */
export function pageout_large_folios(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  const st = thpState(m);
  if (st === null || (st.folios === 0 && mm.pgtable.huge.size === 0)) return;
  const f = m.frames;
  const seen = new Set<number>();
  for (let vpn = start; (vpn = skip_empty(mm.pgtable, vpn, start, end)) < end; vpn++) {
    const head = largeFolioAt(m, mm, vpn);
    if (head < 0 || seen.has(head)) continue;
    seen.add(head);
    const first = vma.start + (f.index[head]! - vma.pgoff);
    const ps = mm.pgtable.pmdSlot(vpn, false);
    const h = ps >= 0 ? mm.pgtable.hugeAt(ps) : undefined;
    const mapcount = folioLargeMapcount(m, head);
    if (folio_maybe_dma_pinned(m, head)) continue;
    if (h !== undefined) {
      if (mapcount !== 1) continue; // mapped by another process's pmd or ptes too
      if (h.vpn < start || h.vpn + st.nr > end) split_huge_page(m, head);
      else if (!reclaim_large_folio(m, head)) split_huge_page(m, head);
      continue;
    }
    // PTE-mapped: folio_pte_batch() from the first pte of the folio in the range
    let batch = 0;
    for (let i = 0; i < st.nr; i++) {
      const v = first + i;
      if (v < start || v >= end || present_frame(m, mm, v) !== head + i) break;
      batch++;
    }
    if (batch === st.nr) {
      if (mapcount !== st.nr) continue; // some page mapped twice: not exclusive
      if (!reclaim_large_folio(m, head)) split_huge_page(m, head);
      continue;
    }
    let ours = 0;
    for (let i = 0; i < st.nr; i++) {
      const v = first + i;
      if (v >= vma.start && v < vma.end && present_frame(m, mm, v) === head + i) ours++;
    }
    if (ours !== mapcount) continue; // folio_maybe_mapped_shared
    split_huge_page(m, head);
  }
}
