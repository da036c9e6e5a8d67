/**
 * Page migration (mm/migrate.c, mm/rmap.c): move one page's contents to a
 * new page, on another NUMA node, while processes keep it mapped.
 *
 * migrate_pages → unmap_and_move (2.6.21 mm/migrate.c 600–690; 6.18
 * migrate_pages_batch → migrate_folio_unmap / migrate_folio_move, mm/migrate.c
 * ~1200–1420): with the old page locked and held by the migration's
 * isolation reference,
 *   1. try_to_migrate — an rmap walk (the anon_vma's VMAs in chain order
 *      under the anon_vma lock, or the file's i_mmap under the i_mmap lock)
 *      replaces every pte of the page with a migration entry naming its
 *      pfn (try_to_migrate_one; 2.6.21 try_to_unmap_one with migration=1);
 *   2. if nothing maps the page any more and nobody else holds a reference,
 *      the new page takes its data, flags and page- or swap-cache slot
 *      (move_to_new_page / move_to_new_folio);
 *   3. remove_migration_ptes — the same walk turns every migration entry
 *      for the old page back into a present pte, for the new page (or for
 *      the old one when the migration failed: migrate_folio_undo_src);
 *   4. the old page is unlocked and its isolation reference dropped, which
 *      frees it after a successful move.
 * A walk that misses a pte (the 2011 mremap race: move_page_tables slipped
 * it from a VMA the walk had not reached to one it had passed) leaves
 * either a mapped page (try_to_migrate: the migration fails and is
 * retried, -EAGAIN) or a migration entry behind (remove_migration_ptes: it
 * names the old page, which is then freed — checkInvariants'
 * 'migration-entry' rule).
 *
 * A fault on a migration entry waits for the migration (migration_entry_wait,
 * called from do_swap_page): it sleeps until the page is unlocked, then the
 * fault is retried.
 *
 * Each step that takes or drops a lock is a stop point for the explorer
 * (sched.ts); the walks also stop before each lockless pte read
 * (page_vma_mapped_walk / 2.6.21 page_check_address read the pte before
 * taking its lock and skip a VMA whose pte does not match).
 *
 * migrate_pages itself — isolation, unmap_and_move, move_to_new_page and
 * the large folio's split — is migrate.migrate_pages.ts; this file has the
 * migration entries, the rmap walks that install and remove them
 * (try_to_migrate is mm/rmap.c's) and the fault that waits on one.
 *
 * @kernel mm/migrate.c
 */
import { PteClassCode, type Variant } from '@mmsim/core';
import { KernelBug } from './filemap.js';

import { lock_page, pte_lock, pte_unlock, unlock_page, unlocked } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_locked, PG_zero } from './page-flags.js';
import { vma_address } from './rmap.js';
import type { KernelPath } from '../model/sched.js';
import { VM_FAULT_OK, VM_FAULT_RETRY } from '../model/signals.js';

import { i_mmap } from './memory.unmap.js';
import { bitSet } from './vmscan.js';
import { VM_SHARED } from './vma.js';
import { wantsWritenotify } from './memory.fault.js';
import { hex, walkLock, walkOf, walkUnlock, walkVmas } from './rmap.migrate.js';
import { noteValue, V_MIGRATION_ENTRY, V_MM, V_RMAP_VMA } from '../model/step-values.js';
import { vaddr } from '../model/vaddr.js';

// ---------------------------------------------------------------- entries

/** SWP_PFN_BITS and the young/dirty bits above them (6.18 swapops.h SWP_MIG_YOUNG/DIRTY), per variant. */
interface EntryLayout {
  readonly pfnBits: number;
  readonly ad: boolean;
}
function layout(v: Variant): EntryLayout {
  return v.migration; // derived once by core's compile step
}

/** The swap offset of a migration entry's pte, as a number (offsets stay below 2^53). */
function entryOffset(m: Machine, hi: number, lo: number): number {
  const fast = m.variant.fast;
  return fast.pte_to_swp_offset_hi(hi, lo) * 2 ** 32 + fast.pte_to_swp_offset_lo(hi, lo);
}

/** migration_entry_to_pfn(): the pfn a migration entry names (the A/D bits masked off). */
export function migration_entry_pfn(m: Machine, hi: number, lo: number): number {
  return entryOffset(m, hi, lo) % 2 ** layout(m.variant).pfnBits;
}

/** Whether the pte (hi, lo) is a migration entry for `frame`. */
export function is_migration_entry_of(m: Machine, hi: number, lo: number, frame: number): boolean {
  return m.variant.fast.classify(hi, lo) === PteClassCode.migration && migration_entry_pfn(m, hi, lo) === m.frames.pfn(frame);
}

/**
 * remove_migration_pte() (6.18 mm/migrate.c ~300–400; 2.6.21 mm/migrate.c
 * 125–195): where the pte at `slot` is still a migration entry for `old`,
 * map `target` there with its rmap and reference: mk_pte with the VMA's
 * protection; 2.6.21 makes it old, 6.18 old unless the entry kept the young
 * bit, dirty when the entry and the page are, soft-dirty when the entry
 * was; writable for a writable entry; and (6.18) a writable or
 * readable-exclusive entry makes an anon page exclusive again
 * (RMAP_EXCLUSIVE). Returns whether it did.
 */
export function remove_migration_pte(m: Machine, mm: Mm, slot: number, old: number, target: number, vmFlags: number): boolean {
  const pt = mm.pgtable;
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  if (!is_migration_entry_of(m, hi, lo, old)) return false;
  const special = m.variant.swapTypes.byType(m.variant.fast.pte_to_swp_type(hi, lo))!;
  const f = m.frames;
  m.mkPte(target, vmFlags);
  if (m.era === '6.18') {
    const l = layout(m.variant);
    const offset = entryOffset(m, hi, lo);
    const young = l.ad && Math.floor(offset / 2 ** l.pfnBits) % 2 === 1;
    const dirty = l.ad && Math.floor(offset / 2 ** (l.pfnBits + 1)) % 2 === 1;
    const sdSwap = m.variant.roleBits.swpSoftDirty; // _PAGE_SWP_SOFT_DIRTY (core's roles), null where the arch has none
    if (sdSwap !== null && bitSet(hi, lo, sdSwap)) m.modify('pte_mksoft_dirty');
    if (!young) m.modify('pte_mkold');
    if (dirty && (f.flags[target]! & PG_dirty) !== 0) m.modify('pte_mkdirty');
  } else m.modify('pte_mkold');
  if (special.write) m.modify('pte_mkwrite');
  if (m.era === '6.18' && (special.write || special.exclusive) && (f.flags[target]! & PG_anon) !== 0) f.flags[target]! |= PG_anon_exclusive;
  pt.set(slot, m.pteHi, m.pteLo);
  f.mapInc(target);
  f.get(target);
  return true;
}

/**
 * remove_migration_ptes() (6.18 mm/migrate.c ~400–420 with rmap_walk;
 * 2.6.21 remove_anon_migration_ptes / remove_file_migration_ptes,
 * mm/migrate.c 197–245): every migration entry for `old` maps `target`
 * again, VMA by VMA under the walk's lock; a VMA whose pte (read without
 * the pte lock) is no such entry is skipped.
 */
export function* remove_migration_ptes(m: Machine, old: number, target: number): KernelPath {
  const w = walkOf(m, target);
  const who = 'remove_migration_ptes';
  yield* walkLock(m, w, who);
  const vmas = walkVmas(m, w);
  if (m.sched.on) {
    // the order the walk visits the VMAs (the anon_vma chain's, or the i_mmap tree's)
    for (const { mm, vma } of vmas) {
      noteValue(m, V_MM, mm.id);
      noteValue(m, V_RMAP_VMA, vma.start);
    }
  }
  const index = m.frames.index[target]!;
  const pfn = `pfn ${hex(m.frames.pfn(target))}`;
  for (const { mm, vma } of vmas) {
    const vpn = vma_address(vma, index);
    if (vpn < 0) continue;
    yield* unlocked(m, `${who}: VMA at ${vaddr(m, vma.start)} of mm #${mm.id}: read the pte at ${vaddr(m, vpn)}`);
    const slot = mm.pgtable.walk(vpn, false);
    noteValue(m, V_MIGRATION_ENTRY, slot >= 0 && is_migration_entry_of(m, mm.pgtable.hi(slot), mm.pgtable.lo(slot), old));
    if (slot < 0 || !is_migration_entry_of(m, mm.pgtable.hi(slot), mm.pgtable.lo(slot), old)) continue;
    yield* pte_lock(m, mm, `${who}: VMA at ${vaddr(m, vma.start)} of mm #${mm.id}: pte lock; the pte at ${vaddr(m, vpn)} is a migration entry`);
    // mk_pte with vma->vm_page_prot: read-only for a shared mapping under writenotify
    const done = remove_migration_pte(m, mm, slot, old, target, wantsWritenotify(m, vma) ? vma.flags & ~VM_SHARED : vma.flags);
    yield* pte_unlock(m, mm, `${who}: VMA at ${vaddr(m, vma.start)} of mm #${mm.id}: ${done ? `the pte at ${vaddr(m, vpn)} maps ${pfn}` : 'the entry went meanwhile'}; pte lock dropped`);
  }
  yield* walkUnlock(m, w, who);
}

// ---------------------------------------------------------------- faults on migration entries

/**
 * migration_entry_wait() (2.6.21 mm/migrate.c 247–275; 6.18 mm/migrate.c
 * ~440–480 → migration_entry_wait_on_locked), what do_swap_page does for a
 * migration entry: sleep until the page under migration is unlocked, then
 * retry the fault. 2.6.21 holds a reference to the page while it sleeps
 * (get_page — which makes the migration's reference check fail, -EAGAIN);
 * 6.18 waits on the folio lock without one.
 *
 * The wait is a kernel path: under the explorer it is left in
 * m.sched.pending (VM_FAULT_RETRY) for access_path to run — it stops on the
 * page lock, so the fault waits for the migration to finish. A migration
 * entry whose page nobody is migrating (free, or not locked) is never
 * removed: the kernel retries the fault for ever; here that is a
 * KernelBug, as is a sequential fault on a page under migration (nothing
 * could ever unlock it).
 */
export function migration_entry_wait(m: Machine, mm: Mm, vpn: number, hi: number, lo: number): number {
  const f = m.frames;
  const pfn = migration_entry_pfn(m, hi, lo);
  const frame = f.frameOf(pfn);
  const free = frame < 0 || frame >= f.highWater || f.isFree(frame);
  if (free || (f.flags[frame]! & PG_locked) === 0) {
    throw new KernelBug(
      `migration_entry_wait: the migration entry at ${vaddr(m, vpn)} (mm ${mm.id}) names pfn ${hex(pfn)}, which ${free ? 'is free' : 'no migration holds locked'}: the fault waits and retries for ever`,
    );
  }
  if (!m.sched.deferFaults) throw new KernelBug(`migration_entry_wait: a fault at ${vaddr(m, vpn)} sleeps on pfn ${hex(pfn)}, locked for a migration nothing can finish (no other thread runs)`);
  m.sched.pending = wait_on_migration(m, frame);
  return VM_FAULT_RETRY;
}

function* wait_on_migration(m: Machine, frame: number): KernelPath<number> {
  const held = m.sched.held;
  const ref = m.era === '2.6.21';
  if (ref) held.hold(frame); // get_page
  const pfn = hex(m.frames.pfn(frame));
  yield* lock_page(m, frame, `migration_entry_wait: wait_on_page_locked(pfn ${pfn}): the migration has unlocked it`);
  yield* unlock_page(m, frame, 'migration_entry_wait: woken; the fault is retried');
  if (ref) held.release(frame); // put_page
  return VM_FAULT_OK;
}

/** Whether a frame is the zero page (2.6.21 ZERO_PAGE: PageReserved; 6.18 is_zero_folio). */
export function isZeroPage(m: Machine, frame: number): boolean {
  return (m.frames.flags[frame]! & PG_zero) !== 0;
}
