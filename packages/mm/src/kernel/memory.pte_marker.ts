/**
 * PTE markers (6.18; markers came in 5.19): a non-present pte that is a
 * swap entry of the reserved type SWP_PTE_MARKER whose offset holds marker
 * bits (include/linux/swapops.h make_pte_marker / pte_marker_get):
 * PTE_MARKER_UFFD_WP (userfaultfd.ts) and PTE_MARKER_GUARD (madvise.guard.ts). The
 * pte is swp_entry_to_pte() of that entry in the arch's own encoding, so
 * pagemap reports it with the swap bit (62) and the marker type (31 on the
 * host) — the host oracle's `marker` state.
 *
 * handle_pte_marker() (6.18 mm/memory.c, reached through do_swap_page on a
 * non-swap entry): a guard marker is VM_FAULT_SIGSEGV (the arch handler's
 * SEGV_MAPERR); a uffd-wp marker is "a page-missing access with the uffd-wp
 * bit remembered" — pte_marker_handle_uffd_wp runs do_pte_missing
 * (do_anonymous_page or do_fault), and the pte that fault installs carries
 * the uffd-wp bit (vmf_orig_pte_uffd_wp: do_anonymous_page's setpte,
 * set_pte_range for a file page) — or, in a VMA no longer registered, just
 * clears the leftover marker (pte_marker_clear). Unknown bits: SIGBUS.
 *
 * @kernel mm/memory.c
 */
import { PTE_MARKER, PTE_MARKER_MASK, PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from '../model/machine.js';
import { handle_pte_fault } from './memory.js';
import { VM_FAULT_OK, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV } from '../model/signals.js';
import { VM_UFFD_WP, type Vma } from './vma.js';
import { pte_mkuffd_wp } from './userfaultfd.js';

/** make_pte_marker(marker): the pte words (hi, lo) of a marker entry, in the arch's encoding. */
export function markerPteWords(m: Machine, marker: number): readonly [number, number] {
  return m.variant.markerPte(marker);
}

/** set_pte_at(make_pte_marker(marker)) at a pte slot */
export function setMarker(m: Machine, mm: Mm, slot: number, marker: number): void {
  const [hi, lo] = markerPteWords(m, marker);
  mm.pgtable.set(slot, hi, lo);
}

/** pte_marker_get() of a pte already classified as a marker (PteClassCode.marker) */
export function markerBits(m: Machine, hi: number, lo: number): number {
  return m.variant.fast.pte_to_swp_offset_lo(hi, lo) & PTE_MARKER_MASK;
}

/** the marker bits of any pte: 0 unless it is a pte marker */
export function pteMarker(m: Machine, hi: number, lo: number): number {
  if (hi === 0 && lo === 0) return 0;
  return m.variant.fast.classify(hi, lo) === PteClassCode.marker ? markerBits(m, hi, lo) : 0;
}

/** is_guard_pte_marker() */
export function isGuardMarker(m: Machine, hi: number, lo: number): boolean {
  return (pteMarker(m, hi, lo) & PTE_MARKER.GUARD) !== 0;
}

/** handle_pte_marker() (6.18 mm/memory.c): a fault on a marker pte. */
export function handle_pte_marker(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, hi: number, lo: number, write: boolean): number {
  const marker = markerBits(m, hi, lo);
  if (marker === 0) return VM_FAULT_SIGBUS; // WARN_ON_ONCE(!marker)
  if (marker & PTE_MARKER.POISONED) return VM_FAULT_SIGBUS; // VM_FAULT_HWPOISON: SIGBUS/BUS_MCEERR_AR
  if (marker & PTE_MARKER.GUARD) return VM_FAULT_SIGSEGV;
  if ((marker & PTE_MARKER.UFFD_WP) === 0) return VM_FAULT_SIGBUS; // an unknown marker
  // pte_marker_handle_uffd_wp()
  mm.pgtable.set(slot, 0, 0);
  if ((vma.flags & VM_UFFD_WP) === 0) return VM_FAULT_OK; // pte_marker_clear: a leftover marker; the access retries
  // do_pte_missing() with the marker as orig_pte, run in place (not deferred) so its pte gets the bit
  const sched = m.sched;
  const defer = sched.deferFaults;
  sched.deferFaults = false;
  let ret: number;
  try {
    ret = handle_pte_fault(m, mm, vma, vpn, slot, PteClassCode.none, write);
  } finally {
    sched.deferFaults = defer;
  }
  const nhi = mm.pgtable.hi(slot);
  const nlo = mm.pgtable.lo(slot);
  if (m.variant.fast.pte_present(nhi, nlo)) {
    // vmf_orig_pte_uffd_wp(): entry = pte_mkuffd_wp(entry) before set_ptes
    m.pteHi = nhi;
    m.pteLo = nlo;
    pte_mkuffd_wp(m);
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
  }
  return ret;
}
