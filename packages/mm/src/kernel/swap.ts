/**
 * The per-CPU LRU batches of mm/swap.c, as far as a decision depends on
 * them: a folio_activate() queued in the lru_activate folio batch holds a
 * folio reference (6.18 mm/swap.c __folio_batch_add_and_move 182–202 takes
 * folio_get) until the batch drains (lru_add_drain → lru_add_drain_cpu →
 * folio_activate_drain, 642–674), and the folio keeps PG_lru meanwhile.
 * wp_can_reuse_anon_folio() drains only for a folio off the LRU, so that
 * reference makes a write fault copy a swap-cache page it would otherwise
 * reuse, and keeps should_try_to_free_swap() from freeing the slot.
 *
 * What queues a folio: folio_mark_accessed() (455–488) — the first call
 * sets PG_referenced, the next one on an inactive folio on the LRU
 * activates it through the batch. The oracle's observation reads each
 * present page through /proc/self/mem, GUP with FOLL_TOUCH (6.18 mm/gup.c
 * get_user_pages_remote 2611; follow_page_pte 766–777 → folio_mark_accessed),
 * so every observation touches the pages it shows.
 *
 * What the model follows of the LRU (PG_lru, PG_active, PG_referenced):
 * only anon folios MADV_PAGEOUT wrote to swap and kept in the swap cache
 * (vmscan.ts) are on the LRU for it, inactive and unreferenced
 * (reclaim_pages clears PG_active, madvise_cold_or_pageout_pte_range
 * PG_referenced). The kernel's putback parks them in the lru_add batch
 * first, which the recorder's own page faults soon fill and flush; every
 * other folio counts as still in the lru_add batch, where a second touch
 * only marks it active (__lru_cache_activate_folio) and holds no further
 * reference. Large folios are never cached in a batch
 * (folio_may_be_lru_cached): they activate at once.
 *
 * @kernel mm/swap.c
 */
import type { Machine } from '../model/machine.js';
import { PG_active, PG_lru, PG_lru_batched, PG_referenced } from './page-flags.js';
import { PG_large } from './huge_memory.js';

/** PAGEVEC_SIZE: a folio batch's capacity (include/linux/pagevec.h, 31) */
const PAGEVEC_SIZE = 31;

export interface LruState {
  /** the per-CPU lru_activate batch: frames, each holding a reference (a frame may be queued twice) */
  readonly activate: number[];
}

function lruState(m: Machine): LruState {
  return (m.lru ??= { activate: [] });
}

/** folio_mark_accessed() (6.18 mm/swap.c 455–488) on a small or large folio's page. */
export function folio_mark_accessed(m: Machine, frame: number): void {
  const lru = m.frames.lru;
  const fl = lru[frame]!;
  if ((fl & PG_referenced) === 0) {
    lru[frame] = fl | PG_referenced;
    return;
  }
  if ((fl & PG_active) !== 0) return;
  if ((fl & PG_lru) !== 0 && (m.frames.flags[frame]! & PG_large) === 0) {
    // folio_activate → folio_batch_add_and_move(lru_activate): a reference, PG_lru kept, a full batch moved
    lru[frame] = (fl | PG_lru_batched) & ~PG_referenced;
    const batch = lruState(m).activate;
    batch.push(frame);
    if (batch.length >= PAGEVEC_SIZE) lru_add_drain(m);
    return;
  }
  // a large folio is moved at once; one off the LRU is marked active where it waits (__lru_cache_activate_folio)
  lru[frame] = (fl | PG_active) & ~PG_referenced;
}

/** lru_add_drain() (6.18 mm/swap.c 642–674, this CPU's batches): the queued folios go active, their references drop. */
export function lru_add_drain(m: Machine): void {
  const batch = m.lru?.activate;
  if (batch === undefined || batch.length === 0) return;
  const lru = m.frames.lru;
  for (let i = 0; i < batch.length; i++) {
    const frame = batch[i]!;
    // a frame freed since (the model frees at once, the kernel after the drain) has lost its flags
    if ((lru[frame]! & PG_lru_batched) !== 0) lru[frame] = (lru[frame]! & ~PG_lru_batched) | PG_active;
  }
  batch.length = 0;
}

/** The references the per-CPU batches hold on `frame` as far as a decision sees them: 1 while queued, else 0. */
export function lru_batch_refs(m: Machine, frame: number): number {
  return (m.frames.lru[frame]! & PG_lru_batched) !== 0 ? 1 : 0;
}

/**
 * folio_putback_lru() after MADV_PAGEOUT kept an anon folio in the swap
 * cache (6.18 mm/vmscan.c reclaim_pages 2244–2270 folio_clear_active,
 * reclaim_folio_list 2219–2242; mm/madvise.c folio_clear_referenced): on
 * the inactive LRU, unreferenced.
 */
export function folio_putback_lru_inactive(m: Machine, frame: number): void {
  const lru = m.frames.lru;
  lru[frame] = (lru[frame]! & ~(PG_active | PG_referenced)) | PG_lru;
}
