/**
 * Files and their page cache (mm/filemap.c, mm/truncate.c, mm/shmem.c).
 * An inode keeps its cached pages by index; a page in the cache holds one
 * reference and has page->mapping = the inode. `disk` is what an ext4 file
 * would read back once a page is evicted; tmpfs has no backing store, its
 * page cache is the file.
 *
 * delete_from_page_cache() asserts !page_mapped(page): the BUG_ON the 2007
 * fault-vs-truncate thread added, so a page leaving the cache while a pte
 * still maps it stops the run instead of leaving a stale mapping behind.
 *
 * @kernel mm/filemap.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { PG_dirty, PG_mappedtodisk, PG_swapbacked, PG_uptodate } from './page-flags.js';
import type { Vma } from './vma.js';
import { shmem_swapin } from './shmem.js';

export type FsKind = 'tmpfs' | 'ext4' | 'shmem';

export class KernelBug extends Error {
  override readonly name = 'KernelBug';
}

export interface Inode {
  readonly id: number;
  readonly name: string;
  readonly fs: FsKind;
  /** i_size in bytes */
  size: number;
  /** page cache: index → frame */
  readonly cache: Map<number, number>;
  /** ext4 blocks: index → tag id, what a read from disk returns */
  readonly disk: Map<number, number>;
  /** i_mmap: the VMAs mapping this file, with their mm */
  readonly mmaps: { mm: Mm; vma: Vma }[];
  /** shmem/tmpfs pages written to swap: index → swap slot id (the swap entry in the page cache slot) */
  readonly swapped: Map<number, number>;
  unlinked: boolean;
  /**
   * mapping->truncate_count (2.6.20 and before): bumped by every
   * unmap_mapping_range, sampled by do_no_page before ->nopage and
   * re-checked under the pte lock. Kept in every era; only the 2.6.20
   * fault-vs-truncate race program reads it.
   */
  truncateCount: number;
  /** a special device file (fs.ts create_device): no page cache, an ->mmap that sets no vm_ops */
  readonly device: boolean;
}

export function pagesOf(m: Machine, inode: Inode): number {
  return Math.ceil(inode.size / m.variant.constants.PAGE_SIZE);
}

/** add_to_page_cache_lru(): a new page at `index` holding `tag`. */
export function add_to_page_cache(m: Machine, inode: Inode, index: number, tag: number, dirty: boolean): number {
  const f = m.frames;
  const frame = f.alloc(); // the page cache's reference
  f.flags[frame]! |= PG_uptodate | (inode.fs !== 'ext4' ? PG_swapbacked : 0) | (dirty ? PG_dirty : 0);
  f.mapping[frame] = inode.id;
  f.index[frame] = index;
  f.tag[frame] = tag;
  inode.cache.set(index, frame);
  return frame;
}

/** filemap_fault's lookup: the cached page, reading it in (ext4) or allocating it (tmpfs hole). */
export function find_or_read_page(m: Machine, inode: Inode, index: number): { frame: number; major: boolean } {
  const hit = inode.cache.get(index);
  if (hit !== undefined) return { frame: hit, major: false };
  if (inode.swapped.has(index)) return shmem_swapin(m, inode, index);
  if (inode.fs === 'ext4') return { frame: read_page_from_disk(m, inode, index), major: true };
  return { frame: add_to_page_cache(m, inode, index, 0, false), major: false };
}

/** An ext4 read: the block's contents into a new cached page, mapped to disk. */
export function read_page_from_disk(m: Machine, inode: Inode, index: number): number {
  const frame = add_to_page_cache(m, inode, index, inode.disk.get(index) ?? 0, false);
  // a hole has no block behind it: read as zeroes, not mapped to disk
  if (inode.disk.has(index)) m.frames.flags[frame]! |= PG_mappedtodisk;
  return frame;
}

/** delete_from_page_cache(): the cache's reference goes; the page must not be mapped any more. */
export function delete_from_page_cache(m: Machine, inode: Inode, index: number): void {
  const frame = inode.cache.get(index);
  if (frame === undefined) return;
  const f = m.frames;
  if (f.maps(frame) > 0) {
    throw new KernelBug(`BUG_ON(page_mapped(page)): ${inode.name} index ${index} (pfn ${f.pfn(frame)}) leaves the page cache while ${f.maps(frame)} pte(s) still map it`);
  }
  if (inode.fs === 'ext4' && (f.flags[frame]! & PG_dirty) !== 0) inode.disk.set(index, f.tag[frame]!);
  inode.cache.delete(index);
  f.mapping[frame] = 0;
  f.put(frame);
}
