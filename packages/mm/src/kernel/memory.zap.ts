/**
 * Page-table teardown of mm/memory.c: zap_pte_range (with zap_pmd_range's
 * huge pmds, huge_memory.ts) as a kernel path that stops between clearing a
 * pte and dropping its page's rmap, and PT_RECLAIM's freeing of emptied
 * pte tables (mm/pt_reclaim.c, called from zap_pte_range).
 *
 * @kernel mm/memory.c
 */
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_dirty } from './page-flags.js';
import { page_remove_rmap } from './rmap.js';
import { free_swap_and_cache } from './swapfile.js';
import { runPath, type KernelPath } from '../model/sched.js';
import { VM_LOCKED, VM_UFFD_WP, type Vma } from './vma.js';
import { markerBits, setMarker } from './memory.pte_marker.js';
import { pteSwpUffdWp, pteUffdWp } from './userfaultfd.js';
import { mlock_drain_local, mlockBatchPending, munlock_range } from './mlock.js';
import { pte_lock, pte_unlock } from '../model/locks.js';
import { zap_huge_pmds } from './huge_memory.js';
import { mapsPage, next_table_vpn } from './pagewalk.js';
import { noteValue, V_MAPCOUNT, V_PFN } from '../model/step-values.js';

/** zap_pte_range's state on the Machine (m.zap) */
export interface ZapState {
  /**
   * Pages whose pte zap_pte_range has cleared but whose rmap it has not yet
   * dropped, by frame: the state at its stop between the two (explorer runs
   * only; undefined until the first such stop). Legal under the pte lock the
   * zap holds, so checkInvariants counts them as still mapped.
   */
  pages: Map<number, number> | undefined;
  /** zap_ptes' out-parameter: the page of the present pte it cleared and stopped at (its rmap not yet dropped) */
  frame: number;
}

/** The pages mid-zap (see ZapState.pages), or undefined. */
export function zappingOf(m: Machine): ReadonlyMap<number, number> | undefined {
  return m.zap.pages;
}

/**
 * zap_pmd_range() + zap_pte_range() (6.18 mm/memory.c) over [start, end) of
 * one VMA, as a kernel path: under the pte lock, huge pmds first
 * (huge_memory.ts zap_huge_pmds: whole ones go, partly covered ones are
 * split), then each pte is cleared (ptep_get_and_clear_full) and only then
 * is its page's rmap dropped (zap_present_folio_ptes →
 * folio_remove_rmap_ptes). Between the two a lockless reader sees a none
 * pte while the page is still counted as mapped — the window of the 2021
 * THP split race: while the explorer drives the machine the path stops
 * there (the stop is inline: one generator per call, none per pte).
 * `reclaimPt`: PT_RECLAIM (6.14+, x86_64 only: ARCH_SUPPORTS_PT_RECLAIM)
 * frees a pte table MADV_DONTNEED left empty over its whole range.
 * `mmapLocked`: the caller holds mmap_lock (munmap, madvise, exit).
 * `keepMarkers`: zap_details NULL (MADV_DONTNEED, guard install's zap):
 * guard markers stay, and in a file VMA uffd-wp markers too — a uffd-wp pte
 * of a registered file VMA even leaves one (zap_install_uffd_wp_if_needed);
 * without it (munmap, exit: ZAP_FLAG_DROP_MARKER) every marker goes.
 * A VM_LOCKED VMA's pages are munlocked first (munlock_vma_folio), and the
 * TLB flush's lru_add_drain drains the mlock batch (mlock.ts).
 */
export function* zap_pte_range_path(m: Machine, mm: Mm, vma: Vma, start: number, end: number, reclaimPt = false, mmapLocked = true, keepMarkers = false): KernelPath {
  yield* pte_lock(m, mm, 'zap_pte_range: pte lock; ptep_get_and_clear');
  if (mm.pgtable.huge.size !== 0) zap_huge_pmds(m, mm, vma, start, end, mmapLocked);
  if ((vma.flags & VM_LOCKED) !== 0) munlock_range(m, mm, start, end);
  const file = vma.file !== null || vma.shmem;
  const markers = !keepMarkers ? ZAP_DROP_MARKERS : !file ? ZAP_KEEP_GUARD : (vma.flags & VM_UFFD_WP) === 0 ? ZAP_KEEP_MARKERS : ZAP_INSTALL_UFFD_WP;
  for (let vpn = start; vpn < end; ) {
    // sequentially one call clears the whole range; under the explorer it returns at each present pte it cleared
    vpn = zap_ptes(m, mm, vpn, end, m.sched.on, markers);
    if (vpn >= end) break;
    const frame = m.zap.frame;
    const z = (m.zap.pages ??= new Map());
    z.set(frame, (z.get(frame) ?? 0) + 1);
    yield m.sched.point('zap_pte_range: folio_remove_rmap_ptes (the pte is none already; the page still counts it as mapped until now)');
    noteValue(m, V_PFN, m.frames.pfn(frame));
    noteValue(m, V_MAPCOUNT, m.frames.maps(frame));
    const n = z.get(frame)! - 1;
    if (n === 0) z.delete(frame);
    else z.set(frame, n);
    page_remove_rmap(m, frame);
    vpn++;
  }
  if (reclaimPt) reclaim_pt(m, mm, start, end);
  if (mlockBatchPending(m)) mlock_drain_local(m); // tlb_finish_mmu → free_pages_and_swap_cache → lru_add_drain
  yield* pte_unlock(m, mm, 'zap_pte_range: pte lock dropped');
}

/** zap_ptes' marker modes (zap_nonpresent_ptes, zap_install_uffd_wp_if_needed) */
const ZAP_DROP_MARKERS = 0;
/** an anon VMA with zap_details NULL: guard markers stay, uffd-wp markers go */
const ZAP_KEEP_GUARD = 1;
/** a file VMA: every marker stays */
const ZAP_KEEP_MARKERS = 2;
/** a file VMA registered for uffd-wp: a uffd-wp pte (present or swap) leaves a uffd-wp marker */
const ZAP_INSTALL_UFFD_WP = 3;

/** whether zap_nonpresent_ptes keeps this marker pte */
function keepMarker(m: Machine, hi: number, lo: number, markers: number): boolean {
  const bits = markerBits(m, hi, lo);
  return (bits & PTE_MARKER.GUARD) !== 0 || (markers >= ZAP_KEEP_MARKERS && (bits & PTE_MARKER.UFFD_WP) !== 0);
}

/**
 * The per-pte part of zap_pte_range over [start, end): each pte cleared,
 * swap entries freed, a present page's dirty bit passed on and its rmap
 * dropped — unless `stop`, when it returns the vpn of the first present pte
 * it cleared (its page in m.zap.frame, the rmap left to the caller). Returns
 * `end` when done. Plain code: the sequential simulator's munmap and exit
 * run it allocation-free.
 */
function zap_ptes(m: Machine, mm: Mm, start: number, end: number, stop: boolean, markers: number): number {
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  const n = pt.ptrsPerPte;
  for (let vpn = start; vpn < end; ) {
    let slot = pt.walk(vpn, false);
    if (slot < 0) {
      // skip the missing pte table, and any empty upper levels after it
      vpn = next_table_vpn(pt, vpn, end);
      continue;
    }
    // the rest of this pte table: consecutive vpns are consecutive slots, so the loop does not walk
    for (const tableEnd = Math.min(end, vpn - (vpn % n) + n); vpn < tableEnd; vpn++, slot++) {
      const hi = pt.hi(slot);
      const lo = pt.lo(slot);
      const cls = fast.classify(hi, lo);
      if (cls === PteClassCode.none) continue;
      if (cls === PteClassCode.swap) {
        const dev = m.swaps[fast.pte_to_swp_type(hi, lo)];
        if (dev) free_swap_and_cache(m, dev, fast.pte_to_swp_offset_lo(hi, lo));
        pt.set(slot, 0, 0);
        if (markers === ZAP_INSTALL_UFFD_WP && pteSwpUffdWp(m, hi, lo)) setMarker(m, mm, slot, PTE_MARKER.UFFD_WP);
      } else if (mapsPage(cls)) {
        const frame = m.pteFrame(hi, lo);
        // the pte's dirty bit moves to the file page before the pte goes (set_page_dirty)
        if ((m.frames.flags[frame]! & PG_anon) === 0 && m.isPteDirty(hi, lo) && frame !== m.zeroFrame) m.frames.flags[frame]! |= PG_dirty;
        pt.set(slot, 0, 0);
        if (markers === ZAP_INSTALL_UFFD_WP && pteUffdWp(m, hi, lo)) setMarker(m, mm, slot, PTE_MARKER.UFFD_WP);
        if (stop) {
          m.zap.frame = frame;
          return vpn;
        }
        page_remove_rmap(m, frame);
      } else if (markers === ZAP_DROP_MARKERS || cls !== PteClassCode.marker || !keepMarker(m, hi, lo, markers)) {
        pt.set(slot, 0, 0);
      }
    }
  }
  return end;
}

/**
 * PT_RECLAIM (6.14+, mm/pt_reclaim.c via zap_pte_range): a pte table whose
 * whole range MADV_DONTNEED zapped goes when every pte in it is none, so
 * the pmd is none again (the host's thp_anon recording: a THP is faulted
 * in there next). Only where the arch selects ARCH_SUPPORTS_PT_RECLAIM
 * (arch/x86/Kconfig: X86_64).
 */
function reclaim_pt(m: Machine, mm: Mm, start: number, end: number): void {
  if (!m.variant.caps.ptReclaim) return;
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  const n = pt.ptrsPerPte;
  for (let base = Math.ceil(start / n) * n; base + n <= end; base += n) {
    // only the pmd entries that exist: an empty range costs nothing
    base = pt.nextPopulated(base, end);
    if (base % n !== 0 || base + n > end) break;
    const ps = pt.pmdSlot(base, false);
    if (ps < 0) continue;
    const t = pt.tableBase(ps);
    if (t < 0) continue;
    let empty = true;
    for (let i = 0; i < n && empty; i++) empty = fast.pte_none(pt.hi(t + i), pt.lo(t + i));
    if (empty) pt.freePteTable(ps);
  }
}

/** zap_pte_range() run whole (munmap, exit, MADV_DONTNEED outside the explorer). */
export function zap_pte_range(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  runPath(zap_pte_range_path(m, mm, vma, start, end));
}
