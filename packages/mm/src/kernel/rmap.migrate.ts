/**
 * mm/rmap.c's side of migration: the rmap walk over the VMAs that map a
 * page (rmap_walk_anon / rmap_walk_file, under the anon_vma or i_mmap
 * lock) and try_to_migrate(), which turns every pte mapping the page into
 * a migration entry (try_to_migrate_one). migrate.ts (mm/migrate.c) walks
 * back with remove_migration_ptes.
 *
 * @kernel mm/rmap.c
 */

import type { Inode } from './filemap.js';
import { maybe_dma_pinned } from './gup.js';
import { anon_vma_lock, anon_vma_unlock, i_mmap_lock, i_mmap_unlock, pte_lock, pte_unlock, unlocked } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_swapcache } from './page-flags.js';
import { anon_vma_chain, page_remove_rmap, vma_address } from './rmap.js';
import type { KernelPath } from '../model/sched.js';
import { slotOffset, slotType } from './swapfile.js';
import { i_mmap } from './memory.unmap.js';
import { bitSet, mkSwapPte } from './vmscan.js';
import { VM_NONLINEAR, type Vma } from './vma.js';
import { pte_maps_frame } from './pagewalk.js';
import { noteValue, V_PTE_MAPS, V_MM, V_RMAP_VMA } from '../model/step-values.js';
import { vaddr } from '../model/vaddr.js';

/**
 * try_to_migrate_one() for one present pte mapping `frame` (6.18
 * mm/rmap.c ~2200–2480; 2.6.21 try_to_unmap_one with migration, mm/rmap.c
 * 600–700): the pte's dirty bit goes to the page; the pte becomes a
 * migration entry — writable for a writable pte, else (6.18) readable-
 * exclusive for a PageAnonExclusive page, else readable — carrying the
 * young/dirty bits (6.18, where the offset has room) and soft-dirty; the
 * pte's rmap and reference go. 2.6.21 gives an anon page in the swap cache
 * its swap entry instead (swap_duplicate). 6.18 gives up on an exclusive
 * anon page that may be DMA-pinned (folio_try_share_anon_rmap_pte fails):
 * the pte stays and the result is false, which ends the walk.
 *
 * @kernel mm/rmap.c
 */
export function try_to_migrate_one(m: Machine, mm: Mm, slot: number, frame: number): boolean {
  const pt = mm.pgtable;
  const f = m.frames;
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  const flags = f.flags[frame]!;
  const anonExclusive = m.era === '6.18' && (flags & (PG_anon | PG_anon_exclusive)) === (PG_anon | PG_anon_exclusive);
  if (anonExclusive && maybe_dma_pinned(m, frame)) return false; // folio_try_share_anon_rmap_pte refuses a maybe-pinned page
  if (m.isPteDirty(hi, lo)) f.flags[frame]! |= PG_dirty;
  const sdPresent = m.variant.roleBits.softDirty; // core's roles: null where the arch has no soft-dirty bit
  const sdSwap = m.variant.roleBits.swpSoftDirty;
  const wasSoftDirty = m.era === '6.18' && sdPresent !== null && bitSet(hi, lo, sdPresent);
  if (m.era === '2.6.21' && (flags & (PG_anon | PG_swapcache)) === (PG_anon | PG_swapcache)) {
    const id = f.swapSlot.get(frame)!;
    const dev = m.swaps[slotType(id)]!;
    mkSwapPte(m, dev.type, slotOffset(id), false, false);
    dev.map[slotOffset(id)]!++; // swap_duplicate
    pt.set(slot, m.pteHi, m.pteLo);
    page_remove_rmap(m, frame);
    return true;
  }
  const write = m.pteWrite(hi, lo);
  const name = write ? 'SWP_MIGRATION_WRITE' : anonExclusive ? 'SWP_MIGRATION_READ_EXCLUSIVE' : 'SWP_MIGRATION_READ';
  const type = m.variant.swapTypes.byName(name)!.type;
  const l = m.variant.migration; // SWP_PFN_BITS and whether the young/dirty bits fit (core)
  let offset = f.pfn(frame);
  if (l.ad) {
    const young = m.variant.modifierWords['pte_mkold'];
    // pte_young(): the bits pte_mkold clears
    if (young && ((hi & ~young.keepHi) !== 0 || (lo & ~young.keepLo) !== 0)) offset += 2 ** l.pfnBits;
    if (m.isPteDirty(hi, lo)) offset += 2 ** (l.pfnBits + 1);
  }
  if (anonExclusive) f.flags[frame]! &= ~PG_anon_exclusive; // folio_try_share_anon_rmap_pte
  const fast = m.variant.fast;
  const offHi = Math.floor(offset / 2 ** 32);
  const offLo = offset >>> 0;
  let eHi = fast.swp_entry_to_pte_hi(type, offHi, offLo);
  let eLo = fast.swp_entry_to_pte_lo(type, offHi, offLo);
  if (wasSoftDirty && sdSwap !== null) {
    if (sdSwap >= 32) eHi = (eHi | (1 << (sdSwap - 32))) >>> 0;
    else eLo = (eLo | (1 << sdSwap)) >>> 0;
  }
  pt.set(slot, eHi, eLo);
  page_remove_rmap(m, frame); // folio_remove_rmap_pte for a page of a large folio (rmap.ts)
  return true;
}

// ---------------------------------------------------------------- the rmap walk

export interface Mapper {
  readonly mm: Mm;
  readonly vma: Vma;
}

export const hex = (n: number): string => `0x${n.toString(16)}`;

/**
 * What an rmap walk of `frame` goes over and the lock that keeps it
 * stable: the anon_vma's chain (rmap_walk_anon) or the file's i_mmap
 * (rmap_walk_file).
 */
export interface Walk {
  readonly anon: number;
  readonly inode: Inode | undefined;
}

export function walkOf(m: Machine, frame: number): Walk {
  const f = m.frames;
  if ((f.flags[frame]! & PG_anon) !== 0) return { anon: f.mapping[frame]!, inode: undefined };
  return { anon: 0, inode: m.inodes.get(f.mapping[frame]!) };
}

/**
 * The VMAs the walk visits, in order (read under the walk's lock).
 * Nonlinear VMAs (2.6.21) are not walked: their ptes do not follow the
 * page's index, and 2.6.21 unmaps them by scanning (try_to_unmap_cluster)
 * without migration entries — not modelled: a page mapped there stays
 * mapped and its migration fails (-EAGAIN).
 */
export function walkVmas(m: Machine, w: Walk): Mapper[] {
  if (w.anon) return anon_vma_chain(m, w.anon);
  return w.inode ? i_mmap(m, w.inode).filter((t) => (t.vma.flags & VM_NONLINEAR) === 0) : [];
}

export function* walkLock(m: Machine, w: Walk, who: string): KernelPath {
  if (w.anon) yield* anon_vma_lock(m, w.anon, `${who}: anon_vma lock; walk the anon_vma's VMAs in chain order`);
  else if (w.inode) yield* i_mmap_lock(m, w.inode.id, `${who}: i_mmap lock; walk the file's VMAs`);
}

export function* walkUnlock(m: Machine, w: Walk, who: string): KernelPath {
  if (w.anon) yield* anon_vma_unlock(m, w.anon, `${who}: anon_vma lock dropped`);
  else if (w.inode) yield* i_mmap_unlock(m, w.inode.id, `${who}: i_mmap lock dropped`);
}

/**
 * try_to_migrate() (6.18 mm/rmap.c ~2490–2530; 2.6.21 try_to_unmap with
 * migration=1, mm/rmap.c 850–900): every pte mapping `frame` becomes a
 * migration entry, VMA by VMA under the walk's lock; each VMA's pte is read
 * without the pte lock first and skipped when it does not map the page.
 *
 * @kernel mm/rmap.c
 */
export function* try_to_migrate(m: Machine, frame: number): KernelPath {
  const w = walkOf(m, frame);
  const who = 'try_to_migrate';
  yield* walkLock(m, w, who);
  const vmas = walkVmas(m, w); // stable while the walk holds its lock
  if (m.sched.on) {
    // the order the walk visits the VMAs (the anon_vma chain's, or the i_mmap tree's)
    for (const { mm, vma } of vmas) {
      noteValue(m, V_MM, mm.id);
      noteValue(m, V_RMAP_VMA, vma.start);
    }
  }
  const index = m.frames.index[frame]!;
  for (const { mm, vma } of vmas) {
    const vpn = vma_address(vma, index);
    if (vpn < 0) continue;
    yield* unlocked(m, `${who}: VMA at ${vaddr(m, vma.start)} of mm #${mm.id}: read the pte at ${vaddr(m, vpn)}`);
    const slot = mm.pgtable.walk(vpn, false);
    noteValue(m, V_PTE_MAPS, pte_maps_frame(m, mm, slot, frame));
    if (!pte_maps_frame(m, mm, slot, frame)) continue;
    yield* pte_lock(m, mm, `${who}: VMA at ${vaddr(m, vma.start)} of mm #${mm.id}: pte lock; the pte at ${vaddr(m, vpn)} maps the page`);
    let ok = true;
    if (pte_maps_frame(m, mm, slot, frame)) ok = try_to_migrate_one(m, mm, slot, frame);
    yield* pte_unlock(m, mm, `${who}: VMA at ${vaddr(m, vma.start)} of mm #${mm.id}: ${ok ? `migration entry installed at ${vaddr(m, vpn)}` : 'the page may be pinned: left mapped'}; pte lock dropped`);
    if (!ok) break;
  }
  yield* walkUnlock(m, w, who);
}
