/**
 * Kernel samepage merging (6.18 mm/ksm.c; KSM came in 2.6.32, so the
 * 2.6.21 era has none: MADV_MERGEABLE is -EINVAL there and
 * /sys/kernel/mm/ksm does not exist).
 *
 * What is modelled, after the kernel's structures:
 * - MADV_MERGEABLE / MADV_UNMERGEABLE (ksm_madvise): VM_MERGEABLE on
 *   compatible VMAs (vma_ksm_compatible: not VM_SHARED/VM_MAYSHARE, not a
 *   special device mapping — the others are silently ignored), the mm's
 *   mm_slot on ksmd's list (__ksm_enter: inserted just behind the scanning
 *   cursor), and for UNMERGEABLE break_ksm on every KSM page of the range
 *   (a FAULT_FLAG_UNSHARE fault: a read-only, clean exclusive copy).
 * - ksmd (ksm_scan_thread → ksm_do_scan → scan_get_next_rmap_item →
 *   cmp_and_merge_page): the same cursor over the mm_slots, VMAs and
 *   addresses, one sorted rmap_item list per mm (get_next_rmap_item frees
 *   the items of addresses with no anon page any more,
 *   remove_trailing_rmap_items the ones past the last), the checksum rule
 *   (a page goes into the unstable tree only when its content is the one
 *   the previous pass saw: oldchecksum starts at 0, which no real page
 *   hashes to), ksm_smart_scan (default on: should_skip_rmap_item's ages
 *   and skip counts), the unstable tree flushed at the start of every full
 *   scan, the stable tree with stable_node chains of dups once a content
 *   has max_page_sharing (256) sharers, and try_to_merge_two_pages /
 *   try_to_merge_with_ksm_page / try_to_merge_one_page /
 *   write_protect_page / replace_page with their refusals (a page mapped
 *   or referenced more than its mapcount says — a GUP pin — is not merged).
 * - The KSM page: PageAnon with page->mapping naming its stable node
 *   (here: FrameTable.mapping holds minus the node's id — anon_vma and
 *   inode ids are positive — so PageKsm is `PG_anon && mapping < 0`), never
 *   PageAnonExclusive, PG_dirty from the merge on, every pte read-only. The
 *   stable node holds no reference ("keyhole reference", ksm_get_folio): a
 *   node whose page has been freed is noticed stale and removed lazily, by
 *   the next lookup or rmap_item removal that meets it.
 * - Counters: pages_shared (nodes with rmap_items), pages_sharing, pages_
 *   unshared, pages_volatile, full_scans — derived from the structures,
 *   which is what the kernel's increments and decrements keep them equal to.
 * - fork (ksm_fork: the child's mm joins ksmd's list; its KSM ptes join the
 *   stable node when ksmd reaches them), exit (__ksm_exit: the slot is freed
 *   at once when it has no rmap_items, else moved right after the cursor
 *   for ksmd to clean), mremap (prep_move_vma unmerges the moved range
 *   first, keeping VM_MERGEABLE) and sysfs `run` (2 = unmerge everything:
 *   unmerge_and_remove_all_rmap_items + remove_all_stable_nodes).
 *
 * Time: ksmd runs only when a script waits for it (ksm_wait, the host
 * oracle's op: it polls pages_shared every 10 ms for up to 10 s). Each poll
 * interval gives ksmd one batch of pages_to_scan pages per sleep_millisecs.
 * Between other steps ksmd is idle in the model.
 *
 * Not modelled (documented limits): page contents are data tags (the host
 * writes a tag with its NUL at the page start; bytes an earlier, longer tag
 * left behind are not tracked), large folios (KSM would split a THP; here
 * its pages are not merge candidates), use_zero_pages (default off),
 * merge_across_nodes=0, the scan-time advisor, and reclaim or migration of
 * KSM pages (rmap_walk_ksm): MADV_PAGEOUT and memory pressure leave them,
 * a migration of one fails (its ptes are not found through an anon_vma).
 *
 * @kernel mm/ksm.c
 */
import { next_table_vpn } from './pagewalk.js';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon } from './page-flags.js';
import { VM_MAYSHARE, VM_MERGEABLE, VM_SHARED, type Vma } from './vma.js';
import { anonPageAt, break_ksm, ksm_get_folio, remove_node_from_stable_tree, remove_rmap_item_from_tree, stableNodeOf, stable_tree_append, stable_tree_insert, stable_tree_search, try_to_merge_two_pages, try_to_merge_with_ksm_page, unstable_tree_search_insert } from './ksm.tree.js';

/** ksm_run bits (sysfs /sys/kernel/mm/ksm/run) */
export const KSM_RUN_STOP = 0;
export const KSM_RUN_MERGE = 1;
export const KSM_RUN_UNMERGE = 2;

/** rmap_item->address flag bits: in the unstable tree, or listed from a stable node */
export const UNSTABLE = 1;
export const STABLE = 2;
/** SEQNR_MASK: the low bits of the unstable tree's scan number kept in an unstable rmap_item */
export const SEQNR_MASK = 0xff;
/** rmap_age_t is u8 */
const U8_MAX = 255;

/**
 * page->mapping of a KSM page whose stable node is not set yet
 * (folio_set_stable_node(folio, NULL) in try_to_merge_one_page, until
 * stable_tree_insert names the node): PageKsm, no stable node.
 */
export const KSM_NULL_NODE = -0x7fffffff;

/** struct ksm_rmap_item: one virtual address of an mm that ksmd tracks */
export interface RmapItem {
  readonly slot: MmSlot;
  /** the page address (vpn) */
  readonly vpn: number;
  /** the content seen at the previous scan (calc_checksum); -1 = none yet (kmem_cache_zalloc's 0) */
  oldchecksum: number;
  /** number of scans since creation (u8, saturating), and scans still to skip (smart scan) */
  age: number;
  remainingSkips: number;
  /** 0, UNSTABLE or STABLE (the flag bits in rmap_item->address) */
  state: number;
  /** for UNSTABLE: ksm_scan.seqnr & SEQNR_MASK at insertion, and the content it was filed under */
  seqnr: number;
  treeKey: number;
  /** for STABLE: the stable node, and the anon_vma (the VMA's) taken at the merge */
  head: StableNode | null;
  anonVma: number;
}

/** struct ksm_stable_node (a regular node or a dup of a chain) */
export interface StableNode {
  readonly id: number;
  /** the KSM page (its frame: the stable node's kpfn) */
  kpfn: number;
  /** the content it was filed under (a KSM page is write-protected: it cannot change) */
  readonly content: number;
  /** rmap_items hanging off it, newest first (hlist_add_head) */
  readonly hlist: RmapItem[];
}

/** One content's place in the stable tree: a node, or a chain of dups (STABLE_NODE_CHAIN), head first */
export interface Chain {
  isChain: boolean;
  readonly dups: StableNode[];
}

/** struct ksm_mm_slot */
export interface MmSlot {
  readonly mm: Mm;
  /** the rmap_list, sorted by address */
  readonly items: RmapItem[];
  /** ksm_test_exit(): mm_users reached 0 */
  exiting: boolean;
}

export interface KsmState {
  /** ksm_run, ksm_thread_sleep_millisecs, ksm_thread_pages_to_scan, ksm_max_page_sharing, ksm_smart_scan */
  run: number;
  sleepMillisecs: number;
  pagesToScan: number;
  maxPageSharing: number;
  smartScan: boolean;
  /** ksm_mm_head's list, in order (the head itself is not in it) */
  readonly slots: MmSlot[];
  readonly slotOf: Map<Mm, MmSlot>;
  /** struct ksm_scan: the cursor (null = &ksm_mm_head), the next address, the next rmap_item's position, completed full scans */
  cursor: MmSlot | null;
  address: number;
  rmapPos: number;
  /** the page scan_get_next_rmap_item() found, beside the rmap_item it returns (its **page out-parameter) */
  scanPage: number;
  seqnr: number;
  /** the stable tree by content, every live stable node by id, the unstable tree by content */
  readonly stable: Map<number, Chain>;
  readonly nodes: Map<number, StableNode>;
  readonly unstable: Map<number, RmapItem>;
  nextNode: number;
  /** ksm_pages_scanned */
  pagesScanned: number;
  /** what ksm_start found in sysfs (the oracle's ksm_saved), for ksm_restore */
  saved: { run: string; sleep_millisecs: string; pages_to_scan: string } | null;
}

/** The machine's KSM state, m.ksm (created on first use; 6.18 only). */
export function ksmState(m: Machine): KsmState {
  let s = m.ksm;
  if (s === undefined) {
    if (m.era !== '6.18') throw new SyscallError('EINVAL', 'KSM does not exist in 2.6.21 (added in 2.6.32)');
    s = {
      run: KSM_RUN_STOP,
      sleepMillisecs: 20,
      pagesToScan: 100, // DEFAULT_PAGES_TO_SCAN
      maxPageSharing: 256,
      smartScan: true,
      slots: [],
      slotOf: new Map(),
      cursor: null,
      address: 0,
      rmapPos: 0,
      scanPage: -1,
      seqnr: 0,
      stable: new Map(),
      nodes: new Map(),
      unstable: new Map(),
      nextNode: 1,
      pagesScanned: 0,
      saved: null,
    };
    m.ksm = s;
  }
  return s;
}

/** The state if KSM was ever used on this machine. */
export function ksmStateIfAny(m: Machine): KsmState | undefined {
  return m.ksm;
}

/** PageKsm() / folio_test_ksm(): an anon page whose mapping names a stable node (a cheap flag test). */
export function PageKsm(m: Machine, frame: number): boolean {
  return (m.frames.flags[frame]! & PG_anon) !== 0 && m.frames.mapping[frame]! < 0;
}

/**
 * cmp_and_merge_page(): a KSM page is only linked to its node (a forked
 * mapping); another page must show the content of the previous scan, then
 * merges into the stable tree's KSM page, or with the unstable tree's page
 * into a new KSM page, or is filed in the unstable tree.
 */
function cmp_and_merge_page(m: Machine, s: KsmState, frame: number, item: RmapItem): void {
  const node = stableNodeOf(m, s, frame);
  if (node) {
    if (item.head === node) return;
  } else {
    remove_rmap_item_from_tree(m, s, item);
    const checksum = m.frames.tag[frame]!;
    if (item.oldchecksum !== checksum) {
      item.oldchecksum = checksum;
      return;
    }
    // try_to_merge_with_zero_page(): use_zero_pages is off
  }
  const kframe = stable_tree_search(m, s, frame);
  if (kframe === frame && item.head === node) return;
  remove_rmap_item_from_tree(m, s, item);
  if (kframe >= 0) {
    if (try_to_merge_with_ksm_page(m, s, item, frame, kframe) === 0) stable_tree_append(item, stableNodeOf(m, s, kframe)!);
    return;
  }
  const hit = unstable_tree_search_insert(m, s, item, frame);
  if (hit) {
    const k = try_to_merge_two_pages(m, s, item, frame, hit.item, hit.frame);
    if (k >= 0) {
      const n = stable_tree_insert(m, s, k);
      stable_tree_append(hit.item, n);
      stable_tree_append(item, n);
    }
  }
}

// ------------------------------------------------------------------ the scan

/** get_next_rmap_item(): the item for vpn at the cursor's place in the list (items of addresses passed over are freed). */
function get_next_rmap_item(m: Machine, s: KsmState, slot: MmSlot, vpn: number): RmapItem {
  const items = slot.items;
  let pos = s.rmapPos;
  while (pos < items.length) {
    const it = items[pos]!;
    if (it.vpn === vpn) {
      s.rmapPos = pos + 1;
      return it;
    }
    if (it.vpn > vpn) break;
    items.splice(pos, 1);
    remove_rmap_item_from_tree(m, s, it);
  }
  const item: RmapItem = { slot, vpn, oldchecksum: -1, age: 0, remainingSkips: 0, state: 0, seqnr: 0, treeKey: 0, head: null, anonVma: 0 };
  items.splice(pos, 0, item);
  s.rmapPos = pos + 1;
  return item;
}

/** remove_trailing_rmap_items() from position `pos` of the slot's list */
function remove_trailing_rmap_items(m: Machine, s: KsmState, slot: MmSlot, pos: number): void {
  while (slot.items.length > pos) remove_rmap_item_from_tree(m, s, slot.items.pop()!);
  // (popping from the end frees the same items; the tree removals do not depend on the order)
}

/** skip_age() */
function skip_age(age: number): number {
  if (age <= 3) return 1;
  if (age <= 5) return 2;
  if (age <= 8) return 4;
  return 8;
}

/** should_skip_rmap_item(): smart scan skips pages that failed to merge for a while. */
function should_skip_rmap_item(m: Machine, s: KsmState, frame: number, item: RmapItem): boolean {
  if (!s.smartScan) return false;
  if (PageKsm(m, frame)) return false;
  const age = item.age;
  if (age !== U8_MAX) item.age++;
  if (age < 3) return false;
  if (item.remainingSkips === 0) {
    item.remainingSkips = skip_age(age);
    return false;
  }
  item.remainingSkips--;
  remove_rmap_item_from_tree(m, s, item);
  return true;
}

/**
 * scan_get_next_rmap_item(): the next anon page of a VM_MERGEABLE VMA with
 * an anon_vma, mm by mm in list order, and its rmap_item; null at the end
 * of a full scan (seqnr++). An mm with no VM_MERGEABLE VMA left, or
 * exiting, loses its items and its slot as the cursor leaves it.
 */
export function scan_get_next_rmap_item(m: Machine, s: KsmState): RmapItem | null {
  if (s.slots.length === 0) return null;
  let slot = s.cursor;
  if (slot === null) {
    // a new full scan: lru_add_drain_all, the unstable tree reset
    s.unstable.clear();
    slot = s.slots[0]!;
    s.cursor = slot;
    s.address = 0;
    s.rmapPos = 0;
  }
  for (;;) {
    const mm = slot.mm;
    if (!slot.exiting) {
      const pt = mm.pgtable;
      for (const vma of mm.vmas.list) {
        if (vma.end <= s.address || (vma.flags & VM_MERGEABLE) === 0) continue;
        if (s.address < vma.start) s.address = vma.start;
        if (vma.anonVma === 0) s.address = vma.end;
        while (s.address < vma.end) {
          const vpn = s.address;
          if (pt.walk(vpn, false) < 0) {
            // no pte table (or a huge pmd): nothing here up to the table's end
            s.address = Math.min(vma.end, vpn - (vpn % pt.ptrsPerPte) + pt.ptrsPerPte);
            continue;
          }
          const frame = anonPageAt(m, mm, vpn);
          s.address = vpn + 1;
          if (frame < 0) continue;
          const item = get_next_rmap_item(m, s, slot, vpn);
          if (should_skip_rmap_item(m, s, frame, item)) continue;
          s.scanPage = frame;
          return item;
        }
      }
    } else {
      s.address = 0;
      s.rmapPos = 0;
    }
    remove_trailing_rmap_items(m, s, slot, s.rmapPos);
    const at = s.slots.indexOf(slot);
    const next = at + 1 < s.slots.length ? s.slots[at + 1]! : null;
    s.cursor = next;
    if (s.address === 0) {
      // no VM_MERGEABLE VMA (or the mm exited): the slot goes, MMF_VM_MERGEABLE is cleared
      s.slots.splice(at, 1);
      s.slotOf.delete(mm);
    }
    if (next === null) {
      s.seqnr++;
      return null;
    }
    slot = next;
    s.address = 0;
    s.rmapPos = 0;
  }
}

/** ksm_do_scan(): up to n pages, stopping at the end of a full scan. */
export function ksm_do_scan(m: Machine, n: number): void {
  const s = ksmState(m);
  while (n-- > 0) {
    const item = scan_get_next_rmap_item(m, s);
    if (!item) return;
    cmp_and_merge_page(m, s, s.scanPage, item);
    s.pagesScanned++;
  }
}

/** ksmd_should_run() */
export function ksmd_should_run(s: KsmState): boolean {
  return (s.run & KSM_RUN_MERGE) !== 0 && s.slots.length !== 0;
}

/** Full scans of ksmd (batches until the cursor wraps), as many as asked: a test's fast-forward. */
export function ksm_full_scans(m: Machine, scans: number): void {
  const s = ksmState(m);
  for (let i = 0; i < scans && s.slots.length !== 0; i++) {
    const seq = s.seqnr;
    while (s.seqnr === seq && s.slots.length !== 0) ksm_do_scan(m, Math.max(1, s.pagesToScan));
  }
}

// ------------------------------------------------------------------ madvise, fork, exit, mremap

/** __ksm_enter(): the mm's slot, just behind the scanning cursor (at the tail while unmerging). */
function __ksm_enter(s: KsmState, mm: Mm): void {
  const slot: MmSlot = { mm, items: [], exiting: false };
  const at = (s.run & KSM_RUN_UNMERGE) !== 0 || s.cursor === null ? s.slots.length : s.slots.indexOf(s.cursor);
  s.slots.splice(at, 0, slot);
  s.slotOf.set(mm, slot);
}

/** vma_ksm_compatible(): no shared mappings; a special device's mapping (VM_DONTEXPAND, as kcov_mmap sets) neither. */
function vma_ksm_compatible(vma: Vma): boolean {
  if ((vma.flags & (VM_SHARED | VM_MAYSHARE)) !== 0) return false;
  return vma.noVmOps !== true;
}

/** unmerge_ksm_pages(): break_ksm on every page of [start, end). */
function unmerge_ksm_pages(m: Machine, s: KsmState, mm: Mm, vma: Vma, start: number, end: number): void {
  const pt = mm.pgtable;
  for (let vpn = start; vpn < end; vpn++) {
    if (s.slotOf.get(mm)?.exiting) break;
    if (pt.walk(vpn, false) < 0) {
      vpn = next_table_vpn(pt, vpn, end) - 1;
      continue;
    }
    break_ksm(m, mm, vma, vpn);
  }
}

/**
 * ksm_madvise() for one VMA (the part [start, end) madvise covers):
 * MERGEABLE sets VM_MERGEABLE where compatible (and registers the mm);
 * UNMERGEABLE breaks the KSM pages of the range and clears it.
 */
export function ksm_madvise(m: Machine, mm: Mm, vma: Vma, start: number, end: number, advice: 'MERGEABLE' | 'UNMERGEABLE'): void {
  const s = ksmState(m);
  if (advice === 'MERGEABLE') {
    if ((vma.flags & VM_MERGEABLE) !== 0 || !vma_ksm_compatible(vma)) return; // "just ignore the advice"
    if (!s.slotOf.has(mm)) __ksm_enter(s, mm);
    vma.flags = (vma.flags | VM_MERGEABLE) >>> 0; // bit 31: kept unsigned, as every VMA flag word is
    return;
  }
  if ((vma.flags & VM_MERGEABLE) === 0) return;
  if (vma.anonVma !== 0) unmerge_ksm_pages(m, s, mm, vma, start, end);
  vma.flags &= ~VM_MERGEABLE;
}

/**
 * mremap's prep_move_vma (6.18 mm/mremap.c): KSM pages of the moved range
 * are broken first ("it would be confusing if they were to turn up at the
 * new location"), VM_MERGEABLE is kept.
 */
export function ksm_unmerge_for_move(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  const s = m.ksm;
  if (!s || (vma.flags & VM_MERGEABLE) === 0 || vma.anonVma === 0) return;
  unmerge_ksm_pages(m, s, mm, vma, start, end);
}

/** ksm_fork() (include/linux/ksm.h, from dup_mmap): the child's mm joins ksmd's list when the parent's is on it. */
export function ksm_fork(m: Machine, parent: Mm, child: Mm): void {
  const s = m.ksm;
  if (s && s.slotOf.has(parent)) __ksm_enter(s, child);
}

/**
 * __ksm_exit() (from __mmput, before exit_mmap): a slot without rmap_items
 * is freed now; one with items moves right after the cursor for ksmd to
 * clean up (ksm_test_exit is true from here on).
 */
export function ksm_exit(m: Machine, mm: Mm): void {
  const s = m.ksm;
  const slot = s?.slotOf.get(mm);
  if (!s || !slot) return;
  slot.exiting = true;
  if (s.cursor === slot) return;
  s.slots.splice(s.slots.indexOf(slot), 1);
  if (slot.items.length === 0) {
    s.slotOf.delete(mm);
    return;
  }
  const at = s.cursor === null ? 0 : s.slots.indexOf(s.cursor) + 1;
  s.slots.splice(at, 0, slot);
}

// ------------------------------------------------------------------ sysfs

/** unmerge_and_remove_all_rmap_items() (run=2): every KSM page of every mergeable VMA broken, every rmap_item freed. */
export function unmerge_and_remove_all_rmap_items(m: Machine, s: KsmState): void {
  s.cursor = s.slots[0] ?? null;
  while (s.cursor !== null) {
    const slot = s.cursor;
    const mm = slot.mm;
    if (!slot.exiting) {
      for (const vma of [...mm.vmas.list]) {
        if ((vma.flags & VM_MERGEABLE) === 0 || vma.anonVma === 0) continue;
        unmerge_ksm_pages(m, s, mm, vma, vma.start, vma.end);
      }
    }
    remove_trailing_rmap_items(m, s, slot, 0);
    const at = s.slots.indexOf(slot);
    s.cursor = at + 1 < s.slots.length ? s.slots[at + 1]! : null;
    if (slot.exiting) {
      s.slots.splice(at, 1);
      s.slotOf.delete(mm);
    }
  }
  remove_all_stable_nodes(m, s);
  s.seqnr = 0;
  s.address = 0;
  s.rmapPos = 0;
}

/** remove_all_stable_nodes(): nodes whose page is unmapped go; a still mapped one stops the walk (-EBUSY). */
function remove_all_stable_nodes(m: Machine, s: KsmState): void {
  for (const chain of [...s.stable.values()]) {
    for (const node of [...chain.dups]) {
      if (!ksm_get_folio(m, s, node)) continue;
      if (m.frames.maps(node.kpfn) > 0) return;
      m.frames.mapping[node.kpfn] = KSM_NULL_NODE;
      remove_node_from_stable_tree(s, node);
    }
  }
}
