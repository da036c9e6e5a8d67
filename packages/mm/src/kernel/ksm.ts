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
import { mapsPage, present_frame, pte_maps_frame, next_table_vpn } from './pagewalk.js';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { do_wp_page } from './memory.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_swapcache, PG_zero } from './page-flags.js';
import { page_dup_rmap, page_remove_rmap, vma_address } from './rmap.js';
import { PG_large } from './huge_memory.js';
import { free_swap_cache } from './swap_state.js';
import { VM_MAYSHARE, VM_MERGEABLE, VM_SHARED, type Vma } from './vma.js';

/** ksm_run bits (sysfs /sys/kernel/mm/ksm/run) */
export const KSM_RUN_STOP = 0;
export const KSM_RUN_MERGE = 1;
export const KSM_RUN_UNMERGE = 2;

/** rmap_item->address flag bits: in the unstable tree, or listed from a stable node */
const UNSTABLE = 1;
const STABLE = 2;
/** SEQNR_MASK: the low bits of the unstable tree's scan number kept in an unstable rmap_item */
const SEQNR_MASK = 0xff;
/** rmap_age_t is u8 */
const U8_MAX = 255;

/**
 * page->mapping of a KSM page whose stable node is not set yet
 * (folio_set_stable_node(folio, NULL) in try_to_merge_one_page, until
 * stable_tree_insert names the node): PageKsm, no stable node.
 */
const KSM_NULL_NODE = -0x7fffffff;

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
interface Chain {
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

/** folio_stable_node() */
function stableNodeOf(m: Machine, s: KsmState, frame: number): StableNode | undefined {
  const mapping = m.frames.mapping[frame]!;
  if ((m.frames.flags[frame]! & PG_anon) === 0 || mapping >= 0 || mapping === KSM_NULL_NODE) return undefined;
  return s.nodes.get(-mapping);
}

// ------------------------------------------------------------------ the stable tree

/** Whether the node's page still holds the key (ksm_get_folio without the removal). */
function nodeLive(m: Machine, node: StableNode): boolean {
  const f = m.frames;
  const k = node.kpfn;
  return k >= 0 && k < f.highWater && !f.isFree(k) && (f.flags[k]! & PG_anon) !== 0 && f.mapping[k] === -node.id;
}

/** remove_node_from_stable_tree(): its rmap_items lose their stable flag; the node goes. */
function remove_node_from_stable_tree(s: KsmState, node: StableNode): void {
  for (const item of node.hlist) {
    item.state = 0;
    item.head = null;
    item.anonVma = 0; // put_anon_vma
  }
  node.hlist.length = 0;
  const chain = s.stable.get(node.content);
  if (chain) {
    const i = chain.dups.indexOf(node);
    if (i >= 0) chain.dups.splice(i, 1);
    if (chain.dups.length === 0) s.stable.delete(node.content);
  }
  s.nodes.delete(node.id);
}

/** ksm_get_folio(): the node's page if it is still its KSM page; else the stale node is removed. */
function ksm_get_folio(m: Machine, s: KsmState, node: StableNode): boolean {
  if (nodeLive(m, node)) return true;
  remove_node_from_stable_tree(s, node);
  return false;
}

/** is_page_sharing_candidate() / __is_page_sharing_candidate(node, offset) */
function sharingCandidate(s: KsmState, node: StableNode, offset = 0): boolean {
  return node.hlist.length > 0 && node.hlist.length + offset < s.maxPageSharing;
}

/**
 * __stable_node_chain() → ksm_get_folio for a plain node, stable_node_dup()
 * for a chain: the first live dup that can take one more sharer (else the
 * first live one), moved to the head of the chain; a chain left with one
 * dup collapses into a plain node. Stale dups met on the way are removed.
 * (chain_prune's full walk runs once per stable_node_chains_prune_millisecs,
 * 2 s: the model's waits are shorter, so it never prunes.)
 */
function chain_lookup(m: Machine, s: KsmState, chain: Chain): StableNode | null {
  if (!chain.isChain) {
    const node = chain.dups[0]!;
    return ksm_get_folio(m, s, node) ? node : null;
  }
  let found: StableNode | null = null;
  for (const dup of [...chain.dups]) {
    if (!ksm_get_folio(m, s, dup)) continue;
    if (found === null || (sharingCandidate(s, dup) && (!sharingCandidate(s, found) || dup.hlist.length > found.hlist.length))) {
      found = dup;
      if (sharingCandidate(s, found)) break;
    }
  }
  if (found !== null) {
    if (chain.dups.length === 1) chain.isChain = false;
    else if (chain.dups[0] !== found && sharingCandidate(s, found, 1)) {
      chain.dups.splice(chain.dups.indexOf(found), 1);
      chain.dups.unshift(found);
    }
  } else s.stable.delete(chain.dups[0]?.content ?? NaN);
  return found;
}

/** The live dup filed under `content`, stale ones removed on the way ("goto again"), or null. */
function stableLookup(m: Machine, s: KsmState, content: number): StableNode | null {
  for (;;) {
    const chain = s.stable.get(content);
    if (!chain) return null;
    const dup = chain_lookup(m, s, chain);
    if (dup !== null) return dup;
  }
}

/**
 * stable_tree_search(): a KSM page with the page's content that can take
 * one more sharer, as its frame; the page itself when it is a KSM page
 * already ("ksm page forked"); -1 for none.
 */
function stable_tree_search(m: Machine, s: KsmState, frame: number): number {
  if (stableNodeOf(m, s, frame)) return frame;
  const dup = stableLookup(m, s, m.frames.tag[frame]!);
  if (dup === null || !sharingCandidate(s, dup)) return -1;
  return dup.kpfn;
}

/** stable_tree_insert(): a node for the new KSM page (a dup at the head of a chain when the content has one already). */
function stable_tree_insert(m: Machine, s: KsmState, kframe: number): StableNode {
  const content = m.frames.tag[kframe]!;
  const needChain = stableLookup(m, s, content) !== null;
  const node: StableNode = { id: s.nextNode++, kpfn: kframe, content, hlist: [] };
  s.nodes.set(node.id, node);
  if (!needChain) s.stable.set(content, { isChain: false, dups: [node] });
  else {
    const chain = s.stable.get(content)!;
    chain.isChain = true;
    chain.dups.unshift(node);
  }
  m.frames.mapping[kframe] = -node.id; // folio_set_stable_node()
  return node;
}

/** stable_tree_append(): the rmap_item hangs off the node (hlist_add_head). */
function stable_tree_append(item: RmapItem, node: StableNode): void {
  node.hlist.unshift(item);
  item.head = node;
  item.state = STABLE;
}

/** remove_rmap_item_from_tree() */
function remove_rmap_item_from_tree(m: Machine, s: KsmState, item: RmapItem): void {
  if (item.state === STABLE) {
    const node = item.head!;
    if (!ksm_get_folio(m, s, node)) return; // the stale node went, and took the item's flag with it
    const at = node.hlist.indexOf(item);
    if (at >= 0) node.hlist.splice(at, 1);
    item.head = null;
    item.anonVma = 0;
    item.state = 0;
  } else if (item.state === UNSTABLE) {
    // rb_erase only for an item inserted by this scan: the tree of earlier scans was reset to RB_ROOT
    const age = (s.seqnr - item.seqnr) & SEQNR_MASK;
    if (age === 0 && s.unstable.get(item.treeKey) === item) s.unstable.delete(item.treeKey);
    item.state = 0;
  }
}

// ------------------------------------------------------------------ pages and ptes

/**
 * folio_walk_start() as scan_get_next_rmap_item and get_mergeable_page use
 * it: the anon page a present pte maps at vpn, else -1 (no pte, the zero
 * page — vm_normal_page() is NULL for it — a file page; and, not modelled
 * here, a page of a large folio).
 */
function anonPageAt(m: Machine, mm: Mm, vpn: number): number {
  const frame = present_frame(m, mm, vpn);
  if (frame < 0 || frame === m.zeroFrame) return -1;
  const flags = m.frames.flags[frame]!;
  if ((flags & PG_anon) === 0 || (flags & (PG_large | PG_zero)) !== 0) return -1;
  return frame;
}

/** find_mergeable_vma() */
function find_mergeable_vma(slot: MmSlot, vpn: number): Vma | undefined {
  if (slot.exiting) return undefined;
  const vma = slot.mm.vmas.lookup(vpn);
  if (!vma || (vma.flags & VM_MERGEABLE) === 0 || vma.anonVma === 0) return undefined;
  return vma;
}

/** get_mergeable_page(): the anon page at the item's address in a still mergeable VMA, or -1. */
function get_mergeable_page(m: Machine, item: RmapItem): number {
  const vma = find_mergeable_vma(item.slot, item.vpn);
  return vma ? anonPageAt(m, item.slot.mm, item.vpn) : -1;
}

/**
 * page_address_in_vma() + page_vma_mapped_walk(): the pte slot where `vma`
 * maps the anon page — at the address its index gives, in the VMA its
 * anon_vma belongs to — or -1.
 */
function pteOfPageInVma(m: Machine, mm: Mm, vma: Vma, frame: number): number {
  const f = m.frames;
  if (vma.anonVma === 0 || f.mapping[frame] !== vma.anonVma) return -1;
  const vpn = vma_address(vma, f.index[frame]!);
  if (vpn < 0) return -1;
  const slot = mm.pgtable.walk(vpn, false);
  return pte_maps_frame(m, mm, slot, frame) ? slot : -1;
}

/**
 * write_protect_page(): the page's pte in `vma` made read-only and clean
 * (its dirty bit moved to the folio), PageAnonExclusive dropped — unless
 * something holds the page beyond its mappings (folio_mapcount + 1 +
 * swapcache != refcount, the 1 being ksmd's own reference: a GUP pin, an
 * O_DIRECT read). Returns the pte slot, or -1 (-EFAULT).
 */
function write_protect_page(m: Machine, mm: Mm, vma: Vma, frame: number): number {
  const slot = pteOfPageInVma(m, mm, vma, frame);
  if (slot < 0) return -1;
  const f = m.frames;
  const pt = mm.pgtable;
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  const exclusive = (f.flags[frame]! & PG_anon_exclusive) !== 0;
  const write = m.pteWrite(hi, lo);
  const dirty = m.isPteDirty(hi, lo);
  if (write || dirty || exclusive) {
    const swapped = (f.flags[frame]! & PG_swapcache) !== 0 ? 1 : 0;
    if (f.maps(frame) + swapped !== f.refs(frame)) return -1;
    if (exclusive) f.flags[frame]! &= ~PG_anon_exclusive; // folio_try_share_anon_rmap_pte
    if (dirty) f.flags[frame]! |= PG_dirty; // folio_mark_dirty
    m.pteHi = hi;
    m.pteLo = lo;
    m.modify('pte_mkclean');
    if (write) m.modify('pte_wrprotect');
    pt.set(slot, m.pteHi, m.pteLo);
  }
  return slot;
}

/**
 * replace_page(): the pte that mapped `frame` maps the KSM page instead
 * (mk_pte with the VMA's protection: read-only), the KSM page gains the
 * mapping and its reference, the old page loses them (and its swap copy,
 * when nothing else names it: free_swap_cache).
 */
function replace_page(m: Machine, mm: Mm, vma: Vma, frame: number, kframe: number, slot: number): void {
  const f = m.frames;
  page_dup_rmap(m, kframe); // folio_get + folio_add_anon_rmap_pte
  m.mkPte(kframe, vma.flags);
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
  f.get(frame); // ksmd's reference, held across
  page_remove_rmap(m, frame);
  free_swap_cache(m, frame);
  f.put(frame);
}

/**
 * try_to_merge_one_page(): make `frame` the KSM page (kframe -1: it keeps
 * its place, write-protected, PageKsm with no stable node yet, dirty), or
 * replace it by the KSM page `kframe` when their contents are identical.
 * 0 when merged, -1 (-EFAULT) when not.
 */
function try_to_merge_one_page(m: Machine, mm: Mm, vma: Vma, frame: number, kframe: number): number {
  if (frame === kframe) return 0; // ksm page forked
  const f = m.frames;
  if ((f.flags[frame]! & PG_anon) === 0) return -1;
  if ((f.flags[frame]! & PG_large) !== 0) return -1; // split_huge_page: large folios are not merge candidates in the model
  const slot = write_protect_page(m, mm, vma, frame);
  if (slot < 0) return -1;
  if (kframe < 0) {
    f.mapping[frame] = KSM_NULL_NODE; // folio_set_stable_node(folio, NULL)
    f.flags[frame]! |= PG_dirty; // "make sure that the ksm page would be swapped"
    return 0;
  }
  if (f.tag[frame] !== f.tag[kframe]) return -1; // pages_identical()
  replace_page(m, mm, vma, frame, kframe, slot);
  return 0;
}

/** try_to_merge_with_ksm_page(): merge the item's page (into kframe, or as the new KSM page) under its VMA. */
function try_to_merge_with_ksm_page(m: Machine, s: KsmState, item: RmapItem, frame: number, kframe: number): number {
  const vma = find_mergeable_vma(item.slot, item.vpn);
  if (!vma) return -1;
  const err = try_to_merge_one_page(m, item.slot.mm, vma, frame, kframe);
  if (err) return err;
  remove_rmap_item_from_tree(m, s, item);
  item.anonVma = vma.anonVma; // get_anon_vma
  return 0;
}

/** break_ksm(): while the pte at vpn maps a (small) KSM page, take an unshare fault on it. */
function break_ksm(m: Machine, mm: Mm, vma: Vma, vpn: number): void {
  for (let tries = 0; tries < 3; tries++) {
    const pt = mm.pgtable;
    const slot = pt.walk(vpn, false);
    if (slot < 0) return;
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    const cls = m.variant.fast.classify(hi, lo);
    if (!mapsPage(cls)) return;
    const frame = m.pteFrame(hi, lo);
    if (!PageKsm(m, frame) || (m.frames.flags[frame]! & PG_large) !== 0) return;
    do_wp_page(m, mm, vma, vpn, slot, true); // handle_mm_fault(FAULT_FLAG_UNSHARE | FAULT_FLAG_REMOTE)
  }
  throw new Error(`break_ksm: the KSM page at vpn 0x${vpn.toString(16)} stayed mapped`);
}

/** break_cow(): undo a merge of the item's address. */
function break_cow(m: Machine, item: RmapItem): void {
  item.anonVma = 0; // put_anon_vma
  const vma = find_mergeable_vma(item.slot, item.vpn);
  if (vma) break_ksm(m, item.slot.mm, vma, item.vpn);
}

/**
 * try_to_merge_two_pages(): the scanned page becomes the KSM page and the
 * unstable tree's page is replaced by it; when the second half fails, the
 * first is undone (break_cow). The KSM page's frame, or -1.
 */
function try_to_merge_two_pages(m: Machine, s: KsmState, item: RmapItem, frame: number, treeItem: RmapItem, treeFrame: number): number {
  let err = try_to_merge_with_ksm_page(m, s, item, frame, -1);
  if (!err) {
    err = try_to_merge_with_ksm_page(m, s, treeItem, treeFrame, frame);
    if (err) break_cow(m, item);
  }
  return err ? -1 : frame;
}

/**
 * unstable_tree_search_insert(): an item of this scan with identical
 * content, mergeable and a different page — or none, and the item is
 * filed (not when the tree's page has gone, or is this very page: a page
 * forked, mapped twice).
 */
function unstable_tree_search_insert(m: Machine, s: KsmState, item: RmapItem, frame: number): { item: RmapItem; frame: number } | null {
  const content = m.frames.tag[frame]!;
  const tree = s.unstable.get(content);
  if (tree !== undefined) {
    const treeFrame = get_mergeable_page(m, tree);
    if (treeFrame < 0 || treeFrame === frame) return null;
    if (m.frames.tag[treeFrame] === content) return { item: tree, frame: treeFrame };
    // the tree's page changed since it was filed (only between two batches of one scan): the new item takes its place
  }
  item.state = UNSTABLE;
  item.seqnr = s.seqnr & SEQNR_MASK;
  item.treeKey = content;
  s.unstable.set(content, item);
  return null;
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
function scan_get_next_rmap_item(m: Machine, s: KsmState): RmapItem | null {
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
function ksmd_should_run(s: KsmState): boolean {
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
function unmerge_and_remove_all_rmap_items(m: Machine, s: KsmState): void {
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

/** run_store(): 0 stops ksmd, 1 runs it, 2 stops it and unmerges everything. */
export function ksm_run_store(m: Machine, flags: number): void {
  const s = ksmState(m);
  if (!Number.isInteger(flags) || flags < 0 || flags > KSM_RUN_UNMERGE) throw new SyscallError('EINVAL', `run ${flags}: 0, 1 or 2`);
  if (s.run === flags) return;
  s.run = flags;
  if ((flags & KSM_RUN_UNMERGE) !== 0) unmerge_and_remove_all_rmap_items(m, s);
}

/** The counters of /sys/kernel/mm/ksm. */
export interface KsmStats {
  readonly run: number;
  readonly pages_shared: number;
  readonly pages_sharing: number;
  readonly pages_unshared: number;
  readonly pages_volatile: number;
  readonly pages_scanned: number;
  readonly full_scans: number;
  readonly stable_node_chains: number;
  readonly stable_node_dups: number;
}

export function ksm_stats(m: Machine): KsmStats {
  const s = m.ksm;
  if (!s) return { run: 0, pages_shared: 0, pages_sharing: 0, pages_unshared: 0, pages_volatile: 0, pages_scanned: 0, full_scans: 0, stable_node_chains: 0, stable_node_dups: 0 };
  let shared = 0;
  let listed = 0;
  for (const node of s.nodes.values()) {
    if (node.hlist.length > 0) shared++;
    listed += node.hlist.length;
  }
  let unshared = 0;
  let items = 0;
  for (const slot of s.slots) {
    items += slot.items.length;
    for (const it of slot.items) if (it.state === UNSTABLE) unshared++;
  }
  let chains = 0;
  let dups = 0;
  for (const c of s.stable.values()) {
    if (!c.isChain) continue;
    chains++;
    dups += c.dups.length;
  }
  return {
    run: s.run,
    pages_shared: shared,
    pages_sharing: listed - shared,
    pages_unshared: unshared,
    pages_volatile: Math.max(0, items - listed - unshared),
    pages_scanned: s.pagesScanned,
    full_scans: s.seqnr,
    stable_node_chains: chains,
    stable_node_dups: dups,
  };
}

/** The host oracle's ksm_start settings. */
export interface KsmSettings {
  readonly run: number;
  readonly sleepMillisecs: number;
  readonly pagesToScan: number;
}

export const ORACLE_KSM_SETTINGS: KsmSettings = { run: 1, sleepMillisecs: 10, pagesToScan: 1000 };

function noSysfs(m: Machine): void {
  if (m.era !== '6.18') throw new SyscallError('ENOENT', '/sys/kernel/mm/ksm does not exist before 2.6.32');
}

/**
 * The oracle's ksm_start (sc_misc.c): saves sleep_millisecs, pages_to_scan
 * and run, then writes the new values in that order.
 */
export function ksm_start(m: Machine, settings: KsmSettings = ORACLE_KSM_SETTINGS): void {
  noSysfs(m);
  const s = ksmState(m);
  s.saved = { run: String(s.run), sleep_millisecs: String(s.sleepMillisecs), pages_to_scan: String(s.pagesToScan) };
  s.sleepMillisecs = settings.sleepMillisecs;
  s.pagesToScan = settings.pagesToScan;
  ksm_run_store(m, settings.run);
}

/**
 * The oracle's ksm_wait: read pages_shared every 10 ms, up to 1000 times,
 * until it reaches `want`; its last value. ksmd runs one batch of
 * pages_to_scan pages per sleep_millisecs meanwhile. (2.6.21: the file
 * cannot be read, every poll reads 0.)
 */
export function ksm_wait(m: Machine, want: number): number {
  if (m.era !== '6.18') return 0;
  const s = ksmState(m);
  let idle = 0;
  for (let poll = 0; poll < 1000; poll++) {
    const v = ksm_stats(m).pages_shared;
    if (v >= want) return v;
    idle += 10;
    const period = Math.max(1, s.sleepMillisecs);
    while (idle >= period) {
      idle -= period;
      if (ksmd_should_run(s)) ksm_do_scan(m, s.pagesToScan);
    }
    if (!ksmd_should_run(s)) break; // nothing will change any more: the rest of the wait reads the same value
  }
  return ksm_stats(m).pages_shared;
}

/**
 * The oracle's ksm_restore: run=2 (unmerge what is left), then the saved
 * run, sleep_millisecs and pages_to_scan. Returns the saved values (the
 * step's args).
 */
export function ksm_restore(m: Machine): { run: string; sleep_millisecs: string; pages_to_scan: string } {
  if (m.era !== '6.18') return { run: '', sleep_millisecs: '', pages_to_scan: '' };
  const s = ksmState(m);
  const saved = s.saved ?? { run: String(s.run), sleep_millisecs: String(s.sleepMillisecs), pages_to_scan: String(s.pagesToScan) };
  ksm_run_store(m, KSM_RUN_UNMERGE);
  ksm_run_store(m, saved.run === '' ? 0 : Number(saved.run));
  s.sleepMillisecs = Number(saved.sleep_millisecs);
  s.pagesToScan = Number(saved.pages_to_scan);
  s.saved = null;
  return saved;
}

// ------------------------------------------------------------------ invariants

/**
 * KSM's own invariants (the pte side — no writable pte maps a KSM page —
 * is checked in checkInvariants' pte walk): every KSM page is small, not
 * PageAnonExclusive, and named by a live stable node filed under its
 * content; every node's rmap_items point back to it; every mm's rmap_list
 * is sorted; the unstable tree holds unstable items only.
 */
export function ksmViolations(m: Machine): string[] {
  const s = m.ksm;
  if (!s) return [];
  const out: string[] = [];
  const f = m.frames;
  const pfn = (frame: number) => `pfn 0x${f.pfn(frame).toString(16)}`;
  for (let frame = 0; frame < f.highWater; frame++) {
    if (f.isFree(frame) || !PageKsm(m, frame)) continue;
    const flags = f.flags[frame]!;
    if ((flags & PG_anon_exclusive) !== 0) out.push(`${pfn(frame)}: a KSM page is PageAnonExclusive`);
    if ((flags & PG_large) !== 0) out.push(`${pfn(frame)}: a KSM page is part of a large folio`);
    const node = stableNodeOf(m, s, frame);
    if (!node) {
      if (f.maps(frame) > 0) out.push(`${pfn(frame)}: a mapped KSM page has no stable node`);
    } else if (node.kpfn !== frame) out.push(`${pfn(frame)}: its stable node #${node.id} names ${pfn(node.kpfn)}`);
  }
  for (const node of s.nodes.values()) {
    const chain = s.stable.get(node.content);
    if (!chain || !chain.dups.includes(node)) out.push(`stable node #${node.id} is not in the stable tree`);
    if (nodeLive(m, node) && f.tag[node.kpfn] !== node.content) out.push(`stable node #${node.id}: its KSM page ${pfn(node.kpfn)} changed content`);
    for (const it of node.hlist) if (it.state !== STABLE || it.head !== node) out.push(`stable node #${node.id}: an rmap_item in its list does not point back`);
  }
  for (const slot of s.slots) {
    if (s.slotOf.get(slot.mm) !== slot) out.push(`mm #${slot.mm.id}: its mm_slot is not hashed`);
    for (let i = 0; i < slot.items.length; i++) {
      const it = slot.items[i]!;
      if (i > 0 && slot.items[i - 1]!.vpn >= it.vpn) out.push(`mm #${slot.mm.id}: the rmap_list is not sorted at vpn 0x${it.vpn.toString(16)}`);
      if (it.state === STABLE && (!it.head || !s.nodes.has(it.head.id) || !it.head.hlist.includes(it))) out.push(`mm #${slot.mm.id}: the stable rmap_item at vpn 0x${it.vpn.toString(16)} is not in its node's list`);
    }
  }
  // during a full scan the unstable tree holds this scan's unstable items only (between scans it keeps the
  // finished scan's nodes, freed items too: scan_get_next_rmap_item resets it before anything searches it)
  if (s.cursor !== null) {
    for (const it of s.unstable.values()) {
      if (it.state !== UNSTABLE || it.seqnr !== (s.seqnr & SEQNR_MASK)) out.push(`the unstable tree holds an rmap_item that is not unstable in this scan (vpn 0x${it.vpn.toString(16)})`);
    }
  }
  return out;
}
