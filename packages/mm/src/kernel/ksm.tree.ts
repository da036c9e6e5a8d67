/**
 * KSM's trees and merging (mm/ksm.c): the stable tree of KSM pages (with
 * its chains of duplicates), the unstable tree of candidate pages, and the
 * merge itself — write_protect_page, replace_page, try_to_merge_one_page
 * and its callers, break_ksm/break_cow. ksmd's scan that drives them is
 * ksm.ts.
 *
 * @kernel mm/ksm.c
 */
import { mapsPage, present_frame, pte_maps_frame } from './pagewalk.js';
import type { Machine, Mm } from '../model/machine.js';
import { do_wp_page } from './memory.wp.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_swapcache, PG_zero } from './page-flags.js';
import { page_dup_rmap, page_remove_rmap, vma_address } from './rmap.js';
import { PG_large } from './huge_memory.js';
import { free_swap_cache } from './swap_state.js';
import { VM_MERGEABLE, type Vma } from './vma.js';
import { type Chain, KSM_NULL_NODE, type KsmState, type MmSlot, PageKsm, type RmapItem, SEQNR_MASK, STABLE, type StableNode, UNSTABLE } from './ksm.js';

/** folio_stable_node() */
export function stableNodeOf(m: Machine, s: KsmState, frame: number): StableNode | undefined {
  const mapping = m.frames.mapping[frame]!;
  if ((m.frames.flags[frame]! & PG_anon) === 0 || mapping >= 0 || mapping === KSM_NULL_NODE) return undefined;
  return s.nodes.get(-mapping);
}

// ------------------------------------------------------------------ the stable tree

/** Whether the node's page still holds the key (ksm_get_folio without the removal). */
export function nodeLive(m: Machine, node: StableNode): boolean {
  const f = m.frames;
  const k = node.kpfn;
  return k >= 0 && k < f.highWater && !f.isFree(k) && (f.flags[k]! & PG_anon) !== 0 && f.mapping[k] === -node.id;
}

/** remove_node_from_stable_tree(): its rmap_items lose their stable flag; the node goes. */
export function remove_node_from_stable_tree(s: KsmState, node: StableNode): void {
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
export function ksm_get_folio(m: Machine, s: KsmState, node: StableNode): boolean {
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
export function stable_tree_search(m: Machine, s: KsmState, frame: number): number {
  if (stableNodeOf(m, s, frame)) return frame;
  const dup = stableLookup(m, s, m.frames.tag[frame]!);
  if (dup === null || !sharingCandidate(s, dup)) return -1;
  return dup.kpfn;
}

/** stable_tree_insert(): a node for the new KSM page (a dup at the head of a chain when the content has one already). */
export function stable_tree_insert(m: Machine, s: KsmState, kframe: number): StableNode {
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
export function stable_tree_append(item: RmapItem, node: StableNode): void {
  node.hlist.unshift(item);
  item.head = node;
  item.state = STABLE;
}

/** remove_rmap_item_from_tree() */
export function remove_rmap_item_from_tree(m: Machine, s: KsmState, item: RmapItem): void {
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
export function anonPageAt(m: Machine, mm: Mm, vpn: number): number {
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
export function write_protect_page(m: Machine, mm: Mm, vma: Vma, frame: number): number {
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
export function replace_page(m: Machine, mm: Mm, vma: Vma, frame: number, kframe: number, slot: number): void {
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
export function try_to_merge_one_page(m: Machine, mm: Mm, vma: Vma, frame: number, kframe: number): number {
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
export function try_to_merge_with_ksm_page(m: Machine, s: KsmState, item: RmapItem, frame: number, kframe: number): number {
  const vma = find_mergeable_vma(item.slot, item.vpn);
  if (!vma) return -1;
  const err = try_to_merge_one_page(m, item.slot.mm, vma, frame, kframe);
  if (err) return err;
  remove_rmap_item_from_tree(m, s, item);
  item.anonVma = vma.anonVma; // get_anon_vma
  return 0;
}

/** break_ksm(): while the pte at vpn maps a (small) KSM page, take an unshare fault on it. */
export function break_ksm(m: Machine, mm: Mm, vma: Vma, vpn: number): void {
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
export function try_to_merge_two_pages(m: Machine, s: KsmState, item: RmapItem, frame: number, treeItem: RmapItem, treeFrame: number): number {
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
export function unstable_tree_search_insert(m: Machine, s: KsmState, item: RmapItem, frame: number): { item: RmapItem; frame: number } | null {
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
