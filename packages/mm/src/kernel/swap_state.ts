/**
 * Swap readahead (6.18 mm/swap_state.c): a swap-in that misses the swap
 * cache and does not take the SWP_SYNCHRONOUS_IO shortcut goes through
 * swapin_readahead(), which reads the target and some neighbours into the
 * swap cache. Which neighbours depends on swap_use_vma_readahead() —
 * vma_ra_enabled (default on) and no rotational swap device active
 * (nr_rotate_swap; here a swap file on the host's rotational disk):
 *
 * - VMA-based (swap_vma_readahead, swap_vma_ra_win): the swap ptes around
 *   the fault address in the same VMA and pte table. The window comes from
 *   the VMA's swap_readahead_info — the last fault address, window and
 *   readahead hits. An info never written reads as 4 (GET_SWAP_RA_VAL), that
 *   is 4 hits: the first window is 8 pages (page_cluster 3), about the
 *   fault — which is how the host's swap_zram recording shows a neighbour
 *   (mincore 1) in the swap cache after a child's fault on a shared entry.
 * - cluster-based (swap_cluster_readahead, swapin_nr_pages): the aligned
 *   block of 2^n slots around the slot, with the window from the global
 *   last offset and hits.
 *
 * __swapin_nr_pages: hits + 2 pages, rounded up to a power of two from 4
 * (or 1 page when there were no hits and the offset is not next to the last
 * one), at most 2^page_cluster, at least half the last window.
 * swap_update_readahead() counts a hit when a fault finds a page readahead
 * brought in (PG_readahead, tested and cleared).
 *
 * Where the model differs: readahead (and MADV_WILLNEED's swap-in) takes
 * only frames above the low watermark kswapd keeps (an allocation under
 * pressure would reclaim first); 2.6.21's read-around (valid_swaphandles) is not modelled — there
 * a swap-in reads only its page.
 *
 * @kernel mm/swap_state.c
 */
import { lru_add_drain } from './swap.js';
import { walk_pte_range } from './pagewalk.js';
import { PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../model/machine.js';
import { BALANCE_FREE } from '../model/frames.js';
import { PG_swapbacked, PG_swapcache, PG_uptodate } from './page-flags.js';
import { slotId, type SwapDevice } from './swapfile.js';
import type { Vma } from './vma.js';
import { cluster_slot_freed } from './swapfile.cluster.js';
import { folio_free_swap, slotOffset, slotType } from './swapfile.js';

/** /proc/sys/vm/page-cluster (swap_setup: 3 with more than 16 MiB; the host's env.json says 3) */
export const PAGE_CLUSTER = 3;

export interface RaState {
  /** swapin_nr_pages()'s static prev_offset and last_readahead_pages, and swapin_readahead_hits */
  prevOffset: number;
  lastPages: number;
  hits: number;
  /** PG_readahead (PG_reclaim) of swap-cache pages readahead brought in: frame → the slot it was read for */
  readonly readahead: Map<number, number>;
}

/** m.swapRa, made on first use */
function state(m: Machine): RaState {
  return (m.swapRa ??= { prevOffset: 0, lastPages: 0, hits: 0, readahead: new Map() });
}

/** swap_use_vma_readahead(): no rotational swap device is active (nr_rotate_swap == 0). */
export function swap_use_vma_readahead(m: Machine): boolean {
  return m.swaps.every((d) => d === undefined || d.kind === 'zram');
}

/** SWAP_RA_HITS_MAX: hits fit in the low PAGE_SHIFT/2 bits of the info word. */
function hitsMax(m: Machine): number {
  return 2 ** Math.floor(m.variant.constants.PAGE_SHIFT / 2) - 1;
}

/** __swapin_nr_pages() */
function swapin_nr_pages_of(prevOffset: number, offset: number, hits: number, maxPages: number, prevWin: number): number {
  let pages = hits + 2;
  if (pages === 2) {
    if (offset !== prevOffset + 1 && offset !== prevOffset - 1) pages = 1;
  } else {
    let roundup = 4;
    while (roundup < pages) roundup <<= 1;
    pages = roundup;
  }
  if (pages > maxPages) pages = maxPages;
  const lastRa = Math.floor(prevWin / 2);
  if (pages < lastRa) pages = lastRa;
  return pages;
}

/**
 * __read_swap_cache_async() for readahead: the slot's data into a new
 * swap-cache page, unless it is cached already, no longer in use
 * (swapcache_prepare fails) or memory is short. Returns the frame or -1.
 */
export function read_swap_cache_async(m: Machine, dev: SwapDevice, slot: number, readahead: boolean, optional = readahead): number {
  const cached = dev.cache[slot]!;
  if (cached >= 0) return cached;
  if (dev.map[slot]! <= 0) return -1;
  const f = m.frames;
  if (optional && f.max - f.inUse <= BALANCE_FREE) return -1;
  const frame = f.alloc();
  f.tag[frame] = dev.data[slot]!;
  f.flags[frame]! |= PG_swapbacked | PG_uptodate;
  add_to_swap_cache(m, dev, slot, frame);
  f.put(frame); // the swap cache holds it; whoever maps it takes its own reference
  if (readahead) state(m).readahead.set(frame, slotId(dev.type, slot)); // folio_set_readahead
  return frame;
}

/** swap_vma_ra_win(): the window about `vpn` as [start, end), and the VMA's info updated. */
function swap_vma_ra_win(m: Machine, mm: Mm, vma: Vma, vpn: number): { start: number; end: number } | null {
  const maxWin = 2 ** Math.min(PAGE_CLUSTER, m.variant.constants.wordBits === 64 ? 5 : 3); // SWAP_RA_ORDER_CEILING
  if (maxWin === 1) return null;
  const ra = vma.swapRa ?? { vpn: 0, win: 0, hits: 4 };
  const win = swapin_nr_pages_of(ra.vpn, vpn, ra.hits, maxWin, ra.win);
  vma.swapRa = { vpn, win, hits: 0 };
  if (win === 1) return null;
  let left: number;
  if (vpn === ra.vpn + 1) left = vpn;
  else if (ra.vpn === vpn + 1) left = vpn - win + 1;
  else left = vpn - Math.floor((win - 1) / 2);
  const right = left + win;
  const table = mm.pgtable.ptrsPerPte;
  const pmdStart = vpn - (vpn % table);
  return { start: Math.max(left, 0, vma.start, pmdStart), end: Math.min(right, vma.end, pmdStart + table) };
}

/**
 * swapin_readahead(): the page of (dev, slot) read into the swap cache, with
 * the neighbours the readahead picks. Returns the target's frame (-1 when
 * the slot is no longer in use).
 */
export function swapin_readahead(m: Machine, mm: Mm, vma: Vma, vpn: number, dev: SwapDevice, slot: number): number {
  if (m.era !== '6.18') return read_swap_cache_async(m, dev, slot, false);
  if (swap_use_vma_readahead(m)) {
    const w = swap_vma_ra_win(m, mm, vma, vpn);
    if (w) {
      for_each_swap_pte(m, mm, w.start, w.end, (d, s, v) => void read_swap_cache_async(m, d, s, v !== vpn));
      lru_add_drain(m); // swap_vma_readahead (6.18 mm/swap_state.c 794): push the new pages onto the LRU
    }
    return read_swap_cache_async(m, dev, slot, false);
  }
  // swap_cluster_readahead()
  const st = state(m);
  const hits = st.hits;
  st.hits = 0;
  const pages = swapin_nr_pages_of(st.prevOffset, slot, hits, 2 ** PAGE_CLUSTER, st.lastPages);
  if (!hits) st.prevOffset = slot;
  st.lastPages = pages;
  const mask = pages - 1;
  if (mask) {
    const start = Math.max(slot & ~mask, 1); // the first page is the swap header
    const end = Math.min(slot | mask, dev.pages - 1);
    for (let s = start; s <= end; s++) read_swap_cache_async(m, dev, s, s !== slot);
    lru_add_drain(m); // swap_cluster_readahead (6.18 mm/swap_state.c 666)
  }
  return read_swap_cache_async(m, dev, slot, false);
}

/**
 * swap_update_readahead(): a fault found its page in the swap cache. A page
 * readahead brought in counts as a hit (in the VMA's info, or globally for
 * cluster readahead); the VMA's info remembers this fault's address.
 */
export function swap_update_readahead(m: Machine, vma: Vma, vpn: number, frame: number): void {
  const st = state(m);
  const id = st.readahead.get(frame);
  const readahead = id !== undefined && m.frames.swapSlot.get(frame) === id;
  if (id !== undefined) st.readahead.delete(frame); // folio_test_clear_readahead
  if (swap_use_vma_readahead(m)) {
    const ra = vma.swapRa ?? { vpn: 0, win: 0, hits: 4 };
    vma.swapRa = { vpn, win: ra.win, hits: readahead ? Math.min(ra.hits + 1, hitsMax(m)) : ra.hits };
  } else if (readahead) st.hits++;
}

/** The swap entries of [start, end): each one's device and slot, in address order (ptes of no swap device skipped). */
export function for_each_swap_pte(m: Machine, mm: Mm, start: number, end: number, visit: (dev: SwapDevice, slot: number, vpn: number) => void): void {
  const fast = m.variant.fast;
  walk_pte_range(m, mm, start, end, (_slot, vpn, hi, lo, cls) => {
    if (cls !== PteClassCode.swap) return;
    const dev = m.swaps[fast.pte_to_swp_type(hi, lo)];
    if (dev) visit(dev, fast.pte_to_swp_offset_lo(hi, lo), vpn);
  });
}

/** add_to_swap_cache(): the page becomes the slot's cached copy (one more reference). */
export function add_to_swap_cache(m: Machine, dev: SwapDevice, slot: number, frame: number): void {
  dev.cache[slot] = frame;
  m.frames.flags[frame]! |= PG_swapcache;
  m.frames.swapSlot.set(frame, slotId(dev.type, slot));
  m.frames.get(frame);
}

/** delete_from_swap_cache(): drop the cache's reference; frees the slot if nothing else names it. */
export function delete_from_swap_cache(m: Machine, dev: SwapDevice, slot: number): void {
  const frame = dev.cache[slot]!;
  if (frame < 0) return;
  dev.cache[slot] = -1;
  m.frames.flags[frame]! &= ~PG_swapcache;
  m.frames.swapSlot.delete(frame);
  m.frames.put(frame);
  if (dev.clusters && dev.map[slot] === 0) cluster_slot_freed(dev, slot);
}

/**
 * free_swap_cache() (mm/swap_state.c): a page left only in the swap cache —
 * unmapped, its entry used by no pte — leaves it.
 */
export function free_swap_cache(m: Machine, frame: number): void {
  const f = m.frames;
  if ((f.flags[frame]! & PG_swapcache) === 0 || f.maps(frame) !== 0) return;
  const id = f.swapSlot.get(frame);
  const dev = id === undefined ? undefined : m.swaps[slotType(id)];
  if (dev && dev.cache[slotOffset(id!)] === frame && dev.map[slotOffset(id!)] === 0) folio_free_swap(m, dev, slotOffset(id!));
}
