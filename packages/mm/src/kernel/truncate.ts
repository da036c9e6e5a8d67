/**
 * Taking pages away from files: unmap_mapping_range (mm/memory.c),
 * truncate_inode_pages_range (mm/truncate.c), and the syscalls on top:
 * ftruncate, fallocate(PUNCH_HOLE|KEEP_SIZE), fadvise(DONTNEED).
 *
 * Truncate unmaps with even_cows = 1, so private COW copies of the pages
 * beyond EOF go too; a hole punch passes even_cows = 0 and keeps them (the
 * host recordings show both). Pages are unmapped before they leave the page
 * cache, then unmapped again after, closing the window a racing fault could
 * have used to map a page that was being removed.
 */
import { PteClassCode } from '@mmsim/core';
import { delete_from_page_cache, pagesOf, type Inode } from './filemap.js';
import type { Machine, Mm } from './machine.js';
import { PG_anon, PG_dirty } from './page-flags.js';
import { page_remove_rmap } from './rmap.js';
import { free_swap_and_cache, slotOffset, slotType } from './swap.js';
import { VM_NONLINEAR, type Vma } from './vma.js';

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
 */
export function unmap_mapping_range(m: Machine, inode: Inode, first: number, count: number, evenCows: boolean): void {
  const fast = m.variant.fast;
  inode.truncateCount++; // under i_mmap_lock in 2.6.20
  for (const { mm, vma } of i_mmap(m, inode)) {
    if (vma.flags & VM_NONLINEAR) {
      unmap_nonlinear(m, mm, vma, first, count, evenCows);
      continue;
    }
    const lo = Math.max(vma.pgoff, first);
    const hi = Math.min(vma.pgoff + (vma.end - vma.start), first + count);
    for (let index = lo; index < hi; index++) {
      const vpn = vma.start + (index - vma.pgoff);
      const slot = mm.pgtable.walk(vpn, false);
      if (slot < 0) continue;
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
      if (cls !== PteClassCode.present && cls !== PteClassCode.protnone) continue;
      const frame = m.pteFrame(phi, plo);
      if (!evenCows && (m.frames.flags[frame]! & PG_anon) !== 0) continue;
      // zap_pte_range: the dirty bit goes to the page before the pte does
      if (m.isPteDirty(phi, plo) && (m.frames.flags[frame]! & PG_anon) === 0) m.frames.flags[frame]! |= PG_dirty;
      page_remove_rmap(m, frame);
      mm.pgtable.set(slot, 0, 0);
    }
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
  for (let vpn = vma.start; vpn < vma.end; vpn++) {
    const slot = mm.pgtable.walk(vpn, false);
    if (slot < 0) continue;
    const hi = mm.pgtable.hi(slot);
    const lo = mm.pgtable.lo(slot);
    const cls = fast.classify(hi, lo);
    if (cls !== PteClassCode.present && cls !== PteClassCode.protnone) continue;
    const frame = m.pteFrame(hi, lo);
    const f = m.frames;
    if ((f.flags[frame]! & PG_anon) !== 0) {
      if (!evenCows) continue;
    } else {
      const index = f.index[frame]!;
      if (index < first || index >= first + count) continue;
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
  }
}

/**
 * truncate_inode_pages_range(): drop cached pages [first, end); for shmem
 * (shmem_undo_range) also the swap entries of pages that are out on swap.
 */
export function truncate_inode_pages_range(m: Machine, inode: Inode, first: number, end: number): void {
  for (const index of [...inode.cache.keys()]) {
    if (index >= first && index < end) delete_from_page_cache(m, inode, index);
  }
  for (const [index, id] of [...inode.swapped]) {
    if (index < first || index >= end) continue;
    inode.swapped.delete(index);
    const dev = m.swaps[slotType(id)];
    if (dev) free_swap_and_cache(m, dev, slotOffset(id));
  }
}

/** ftruncate(): shrink or grow i_size. */
export function do_truncate(m: Machine, inode: Inode, bytes: number): void {
  const page = m.variant.constants.PAGE_SIZE;
  const old = inode.size;
  inode.size = bytes;
  if (bytes >= old) return;
  const holebegin = Math.ceil(bytes / page);
  const oldPages = Math.ceil(old / page);
  unmap_mapping_range(m, inode, holebegin, Number.MAX_SAFE_INTEGER, true);
  truncate_inode_pages_range(m, inode, holebegin, Number.MAX_SAFE_INTEGER);
  unmap_mapping_range(m, inode, holebegin, Number.MAX_SAFE_INTEGER, true);
  for (let i = holebegin; i < oldPages; i++) inode.disk.delete(i);
}

/** fallocate(PUNCH_HOLE | KEEP_SIZE) of whole pages [first, first+count). */
export function do_punch(m: Machine, inode: Inode, first: number, count: number): void {
  unmap_mapping_range(m, inode, first, count, false);
  truncate_inode_pages_range(m, inode, first, first + count);
  for (let i = first; i < first + count; i++) inode.disk.delete(i);
}

/** fadvise(DONTNEED) after fsync: clean, unmapped cached pages are dropped (ext4 writes them first). */
export function do_fadvise_dontneed(m: Machine, inode: Inode): void {
  for (const [index, frame] of [...inode.cache]) {
    if (m.frames.maps(frame) > 0) continue;
    if (inode.fs === 'ext4') {
      inode.disk.set(index, m.frames.tag[frame]!);
      delete_from_page_cache(m, inode, index);
    }
  }
  void pagesOf;
}
