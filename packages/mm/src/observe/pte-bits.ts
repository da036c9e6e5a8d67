/**
 * The pagemap bits and PAGEMAP_SCAN categories of pte markers and
 * userfaultfd write-protect (6.18 fs/proc/task_mmu.c pte_to_pagemap_entry,
 * pagemap_page_category, pagemap_scan_test_walk), added to a page the
 * observer has already described:
 *
 * - a present pte with the uffd-wp bit: pagemap bit 57 (`uffd_wp`), and
 *   PAGEMAP_SCAN leaves out PAGE_IS_WRITTEN (`not_written`); the same for a
 *   swap pte with the swap uffd-wp bit;
 * - a pte marker: pagemap reports a swap entry of the marker type
 *   (PM_SWAP, the host's `marker` state), bit 57 for PTE_MARKER_UFFD_WP
 *   (pte_marker_entry_uffd_wp), bit 58 for PTE_MARKER_GUARD
 *   (PM_GUARD_REGION); PAGEMAP_SCAN adds PAGE_IS_GUARD, and a uffd-wp marker
 *   is not written (pte_swp_uffd_wp_any). mincore() treats a marker as a
 *   none pte (pte_none_mostly): the page cache decides, as the observer
 *   already computed;
 * - PAGE_IS_WPALLOWED for every page of a VMA whose userfaultfd is
 *   WP_ASYNC and uses markers.
 *
 * Soft-dirty (bit 55, PAGE_IS_SOFT_DIRTY) is never reported: the host's
 * 6.18.44 kernel is built without CONFIG_MEM_SOFT_DIRTY (its env.json), so
 * pte_soft_dirty() and VM_SOFTDIRTY are constant 0 there, whatever the pte
 * format could hold.
 */
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import type { Machine, Process } from '../model/machine.js';
import { markerBits } from '../kernel/memory.pte_marker.js';
import { pteSwpUffdWp, pteUffdWp, uffdWpAllowed } from '../kernel/userfaultfd.js';
import type { PageObs } from './observe.js';
import { mapsPage } from '../kernel/pagewalk.js';

export function pteBitsObs(m: Machine, proc: Process, vpn: number, hi: number, lo: number, cls: number, page: PageObs, summary: Record<string, number>): void {
  if (m.era !== '6.18') return;
  const vma = proc.mm.vmas.lookup(vpn);
  const wpAllowed = vma !== undefined && uffdWpAllowed(m, vma);
  if (mapsPage(cls)) {
    if (pteUffdWp(m, hi, lo)) {
      page.pm.push('uffd_wp');
      page.scan.push('not_written');
    }
  } else if (cls === PteClassCode.swap) {
    if (pteSwpUffdWp(m, hi, lo)) {
      page.pm.push('uffd_wp');
      page.scan.push('not_written');
    }
  } else if (cls === PteClassCode.marker) {
    const bits = markerBits(m, hi, lo);
    const guard = (bits & PTE_MARKER.GUARD) !== 0;
    const uffd = (bits & PTE_MARKER.UFFD_WP) !== 0 || pteSwpUffdWp(m, hi, lo);
    page.st = 'marker';
    page.pm = [...(uffd ? ['uffd_wp'] : []), ...(guard ? ['guard'] : [])];
    page.scan = [...(guard ? ['guard'] : []), ...(uffd ? ['not_written'] : [])];
    page.marker = guard ? 'guard' : uffd ? 'uffd_wp' : 'other';
    summary['none']!--;
    const key = guard ? 'guard' : 'marker';
    summary[key] = (summary[key] ?? 0) + 1;
  }
  if (wpAllowed) page.scan.push('wpallowed');
}
