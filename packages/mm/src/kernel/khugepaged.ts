/**
 * MADV_COLLAPSE (6.18 mm/khugepaged.c madvise_collapse): each aligned
 * HPAGE_PMD range inside the advised range of an anonymous VMA is copied
 * into a new THP mapped by a pmd — synchronously, whatever sysfs `enabled`
 * says (TVA_FORCED_COLLAPSE), and without khugepaged's limits: every pte
 * may be none or the zero page (max_ptes_none), swapped (max_ptes_swap; the
 * entries are swapped in first) or mapped by another process too
 * (max_ptes_shared), and no pte has to be young.
 *
 * Per PMD range, hpage_collapse_scan_pmd() then collapse_huge_page():
 * - the pmd: none (no pte table) → SCAN_PMD_NULL; a huge pmd (a THP, or the
 *   huge zero folio) → SCAN_PMD_MAPPED, which counts as done;
 * - each pte: swap entries are counted (a uffd-wp one: SCAN_PTE_UFFD_WP);
 *   none or zero-page ptes are fine unless userfaultfd is armed on the VMA
 *   (SCAN_EXCEED_NONE_PTE); a uffd-wp pte → SCAN_PTE_UFFD_WP; a page that is
 *   not anon → SCAN_PAGE_ANON; locked → SCAN_PAGE_LOCK; a folio with a
 *   reference besides its mappings and the swap cache (a GUP pin) →
 *   SCAN_PAGE_COUNT. No pte has to be writable: 6.18 has no SCAN_PAGE_RO
 *   (the scan loop, 6.18 mm/khugepaged.c 1278–1406, never reads pte_write),
 *   so a range COW-shared after fork collapses too (cow.c's "collapsing
 *   after fork()" cases);
 * - collapse_huge_page: the new folio (alloc_charge_folio; none →
 *   SCAN_ALLOC_HUGE_PAGE_FAIL), swap-in of the swapped ptes
 *   (__collapse_huge_page_swapin: do_swap_page; a failure → SCAN_FAIL), the
 *   page table detached (pmdp_collapse_flush) and each page isolated again
 *   (__collapse_huge_page_isolate: the same checks, SCAN_PTE_NON_PRESENT for
 *   what is still not present), the data copied — zeroes for none and zero
 *   ptes — the old ptes cleared with their rmaps and references, a page only
 *   the swap cache still holds dropped from it (free_swap_cache), and the
 *   folio mapped by the pmd (map_anon_folio_pmd_nopf: dirty, writable where
 *   the VMA is, exclusive; the folio itself not PG_dirty — the host's
 *   thp_anon recording), the pte table deposited.
 *
 * madvise_collapse goes on past the "whitelisted" results (PMD_NULL,
 * PTE_NON_PRESENT, PTE_UFFD_WP, PAGE_NULL, PAGE_COUNT, PAGE_LOCK,
 * PAGE_COMPOUND, PAGE_LRU, DEL_PAGE_LRU) and stops at any other; unless
 * every range ended SUCCEED or PMD_MAPPED it fails with the last result's
 * errno (madvise_collapse_errno): ALLOC_HUGE_PAGE_FAIL → ENOMEM,
 * EXCEED_NONE_PTE → EBUSY, PAGE_COUNT/LOCK/LRU → EAGAIN, the rest → EINVAL.
 * A range with no aligned PMD inside it collapses nothing and succeeds —
 * except one whose start and end fall in the same unaligned PMD, where the
 * kernel's unsigned (hend - hstart) wraps and the call fails (EINVAL).
 *
 * Before all that, thp_vma_allowable_order(vma, TVA_FORCED_COLLAPSE,
 * PMD_ORDER): -EINVAL for VM_NOHUGEPAGE, for a VMA with no aligned PMD
 * range inside it, and for a file mapping other than shmem (the oracle keeps
 * its files open for writing, so file_thp_enabled() is false). Shmem/tmpfs
 * collapse (hpage_collapse_scan_file → collapse_file) is not modelled.
 * MADV_COLLAPSE came in 6.1 and needs CONFIG_TRANSPARENT_HUGEPAGE: 2.6.21
 * and a 6.18 variant without THP answer -EINVAL (madvise.ts).
 *
 * @kernel mm/khugepaged.c
 */
import { PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_locked, PG_swapcache } from './page-flags.js';
import { PMD_HUGE, PMD_NONE } from '../model/pagetable.js';
import { page_remove_rmap } from './rmap.js';
import { do_swap_page } from './memory.swap.js';
import { free_swap_cache } from './swap_state.js';
import { pteSwpUffdWp, pteUffdWp } from './userfaultfd.js';
import { VM_NOHUGEPAGE, VM_UFFD_WP, type Vma } from './vma.js';
import { VM_FAULT_SIGBUS } from '../model/signals.js';
import { alloc_thp_frames, folioHead, folioLargeMapcount, map_new_anon_folio_pmd, PG_large, thpState, type ThpState } from './huge_memory.js';
import { mapsPage } from './pagewalk.js';
import { folio_put, vma_is_anonymous } from './mm.js';

/** enum scan_result (mm/khugepaged.c), the ones MADV_COLLAPSE of anon memory can end with */
export type ScanResult =
  | 'SCAN_FAIL'
  | 'SCAN_SUCCEED'
  | 'SCAN_PMD_NULL'
  | 'SCAN_PMD_MAPPED'
  | 'SCAN_EXCEED_NONE_PTE'
  | 'SCAN_PTE_NON_PRESENT'
  | 'SCAN_PTE_UFFD_WP'
  | 'SCAN_PAGE_NULL'
  | 'SCAN_PAGE_COUNT'
  | 'SCAN_PAGE_LOCK'
  | 'SCAN_PAGE_ANON'
  | 'SCAN_ALLOC_HUGE_PAGE_FAIL';

/** the results after which madvise_collapse goes on to the next PMD range */
const WHITELISTED: ReadonlySet<ScanResult> = new Set(['SCAN_PMD_NULL', 'SCAN_PTE_NON_PRESENT', 'SCAN_PTE_UFFD_WP', 'SCAN_PAGE_NULL', 'SCAN_PAGE_COUNT', 'SCAN_PAGE_LOCK']);

/** madvise_collapse_errno() */
export function madvise_collapse_errno(r: ScanResult): 'ENOMEM' | 'EBUSY' | 'EAGAIN' | 'EINVAL' {
  switch (r) {
    case 'SCAN_ALLOC_HUGE_PAGE_FAIL':
      return 'ENOMEM';
    case 'SCAN_EXCEED_NONE_PTE':
      return 'EBUSY';
    case 'SCAN_PAGE_COUNT':
    case 'SCAN_PAGE_LOCK':
      return 'EAGAIN';
    default:
      return 'EINVAL';
  }
}

/**
 * thp_vma_allowable_order(vma, vm_flags, TVA_FORCED_COLLAPSE, PMD_ORDER)
 * (6.18 include/linux/huge_mm.h, mm/huge_memory.c __thp_vma_allowable_orders):
 * sysfs is not consulted, VM_NOHUGEPAGE is; the VMA must hold an aligned
 * PMD range (thp_vma_suitable_order at vm_end - PMD_SIZE; a file VMA's
 * offset must line up too); anon and shmem may, other files may not.
 */
export function collapse_allowable(m: Machine, vma: Vma): boolean {
  const st = thpState(m);
  if (st === null || (vma.flags & VM_NOHUGEPAGE) !== 0) return false;
  const nr = st.nr;
  const haddr = Math.floor((vma.end - nr) / nr) * nr;
  if (haddr < vma.start || haddr + nr > vma.end) return false;
  if (vma_is_anonymous(m, vma)) return true;
  if ((((vma.start - vma.pgoff) % nr) + nr) % nr !== 0) return false;
  return vma.shmem || m.inodeOf(vma)?.fs === 'tmpfs'; // shmem_allowable_huge_orders(force); file_thp_enabled() is false
}

/** A present pte's page, or -1 for none / the zero page (is_zero_pfn); the pte class in `cls`. */
interface PteView {
  slot: number;
  hi: number;
  lo: number;
  cls: number;
}

function ptesOf(m: Machine, mm: Mm, haddr: number, nr: number): PteView[] {
  const out: PteView[] = [];
  for (let i = 0; i < nr; i++) {
    const slot = mm.pgtable.walk(haddr + i, false);
    const hi = slot < 0 ? 0 : mm.pgtable.hi(slot);
    const lo = slot < 0 ? 0 : mm.pgtable.lo(slot);
    out.push({ slot, hi, lo, cls: slot < 0 ? PteClassCode.none : m.variant.fast.classify(hi, lo) });
  }
  return out;
}

/** userfaultfd_armed(): a none pte may not be filled in behind userfaultfd's back */
function userfaultfd_armed(vma: Vma): boolean {
  return (vma.flags & VM_UFFD_WP) !== 0;
}

/** folio_expected_ref_count() == folio_ref_count(): nothing but the mappings and the swap cache holds the page's folio */
function refcountSuitable(m: Machine, st: ThpState, frame: number): boolean {
  const f = m.frames;
  const large = (f.flags[frame]! & PG_large) !== 0;
  const head = folioHead(m, frame);
  const swapcache = (f.flags[head]! & PG_swapcache) !== 0 ? (large ? st.nr : 1) : 0;
  return f.refs(head) === (large ? folioLargeMapcount(m, head) : f.maps(frame)) + swapcache;
}

/** The per-page checks hpage_collapse_scan_pmd and __collapse_huge_page_isolate share; undefined when the page may go. */
function checkPage(m: Machine, st: ThpState, p: PteView): ScanResult | undefined {
  if (pteUffdWp(m, p.hi, p.lo)) return 'SCAN_PTE_UFFD_WP';
  const f = m.frames;
  const frame = m.pteFrame(p.hi, p.lo);
  if (frame < 0 || frame >= f.highWater || f.isFree(frame)) return 'SCAN_PAGE_NULL';
  if ((f.flags[frame]! & PG_anon) === 0) return 'SCAN_PAGE_ANON';
  const head = folioHead(m, frame);
  if ((f.flags[head]! & PG_locked) !== 0) return 'SCAN_PAGE_LOCK';
  if (!refcountSuitable(m, st, frame)) return 'SCAN_PAGE_COUNT';
  return undefined;
}

/** hpage_collapse_scan_pmd() for MADV_COLLAPSE (cc->is_khugepaged false), then collapse_huge_page(). */
export function hpage_collapse_scan_pmd(m: Machine, mm: Mm, vma: Vma, haddr: number): ScanResult {
  const st = thpState(m)!;
  const pt = mm.pgtable;
  // find_pmd_or_thp_or_none()
  const ps = pt.pmdSlot(haddr, false);
  if (ps < 0 || pt.pmdKind(ps) === PMD_NONE) return 'SCAN_PMD_NULL';
  if (pt.pmdKind(ps) === PMD_HUGE) return 'SCAN_PMD_MAPPED';
  let unmapped = 0;
  for (const p of ptesOf(m, mm, haddr, st.nr)) {
    if (p.cls !== PteClassCode.none && !mapsPage(p.cls)) {
      // is_swap_pte(): swap and migration entries, pte markers
      unmapped++;
      if (p.cls === PteClassCode.swap && pteSwpUffdWp(m, p.hi, p.lo)) return 'SCAN_PTE_UFFD_WP';
      continue;
    }
    if (p.cls === PteClassCode.none || m.pteFrame(p.hi, p.lo) === m.zeroFrame) {
      if (userfaultfd_armed(vma)) return 'SCAN_EXCEED_NONE_PTE';
      continue;
    }
    const bad = checkPage(m, st, p);
    if (bad) return bad;
  }
  return collapse_huge_page(m, mm, vma, haddr, ps, unmapped);
}

/** collapse_huge_page() (6.18 mm/khugepaged.c), mmap_lock dropped and retaken around the steps as there. */
function collapse_huge_page(m: Machine, mm: Mm, vma: Vma, haddr: number, ps: number, unmapped: number): ScanResult {
  const st = thpState(m)!;
  const f = m.frames;
  const pt = mm.pgtable;
  // alloc_charge_folio()
  const head = alloc_thp_frames(m, st);
  if (head < 0) return 'SCAN_ALLOC_HUGE_PAGE_FAIL';
  const fail = (r: ScanResult): ScanResult => {
    folio_put(m, head);
    return r;
  };
  if (unmapped > 0) {
    // __collapse_huge_page_swapin(): each swap pte faulted in (a read fault, no retry)
    for (let i = 0; i < st.nr; i++) {
      const slot = pt.walk(haddr + i, false);
      if (slot < 0) continue;
      const cls = m.variant.fast.classify(pt.hi(slot), pt.lo(slot));
      if (cls === PteClassCode.none || mapsPage(cls)) continue;
      // a migration entry or marker: do_swap_page fails on it (VM_FAULT_ERROR → SCAN_FAIL)
      if (cls !== PteClassCode.swap || do_swap_page(m, mm, vma, haddr + i, slot, false) === VM_FAULT_SIGBUS) return fail('SCAN_FAIL');
    }
  }
  // pmdp_collapse_flush(), then __collapse_huge_page_isolate() on the detached table
  const ptes = ptesOf(m, mm, haddr, st.nr);
  for (const p of ptes) {
    const none = p.cls === PteClassCode.none || (mapsPage(p.cls) && m.pteFrame(p.hi, p.lo) === m.zeroFrame);
    if (none) {
      if (userfaultfd_armed(vma)) return fail('SCAN_EXCEED_NONE_PTE');
      continue;
    }
    if (!mapsPage(p.cls)) return fail('SCAN_PTE_NON_PRESENT');
    const bad = checkPage(m, st, p);
    if (bad) return fail(bad === 'SCAN_PAGE_ANON' ? 'SCAN_PAGE_NULL' : bad);
  }
  // __collapse_huge_page_copy(): the data, zeroes for none and zero ptes
  const tags = ptes.map((p) => (p.cls === PteClassCode.none || m.pteFrame(p.hi, p.lo) === m.zeroFrame ? 0 : f.tag[m.pteFrame(p.hi, p.lo)]!));
  // __collapse_huge_page_copy_succeeded(): the old ptes go with their rmaps and references
  for (const p of ptes) {
    if (p.cls === PteClassCode.none) continue;
    const frame = m.pteFrame(p.hi, p.lo);
    pt.set(p.slot, 0, 0);
    if (frame === m.zeroFrame) continue; // a special pte: no accounting
    page_remove_rmap(m, frame); // a page of a large folio: folio_remove_rmap_pte (rmap.ts)
    free_swap_cache(m, frame);
  }
  // pgtable_trans_huge_deposit() + map_anon_folio_pmd_nopf()
  pt.freePteTable(ps);
  map_new_anon_folio_pmd(m, mm, vma, ps, haddr, head);
  for (let i = 0; i < st.nr; i++) f.tag[head + i] = tags[i]!;
  return 'SCAN_SUCCEED';
}

/**
 * madvise_collapse() over [start, end) of one VMA (the caller has clipped
 * the range to it). Throws the SyscallError madvise(2) returns.
 */
export function madvise_collapse(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  if (!collapse_allowable(m, vma)) throw new SyscallError('EINVAL', 'MADV_COLLAPSE: thp_vma_allowable_order() refuses the VMA (VM_NOHUGEPAGE, no aligned PMD range in it, or a file THP cannot back)');
  if (!vma_is_anonymous(m, vma)) throw new Error('MADV_COLLAPSE of a shmem/tmpfs mapping (hpage_collapse_scan_file → collapse_file) is not modelled');
  const nr = thpState(m)!.nr;
  const hstart = Math.ceil(start / nr) * nr;
  const hend = Math.floor(end / nr) * nr;
  // (hend - hstart) >> HPAGE_PMD_SHIFT is unsigned: a range inside one unaligned PMD wraps and never matches thps
  if (hend < hstart) throw new SyscallError('EINVAL', 'MADV_COLLAPSE: the range lies inside one PMD range without covering it (unsigned hend - hstart wraps)');
  let thps = 0;
  let lastFail: ScanResult = 'SCAN_FAIL';
  for (let addr = hstart; addr < hend; addr += nr) {
    const result = hpage_collapse_scan_pmd(m, mm, vma, addr);
    if (result === 'SCAN_SUCCEED' || result === 'SCAN_PMD_MAPPED') {
      thps++;
      continue;
    }
    lastFail = result;
    if (!WHITELISTED.has(result)) break;
  }
  if (thps !== (hend - hstart) / nr) throw new SyscallError(madvise_collapse_errno(lastFail), `MADV_COLLAPSE: ${lastFail}`);
}
