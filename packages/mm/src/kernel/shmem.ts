/**
 * tmpfs/shmem pages and swap (mm/shmem.c): a shmem page that reclaim or
 * MADV_PAGEOUT writes out goes to a swap slot, its page-cache entry
 * becoming a swap entry (shmem_writeout); a later lookup reads it back
 * (shmem_swapin). The page cache itself is filemap.ts.
 *
 * @kernel mm/shmem.c
 */
import type { Machine } from '../model/machine.js';
import type { Inode } from './filemap.js';
import { PG_dirty, PG_swapbacked, PG_uptodate } from './page-flags.js';
import { add_to_swap_cache, delete_from_swap_cache } from './swap_state.js';
import { folio_free_swap, slotId, slotOffset, slotType, swap_free, type SwapDevice } from './swapfile.js';

/**
 * shmem_swapin_folio(): the page comes back from the swap cache (or the
 * device) into the page cache, and its swap copy is dropped.
 */
export function shmem_swapin(m: Machine, inode: Inode, index: number): { frame: number; major: boolean } {
  const id = inode.swapped.get(index)!;
  const dev = m.swaps[slotType(id)]!;
  const slot = slotOffset(id);
  let frame = dev.cache[slot]!;
  const major = frame < 0;
  if (major) {
    frame = m.frames.alloc();
    m.frames.tag[frame] = dev.data[slot]!;
    m.frames.flags[frame]! |= PG_uptodate | PG_swapbacked;
    add_to_swap_cache(m, dev, slot, frame);
    m.frames.put(frame);
  }
  m.frames.get(frame); // the page cache's reference
  folio_free_swap(m, dev, slot);
  swap_free(m, dev, slot);
  inode.swapped.delete(index);
  m.frames.mapping[frame] = inode.id;
  m.frames.index[frame] = index;
  inode.cache.set(index, frame);
  return { frame, major };
}

/** shmem_writeout(): a cached shmem page moves to swap; its page-cache slot now names the swap entry. */
export function shmem_writeout(m: Machine, inode: Inode, index: number, dev: SwapDevice, slot: number): void {
  const frame = inode.cache.get(index)!;
  inode.cache.delete(index);
  m.frames.mapping[frame] = 0;
  add_to_swap_cache(m, dev, slot, frame);
  dev.map[slot]!++;
  dev.data[slot] = m.frames.tag[frame]!;
  m.frames.flags[frame]! &= ~PG_dirty;
  inode.swapped.set(index, slotId(dev.type, slot));
  m.frames.put(frame); // the page cache's reference moved to the swap cache
  // zram is synchronous; a zero-filled page (6.18) only sets its zeromap bit (mm/page_io.c 257–266): no writeback keeps either
  if (dev.kind === 'zram' || (m.era === '6.18' && m.frames.tag[frame] === 0)) delete_from_swap_cache(m, dev, slot);
}
