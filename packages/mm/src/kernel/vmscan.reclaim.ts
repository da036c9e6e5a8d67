/**
 * Reclaim under memory pressure (mm/vmscan.c shrink_page_list over the
 * inactive lists, much simplified: a clock hand over the frames stands in for
 * LRU order). Anonymous pages go to swap — every pte that mapped them becomes
 * the arch's swap pte; file pages are unmapped and leave the page cache once
 * clean (ext4 writes dirty ones back; tmpfs/shmem pages go to swap).
 *
 * Unmapping a file page (try_to_unmap_file, 2.6.21): linear VMAs lose the
 * pte; a VM_NONLINEAR VMA gets a file pte naming the page's offset wherever
 * the offset is not the linear one (try_to_unmap_cluster), so a later fault
 * finds the page again through pte_to_pgoff.
 *
 * @kernel mm/vmscan.c
 */
import { delete_from_page_cache } from './filemap.js';
import type { Machine } from '../model/machine.js';
import { PG_anon, PG_dirty, PG_inuse, PG_swapcache, PG_zero } from './page-flags.js';
import { pageMlocked } from './mlock.js';
import { get_swap_page, slotOffset, slotType } from './swapfile.js';
import { reclaim_anon_page } from './vmscan.js';
import { delete_from_swap_cache } from './swap_state.js';
import { shmem_writeout } from './shmem.js';
import { try_to_unmap_file } from './rmap.js';
import { split_all_folios } from './huge_memory.split.js';

function reclaimFilePage(m: Machine, frame: number): boolean {
  const f = m.frames;
  const inode = m.inodes.get(f.mapping[frame]!);
  if (!inode || inode.cache.get(f.index[frame]!) !== frame) return false;
  try_to_unmap_file(m, inode, frame);
  if (f.maps(frame) > 0) return false;
  const index = f.index[frame]!;
  if (inode.fs === 'ext4') {
    delete_from_page_cache(m, inode, index); // writes a dirty page back to its blocks first
    return true;
  }
  // tmpfs/shmem: the page goes to swap, or stays when there is none
  const dev = m.swaps.find((d) => d !== undefined);
  if (!dev) return false;
  const slot = get_swap_page(dev);
  if (slot < 0) return false;
  shmem_writeout(m, inode, index, dev, slot);
  return true;
}

/** try_to_free_pages' state on the Machine (m.reclaim) */
export interface ReclaimState {
  /** the clock hand: each machine has its own (a module-wide one made one machine's reclaim depend on every machine reclaimed before it) */
  hand: number;
}

/**
 * try_to_free_pages(): reclaim up to `wanted` frames, scanning from the
 * clock hand; returns how many were freed or moved out of memory. Large
 * folios are split first, as shrink_folio_list splits a THP it cannot swap
 * whole: the scan below knows small pages only.
 */
export function try_to_free_pages(m: Machine, wanted: number): number {
  split_all_folios(m);
  const f = m.frames;
  let freed = 0;
  const total = f.highWater;
  let hand = m.reclaim.hand;
  for (let scanned = 0; scanned < total && freed < wanted; scanned++) {
    hand = (hand + 1) % total;
    const frame = hand;
    const flags = f.flags[frame]!;
    if ((flags & PG_inuse) === 0 || (flags & PG_zero) !== 0) continue;
    if (pageMlocked(m, frame)) continue; // !folio_evictable: kept on the unevictable list (mlock.ts)
    if ((flags & PG_swapcache) !== 0 && f.maps(frame) === 0) {
      // a swap-cache page nothing maps (swap readahead brought it in, or its last pte went): written if
      // dirty, then __remove_mapping drops it — unless something else holds it (swap_state.ts)
      const id = f.swapSlot.get(frame);
      const dev = id === undefined ? undefined : m.swaps[slotType(id)];
      if (dev && id !== undefined && f.refs(frame) === 1) {
        if ((flags & PG_dirty) !== 0) dev.data[slotOffset(id)] = f.tag[frame]!;
        delete_from_swap_cache(m, dev, slotOffset(id));
        freed++;
      }
      continue;
    }
    if ((flags & PG_anon) !== 0) {
      if ((flags & PG_swapcache) !== 0 && f.maps(frame) === 0) continue;
      if (f.mapping[frame]! < 0) continue; // a KSM page: its reclaim (rmap_walk_ksm) is not modelled (ksm.ts)
      if (f.maps(frame) > 0 && reclaim_anon_page(m, frame, true)) freed++;
    } else if (reclaimFilePage(m, frame)) {
      freed++;
    }
  }
  m.reclaim.hand = hand;
  return freed;
}

/**
 * kswapd's job (balance_pgdat), done at the boundary of each user access
 * (touch(), memory.ts): when free frames fall below the low watermark,
 * reclaim up to the high one — through m.reclaimHook when a test set one,
 * else try_to_free_pages. (Reclaiming inside a fault path would need the
 * page references the kernel holds there; between accesses nothing is
 * held.)
 */
export function balance_pgdat(m: Machine): void {
  const free = m.frames.max - m.frames.inUse;
  const low = Math.max(8, m.frames.max >>> 6);
  if (free < low) (m.reclaimHook ?? try_to_free_pages)(m, 2 * low - free);
}
