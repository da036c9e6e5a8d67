/**
 * migrate_pages (2.6.21 mm/migrate.c 44–120 isolation, 549–725
 * move_to_new_page, unmap_and_move, migrate_pages; 6.18 mm/migrate.c
 * 1081–1423 move_to_new_folio, migrate_folio_unmap, migrate_folio_move,
 * 1775–2159 migrate_pages_batch, migrate_pages): a page isolated from the LRU is
 * locked, unmapped into migration entries (try_to_migrate, migrate.ts),
 * moved to a new page when nothing else maps or holds it, and the entries
 * point at the new page (remove_migration_ptes) — or back at the old one,
 * -EAGAIN, retried for MIGRATE_PASSES passes. migrate.ts has the entries
 * and the walks; the syscalls that hand pages here are
 * migrate.move_pages.ts (move_pages) and mempolicy.mbind.ts (mbind,
 * migrate_pages(2)).
 *
 * A page of a large folio (a THP, PMD- or PTE-mapped; 6.18 only) is
 * isolated as its folio (folio_isolate_lru: the head holds the isolation
 * reference) and migrated as 6.18 migrate_pages_batch does a THP it cannot
 * move whole: try_split_folio — split_folio_to_list (split_huge_page, the
 * new small folios onto the migration's list, each with a reference) —
 * then, after the rest of the list, one MIGRATE_ASYNC pass over the split
 * folios (migrate_pages: "retry once"), every page of the former THP
 * migrating on its own; the split counts as one failure
 * (migrate_pages_sync: nr_failed += nr_split), so move_pages returns 1
 * and stores no status. That is the path of every THP where
 * thp_migration_supported() is false (i386 and i386 PAE: arch/x86/Kconfig
 * selects ARCH_ENABLE_THP_MIGRATION only for X86_64), and of x86_64 and
 * ppc64 (Kconfig.cputype PPC_BOOK3S_64 selects it) when
 * alloc_migration_target cannot get a HPAGE_PMD_ORDER folio on the node
 * (-ENOMEM → try_split_folio). Moving a THP whole (PMD migration entries:
 * set_pmd_migration_entry / remove_migration_pmd) is not modelled: the
 * frame table has no per-node contiguous allocation. A folio that cannot
 * be split (a pin or another extra reference: can_split_folio fails) is
 * not migrated (MIGRATE_EAGAIN).
 *
 * @kernel mm/migrate.c
 */
import type { Machine } from '../model/machine.js';
import { lock_page, unlock_page } from '../model/locks.js';
import type { KernelPath } from '../model/sched.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_locked, PG_mappedtodisk, PG_swapbacked, PG_swapcache, PG_uptodate } from './page-flags.js';
import { folioHead, PG_large } from './huge_memory.js';
import { split_huge_page_path } from './huge_memory.split.js';
import { slotOffset, slotType } from './swapfile.js';
import { remove_migration_ptes } from './migrate.js';
import { try_to_migrate } from './rmap.migrate.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

/** the migration's verdicts (unmap_and_move's rc) */
export const MIGRATE_OK = 0;
export const MIGRATE_EAGAIN = -11;
/**
 * migrate_pages' verdict for a large folio split and migrated page by page:
 * its count of folios not migrated, 1 — the split THP counts as one
 * failure (6.18 migrate_pages_sync) though its pages did move.
 */
export const MIGRATE_SPLIT = 1;
/** migrate_pages: passes over a page that keeps failing with -EAGAIN (2.6.21 and 6.18: 10) */
export const MIGRATE_PASSES = 10;

/** migrate's state on the Machine (m.migrate, made on first use) */
export interface MigrateState {
  /** the folios (head frames) isolate_lru_page took off the LRU for a migration */
  readonly isolated: Set<number>;
}

function isolatedSet(m: Machine): Set<number> {
  return (m.migrate ??= { isolated: new Set() }).isolated;
}

/**
 * isolate_lru_page() / folio_isolate_lru(): take the page's folio off the
 * LRU for a migration, with a reference the path holds (m.sched.held; a
 * large folio's on its head). False when it is not on the LRU — another
 * migration has it isolated already.
 */
export function isolate_lru_page(m: Machine, frame: number): boolean {
  const folio = folioHead(m, frame);
  const s = isolatedSet(m);
  if (s.has(folio)) return false;
  s.add(folio);
  m.sched.held.hold(folio);
  return true;
}

/** putback_lru_page(): the page's folio back on the LRU, the isolation reference dropped (which frees a migrated page). */
export function putback_lru_page(m: Machine, frame: number): void {
  const folio = folioHead(m, frame);
  isolatedSet(m).delete(folio);
  m.sched.held.release(folio);
}

/** A reference the path already has (a fresh page's allocation reference), counted as held mid-operation. */
function adoptHeld(m: Machine, frame: number): void {
  const held = m.sched.held;
  held.set(frame, (held.get(frame) ?? 0) + 1);
}

/**
 * The references a page must have for migration to replace it, once
 * nothing maps it: the isolation reference, plus the page cache's or the
 * swap cache's (2.6.21 migrate_page_move_mapping's page_count check; 6.18
 * folio_expected_ref_count). Anything more — a GUP pin, a 2.6.21
 * migration_entry_wait holding the page — fails it with -EAGAIN.
 */
function expectedRefs(m: Machine, frame: number): number {
  const flags = m.frames.flags[frame]!;
  if ((flags & PG_anon) !== 0) return 1 + ((flags & PG_swapcache) !== 0 ? 1 : 0);
  return 2;
}

/**
 * move_to_new_page / move_to_new_folio: `copy` takes the old page's data,
 * flags (migrate_page_copy / folio_migrate_flags), mapping and index, and
 * its slot in the page cache or the swap cache with that cache's reference.
 */
function move_to_new_page(m: Machine, old: number, copy: number): void {
  const f = m.frames;
  const flags = f.flags[old]!;
  f.tag[copy] = f.tag[old]!;
  f.mapping[copy] = f.mapping[old]!;
  f.index[copy] = f.index[old]!;
  f.flags[copy]! |= flags & (PG_uptodate | PG_dirty | PG_anon | PG_swapbacked | PG_mappedtodisk | PG_swapcache);
  if ((flags & PG_anon) === 0) {
    const inode = m.inodes.get(f.mapping[old]!)!;
    inode.cache.set(f.index[old]!, copy);
    f.get(copy);
    f.mapping[old] = 0;
    f.put(old);
  } else if ((flags & PG_swapcache) !== 0) {
    const id = f.swapSlot.get(old)!;
    m.swaps[slotType(id)]!.cache[slotOffset(id)] = copy;
    f.swapSlot.set(copy, id);
    f.swapSlot.delete(old);
    f.get(copy);
    f.flags[old]! &= ~PG_swapcache;
    f.put(old);
  }
  f.flags[old]! &= ~(PG_dirty | PG_anon_exclusive);
}

/**
 * unmap_and_move() for one pass (2.6.21 mm/migrate.c 600–690; 6.18
 * migrate_folio_unmap + migrate_folio_move): lock the old page, unmap it
 * into migration entries, and if nothing maps it and nobody else holds it,
 * move it to a new page on `node` and point the entries there; else point
 * them back at the old page (-EAGAIN). Returns MIGRATE_OK or MIGRATE_EAGAIN.
 */
export function* unmap_and_move(m: Machine, old: number, node: number): KernelPath<number> {
  const f = m.frames;
  // the page was freed from under us: only the isolation reference is left
  if (f.refs(old) === 1 && f.maps(old) === 0) return MIGRATE_OK;
  yield* lock_page(m, old, `migrate: lock_page of pfn ${hex(f.pfn(old))}`);
  yield* try_to_migrate(m, old);
  let rc = MIGRATE_EAGAIN;
  if (f.maps(old) === 0 && f.refs(old) === expectedRefs(m, old)) {
    const copy = f.alloc(node); // alloc_pages_node(node, GFP_HIGHUSER_MOVABLE | __GFP_THISNODE)
    adoptHeld(m, copy);
    f.flags[copy]! |= PG_locked; // nobody else knows the new page yet
    move_to_new_page(m, old, copy);
    yield* remove_migration_ptes(m, old, copy);
    f.flags[copy]! &= ~PG_locked;
    m.sched.held.release(copy); // folio_put(dst) / move_to_lru(newpage): the mappings keep it
    rc = MIGRATE_OK;
  } else {
    yield* remove_migration_ptes(m, old, old);
  }
  yield* unlock_page(m, old, `migrate: unlock_page of pfn ${hex(f.pfn(old))}${rc === MIGRATE_OK ? '' : ' (still mapped or referenced: -EAGAIN)'}`);
  return rc;
}

/**
 * migrate_pages() of one isolated page to `node`: passes until it moves or
 * MIGRATE_PASSES have failed with -EAGAIN; the isolation reference is
 * dropped at the end (putback). Returns MIGRATE_OK or MIGRATE_EAGAIN — or,
 * for a page of a large folio, what migrate_large_folio returns.
 */
export function* migrate_pages(m: Machine, old: number, node: number): KernelPath<number> {
  if ((m.frames.flags[old]! & PG_large) !== 0) return yield* migrate_large_folio(m, folioHead(m, old), node);
  let rc = MIGRATE_EAGAIN;
  for (let pass = 0; pass < MIGRATE_PASSES && rc !== MIGRATE_OK; pass++) rc = yield* unmap_and_move(m, old, node);
  putback_lru_page(m, old);
  return rc;
}

/**
 * migrate_pages() of a list, as mbind and move_pages hand it one: every
 * isolated page in `list` (emptied) to the node `target` picks for it;
 * returns how many did not move.
 */
export function* migrate_pages_list(m: Machine, list: number[], target: (frame: number) => number): KernelPath<number> {
  let failed = 0;
  for (const frame of list.splice(0)) {
    const rc = yield* migrate_pages(m, frame, target(frame));
    if (rc !== MIGRATE_OK) failed++;
  }
  return failed;
}

/**
 * migrate_pages() of an isolated large folio (6.18 mm/migrate.c
 * migrate_pages → migrate_pages_sync → migrate_pages_batch, the THP that
 * is not migrated whole: see the top of this file): try_split_folio under
 * the folio lock (split_huge_page_path, its new small folios isolated onto
 * the list with a reference each, the head keeping the isolation
 * reference and going last: list_move_tail), then one pass of
 * unmap_and_move over each split folio, each put back after it (a page
 * the split freed to the shared zero page has only that reference left and
 * is done at once). Returns MIGRATE_SPLIT, or MIGRATE_EAGAIN when the
 * split failed (the folio is put back whole).
 */
function* migrate_large_folio(m: Machine, head: number, node: number): KernelPath<number> {
  const list: number[] = [];
  const s = isolatedSet(m);
  const held = m.sched.held;
  const split = yield* split_huge_page_path(m, head, (frame) => {
    s.add(frame);
    held.hold(frame);
    list.push(frame);
  });
  if (!split) {
    putback_lru_page(m, head);
    return MIGRATE_EAGAIN;
  }
  list.push(head);
  // migrate_pages_batch(&split_folios, …, MIGRATE_ASYNC, …, 1): failures are not counted again
  for (const page of list) {
    yield* unmap_and_move(m, page, node);
    putback_lru_page(m, page);
  }
  return MIGRATE_SPLIT;
}
