/**
 * THP faults (6.18 mm/huge_memory.c 250–265 the huge zero folio, 1221–1394
 * the anon fault, 1845–1983 set_accessed and the write fault): the
 * pmd level of a fault — a none pmd where a THP is allowed gets a new THP,
 * or for a read the huge zero folio (do_huge_pmd_anonymous_page); a write
 * to a read-only huge pmd replaces the huge zero folio, reuses a folio this
 * mm owns, or splits the pmd for the pte level's COW (do_huge_pmd_wp_page);
 * any other fault only sets the accessed and dirty bits
 * (huge_pmd_set_accessed) — and the MMU's access through a huge pmd. The
 * folio, its accounting and the pmd's other paths are huge_memory.ts.
 *
 * @kernel mm/huge_memory.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon_exclusive, PG_reserved, PG_uptodate, PG_zero } from './page-flags.js';
import type { HugePmd } from '../model/pagetable.js';
import { anon_vma_prepare } from './rmap.js';
import { VM_FAULT_OK } from '../model/signals.js';
import { VM_WRITE, type Vma } from './vma.js';
import {
  __split_huge_pmd,
  alloc_thp_frames,
  folioLargeMapcount,
  isHugeZeroPmd,
  map_new_anon_folio_pmd,
  mkHugePmd,
  PG_head,
  PG_tail,
  pmdFrame,
  setHugePmd,
  thpState,
  VM_FAULT_FALLBACK,
  type ThpState,
} from './huge_memory.js';

/** The huge zero folio (mm_get_huge_zero_folio): allocated on first use, then kept (the persistent huge zero folio). */
function get_huge_zero_folio(m: Machine, st: ThpState): number {
  if (st.hugeZero >= 0) return st.hugeZero;
  const head = alloc_thp_frames(m, st);
  if (head < 0) return -1;
  st.folios--; // not an anon folio
  for (let i = 0; i < st.nr; i++) m.frames.flags[head + i]! |= PG_zero | PG_reserved | PG_uptodate | (i === 0 ? PG_head : PG_tail);
  st.hugeZero = head;
  return head;
}

/**
 * do_huge_pmd_anonymous_page() (6.18 mm/huge_memory.c): a fault on a none
 * pmd of an anon VMA that may have a THP. A read fault maps the huge zero
 * folio read-only (transparent_hugepage_use_zero_page(), on by default — the
 * host's thp_zero recording shows it); a write fault a new zeroed THP.
 * VM_FAULT_FALLBACK when no aligned run of frames is free.
 */
export function do_huge_pmd_anonymous_page(m: Machine, mm: Mm, vma: Vma, vpn: number, ps: number, write: boolean): number {
  const st = thpState(m)!;
  const haddr = vpn - (vpn % st.nr);
  if (!write) {
    const zero = get_huge_zero_folio(m, st);
    if (zero < 0) return VM_FAULT_FALLBACK;
    anon_vma_prepare(m, vma);
    // set_huge_zero_folio(): folio_mk_pmd(zero, vm_page_prot), read-only
    mkHugePmd(m, zero, vma.flags & ~VM_WRITE);
    setHugePmd(m, mm, ps, haddr);
    return VM_FAULT_OK;
  }
  const head = alloc_thp_frames(m, st);
  if (head < 0) return VM_FAULT_FALLBACK;
  map_new_anon_folio_pmd(m, mm, vma, ps, haddr, head);
  return VM_FAULT_OK;
}

/**
 * do_huge_pmd_wp_page() (6.18 mm/huge_memory.c): a write fault on a
 * read-only huge pmd. The huge zero folio is replaced by a new THP
 * (do_huge_zero_wp_pmd, 6.12+; the host's thp_zero recording); an anon
 * folio this mm owns exclusively (PageAnonExclusive, or refcount 1) is
 * reused writable and every page marked exclusive again; otherwise the pmd
 * is split (VM_FAULT_FALLBACK) and the pte fault COWs the one page.
 * `unshare` (FAULT_FLAG_UNSHARE, GUP's read-only FOLL_PIN of a page not
 * exclusive to this mm: gup_must_unshare): an exclusive page is left as it
 * is, a reusable folio only marked exclusive — the pmd stays read-only —
 * and otherwise the pmd is split for the pte level's unshare.
 */
export function do_huge_pmd_wp_page(m: Machine, mm: Mm, vma: Vma, vpn: number, ps: number, unshare = false): number {
  const st = thpState(m)!;
  const pt = mm.pgtable;
  const h = pt.hugeAt(ps)!;
  const f = m.frames;
  if (isHugeZeroPmd(m, h)) {
    const head = alloc_thp_frames(m, st);
    if (head >= 0) {
      pt.clearHuge(ps); // pmdp_huge_clear_flush
      map_new_anon_folio_pmd(m, mm, vma, ps, h.vpn, head);
      return VM_FAULT_OK;
    }
    __split_huge_pmd(m, mm, vma, ps);
    return VM_FAULT_FALLBACK;
  }
  const head = pmdFrame(m, h.hi, h.lo);
  const page = head + (vpn - h.vpn);
  // folio_ref_count(folio) == 1 (5.8+ rules); page_mapcount() == 1 under the pre-5.8 'mapcount' rule
  const exclusive = (f.flags[page]! & PG_anon_exclusive) !== 0;
  if (unshare && exclusive) return VM_FAULT_OK;
  const reuse = exclusive || (m.cowPolicy === 'mapcount' ? folioLargeMapcount(m, head) === 1 : f.refs(head) === 1);
  if (reuse) {
    for (let i = 0; i < st.nr; i++) f.flags[head + i]! |= PG_anon_exclusive;
    if (unshare) return VM_FAULT_OK; // folio_move_anon_rmap + SetPageAnonExclusive; the pmd stays read-only
    huge_pmd_mkwrite(m, h);
    return VM_FAULT_OK;
  }
  __split_huge_pmd(m, mm, vma, ps);
  return VM_FAULT_FALLBACK;
}

/** pmd_mkwrite(pmd_mkdirty(pmd_mkyoung(pmd))) in place: a write fault's reuse of the folio, or the MMU setting the dirty bit. */
function huge_pmd_mkwrite(m: Machine, h: HugePmd): void {
  m.pteHi = h.hi;
  m.pteLo = h.lo;
  m.mkWriteDirtyYoung();
  h.hi = m.pteHi;
  h.lo = m.pteLo;
}

/**
 * The access of one page through a huge pmd, as the MMU does it: returns
 * the frame read or written, or -1 when the pmd is not huge or does not
 * allow the access (a fault follows). A write sets the pmd's dirty bit.
 */
export function huge_pmd_access(m: Machine, mm: Mm, vpn: number, write: boolean, tag: number): number {
  const pt = mm.pgtable;
  const ps = pt.pmdSlot(vpn, false);
  if (ps < 0) return -1;
  const h = pt.hugeAt(ps);
  if (h === undefined || !m.variant.fast.pmd_present!(h.hi, h.lo)) return -1;
  if (write && !m.pteWrite(h.hi, h.lo)) return -1;
  const frame = pmdFrame(m, h.hi, h.lo) + (vpn - h.vpn);
  if (write) {
    m.frames.tag[frame] = tag;
    if (!m.isPteDirty(h.hi, h.lo)) huge_pmd_mkwrite(m, h);
  }
  return frame;
}
