/**
 * The 6.18 swap slot allocator of a solid-state block device (zram here):
 * slots come in clusters of SWAPFILE_CLUSTER (HPAGE_PMD_NR where
 * CONFIG_THP_SWAP, else 256), and an allocation of order n takes 2^n
 * naturally aligned slots from one cluster (6.18 mm/swapfile.c
 * swap_alloc_fast / swap_alloc_slow → cluster_alloc_swap_entry →
 * alloc_swap_scan_cluster).
 *
 * - The CPU's cluster for each order (percpu_swap_cluster.offset[order];
 *   the host oracle pins itself to CPU 0, so there is one) is tried first,
 *   from its next offset on.
 * - Otherwise the lists, in the kernel's order: nonfull clusters of that
 *   order (all of them), one free cluster, one fragmented cluster of that
 *   order; order 0 finally steals from the larger orders' lists. A PMD-sized
 *   allocation needs a free cluster.
 * - After an allocation the cluster is filed again (relocate_cluster):
 *   free, fragmented or full. Freeing a slot files it as nonfull
 *   (partial_free_cluster), or free once it is empty (free_cluster: the
 *   free list's tail).
 * - setup_clusters: the header slot 0 (and any slots past the end of a last
 *   partial cluster) count as used, so cluster 0 starts on the order-0
 *   nonfull list and the first page goes to slot 1.
 *
 * Not modelled: discard (the oracle's swapon passes no SWAP_FLAG_DISCARD),
 * reclaiming slots only the swap cache holds (cluster_scan_range does that
 * only when vm_swap_full()), and more than one CPU.
 *
 * @kernel mm/swapfile.c
 */
import type { SwapDevice } from './swapfile.js';

const NONE = 0;
const FREE = 1;
const NONFULL = 2;
const FRAG = 3;
const FULL = 4;

export interface SwapClusters {
  /** SWAPFILE_CLUSTER */
  readonly size: number;
  /** ci->count: slots in use (or bad) per cluster */
  readonly count: Int32Array;
  /** ci->order: the order the cluster hands out */
  readonly order: Int8Array;
  /** ci->flags: which list the cluster is on */
  readonly flags: Int8Array;
  /** si->free_clusters */
  readonly free: number[];
  /** si->nonfull_clusters[order], si->frag_clusters[order] */
  readonly nonfull: Map<number, number[]>;
  readonly frag: Map<number, number[]>;
  /** percpu_swap_cluster.offset[order]: where the CPU's next allocation of that order starts, -1 none */
  readonly next: Map<number, number>;
}

/** setup_clusters() for a device of `slots` slots (slot 0 the header). */
export function setup_clusters(slots: number, size: number): SwapClusters {
  const n = Math.ceil(slots / size);
  const c: SwapClusters = { size, count: new Int32Array(n), order: new Int8Array(n), flags: new Int8Array(n), free: [], nonfull: new Map(), frag: new Map(), next: new Map() };
  c.count[0]! += 1; // the header page
  c.count[n - 1]! += n * size - slots; // slots past the end of the device
  for (let i = 0; i < n; i++) {
    if (c.count[i]! > 0) {
      c.flags[i] = NONFULL;
      listOf(c.nonfull, 0).push(i);
    } else {
      c.flags[i] = FREE;
      c.free.push(i);
    }
  }
  return c;
}

function listOf(lists: Map<number, number[]>, order: number): number[] {
  let l = lists.get(order);
  if (!l) lists.set(order, (l = []));
  return l;
}

/** The list a cluster's flags name (for taking it off). */
function listFor(c: SwapClusters, ci: number): number[] | undefined {
  switch (c.flags[ci]) {
    case FREE:
      return c.free;
    case NONFULL:
      return listOf(c.nonfull, c.order[ci]!);
    case FRAG:
      return listOf(c.frag, c.order[ci]!);
    default:
      return undefined;
  }
}

/** move_cluster(): off its list, onto the tail of another. */
function move(c: SwapClusters, ci: number, to: number[] | undefined, flags: number): void {
  const from = listFor(c, ci);
  if (from) from.splice(from.indexOf(ci), 1);
  c.flags[ci] = flags;
  to?.push(ci);
}

/** relocate_cluster(): filed by how full it is now. */
function relocate(c: SwapClusters, ci: number): void {
  const count = c.count[ci]!;
  if (count === 0) {
    if (c.flags[ci] !== FREE) freeCluster(c, ci);
  } else if (count !== c.size) {
    if (c.flags[ci] !== FRAG) move(c, ci, listOf(c.frag, c.order[ci]!), FRAG);
  } else if (c.flags[ci] !== FULL) move(c, ci, undefined, FULL);
}

/** __free_cluster(): onto the free list's tail, its order forgotten. */
function freeCluster(c: SwapClusters, ci: number): void {
  move(c, ci, c.free, FREE);
  c.order[ci] = 0;
}

function slotFree(dev: SwapDevice, slot: number): boolean {
  // slot 0 is the header (SWAP_MAP_BAD)
  return slot > 0 && dev.map[slot] === 0 && dev.cache[slot] === -1;
}

/**
 * alloc_swap_scan_cluster(): 2^order aligned free slots of cluster `ci` from
 * `offset` on; the CPU's next offset for the order is left after them (or
 * cleared). Returns the first slot, or -1.
 */
function scanCluster(dev: SwapDevice, c: SwapClusters, ci: number, offset: number, order: number): number {
  const nr = 2 ** order;
  const start = ci * c.size;
  const end = Math.min(start + c.size, dev.pages);
  let found = -1;
  let next = -1;
  if (end >= nr && c.count[ci]! + nr <= c.size) {
    const last = end - nr;
    for (let off = offset; off <= last; off += nr) {
      let ok = true;
      for (let i = 0; i < nr && ok; i++) ok = slotFree(dev, off + i);
      if (!ok) continue;
      if (c.count[ci] === 0) c.order[ci] = order; // cluster_alloc_range: an empty cluster takes the order
      c.count[ci]! += nr;
      found = off;
      if (c.count[ci]! < c.size && off + nr <= last) next = off + nr;
      break;
    }
  }
  relocate(c, ci);
  c.next.set(order, next);
  return found;
}

/** cluster_is_usable(): not full, and empty or handing out this order. */
function usable(c: SwapClusters, ci: number, order: number): boolean {
  if (c.flags[ci]! > FRAG) return false;
  return order === 0 || c.count[ci] === 0 || c.order[ci] === order;
}

/** alloc_swap_scan_list(): clusters taken off the list's head (all of them with `all`) until one has room. */
function scanList(dev: SwapDevice, c: SwapClusters, list: number[], order: number, all: boolean): number {
  while (list.length > 0) {
    const ci = list[0]!;
    move(c, ci, undefined, NONE); // isolate_lock_cluster
    const found = scanCluster(dev, c, ci, ci * c.size, order);
    if (found >= 0 || !all) return found;
  }
  return -1;
}

/**
 * swap_alloc_fast() then cluster_alloc_swap_entry() (6.18, a solid-state
 * device): the first of 2^order contiguous, aligned slots, or -1.
 */
export function cluster_alloc_swap_entry(dev: SwapDevice, order: number): number {
  const c = dev.clusters!;
  const pmdOrder = Math.log2(c.size);
  // swap_alloc_fast(): the CPU's cluster for the order
  const off = c.next.get(order) ?? -1;
  if (off >= 0) {
    const ci = Math.floor(off / c.size);
    if (usable(c, ci, order)) {
      const found = scanCluster(dev, c, ci, c.count[ci] === 0 ? ci * c.size : off, order);
      if (found >= 0) return found;
    }
  }
  // swap_alloc_slow() → cluster_alloc_swap_entry()
  let found = -1;
  if (order < pmdOrder) found = scanList(dev, c, listOf(c.nonfull, order), order, true);
  if (found < 0) found = scanList(dev, c, c.free, order, false);
  if (found < 0 && order < pmdOrder) found = scanList(dev, c, listOf(c.frag, order), order, false);
  if (found >= 0 || order > 0) return found;
  // order 0 steals from the larger orders' clusters
  for (const o of [...new Set([...c.frag.keys(), ...c.nonfull.keys()])].filter((x) => x > 0).sort((a, b) => a - b)) {
    found = scanList(dev, c, listOf(c.frag, o), 0, true);
    if (found < 0) found = scanList(dev, c, listOf(c.nonfull, o), 0, true);
    if (found >= 0) return found;
  }
  return -1;
}

/** swap_entries_free()'s cluster part: a slot no pte, shmem entry or swap-cache page holds any more. */
export function cluster_slot_freed(dev: SwapDevice, slot: number): void {
  const c = dev.clusters!;
  const ci = Math.floor(slot / c.size);
  c.count[ci]!--;
  if (c.count[ci] === 0) freeCluster(c, ci);
  else if (c.flags[ci] !== NONFULL) move(c, ci, listOf(c.nonfull, c.order[ci]!), NONFULL); // partial_free_cluster
}
