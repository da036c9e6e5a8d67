/**
 * Taking pages away from files: unmap_mapping_range (mm/memory.c, memory.unmap.ts),
 * truncate_inode_pages_range (mm/truncate.c), and the syscalls on top:
 * ftruncate, fallocate(PUNCH_HOLE|KEEP_SIZE), fadvise(DONTNEED).
 *
 * Truncate unmaps with even_cows = 1, so private COW copies of the pages
 * beyond EOF go too; a hole punch passes even_cows = 0 and keeps them (the
 * host recordings show both). Pages are unmapped before they leave the page
 * cache (and, in 6.18, unmapped again after, closing the window a racing
 * fault could have used to map a page that was being removed). Each is a
 * kernel path with the lock points the explorer stops at (sched.ts).
 *
 * @kernel mm/truncate.c
 */
import { delete_from_page_cache, pagesOf, type Inode } from './filemap.js';
import type { Machine } from '../model/machine.js';
import { PG_dirty } from './page-flags.js';
import { free_swap_and_cache, slotOffset, slotType } from './swapfile.js';
import { lock_page, unlock_page, unlocked } from '../model/locks.js';
import { runPath, SITE_CACHED_PAGES, SITE_DROP_CACHED, type KernelPath } from '../model/sched.js';
import { unmap_mapping_range_path } from './memory.unmap.js';

/**
 * truncate_inode_pages_range(): drop cached pages [first, end), each under
 * its page lock; for shmem (shmem_undo_range) also the swap entries of
 * pages that are out on swap. Under the 'page-lock' fault rule a page
 * found mapped again is unmapped under its lock first (2.6.23+
 * truncate_complete_page; 6.18 truncate_cleanup_folio → unmap_mapping_folio);
 * 2.6.21 relies on truncate_count and removes it as it is, and
 * delete_from_page_cache's BUG_ON(page_mapped) catches what slipped by.
 */
export function* truncate_inode_pages_range_path(m: Machine, inode: Inode, first: number, end: number): KernelPath {
  const indices = [...inode.cache.keys()].filter((i) => i >= first && i < end).sort((x, y) => x - y);
  for (const index of indices) {
    yield* drop_cached_page(m, inode, index, 'truncate_inode_pages', false);
  }
  for (const [index, id] of [...inode.swapped]) {
    if (index < first || index >= end) continue;
    inode.swapped.delete(index);
    const dev = m.swaps[slotType(id)];
    if (dev) free_swap_and_cache(m, dev, slotOffset(id));
  }
}

export function truncate_inode_pages_range(m: Machine, inode: Inode, first: number, end: number): void {
  runPath(truncate_inode_pages_range_path(m, inode, first, end));
}

/**
 * One page out of the page cache under its lock. `invalidate`: the
 * invalidate_inode_pages2_range rule — a mapped page is unmapped first in
 * every era (2.6.21 mm/truncate.c 390–420); truncate does that only under
 * the 'page-lock' rule.
 */
function* drop_cached_page(m: Machine, inode: Inode, index: number, who: string, invalidate: boolean): KernelPath {
  const held = m.sched.held;
  const s = m.sched;
  const base = s.declaredN; // declared stops (sched.ts): where it resumes, the page it holds (`who` names the caller, as `invalidate` does)
  const frame = inode.cache.get(index);
  if (frame === undefined) return;
  held.hold(frame); // find_get_pages / pagevec_lookup
  if (s.on) s.declare(base, SITE_DROP_CACHED + 1).and(inode.id).and(index).and(frame).and(invalidate ? 1 : 0).ready();
  yield* lock_page(m, frame, `${who}: lock_page`);
  if (inode.cache.get(index) === frame) {
    if (m.frames.maps(frame) > 0 && (invalidate || m.policies.fault === 'page-lock')) {
      if (s.on) s.declare(base, SITE_DROP_CACHED + 2).and(inode.id).and(index).and(frame).and(invalidate ? 1 : 0); // unmap_mapping_range declares its own stops
      yield* unmap_mapping_range_path(m, inode, index, 1, false);
    }
    if (s.on) s.declare(base, SITE_DROP_CACHED + 3).and(inode.id).and(index).and(frame).and(invalidate ? 1 : 0).ready();
    yield* unlocked(m, `${who}: the page leaves the page cache`);
    delete_from_page_cache(m, inode, index);
  }
  if (s.on) s.declare(base, SITE_DROP_CACHED + 4).and(inode.id).and(index).and(frame).and(invalidate ? 1 : 0).ready();
  yield* unlock_page(m, frame, `${who}: unlock_page`);
  held.release(frame);
}

/**
 * invalidate_inode_pages2_range(): what O_DIRECT writes and NFS
 * revalidation call — drop cached pages [first, first+count) inside i_size.
 * Unlike truncate it does not shrink i_size and unmaps a page only if it is
 * mapped when it looks, so under 'truncate_count' a fault that already
 * holds the page from ->nopage is not told (the 2007 race).
 */
export function* invalidate_inode_pages2_range(m: Machine, inode: Inode, first: number, count: number): KernelPath {
  // find_get_entries() hands over the pages the mapping has (2.6.21 pagevec_lookup; 6.18 mm/truncate.c
  // invalidate_inode_pages2_range): the work is the cached pages in the range, never the range's length
  yield* for_each_cached_page(m, inode, first, first + count, (index) => drop_cached_page(m, inode, index, 'invalidate_inode_pages2', true));
}

/**
 * Run `body` on every page-cache index in [first, end), in ascending order,
 * as the loop over the index range would — a page added ahead of the cursor
 * while `body` runs (a racing fault, under the explorer) is still visited —
 * but looking only at the indices the cache holds.
 */
function* for_each_cached_page(m: Machine, inode: Inode, first: number, end: number, body: (index: number) => KernelPath): KernelPath {
  const s = m.sched;
  const base = s.declaredN; // declared stops (sched.ts): the cursor, the indices looked up and how far, what `body` is compared with
  let cursor = first;
  for (;;) {
    let added = false;
    const indices = cachedIndices(inode, cursor, end);
    for (let k = 0; k < indices.length; k++) {
      const index = indices[k]!;
      const had = inode.cache.has(index);
      const before = inode.cache.size;
      if (s.on) {
        s.declare(base, SITE_CACHED_PAGES).and(first).and(end).and(cursor).and(k).and(indices.length);
        for (let j = k + 1; j < indices.length; j++) s.and(indices[j]!);
        s.and(had ? 1 : 0).and(before);
      }
      yield* body(index);
      cursor = index + 1;
      // body takes out at most this page: a larger cache means a page came in meanwhile — look again from the cursor
      if (inode.cache.size + (had && !inode.cache.has(index) ? 1 : 0) > before) {
        added = true;
        break;
      }
    }
    if (!added) return;
  }
}

/** The cached indices in [from, end), ascending. */
function cachedIndices(inode: Inode, from: number, end: number): number[] {
  const out: number[] = [];
  for (const index of inode.cache.keys()) if (index >= from && index < end) out.push(index);
  return out.sort((a, b) => a - b);
}

/** ftruncate(): shrink or grow i_size (2.6.21 vmtruncate; 6.18 truncate_setsize + truncate_pagecache, which unmaps again after dropping the pages). */
export function* do_truncate_path(m: Machine, inode: Inode, bytes: number): KernelPath {
  const page = m.variant.constants.PAGE_SIZE;
  const old = inode.size;
  yield* unlocked(m, 'truncate: i_size_write');
  inode.size = bytes;
  if (bytes >= old) return;
  const holebegin = Math.ceil(bytes / page);
  const oldPages = Math.ceil(old / page);
  yield* unmap_mapping_range_path(m, inode, holebegin, Number.MAX_SAFE_INTEGER, true);
  yield* truncate_inode_pages_range_path(m, inode, holebegin, Number.MAX_SAFE_INTEGER);
  if (m.era === '6.18') yield* unmap_mapping_range_path(m, inode, holebegin, Number.MAX_SAFE_INTEGER, true);
  forget_blocks(inode, holebegin, oldPages);
}

/** The file's blocks in [first, end) go (the disk map holds only written blocks: visit those, not the range). */
function forget_blocks(inode: Inode, first: number, end: number): void {
  for (const index of [...inode.disk.keys()]) if (index >= first && index < end) inode.disk.delete(index);
}

export function do_truncate(m: Machine, inode: Inode, bytes: number): void {
  runPath(do_truncate_path(m, inode, bytes));
}

/** fallocate(PUNCH_HOLE | KEEP_SIZE) of whole pages [first, first+count). */
export function* do_punch_path(m: Machine, inode: Inode, first: number, count: number): KernelPath {
  yield* unmap_mapping_range_path(m, inode, first, count, false);
  yield* truncate_inode_pages_range_path(m, inode, first, first + count);
  forget_blocks(inode, first, first + count);
}

export function do_punch(m: Machine, inode: Inode, first: number, count: number): void {
  runPath(do_punch_path(m, inode, first, count));
}

/** fadvise(DONTNEED) after fsync: clean, unmapped cached pages are dropped (ext4 writes them first). */
export function do_fadvise_dontneed(m: Machine, inode: Inode): void {
  for (const [index, frame] of [...inode.cache]) {
    if (m.frames.maps(frame) > 0) {
      // the recorder's fsync first writes every dirty page back, mapped ones too (6.18 mm/fadvise.c 114
      // __filemap_fdatawrite_range): the page is clean after (pte dirty bits are not cleaned here: folio_mkclean is not modelled)
      if (inode.fs === 'ext4' && (m.frames.flags[frame]! & PG_dirty) !== 0) {
        inode.disk.set(index, m.frames.tag[frame]!);
        m.frames.flags[frame]! &= ~PG_dirty;
      }
      continue;
    }
    if (inode.fs === 'ext4') {
      inode.disk.set(index, m.frames.tag[frame]!);
      delete_from_page_cache(m, inode, index);
    }
  }
  void pagesOf;
}
