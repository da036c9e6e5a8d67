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
import { PG_active, PG_anon, PG_lazyfree, PG_lru, PG_lru_batched, PG_referenced, PG_swapbacked, PG_swapcache } from './page-flags.js';
import { PG_large } from './huge_memory.js';

/** PAGEVEC_SIZE: a folio batch's capacity (include/linux/pagevec.h, 31) */
const PAGEVEC_SIZE = 31;

export interface LruState {
  /** the per-CPU lru_activate batch: frames, each holding a reference (a frame may be queued twice) */
  readonly activate: number[];
  /**
   * the per-CPU lru_lazyfree batch (6.18 mm/swap.c folio_mark_lazyfree, lru_lazyfree 610–630): MADV_FREE'd
   * folios, whose PG_swapbacked goes when the batch drains (its reference is not modelled)
   */
  lazyfree?: number[];
}

function lruState(m: Machine): LruState {
  return (m.lru ??= { activate: [] });
}

/** folio_mark_lazyfree(): queue a MADV_FREE'd anon page on the lazyfree batch; a full batch moves at once. */
export function folio_mark_lazyfree(m: Machine, frame: number): void {
  const st = lruState(m);
  const batch = (st.lazyfree ??= []);
  batch.push(frame);
  if (batch.length >= PAGEVEC_SIZE) lru_lazyfree_drain(m);
}

/**
 * lru_lazyfree(): each queued folio still anon, swap-backed, not in the swap cache, loses PG_swapbacked
 * (kpageflags no longer shows SWAPBACKED) and goes to the inactive file LRU (6.18 mm/swap.c 610–630).
 */
function lru_lazyfree_drain(m: Machine): void {
  const batch = m.lru?.lazyfree;
  if (batch === undefined || batch.length === 0) return;
  const flags = m.frames.flags;
  for (const frame of batch) {
    const fl = flags[frame]!;
    if ((fl & (PG_anon | PG_swapbacked | PG_lazyfree)) === (PG_anon | PG_swapbacked | PG_lazyfree) && (fl & PG_swapcache) === 0) flags[frame] = fl & ~PG_swapbacked;
  }
  batch.length = 0;
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
  lru_lazyfree_drain(m);
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

/**
 * Timing-dependent choices. On a real machine a folio can sit in another
 * CPU's per-CPU batch (its lru_add batch after an I/O completion ran
 * there, say), which holds a reference no local drain removes; and any CPU
 * may run lru_add_drain_all() (6.18 mm/swap.c 797–894: it queues a drain on
 * every CPU with something batched), which empties this CPU's batches
 * under the model's feet. Where a kernel decision counts references — COW
 * reuse in wp_can_reuse_anon_folio (6.18 mm/memory.c 3986–4025) and
 * freeing the swap slot on a write fault, should_try_to_free_swap (6.18
 * mm/memory.c 4318–4335, called at 4917) — either can change the
 * answer. The model's answer is the single-CPU one; a run given
 * TimingChoices takes the other branch at the decisions it names:
 *  - the model counted a batch reference: another CPU drained the batches
 *    first (lru_add_drain here: every queued folio goes active, its
 *    reference drops);
 *  - the model counted none: another CPU's batch held one, for this
 *    decision.
 * Only decisions whose outcome the batch reference changes are counted.
 */
export interface TimingChoices {
  /** decisions met so far in this run, numbered from 0 */
  seen: number;
  /** the decisions (by number) that take the other branch */
  readonly flip: ReadonlySet<number>;
  /** each decision met: the kernel function, and what the model counted */
  readonly sites: string[];
}

/**
 * The per-CPU batch references a decision at `site` counts on `frame`:
 * lru_batch_refs, or the other branch where m.timing says so. `matters`
 * says whether the count changes the decision's outcome (only then is it
 * a decision). Called only when m.timing is set.
 */
export function batch_refs_choice(m: Machine, frame: number, site: string, matters: (refs: number) => boolean): number {
  const timing = m.timing!;
  const refs = lru_batch_refs(m, frame);
  if (matters(refs) === matters(1 - refs)) return refs;
  const k = timing.seen++;
  timing.sites.push(`${site}: ${refs ? 'a batch on this CPU holds a reference' : 'no batch holds a reference'}`);
  if (!timing.flip.has(k)) return refs;
  if (refs === 1) {
    lru_add_drain(m); // lru_add_drain_all from another CPU got there first
    return 0;
  }
  return 1; // another CPU's batch holds the folio
}
