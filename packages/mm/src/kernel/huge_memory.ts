/**
 * Transparent huge pages mapped by a pmd (mm/huge_memory.c, 6.18): the
 * folio and its accounting, a huge pmd set up, split into ptes, zapped and
 * moved, fork's copy_huge_pmd; the THP faults (with the huge zero folio for
 * reads) and COW of a huge pmd are huge_memory.fault.ts; zap_huge_pmd, mprotect's change_huge_pmd (in
 * mprotect.ts), __split_huge_pmd (PMD → PTE-mapped folio, the same frames)
 * and the folio split split_huge_page (unmap_folio → freeze → split →
 * remap_page; huge_memory.split.ts). 2.6.21 had no THP (it came in 2.6.38); a 6.18 variant has it
 * when its spec has `huge` (constants.hasThp) and a huge pmd covers exactly
 * one pte table.
 *
 * Folio accounting follows 6.18 (include/linux/mm.h, mm/rmap.c):
 * - a large folio is HPAGE_PMD_NR frames from a naturally aligned head
 *   (PG_head on the head, PG_tail on the others);
 * - a PMD mapping counts in the folio's entire mapcount (here
 *   ThpState.entire, by head); a PTE mapping of a subpage counts in that
 *   page's own mapcount (FrameTable.maps) — both add to
 *   folio_large_mapcount, and folio_mapped() is any of them;
 * - the folio's reference count is the head's (FrameTable.refs(head)):
 *   one per PMD or PTE mapping, plus what paths hold. Tail frames keep the
 *   refcount 1 the frame table gave them (the kernel's tails read 0): they
 *   are freed with the head, never on their own.
 *
 * Where this differs from the kernel, on purpose: no deferred split queue
 * (a partially unmapped folio stays as it is until split_huge_page — the
 * `split_huge_page` op, debugfs split_huge_pages (huge_memory.split_huge_pages.ts),
 * madvise FREE/PAGEOUT/COLD, or memory pressure — as the shrinker would),
 * no khugepaged thread (MADV_COLLAPSE's synchronous collapse is
 * khugepaged.ts), THP swap-out whole only by MADV_PAGEOUT to zram with
 * CONFIG_THP_SWAP (vmscan.ts reclaim_large_folio; otherwise, and under
 * memory pressure, the folio is split first, as shrink_folio_list does when
 * folio_alloc_swap cannot give it a cluster), sysfs `enabled` is `madvise`
 * and `use_zero_page` is 1 (the host the
 * recordings come from). GUP (gup.ts: follow_huge_pmd, the pin's
 * references on the head, _pincount), mremap (mremap.ts: move_huge_pmd or
 * split_huge_pmd in move_page_tables) and migration (migrate.migrate_pages.ts: a large
 * folio is split, then its small pages migrate) know THP; whole-THP
 * migration (PMD migration entries) is not modelled.
 *
 * @kernel mm/huge_memory.c
 */
import { mapsPage, walk_pte_range } from './pagewalk.js';
import { KernelBug } from './filemap.js';
import type { Machine, Mm } from '../model/machine.js';
import { BALANCE_FREE } from '../model/frames.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_swapbacked, PG_uptodate, PG_zero } from './page-flags.js';
import { PMD_HUGE, PMD_NONE, type HugePmd } from '../model/pagetable.js';
import { anon_vma_prepare } from './rmap.js';
import { VM_HUGEPAGE, VM_NOHUGEPAGE, VM_WRITE, type Vma } from './vma.js';
import { folio_get, folio_maybe_dma_pinned, folio_put, vma_is_anonymous } from './mm.js';
import { folio_remove_rmap_pte } from './rmap.js';
import { noteValue, V_MMAP_LOCKED, V_VMA_IS_ANONYMOUS } from '../model/step-values.js';
import { vaddr } from '../model/vaddr.js';

/**
 * Compound page flags (page-flags.h PG_head; PageTail is the compound_head
 * link in the kernel). Kept here, next to the only code that sets them:
 * bits 11 and 12 of FrameTable.flags, which page-flags.ts leaves free.
 */
export const PG_head = 1 << 11;
export const PG_tail = 1 << 12;
export const PG_large = PG_head | PG_tail;

/** handle_mm_fault's VM_FAULT_FALLBACK: no THP here, take the pte path */
export const VM_FAULT_FALLBACK = -1;

export interface ThpState {
  /** HPAGE_PMD_NR and HPAGE_PMD_ORDER */
  readonly nr: number;
  readonly order: number;
  /** folio->_entire_mapcount of each PMD-mapped folio, by head frame */
  readonly entire: Map<number, number>;
  /**
   * folio->_pincount of each large folio a FOLL_PIN holds, by head frame
   * (5.7+: a large folio counts its pins here and takes one reference per
   * pin, not GUP_PIN_COUNTING_BIAS; gup.ts try_grab_folio)
   */
  readonly pincount: Map<number, number>;
  /** large anon folios alive (a cheap "is there any THP" for the paths that must look) */
  folios: number;
  /** head frame of the huge zero folio, -1 until the first read fault needs it */
  hugeZero: number;
}

/** The machine's THP state (m.thp, made on first use), or null where the variant has no THP (2.6.21, ppc32, ppc64 4K). */
export function thpState(m: Machine): ThpState | null {
  const s = m.thp;
  return s !== undefined ? s : (m.thp = createThpState(m));
}

function createThpState(m: Machine): ThpState | null {
  const c = m.variant.constants;
  const f = m.variant.fast;
  if (c.hasThp && c.HPAGE_PMD_ORDER !== null && f.mk_huge_pmd_lo && f.pmd_pfn_lo) {
    const nr = 2 ** c.HPAGE_PMD_ORDER;
    // a huge pmd replaces exactly one pte table (HPAGE_PMD_SHIFT = PMD_SHIFT)
    const ptrsPerPte = 2 ** m.variant.spec.levels[m.variant.spec.levels.length - 1]!.bits;
    if (nr === ptrsPerPte) return { nr, order: c.HPAGE_PMD_ORDER, entire: new Map(), pincount: new Map(), folios: 0, hugeZero: -1 };
  }
  return null;
}

/** Whether the machine has THP (has_transparent_hugepage() and a 6.18 variant with a huge pmd format). */
export function hasThp(m: Machine): boolean {
  return thpState(m) !== null;
}

/** The folio's head frame for any frame of it (compound_head); a small page is its own head. */
export function folioHead(m: Machine, frame: number): number {
  if ((m.frames.flags[frame]! & PG_tail) === 0) return frame;
  const nr = thpState(m)!.nr;
  return frame - (m.frames.pfn(frame) & (nr - 1));
}

/** folio_test_large() of the folio a frame belongs to */
export function isLargeFrame(m: Machine, frame: number): boolean {
  return (m.frames.flags[frame]! & PG_large) !== 0;
}

/** folio_entire_mapcount() */
export function entireMapcount(m: Machine, head: number): number {
  return thpState(m)?.entire.get(head) ?? 0;
}

/** folio_large_mapcount(): every PMD and PTE mapping of the folio */
export function folioLargeMapcount(m: Machine, head: number): number {
  const nr = thpState(m)!.nr;
  let n = entireMapcount(m, head);
  for (let i = 0; i < nr; i++) n += m.frames.maps(head + i);
  return n;
}

/** folio_mapped() */
export function folioMapped(m: Machine, head: number): boolean {
  if (entireMapcount(m, head) > 0) return true;
  const nr = thpState(m)!.nr;
  for (let i = 0; i < nr; i++) if (m.frames.maps(head + i) > 0) return true;
  return false;
}

/**
 * The pfn a huge pmd maps, as a frame (pmd_pfn). The layout and encoding
 * are the backend's (spec.huge, derived by core into variant.fast).
 */
export function pmdFrame(m: Machine, hi: number, lo: number): number {
  return m.frames.frameOf(m.variant.fast.pmd_pfn_lo!(hi, lo));
}

/** folio_mk_pmd(folio, vm_get_page_prot(flags)) = pmd_mkhuge(pfn_pmd()) into m.pteHi/pteLo */
export function mkHugePmd(m: Machine, head: number, vmFlags: number): void {
  const f = m.variant.fast;
  const pfn = m.frames.pfn(head);
  const ph = m.prot.hi(vmFlags);
  const pl = m.prot.lo(vmFlags);
  m.pteHi = f.mk_huge_pmd_hi!(0, pfn, ph, pl);
  m.pteLo = f.mk_huge_pmd_lo!(0, pfn, ph, pl);
}

/** is_huge_zero_pmd() */
export function isHugeZeroPmd(m: Machine, h: HugePmd): boolean {
  const st = thpState(m);
  return st !== null && st.hugeZero >= 0 && pmdFrame(m, h.hi, h.lo) === st.hugeZero;
}

/**
 * thp_vma_allowable_order(vma, TVA_PAGEFAULT, PMD_ORDER) for an anon fault
 * with sysfs enabled=madvise (6.18 include/linux/huge_mm.h
 * thp_vma_suitable_order + mm/huge_memory.c __thp_vma_allowable_orders):
 * MADV_HUGEPAGE and not MADV_NOHUGEPAGE, anonymous, and the aligned
 * HPAGE_PMD range inside the VMA.
 */
export function thp_vma_allowable(m: Machine, vma: Vma, vpn: number): boolean {
  const st = thpState(m);
  if (st === null) return false;
  if ((vma.flags & VM_HUGEPAGE) === 0 || (vma.flags & VM_NOHUGEPAGE) !== 0) return false;
  noteValue(m, V_VMA_IS_ANONYMOUS, vma_is_anonymous(m, vma)); // a THP for the fault only where it looks anonymous
  if (!vma_is_anonymous(m, vma)) return false;
  const haddr = vpn - (vpn % st.nr);
  return haddr >= vma.start && haddr + st.nr <= vma.end;
}

/**
 * alloc_pages(order HPAGE_PMD_ORDER): HPAGE_PMD_NR free frames whose first
 * pfn is aligned to HPAGE_PMD_NR (what the buddy allocator hands out), the
 * lowest such run; -1 when there is none (the fault then falls back to a
 * small page, THP_FAULT_FALLBACK). The frame table has no contiguous
 * allocation: the run is taken by popping frames until it is all out, and
 * the others go back in their order.
 */
export function alloc_thp_frames(m: Machine, st: ThpState): number {
  const f = m.frames;
  if (f.max - f.inUse - st.nr < BALANCE_FREE) return -1;
  const nr = st.nr;
  let head = -1;
  for (let h = (nr - (f.pfnBase % nr)) % nr; h + nr <= f.max; h += nr) {
    let free = true;
    for (let i = nr - 1; i >= 0; i--) {
      if (!f.isFree(h + i)) {
        free = false;
        break;
      }
    }
    if (free) {
      head = h;
      break;
    }
  }
  if (head < 0) return -1;
  const stash: number[] = [];
  let taken = 0;
  while (taken < nr) {
    const fr = f.alloc();
    if (fr >= head && fr < head + nr) taken++;
    else stash.push(fr);
  }
  // back on the free list in reverse, so the list's order is what it was
  for (let i = stash.length - 1; i >= 0; i--) f.put(stash[i]!);
  st.folios++;
  return head;
}

/** The set_pmd_at() of a huge pmd, installed over a none pmd. */
export function setHugePmd(m: Machine, mm: Mm, ps: number, haddr: number): void {
  mm.pgtable.setHuge(ps, haddr, m.pteHi, m.pteLo);
}

/**
 * map_anon_folio_pmd(): a new anon folio (zeroed: clear_huge_page) mapped
 * writable and dirty by a pmd, exclusive to this mm (folio_add_new_anon_rmap
 * with RMAP_EXCLUSIVE marks every page PageAnonExclusive).
 */
export function map_new_anon_folio_pmd(m: Machine, mm: Mm, vma: Vma, ps: number, haddr: number, head: number): void {
  const st = thpState(m)!;
  const f = m.frames;
  const av = anon_vma_prepare(m, vma);
  const index = vma.pgoff + (haddr - vma.start);
  for (let i = 0; i < st.nr; i++) {
    const fr = head + i;
    f.flags[fr]! |= PG_anon | PG_swapbacked | PG_uptodate | PG_anon_exclusive | (i === 0 ? PG_head : PG_tail);
    f.mapping[fr] = av;
    f.index[fr] = index + i;
    f.tag[fr] = 0;
  }
  st.entire.set(head, 1); // the pmd's mapping; its reference is the allocation's
  mkHugePmd(m, head, vma.flags);
  m.modify('pte_mkdirty');
  if (vma.flags & VM_WRITE) m.modify('pte_mkwrite'); // maybe_pmd_mkwrite
  m.modify('pte_mkyoung');
  setHugePmd(m, mm, ps, haddr);
}

/** pmd_mkyoung, and pmd_mkdirty when writing, on a huge pmd in place (huge_pmd_set_accessed, GUP's touch_pmd). */
export function huge_pmd_mkyoung(m: Machine, h: HugePmd, write: boolean): void {
  huge_pmd_modify(m, h, 'pte_mkyoung');
  if (write) huge_pmd_modify(m, h, 'pte_mkdirty');
}

/**
 * One pte_* modifier applied to a huge pmd in place, through the machine's
 * pte registers: a huge pmd keeps its flags where a pte does on every THP
 * variant here (pmd_mkold, pmd_wrprotect … are the pte helpers on the pmd).
 */
export function huge_pmd_modify(m: Machine, h: HugePmd, op: Parameters<Machine['modify']>[0]): void {
  m.pteHi = h.hi;
  m.pteLo = h.lo;
  m.modify(op);
  h.hi = m.pteHi;
  h.lo = m.pteLo;
}

/**
 * __split_huge_pmd_locked() (6.18 mm/huge_memory.c), not freezing: the huge
 * pmd becomes a pte table mapping the same frames. The huge zero folio's
 * pmd becomes ptes of the small zero page (__split_huge_zero_page_pmd). An
 * anon folio: the pmd's one reference becomes HPAGE_PMD_NR (one per pte),
 * each page gets a pte mapping and (if the folio was exclusive) stays
 * PageAnonExclusive; the ptes carry the pmd's write, young and dirty bits,
 * and a dirty pmd dirties the folio. The folio stays large.
 */
export function __split_huge_pmd(m: Machine, mm: Mm, vma: Vma, ps: number): void {
  const st = thpState(m)!;
  const pt = mm.pgtable;
  const h = pt.hugeAt(ps)!;
  const { hi, lo, vpn } = h;
  pt.clearHuge(ps); // pmdp_invalidate
  const base = pt.populatePmd(ps, vpn); // pgtable_trans_huge_withdraw + pmd_populate
  if (isHugeZeroPmd(m, h)) {
    for (let i = 0; i < st.nr; i++) {
      m.mkPte(m.zeroFrame, vma.flags & ~VM_WRITE);
      m.modify('pte_mkspecial');
      pt.set(base + i, m.pteHi, m.pteLo);
    }
    return;
  }
  const head = pmdFrame(m, hi, lo);
  const f = m.frames;
  const write = m.pteWrite(hi, lo);
  const dirty = m.isPteDirty(hi, lo);
  const young = youngPmd(m, hi, lo);
  if (dirty) f.flags[head]! |= PG_dirty; // folio_set_dirty
  f.getMany(head, st.nr - 1); // folio_ref_add(folio, HPAGE_PMD_NR - 1)
  for (let i = 0; i < st.nr; i++) {
    f.mapInc(head + i); // folio_add_anon_rmap_ptes
    m.mkPte(head + i, vma.flags);
    if (write) m.modify('pte_mkwrite');
    if (!young) m.modify('pte_mkold');
    if (dirty) m.modify('pte_mkdirty');
    pt.set(base + i, m.pteHi, m.pteLo);
  }
  dropEntire(m, head); // folio_remove_rmap_pmd
}

/** pmd_young(): the accessed bit pte_mkyoung sets */
function youngPmd(m: Machine, hi: number, lo: number): boolean {
  const y = m.variant.modifierWords['pte_mkyoung'];
  if (!y) return true;
  return ((hi & y.setHi) >>> 0) === y.setHi && ((lo & y.setLo) >>> 0) === y.setLo;
}

export function dropEntire(m: Machine, head: number): void {
  const st = thpState(m)!;
  const n = (st.entire.get(head) ?? 0) - 1;
  if (n < 0) throw new Error(`folio_remove_rmap_pmd on pfn 0x${m.frames.pfn(head).toString(16)} with entire mapcount 0`);
  if (n === 0) st.entire.delete(head);
  else st.entire.set(head, n);
}

/**
 * zap_huge_pmd() (6.18 mm/huge_memory.c): a whole huge pmd unmapped. The
 * huge zero folio has no rmap; an anon folio loses the PMD mapping and its
 * reference (freed with the last one).
 */
export function zap_huge_pmd(m: Machine, mm: Mm, ps: number): void {
  const pt = mm.pgtable;
  const h = pt.hugeAt(ps)!;
  const zero = isHugeZeroPmd(m, h);
  const head = pmdFrame(m, h.hi, h.lo);
  pt.clearHuge(ps);
  if (zero) return;
  dropEntire(m, head);
  folio_put(m, head);
}

/**
 * move_huge_pmd() (6.18 mm/huge_memory.c), for mremap's move_page_tables
 * (move_pgt_entry HPAGE_PMD), under the pmd locks: the huge pmd at pmd slot
 * `ps` goes (pmdp_huge_get_and_clear) and its words (`hi`, `lo`: the old
 * pmd after move_soft_dirty_pmd) are set at the pmd of `newVpn`
 * (set_pmd_at); the deposited pte table goes with it. The folio's
 * mapcounts, references and index are untouched: the VMA at the new
 * address keeps the old one's pgoff and anon_vma. False when the new pmd
 * is not none (a pte table is there): the caller splits and moves ptes.
 */
export function move_huge_pmd(m: Machine, mm: Mm, ps: number, newVpn: number, hi: number, lo: number): boolean {
  const pt = mm.pgtable;
  const nps = pt.pmdSlot(newVpn, true);
  if (pt.pmdKind(nps) !== PMD_NONE) return false;
  pt.clearHuge(ps);
  pt.setHuge(nps, newVpn, hi, lo);
  return true;
}

/**
 * The pmd level of zap_pmd_range() (6.18 mm/memory.c) over [start, end) of
 * one VMA: a huge pmd the range covers whole goes (zap_huge_pmd), one it
 * covers in part is split first (__split_huge_pmd) for the pte level to
 * zap. `mmapLocked` says whether the caller holds mmap_lock (munmap, madvise
 * do; truncate's unmap_mapping_range does not): under the 'vm_ops-null'
 * rule the old VM_BUG_ON_VMA(vma_is_anonymous(vma) && !rwsem_is_locked(
 * &mmap_sem)) before the split fires there (4.18-rc mm/memory.c
 * zap_pmd_range; deleted by 53406ed1bcfd with the revert).
 */
export function zap_huge_pmds(m: Machine, mm: Mm, vma: Vma, start: number, end: number, mmapLocked: boolean): void {
  const pt = mm.pgtable;
  if (pt.huge.size === 0) return;
  const st = thpState(m)!;
  for (const [ps, h] of [...pt.huge]) {
    if (h.vpn + st.nr <= start || h.vpn >= end) continue;
    if (h.vpn >= start && h.vpn + st.nr <= end) {
      zap_huge_pmd(m, mm, ps);
      continue;
    }
    // the partial unmap's split: what the old VM_BUG_ON_VMA read
    noteValue(m, V_VMA_IS_ANONYMOUS, vma_is_anonymous(m, vma));
    noteValue(m, V_MMAP_LOCKED, mmapLocked);
    if (m.policies.anon === 'vm_ops-null' && !mmapLocked && vma_is_anonymous(m, vma)) {
      throw new KernelBug(
        `VM_BUG_ON_VMA(vma_is_anonymous(vma) && !rwsem_is_locked(&tlb->mm->mmap_sem)): zap_pmd_range must split the THP at ${vaddr(m, h.vpn)} for a partial unmap of [${vaddr(m, start)}, ${vaddr(m, end)}) without mmap_sem, in a VMA that looks anonymous (vm_ops NULL: a private mapping of a device without ->fault)`,
      );
    }
    __split_huge_pmd(m, mm, vma, ps);
  }
}

/**
 * The ptes of PTE-mapped large folios in [start, end) of one VMA, zapped
 * folio-aware (unmap_mapping_range's pte level for those pages;
 * truncate.ts's unmap_linear zaps the small pages itself). With !evenCows
 * anon pages stay (zap_details without even_cows).
 */
function zap_large_folio_ptes(m: Machine, mm: Mm, start: number, end: number, evenCows: boolean): void {
  const f = m.frames;
  walk_pte_range(m, mm, start, end, (slot, _vpn, hi, lo, cls) => {
    if (!mapsPage(cls)) return;
    const frame = m.pteFrame(hi, lo);
    const flags = f.flags[frame]!;
    if ((flags & PG_large) === 0 || (flags & PG_zero) !== 0) return;
    if (!evenCows && (flags & PG_anon) !== 0) return;
    mm.pgtable.set(slot, 0, 0);
    folio_remove_rmap_pte(m, frame);
  });
}

/**
 * The THP part of unmap_mapping_range over [start, end) of one VMA (called
 * from truncate.ts unmap_linear, under the pte lock, without mmap_lock):
 * zap_pmd_range's huge pmds, then the ptes of PTE-mapped large folios.
 */
export function unmap_mapping_range_thp(m: Machine, mm: Mm, vma: Vma, start: number, end: number, evenCows: boolean): void {
  const st = thpState(m);
  if (st === null || (st.folios === 0 && mm.pgtable.huge.size === 0)) return;
  zap_huge_pmds(m, mm, vma, start, end, false);
  if (st.folios > 0) zap_large_folio_ptes(m, mm, start, end, evenCows);
}

/**
 * split_huge_pmd_address() at a VMA boundary being made (6.18
 * vma_adjust_trans_huge → split_huge_pmd_if_needed): a huge pmd that `at`
 * cuts in two is split.
 */
export function split_huge_pmd_if_needed(m: Machine, mm: Mm, vma: Vma, at: number): void {
  const pt = mm.pgtable;
  if (pt.huge.size === 0) return;
  const st = thpState(m)!;
  if (at % st.nr === 0) return;
  const ps = pt.pmdSlot(at, false);
  if (ps >= 0 && pt.pmdKind(ps) === PMD_HUGE) __split_huge_pmd(m, mm, vma, ps);
}

/** Split every huge pmd over [start, end) of the VMA (the pte-level walkers of madvise then see ptes). */
export function split_huge_pmds_in(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  const pt = mm.pgtable;
  if (pt.huge.size === 0) return;
  const st = thpState(m)!;
  for (const [ps, h] of [...pt.huge]) {
    if (h.vpn + st.nr <= start || h.vpn >= end) continue;
    __split_huge_pmd(m, mm, vma, ps);
  }
}

/**
 * copy_huge_pmd() (6.18 mm/huge_memory.c) for fork: the huge zero pmd is
 * copied as it is; an anon folio gets one more PMD mapping and reference,
 * loses PageAnonExclusive on every page, and both pmds become read-only
 * (the child's old). An exclusive folio that may be pinned is split
 * instead (folio_try_dup_anon_rmap_pmd → __folio_try_dup_anon_rmap:
 * folio_needs_cow_for_dma — a COW mapping, MMF_HAS_PINNED and
 * folio_maybe_dma_pinned, its _pincount — gives -EBUSY; copy_huge_pmd
 * splits the pmd and returns -EAGAIN → copy_pte_range). That is the
 * 'anon-exclusive' rule (5.9+ did the early COW; the 'refcount' rule is
 * 5.8's). Returns false when it split. `pinned`: the rule applies and the
 * parent mm has MMF_HAS_PINNED — fork's page_needs_cow_for_dma test, taken
 * once per VMA.
 */
export function copy_huge_pmd(m: Machine, dst: Mm, src: Mm, vma: Vma, ps: number, pinned: boolean): boolean {
  const st = thpState(m)!;
  const h = src.pgtable.hugeAt(ps)!;
  const dps = dst.pgtable.pmdSlot(h.vpn, true);
  if (isHugeZeroPmd(m, h)) {
    dst.pgtable.setHuge(dps, h.vpn, h.hi, h.lo);
    return true;
  }
  const head = pmdFrame(m, h.hi, h.lo);
  const f = m.frames;
  if (pinned && (f.flags[head]! & PG_anon_exclusive) !== 0 && folio_maybe_dma_pinned(m, head)) {
    __split_huge_pmd(m, src, vma, ps);
    return false;
  }
  st.entire.set(head, (st.entire.get(head) ?? 0) + 1);
  folio_get(m, head);
  for (let i = 0; i < st.nr; i++) f.flags[head + i]! &= ~PG_anon_exclusive;
  huge_pmd_modify(m, h, 'pte_wrprotect');
  m.modify('pte_mkold'); // the registers still hold the parent's write-protected pmd: the child's copy is that, old
  dst.pgtable.setHuge(dps, h.vpn, m.pteHi, m.pteLo);
  return true;
}
