/**
 * unmap_mapping_range() (mm/memory.c): take a file range's pages out of
 * every VMA that maps them — the linear VMAs of the i_mmap tree
 * (unmap_mapping_range_tree) and, in 2.6.21, the nonlinear ones
 * (unmap_mapping_range_list). Truncate, hole punch and invalidate
 * (truncate.ts) call it; each is a kernel path with the lock points the
 * explorer stops at (sched.ts).
 *
 * @kernel mm/memory.c
 */
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import type { Inode } from './filemap.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_dirty } from './page-flags.js';
import { page_remove_rmap } from './rmap.js';
import { free_swap_and_cache } from './swapfile.js';
import { VM_NONLINEAR, VM_UFFD_WP, type Vma } from './vma.js';
import { setMarker } from './memory.pte_marker.js';
import { pteUffdWp } from './userfaultfd.js';
import { i_mmap_lock, i_mmap_unlock, pte_lock, pte_unlock } from '../model/locks.js';
import { runPath, SITE_UNMAP_RANGE, type KernelPath } from '../model/sched.js';
import { unmap_mapping_range_thp } from './huge_memory.js';
import { mapsPage, next_table_vpn, walk_pte_range } from './pagewalk.js';
import { noteValue, V_TRUNCATE_NOW } from '../model/step-values.js';

/** Every (mm, vma) mapping the inode: the i_mmap tree, found by a scan. */
export function i_mmap(m: Machine, inode: Inode): { mm: Mm; vma: Vma }[] {
  const out: { mm: Mm; vma: Vma }[] = [];
  for (const p of m.procs) {
    if (!p.alive) continue;
    for (const vma of p.mm.vmas.list) if (vma.file?.inode === inode.id) out.push({ mm: p.mm, vma });
  }
  return out;
}

/**
 * unmap_mapping_range(): zap the ptes of file indices [first, first+count)
 * in every VMA mapping the file; with evenCows, private anon copies too.
 * Bumps mapping->truncate_count under the i_mmap lock (2.6.21
 * mm/memory.c 1880–1905), which the 'truncate_count' fault rule reads.
 */
export function* unmap_mapping_range_path(m: Machine, inode: Inode, first: number, count: number, evenCows: boolean): KernelPath {
  const base = m.sched.declaredN; // declared stops (sched.ts)
  declare_unmap(m, base, 1, inode, first, count, evenCows, null, 0);
  yield* i_mmap_lock(m, inode.id, 'unmap_mapping_range: i_mmap lock; truncate_count++');
  inode.truncateCount++;
  noteValue(m, V_TRUNCATE_NOW, inode.truncateCount);
  const list = i_mmap(m, inode);
  for (let k = 0; k < list.length; k++) {
    const { mm, vma } = list[k]!;
    declare_unmap(m, base, 2, inode, first, count, evenCows, list, k);
    yield* pte_lock(m, mm, 'zap_pte_range: pte lock; the file ptes cleared');
    if (vma.flags & VM_NONLINEAR) unmap_nonlinear(m, mm, vma, first, count, evenCows);
    else unmap_linear(m, mm, vma, first, count, evenCows);
    declare_unmap(m, base, 3, inode, first, count, evenCows, list, k);
    yield* pte_unlock(m, mm, 'zap_pte_range: pte lock dropped');
  }
  declare_unmap(m, base, 4, inode, first, count, evenCows, null, 0);
  yield* i_mmap_unlock(m, inode.id, 'unmap_mapping_range: i_mmap lock dropped');
}

/**
 * unmap_mapping_range's declared frame (sched.ts): the range, and from
 * entry `k` of the i_mmap list on, each (mm, vma) the walk still visits —
 * the vma by its place in its mm's list (one the mm no longer holds cannot
 * be declared).
 */
function declare_unmap(m: Machine, base: number, at: number, inode: Inode, first: number, count: number, evenCows: boolean, list: readonly { mm: Mm; vma: Vma }[] | null, k: number): void {
  const s = m.sched;
  if (!s.on) return;
  s.declare(base, SITE_UNMAP_RANGE + at).and(inode.id).and(first).and(count).and(evenCows ? 1 : 0).and(k).and(list === null ? -1 : list.length);
  if (list !== null) {
    for (let j = k; j < list.length; j++) {
      const { mm, vma } = list[j]!;
      const place = mm.vmas.list.indexOf(vma);
      if (place < 0) {
        s.lost();
        return;
      }
      s.and(mm.id).and(place);
    }
  }
  s.ready();
}

export function unmap_mapping_range(m: Machine, inode: Inode, first: number, count: number, evenCows: boolean): void {
  runPath(unmap_mapping_range_path(m, inode, first, count, evenCows));
}

/** The linear part of one VMA: the ptes of the indices in range (zap_pte_range with details). */
function unmap_linear(m: Machine, mm: Mm, vma: Vma, first: number, count: number, evenCows: boolean): void {
  const fast = m.variant.fast;
  const lo = Math.max(vma.pgoff, first);
  const hi = Math.min(vma.pgoff + (vma.end - vma.start), first + count);
  // zap_pmd_range's huge pmds and the ptes of large folios (huge_memory.ts; no mmap_lock here)
  if (lo < hi) unmap_mapping_range_thp(m, mm, vma, vma.start + (lo - vma.pgoff), vma.start + (hi - vma.pgoff), evenCows);
  for (let index = lo; index < hi; index++) {
    const vpn = vma.start + (index - vma.pgoff);
    const slot = mm.pgtable.walk(vpn, false);
    if (slot < 0) {
      index += next_table_vpn(mm.pgtable, vpn, vma.start + (hi - vma.pgoff)) - vpn - 1;
      continue;
    }
    const phi = mm.pgtable.hi(slot);
    const plo = mm.pgtable.lo(slot);
    const cls = fast.classify(phi, plo);
    if (cls === PteClassCode.swap) {
      // a private COW copy out on swap: zapped with the other cows (zap_nonpresent_ptes, should_zap_cows)
      if (!evenCows) continue;
      const dev = m.swaps[fast.pte_to_swp_type(phi, plo)];
      if (dev) free_swap_and_cache(m, dev, fast.pte_to_swp_offset_lo(phi, plo));
      mm.pgtable.set(slot, 0, 0);
      continue;
    }
    if (!mapsPage(cls)) continue;
    const frame = m.pteFrame(phi, plo);
    if (!evenCows && (m.frames.flags[frame]! & PG_anon) !== 0) continue;
    // zap_pte_range: the dirty bit goes to the page before the pte does
    if (m.isPteDirty(phi, plo) && (m.frames.flags[frame]! & PG_anon) === 0) m.frames.flags[frame]! |= PG_dirty;
    page_remove_rmap(m, frame);
    mm.pgtable.set(slot, 0, 0);
    // zap_install_uffd_wp_if_needed(): a uffd-wp pte of a registered file VMA leaves a uffd-wp marker (userfaultfd.ts)
    if ((vma.flags & VM_UFFD_WP) !== 0 && pteUffdWp(m, phi, plo)) setMarker(m, mm, slot, PTE_MARKER.UFFD_WP);
  }
}

/**
 * The i_mmap_nonlinear walk (2.6.21 unmap_mapping_range_list over the
 * nonlinear list, zap_pte_range with details->nonlinear_vma): every pte of
 * the VMA is looked at; a present page whose index falls in the range is
 * unmapped and, where that index is not the linear one, a file pte keeps
 * its offset; file ptes themselves are left in place (a later fault on one
 * beyond EOF gets SIGBUS).
 */
function unmap_nonlinear(m: Machine, mm: Mm, vma: Vma, first: number, count: number, evenCows: boolean): void {
  const fast = m.variant.fast;
  walk_pte_range(m, mm, vma.start, vma.end, (slot, vpn, hi, lo, cls) => {
    if (!mapsPage(cls)) return;
    const frame = m.pteFrame(hi, lo);
    const f = m.frames;
    if ((f.flags[frame]! & PG_anon) !== 0) {
      if (!evenCows) return;
    } else {
      const index = f.index[frame]!;
      if (index < first || index >= first + count) return;
    }
    const index = f.index[frame]!;
    if (m.isPteDirty(hi, lo) && (f.flags[frame]! & PG_anon) === 0) f.flags[frame]! |= PG_dirty;
    page_remove_rmap(m, frame);
    if ((f.flags[frame]! & PG_anon) === 0 && index !== vma.pgoff + (vpn - vma.start)) {
      const h = Math.floor(index / 2 ** 32);
      mm.pgtable.set(slot, fast.pgoff_to_pte_hi!(h, index >>> 0), fast.pgoff_to_pte_lo!(h, index >>> 0));
    } else {
      mm.pgtable.set(slot, 0, 0);
    }
  });
}
