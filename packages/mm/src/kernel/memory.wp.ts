/**
 * The write-protect fault of mm/memory.c: do_wp_page — reuse the page, or
 * COW it into a new anon page (wp_page_copy) — with the helpers that map a
 * new anon page, which the anonymous fault, the file COW fault and fork use
 * too.
 *
 * Sequentially do_wp_page runs whole. While the explorer drives the machine
 * handle_pte_fault hands a write fault to do_wp_page_path instead, which
 * stops where the kernel takes and drops the pte lock: handle_pte_fault
 * takes it and re-checks the pte against the one the fault read (6.18
 * mm/memory.c 6203–6211; 2.6.21 handle_pte_fault's pte_same check), the
 * reuse is decided under it (do_wp_page 4049–4129), a copy drops it holding
 * a reference on the old page while the new one is allocated (4133–4141;
 * 2.6.21 1566–1568), then wp_page_copy takes it again and installs the copy
 * only if the pte is still the same, else frees it (3714–3784; 2.6.21
 * 1586–1621).
 *
 * @kernel mm/memory.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_lru, PG_swapcache, PG_zero } from './page-flags.js';
import { batch_refs_choice, lru_add_drain, lru_batch_refs } from './swap.js';
import { free_swap_cache } from './swap_state.js';
import { anon_vma_prepare, isSpecialZero, page_add_new_anon_rmap, page_remove_rmap } from './rmap.js';
import { can_share_swap_page, folio_free_swap, slotOffset, slotType } from './swapfile.js';
import { VM_FAULT_OK } from '../model/signals.js';
import type { KernelPath } from '../model/sched.js';
import { VM_LOCKED, VM_SHARED, VM_UFFD_WP, VM_WRITE, type Vma } from './vma.js';
import { uffd_wp_fault } from './userfaultfd.js';
import { munlock_folio } from './mlock.js';
import { pte_lock, pte_unlock } from '../model/locks.js';
import { entireMapcount, folioHead, folioLargeMapcount, pmdFrame, PG_large, thpState } from './huge_memory.js';
import { present_frame } from './pagewalk.js';
import { noteValue, V_ANON_EXCLUSIVE, V_MAPCOUNT, V_PFN, V_REFCOUNT, V_REUSE } from '../model/step-values.js';

/** Map a new page at the pte: writable and dirty for a write fault. */
export function setAnonPte(m: Machine, mm: Mm, slot: number, frame: number, vma: Vma, write: boolean): void {
  m.mkPte(frame, vma.flags);
  if (write) m.mkWriteDirtyYoung();
  else m.modify('pte_mkyoung');
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}

/**
 * A new anon page holding `old`'s data, with its first rmap at `vpn` of
 * `vma` (the COW copy of wp_page_copy, do_cow_fault and fork's
 * copy_present_page). The caller installs the pte.
 */
export function alloc_anon_copy(m: Machine, vma: Vma, vpn: number, old: number): number {
  const frame = alloc_copy_page(m, vma, old);
  page_add_new_anon_rmap(m, frame, vma, vpn);
  return frame;
}

/** The new page of a COW, `old`'s data copied in (cow_user_page / __wp_page_copy_user), not yet mapped. */
function alloc_copy_page(m: Machine, vma: Vma, old: number): number {
  anon_vma_prepare(m, vma);
  const frame = m.frames.alloc();
  m.frames.tag[frame] = m.frames.tag[old]!;
  return frame;
}

/**
 * wp_page_copy(): COW into a new anon page, dropping the old mapping. An
 * unshare fault (FAULT_FLAG_UNSHARE, for a read-only FOLL_PIN) maps the copy
 * read-only and clean: it only makes the page exclusive.
 */
function wp_page_copy(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, old: number, unshare: boolean): void {
  const frame = alloc_anon_copy(m, vma, vpn, old);
  if ((vma.flags & VM_LOCKED) !== 0) munlock_folio(m, old); // folio_remove_rmap_pte → munlock_vma_folio
  page_remove_rmap(m, old);
  if (m.era === '6.18') free_swap_cache(m, old); // the copied-from folio leaves the swap cache if nothing names its slot (6.18 mm/memory.c 3791–3794)
  if (unshare) {
    m.mkPte(frame, vma.flags & ~VM_WRITE);
    m.modify('pte_mkyoung');
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
  } else setAnonPte(m, mm, slot, frame, vma, true);
}

/** A page of a PTE-mapped large folio: the folio's counts decide (6.18 wp_can_reuse_anon_folio → __wp_can_reuse_large_anon_folio). */
function can_reuse_large_anon_page(m: Machine, mm: Mm, frame: number): boolean {
  const f = m.frames;
  const head = folioHead(m, frame);
  if (m.cowPolicy === 'mapcount') return f.maps(frame) + entireMapcount(m, head) === 1;
  if (m.cowPolicy === 'refcount') return f.refs(head) === 1;
  return (f.flags[frame]! & PG_anon_exclusive) !== 0 || wp_can_reuse_large_anon_folio(m, mm, frame);
}

/** Whether do_wp_page may reuse the anon page under the machine's COW rule (cow-policy.ts). */
function can_reuse_anon_page(m: Machine, mm: Mm, frame: number): boolean {
  const f = m.frames;
  const policy = m.cowPolicy;
  // a KSM page (PageKsm: anon with a negative mapping, ksm.ts) is never reused, even mapped once (6.18 wp_can_reuse_anon_folio: folio_test_ksm)
  if (f.mapping[frame]! < 0) return false;
  if ((f.flags[frame]! & PG_large) !== 0) return can_reuse_large_anon_page(m, mm, frame);
  if (policy === 'mapcount') return can_share_swap_page(m, frame); // mapcount, plus the swap entries still naming a swap-cache page
  if (policy === 'refcount') return f.refs(frame) - ((f.flags[frame]! & PG_swapcache) !== 0 ? 1 : 0) === 1;
  return (f.flags[frame]! & PG_anon_exclusive) !== 0 || wp_can_reuse_anon_folio(m, frame);
}

/**
 * wp_can_reuse_anon_folio() for a small folio (6.18 mm/memory.c 3986–4025):
 * the references must come to this mapping's, plus the swap cache's, which
 * folio_free_swap then drops when no swap entry names the slot any more; a
 * per-CPU batch's reference (swap.ts) is drained only for a folio off the LRU.
 */
function wp_can_reuse_anon_folio(m: Machine, frame: number): boolean {
  const f = m.frames;
  if (f.refs(frame) + lru_batch_refs(m, frame) > 3) return false;
  if ((f.lru[frame]! & PG_lru) === 0) lru_add_drain(m);
  const swapcache = (f.flags[frame]! & PG_swapcache) !== 0;
  // the batch reference, or (a run exploring timing, swap.ts) the other CPU's answer
  const batch = m.timing === undefined ? lru_batch_refs(m, frame) : timed_batch_refs(m, frame, swapcache);
  if (f.refs(frame) + batch > (swapcache ? 2 : 1)) return false;
  if (swapcache) {
    const id = f.swapSlot.get(frame);
    const dev = id === undefined ? undefined : m.swaps[slotType(id)];
    if (dev && dev.map[slotOffset(id!)] === 0) folio_free_swap(m, dev, slotOffset(id!));
  }
  return f.refs(frame) + batch === 1;
}

/** The batch references wp_can_reuse_anon_folio counts in a run exploring timing (swap.ts batch_refs_choice). */
function timed_batch_refs(m: Machine, frame: number, swapcache: boolean): number {
  const id = swapcache ? m.frames.swapSlot.get(frame) : undefined;
  const dev = id === undefined ? undefined : m.swaps[slotType(id)];
  const freeable = dev !== undefined && dev.map[slotOffset(id!)] === 0;
  return batch_refs_choice(m, frame, 'wp_can_reuse_anon_folio', (b) => reuses(m.frames.refs(frame), b, swapcache, freeable));
}

/** wp_can_reuse_anon_folio's answer for `refs` references and `batch` of a per-CPU batch, the swap cache's dropped when its slot is free. */
function reuses(refs: number, batch: number, swapcache: boolean, freeable: boolean): boolean {
  return refs + batch <= (swapcache ? 2 : 1) && refs - (freeable ? 1 : 0) + batch === 1;
}

/** The counts do_wp_page's reuse decision read (step-values.ts; the explorer's traces only). */
function noteReuse(m: Machine, frame: number, reuse: boolean): void {
  const f = m.frames;
  noteValue(m, V_PFN, f.pfn(frame));
  noteValue(m, V_MAPCOUNT, f.maps(frame));
  noteValue(m, V_REFCOUNT, f.refs(frame));
  if (m.cowPolicy === 'anon-exclusive') noteValue(m, V_ANON_EXCLUSIVE, (f.flags[frame]! & PG_anon_exclusive) !== 0);
  noteValue(m, V_REUSE, reuse);
}

/**
 * The part of do_wp_page done under the pte lock: the uffd-wp bit, a reused
 * anon page made writable, a shared mapping's write. Returns -1 when that
 * was all, or the frame wp_page_copy must copy.
 */
function wp_in_place(m: Machine, mm: Mm, vma: Vma, slot: number, unshare: boolean): number {
  // userfaultfd_pte_wp(): a uffd-wp pte in an async context loses its bit, and the write fault goes on (userfaultfd.ts)
  if ((vma.flags & VM_UFFD_WP) !== 0 && !unshare) uffd_wp_fault(m, mm, vma, slot);
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  const frame = m.pteFrame(hi, lo);
  const f = m.frames;
  // the zero page is copied, for an unshare fault too (a R/O longterm pin, gup.ts): vm_normal_page is NULL there,
  // so do_wp_page goes to wp_page_copy (6.18 mm/memory.c 4088–4140)
  if (frame === m.zeroFrame) return frame;
  if ((f.flags[frame]! & PG_anon) !== 0 && (f.flags[frame]! & PG_zero) === 0) {
    const reuse = can_reuse_anon_page(m, mm, frame);
    if (m.sched.on) noteReuse(m, frame, reuse);
    if (!reuse) return frame;
    if (m.cowPolicy === 'anon-exclusive') f.flags[frame]! |= PG_anon_exclusive;
    if (unshare) return -1; // exclusive now; the pte stays as it was
    m.pteHi = hi;
    m.pteLo = lo;
    m.mkWriteDirtyYoung();
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
    return -1;
  }
  // a page-cache page of a private mapping is copied, for an unshare fault too (a R/O longterm pin breaks COW
  // early, gup.ts); a shared mapping is never unshared (gup_must_unshare asks is_cow_mapping; do_wp_page 4097–4140)
  if ((vma.flags & VM_SHARED) === 0) return frame;
  if (unshare) return -1;
  // wp_page_shared(): a shared mapping writes the page itself (page_mkwrite, then dirty)
  f.flags[frame]! |= PG_dirty;
  m.pteHi = hi;
  m.pteLo = lo;
  m.modify('pte_mkwrite');
  m.modify('pte_mkdirty');
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
  return -1;
}

/**
 * do_wp_page(): a write fault on a present, write-protected pte — or, with
 * `unshare`, the FAULT_FLAG_UNSHARE fault GUP takes to make an anon page
 * exclusive before a read-only pin (5.19+).
 */
export function do_wp_page(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, unshare = false): number {
  const old = wp_in_place(m, mm, vma, slot, unshare);
  if (old >= 0) wp_page_copy(m, mm, vma, vpn, slot, old, unshare);
  return VM_FAULT_OK;
}

/**
 * do_wp_page as a kernel path (the explorer's; see the file's comment): a
 * write fault that read the pte words (hi, lo). A pte that changed under
 * either lock backs out — a copy made meanwhile is freed — and the access
 * retries on what is there now.
 */
export function* do_wp_page_path(m: Machine, mm: Mm, vma: Vma, vpn: number, hi: number, lo: number): KernelPath<number> {
  const pt = mm.pgtable;
  yield* pte_lock(m, mm, 'handle_pte_fault: pte lock; is the pte the one the fault read?');
  let slot = pt.walk(vpn, false);
  if (slot < 0 || pt.hi(slot) !== hi || pt.lo(slot) !== lo) {
    yield* pte_unlock(m, mm, 'handle_pte_fault: the pte changed under us: pte lock dropped');
    return VM_FAULT_OK;
  }
  const old = wp_in_place(m, mm, vma, slot, false);
  if (old < 0) {
    yield* pte_unlock(m, mm, 'do_wp_page: the page reused, pte lock dropped');
    return VM_FAULT_OK;
  }
  // vmf->orig_pte for wp_page_copy's re-check (the uffd-wp bit may have gone)
  const ohi = pt.hi(slot);
  const olo = pt.lo(slot);
  const held = m.sched.held;
  // folio_get (2.6.21 page_cache_get) of the old page; the 6.18 zero pfn has no struct page to hold (vm_normal_page NULL)
  const ref = !isSpecialZero(m, old);
  if (ref) held.hold(old);
  yield* pte_unlock(m, mm, 'do_wp_page: old page held, pte lock dropped; wp_page_copy allocates the copy');
  let frame: number;
  try {
    frame = alloc_copy_page(m, vma, old);
  } catch (e) {
    if (ref) held.release(old); // out of frames: the fault gives the old page back before it fails
    throw e;
  }
  held.adopt(frame); // the copy is the fault's own until its pte holds it
  yield* pte_lock(m, mm, 'wp_page_copy: pte lock; is the pte still the same?');
  slot = pt.walk(vpn, false);
  const same = slot >= 0 && pt.hi(slot) === ohi && pt.lo(slot) === olo;
  if (same) {
    held.disown(frame);
    page_add_new_anon_rmap(m, frame, vma, vpn);
    if ((vma.flags & VM_LOCKED) !== 0) munlock_folio(m, old);
    page_remove_rmap(m, old);
    if (m.era === '6.18') free_swap_cache(m, old); // as wp_page_copy
    setAnonPte(m, mm, slot, frame, vma, true);
  } else held.release(frame); // folio_put(new_folio): another thread changed the pte
  const where = same ? 'wp_page_copy: the copy installed, pte lock dropped' : 'wp_page_copy: the pte changed under us: the copy freed, pte lock dropped';
  // 2.6.21 drops the old page's reference before the unlock (page_cache_release, 1618–1621), 6.18 after (folio_put)
  if (ref && m.era === '2.6.21') held.release(old);
  yield* pte_unlock(m, mm, where);
  if (ref && m.era !== '2.6.21') held.release(old);
  return VM_FAULT_OK;
}

/**
 * __wp_can_reuse_large_anon_folio() (6.18 mm/memory.c): a page of a large
 * anon folio may be reused by a write fault when every reference to the
 * folio is a mapping and every mapping is this mm's (6.18 mm/memory.c
 * 3913–3977).
 *
 * @kernel mm/memory.c
 */
export function wp_can_reuse_large_anon_folio(m: Machine, mm: Mm, frame: number): boolean {
  const head = folioHead(m, frame);
  const mapcount = folioLargeMapcount(m, head);
  if (m.frames.refs(head) !== mapcount) return false;
  return mappingsIn(m, mm, head) === mapcount;
}

/** How many of the folio's PMD and PTE mappings are in `mm` (folio_maybe_mapped_shared's question). */
function mappingsIn(m: Machine, mm: Mm, head: number): number {
  const st = thpState(m)!;
  const f = m.frames;
  let n = 0;
  for (const vma of mm.vmas.list) {
    if (vma.anonVma !== f.mapping[head]) continue;
    const first = vma.start + (f.index[head]! - vma.pgoff);
    for (const h of mm.pgtable.huge.values()) if (h.vpn === first && pmdFrame(m, h.hi, h.lo) === head) n++;
    for (let i = 0; i < st.nr; i++) {
      const vpn = first + i;
      if (vpn >= vma.start && vpn < vma.end && present_frame(m, mm, vpn) === head + i) n++;
    }
  }
  return n;
}
