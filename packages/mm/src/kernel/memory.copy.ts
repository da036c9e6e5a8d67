/**
 * copy_page_range() (mm/memory.c): fork copies a VMA's page tables into the
 * child (dup_mmap, fork.ts). Which VMAs have their ptes copied
 * (vma_needs_copy): both eras copy only VMAs that have an anon_vma (private
 * memory that has been written or read-faulted), plus in 2.6.21 nonlinear
 * ones; shared mappings are refaulted in the child. A COW mapping has both
 * parent and child ptes write-protected; 6.18 also clears PG_anon_exclusive
 * (page_try_dup_anon_rmap). A huge pmd is copied whole (copy_huge_pmd,
 * huge_memory.ts); a pte of a PTE-mapped large folio takes its reference on
 * the folio.
 *
 * @kernel mm/memory.c
 */
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../model/machine.js';
import { alloc_anon_copy, setAnonPte } from './memory.wp.js';
import { maybe_dma_pinned, mm_has_pinned } from './gup.js';
import { PG_anon, PG_anon_exclusive, PG_zero } from './page-flags.js';
import { isSpecialZero } from './rmap.js';
import { copy_huge_pmd, folioHead } from './huge_memory.js';
import { VM_NONLINEAR, VM_WIPEONFORK, type Vma } from './vma.js';
// --- guard markers and userfaultfd-wp across fork (madvise.guard.ts, userfaultfd.ts) ---
import { VM_MAYBE_GUARD } from './vma.js';
import { uffdWords } from './userfaultfd.js';
import { markerBits, markerPteWords } from './memory.pte_marker.js';
import { mapsPage, next_table_vpn } from './pagewalk.js';
import { is_cow_mapping } from './mm.js';

export function vma_needs_copy(m: Machine, vma: Vma): boolean {
  if (vma.flags & VM_WIPEONFORK) return false;
  if (m.era === '2.6.21' && vma.flags & VM_NONLINEAR) return true;
  // guard markers live only in the page tables (VM_COPY_ON_FORK = VM_MAYBE_GUARD, 6.18-stable)
  if (vma.flags & VM_MAYBE_GUARD) return true;
  return vma.anonVma !== 0;
}

/** copy_page_range() for one VMA. */
export function copy_page_range(m: Machine, dst: Mm, src: Mm, vma: Vma): void {
  const spt = src.pgtable;
  const dpt = dst.pgtable;
  const cow = is_cow_mapping(vma.flags);
  const wp = m.variant.modifierWords['pte_wrprotect']!;
  const wpSetHi = wp.setHi;
  const wpSetLo = wp.setLo;
  const wpKeepHi = wp.keepHi;
  const wpKeepLo = wp.keepLo;
  const fast = m.variant.fast;
  const f = m.frames;
  // the child's VMA is never uffd-wp registered (no UFFD_FEATURE_EVENT_FORK): its ptes lose the bit
  const uw = uffdWords(m);
  // page_needs_cow_for_dma(): only with PageAnonExclusive (5.19+ here) and an mm that pinned
  const pinned = m.cowPolicy === 'anon-exclusive' && m.pins.length > 0 && mm_has_pinned(m, src);
  const n = spt.ptrsPerPte;
  for (let vpn = vma.start; vpn < vma.end; ) {
    let s = spt.walk(vpn, false);
    if (s < 0 && spt.huge.size !== 0) {
      const ps = spt.pmdSlot(vpn, false);
      // copy_pmd_range(): a huge pmd goes whole, unless copy_huge_pmd had to split it (-EAGAIN: copy the ptes)
      if (ps >= 0 && spt.hugeAt(ps) !== undefined && !copy_huge_pmd(m, dst, src, vma, ps, pinned)) s = spt.walk(vpn, false);
    }
    if (s < 0) {
      vpn = next_table_vpn(spt, vpn, vma.end);
      continue;
    }
    // copy_pte_range() over the rest of this pte table: consecutive vpns are consecutive slots in
    // both tables, so the loop walks neither (the child's table is allocated at the first pte copied)
    const stop = Math.min(vma.end, vpn - (vpn % n) + n);
    let dbase = -1;
    for (; vpn < stop; vpn++, s++) {
      let hi = spt.hi(s);
      let lo = spt.lo(s);
      const cls = fast.classify(hi, lo);
      if (cls === PteClassCode.none) continue;
      if (cls === PteClassCode.file) {
        // copy_one_pte(): a nonlinear file pte is copied as it is
      } else if (cls === PteClassCode.swap) {
        // copy_nonpresent_pte(): swap_duplicate, and the entry is no longer exclusive
        const dev = m.swaps[m.variant.fast.pte_to_swp_type(hi, lo)];
        if (dev) dev.map[m.variant.fast.pte_to_swp_offset_lo(hi, lo)]!++;
        const exclusive = m.variant.spec.swap.flags?.exclusive;
        if (exclusive !== undefined) {
          if (exclusive >= 32) hi = (hi & ~(1 << (exclusive - 32))) >>> 0;
          else lo = (lo & ~(1 << exclusive)) >>> 0;
          spt.set(s, hi, lo);
        }
        hi = (hi & ~uw.swapHi) >>> 0; // pte_swp_clear_uffd_wp (the child's pte only)
        lo = (lo & ~uw.swapLo) >>> 0;
      } else if (cls === PteClassCode.marker) {
        // copy_pte_marker(): guard (and poison) markers are copied, a uffd-wp one only into a registered VMA
        const marker = markerBits(m, hi, lo) & (PTE_MARKER.GUARD | PTE_MARKER.POISONED);
        if (marker === 0) continue;
        [hi, lo] = markerPteWords(m, marker);
      } else if (mapsPage(cls)) {
        const frame = m.pteFrame(hi, lo);
        if (pinned && cow && (f.flags[frame]! & PG_anon) !== 0 && (f.flags[frame]! & PG_zero) === 0 && maybe_dma_pinned(m, frame)) {
          // copy_present_page(): a maybe-pinned exclusive page stays the parent's; the child gets a copy now
          if (dbase < 0) dbase = dpt.walk(vpn, true) - (vpn % n);
          setAnonPte(m, dst, dbase + (vpn % n), alloc_anon_copy(m, vma, vpn, frame), vma, true);
          continue;
        }
        if (!isSpecialZero(m, frame)) {
          // page_dup_rmap(): one more mapping with its reference (a large folio's reference is its head's)
          f.mapInc(frame);
          f.get(folioHead(m, frame));
          if ((f.flags[frame]! & PG_zero) === 0) f.flags[frame]! &= ~PG_anon_exclusive;
        }
        if (cow) {
          if (wp.steps === undefined) {
            hi = ((hi | wpSetHi) & wpKeepHi) >>> 0;
            lo = ((lo | wpSetLo) & wpKeepLo) >>> 0;
          } else {
            // a conditional pte_wrprotect (arm64: hardware-dirty becomes PTE_DIRTY first), through the machine's registers
            m.pteHi = hi;
            m.pteLo = lo;
            m.modifyWords(wp);
            hi = m.pteHi;
            lo = m.pteLo;
          }
          spt.set(s, hi, lo);
        }
        hi = (hi & ~uw.hi) >>> 0; // pte_clear_uffd_wp (the child's pte only)
        lo = (lo & ~uw.lo) >>> 0;
      }
      if (dbase < 0) dbase = dpt.walk(vpn, true) - (vpn % n);
      dpt.set(dbase + (vpn % n), hi, lo);
    }
  }
}
