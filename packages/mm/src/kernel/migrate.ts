/**
 * Migration entries (mm/migrate.c, mm/rmap.c): try_to_migrate_one()
 * replaces a present pte with a migration entry naming the page's pfn
 * (SWP_MIGRATION_WRITE for a writable pte, else _READ) and drops that pte's
 * rmap and reference — the migration holds its own. remove_migration_pte()
 * turns such an entry back into a present pte, for the new page or (when
 * migration failed) the old one.
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Mm } from './machine.js';
import { page_remove_rmap } from './rmap.js';

/** try_to_migrate_one() for one present pte mapping `frame`. */
export function try_to_migrate_one(m: Machine, mm: Mm, slot: number, frame: number): void {
  const pt = mm.pgtable;
  const write = m.pteWrite(pt.hi(slot), pt.lo(slot));
  const type = m.variant.swapTypes.byName(write ? 'SWP_MIGRATION_WRITE' : 'SWP_MIGRATION_READ')!.type;
  const pfn = m.frames.pfn(frame);
  const fast = m.variant.fast;
  pt.set(slot, fast.swp_entry_to_pte_hi(type, 0, pfn), fast.swp_entry_to_pte_lo(type, 0, pfn));
  page_remove_rmap(m, frame);
}

/** Whether the pte (hi, lo) is a migration entry for `frame`. */
export function is_migration_entry_of(m: Machine, hi: number, lo: number, frame: number): boolean {
  const fast = m.variant.fast;
  return fast.classify(hi, lo) === PteClassCode.migration && fast.pte_to_swp_offset_lo(hi, lo) === m.frames.pfn(frame);
}

/**
 * remove_migration_pte(): where the pte at `slot` is still a migration entry
 * for `old`, map `target` there (with its rmap and reference). Returns
 * whether it did.
 */
export function remove_migration_pte(m: Machine, mm: Mm, slot: number, old: number, target: number, vmFlags: number): boolean {
  const pt = mm.pgtable;
  if (!is_migration_entry_of(m, pt.hi(slot), pt.lo(slot), old)) return false;
  m.mkPte(target, vmFlags);
  pt.set(slot, m.pteHi, m.pteLo);
  m.frames.mapInc(target);
  m.frames.get(target);
  return true;
}
