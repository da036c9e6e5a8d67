/**
 * Swap devices, their slot maps and the swap cache (mm/swapfile.c,
 * mm/swap_state.c). A slot's count is the number of swap ptes (and shmem
 * entries) that name it; the swap cache holds at most one page per slot.
 *
 * A swap file's slots are handed out next-fit from a moving cursor: a
 * freed slot is not reused at once. zram (6.18) is a solid-state block
 * device: its slots come from the cluster allocator (swapfile.cluster.ts), which
 * can also give a THP a whole cluster (CONFIG_THP_SWAP). Slot 0 is the swap
 * header and is never handed out. A synchronous device (zram) writes at
 * once and drops the page from the swap cache; a file on a disk leaves the
 * written page in the swap cache until memory pressure. zram does not exist
 * in 2.6.21 (it came in 3.14): swapon of it fails there with ENOENT, as the
 * oracle's write to /sys/block/zram0/disksize would.
 *
 * @kernel mm/swapfile.c
 */
import { SyscallError } from '../model/errno.js';
import type { Machine } from '../model/machine.js';
import { PG_dirty, PG_swapcache } from './page-flags.js';
import { cluster_alloc_swap_entry, cluster_slot_freed, setup_clusters, type SwapClusters } from './swapfile.cluster.js';
import { delete_from_swap_cache } from './swap_state.js';

export interface SwapDevice {
  readonly type: number;
  readonly kind: 'file' | 'zram';
  /** slots including the header slot 0 */
  readonly pages: number;
  /** swap_map: users of each slot (ptes, shmem entries) */
  readonly map: Int32Array;
  /** the swap cache: frame holding each slot's data, or -1 */
  readonly cache: Int32Array;
  /** the data written to each slot */
  readonly data: Int32Array;
  cursor: number;
  /**
   * 6.18 zram: the cluster allocator of a solid-state block device
   * (swapfile.cluster.ts); a file on the rotational disk keeps the next-fit cursor.
   */
  readonly clusters?: SwapClusters;
}

/**
 * CONFIG_THP_SWAP (mm/Kconfig: THP && ARCH_WANTS_THP_SWAP && 64BIT; x86
 * selects ARCH_WANTS_THP_SWAP for X86_64 only, powerpc not at all): a THP
 * can take a PMD-sized run of swap slots, and SWAPFILE_CLUSTER is
 * HPAGE_PMD_NR instead of 256.
 */
export function thpSwap(m: Machine): boolean {
  return m.variant.caps.thpSwap;
}

/** page->private of a swap-cache page: device type and slot in one number. */
export const SLOT_BITS = 24;
export const slotId = (type: number, slot: number): number => type * 2 ** SLOT_BITS + slot;
export const slotType = (id: number): number => Math.floor(id / 2 ** SLOT_BITS);
export const slotOffset = (id: number): number => id % 2 ** SLOT_BITS;

export function swapon(m: Machine, kind: 'file' | 'zram', pages: number): SwapDevice {
  const c = m.variant.constants;
  // zram (drivers/block/zram) came in 3.14: on 2.6.21 /sys/block/zram0 is not there to size the device
  if (kind === 'zram' && m.era === '2.6.21') throw new SyscallError('ENOENT', 'swapon: /sys/block/zram0/disksize does not exist (no zram before 3.14)');
  let type = 0;
  while (m.swaps[type]) type++;
  if (type >= c.MAX_SWAPFILES) throw new SyscallError('EPERM', `swapon: all ${c.MAX_SWAPFILES} swap types (MAX_SWAPFILES) are in use`);
  // swapon clips the header's last page to what a swap pte can address
  const limit = Number(c.swapSizeLimit.pages > 2n ** 30n ? 2n ** 30n : c.swapSizeLimit.pages);
  const n = Math.min(pages, limit, 2 ** SLOT_BITS);
  // zram is a solid-state block device: 6.18 hands out its slots by cluster (SWP_SOLIDSTATE, SWP_BLKDEV)
  const clusters = kind === 'zram' ? setup_clusters(n, thpSwap(m) ? 2 ** c.HPAGE_PMD_ORDER! : 256) : undefined;
  const dev: SwapDevice = { type, kind, pages: n, map: new Int32Array(n), cache: new Int32Array(n).fill(-1), data: new Int32Array(n), cursor: 1, ...(clusters ? { clusters } : {}) };
  m.swaps[type] = dev;
  return dev;
}

/** get_swap_page(): the next free slot after the cursor, or -1 when the device is full. */
export function get_swap_page(dev: SwapDevice): number {
  if (dev.clusters) return cluster_alloc_swap_entry(dev, 0);
  for (let i = 0; i < dev.pages - 1; i++) {
    let slot = dev.cursor + i;
    if (slot >= dev.pages) slot -= dev.pages - 1;
    if (dev.map[slot] === 0 && dev.cache[slot] === -1) {
      dev.cursor = slot + 1 >= dev.pages ? 1 : slot + 1;
      return slot;
    }
  }
  return -1;
}

/**
 * folio_free_swap(): drop a page's swap copy; the page is then the only copy
 * of the data, so it is dirty.
 */
export function folio_free_swap(m: Machine, dev: SwapDevice, slot: number): void {
  const frame = dev.cache[slot]!;
  if (frame >= 0) m.frames.flags[frame]! |= PG_dirty;
  delete_from_swap_cache(m, dev, slot);
}

/** swap_free(): one user less; the slot is free when no user and no cached page remain. */
export function swap_free(m: Machine, dev: SwapDevice, slot: number): void {
  dev.map[slot]!--;
  if (dev.map[slot]! < 0) throw new Error(`swap_free: slot ${slot} of swap type ${dev.type} had no users`);
  if (dev.clusters && dev.map[slot] === 0 && dev.cache[slot] === -1) cluster_slot_freed(dev, slot);
  void m;
}

/** free_swap_and_cache(): a zapped swap pte; drop the cached page too when it is unused. */
export function free_swap_and_cache(m: Machine, dev: SwapDevice, slot: number): void {
  swap_free(m, dev, slot);
  const frame = dev.cache[slot]!;
  if (dev.map[slot] === 0 && frame >= 0 && m.frames.maps(frame) === 0) delete_from_swap_cache(m, dev, slot);
}

/** Slots in use: named by someone or holding a cached page. */
/**
 * page_swapcount() (2.6.21 mm/swapfile.c): the swap entries still naming a
 * swap-cache page's slot — ptes of processes that have not faulted it back
 * in (swap_map less the swap cache's own count; ours never includes it).
 */
export function page_swapcount(m: Machine, frame: number): number {
  const id = m.frames.swapSlot.get(frame);
  if (id === undefined) return 0;
  const dev = m.swaps[slotType(id)];
  return dev ? dev.map[slotOffset(id)]! : 0;
}

/**
 * can_share_swap_page() (2.6.21 mm/swapfile.c; reuse_swap_page() up to
 * 5.7): an anon page is this mapping's alone when its mapcount plus — in
 * the swap cache — the swap entries still naming it come to one.
 */
export function can_share_swap_page(m: Machine, frame: number): boolean {
  let count = m.frames.maps(frame);
  if (count <= 1 && (m.frames.flags[frame]! & PG_swapcache) !== 0) count += page_swapcount(m, frame);
  return count === 1;
}

export function slotsInUse(dev: SwapDevice): number {
  let n = 0;
  for (let slot = 1; slot < dev.pages; slot++) if (dev.map[slot]! > 0 || dev.cache[slot]! >= 0) n++;
  return n;
}

export function usedKb(m: Machine): number {
  let n = 0;
  for (const dev of m.swaps) if (dev) n += slotsInUse(dev);
  return (n * m.variant.constants.PAGE_SIZE) / 1024;
}

export function totalKb(m: Machine): number {
  let n = 0;
  for (const dev of m.swaps) if (dev) n += dev.pages - 1;
  return (n * m.variant.constants.PAGE_SIZE) / 1024;
}
