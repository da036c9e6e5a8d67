/**
 * split_huge_page (mm/huge_memory.c, 6.18): a large folio is unmapped with
 * migration entries (unmap_folio → try_to_migrate; a huge pmd through
 * split_huge_pmd_freeze), frozen, split into small pages, and the entries
 * are restored (remap_page). Also the walks over a range or the whole
 * machine that split the folios found (split_folios_in, split_all_folios).
 * The folio itself and its pmd are huge_memory.ts.
 *
 * @kernel mm/huge_memory.c
 */
import { mapsPage, present_frame, skip_empty } from './pagewalk.js';
import { KernelBug } from './filemap.js';
import { is_migration_entry_of } from './migrate.js';
import { anon_vma_lock, anon_vma_unlock, lock_page, pte_lock, pte_unlock, unlock_page } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_zero } from './page-flags.js';
import { runPath, type KernelPath } from '../model/sched.js';
import { VM_WRITE, type Vma } from './vma.js';
import { folio_get, folio_put } from './mm.js';
import { folio_remove_rmap_pte } from './rmap.js';
import { PG_head, PG_large, dropEntire, folioHead, folioLargeMapcount, folioMapped, isHugeZeroPmd, pmdFrame, thpState } from './huge_memory.js';
import { noteValue, V_FOLIO_MAPCOUNT, V_PTE_NONE } from '../model/step-values.js';
import { vaddr } from '../model/vaddr.js';

/** A migration entry split_huge_page installed, to restore in remap_page. */
interface Migrated {
  readonly mm: Mm;
  readonly vma: Vma;
  readonly slot: number;
  readonly frame: number;
  readonly write: boolean;
  readonly exclusive: boolean;
  readonly dirty: boolean;
}

/** make_{writable,readable_exclusive,readable}_migration_entry() as the pte words, into m.pteHi/pteLo */
function mkMigrationPte(m: Machine, frame: number, write: boolean, exclusive: boolean): void {
  const names = write ? ['SWP_MIGRATION_WRITE'] : exclusive ? ['SWP_MIGRATION_READ_EXCLUSIVE', 'SWP_MIGRATION_READ'] : ['SWP_MIGRATION_READ'];
  let type = 0;
  for (const n of names) {
    const t = m.variant.swapTypes.byName(n);
    if (t) {
      type = t.type;
      break;
    }
  }
  const pfn = m.frames.pfn(frame);
  m.pteHi = m.variant.fast.swp_entry_to_pte_hi(type, 0, pfn);
  m.pteLo = m.variant.fast.swp_entry_to_pte_lo(type, 0, pfn);
}

/** try_to_migrate_one() on one present pte of a page of the folio: the migration entry replaces it, the rmap and reference go. */
function migrate_pte(m: Machine, mm: Mm, vma: Vma, slot: number, frame: number, out: Migrated[]): void {
  const pt = mm.pgtable;
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  const write = m.pteWrite(hi, lo);
  const dirty = m.isPteDirty(hi, lo);
  const exclusive = (m.frames.flags[frame]! & PG_anon_exclusive) !== 0;
  if (dirty) m.frames.flags[folioHead(m, frame)]! |= PG_dirty; // folio_mark_dirty
  mkMigrationPte(m, frame, write, exclusive);
  pt.set(slot, m.pteHi, m.pteLo);
  out.push({ mm, vma, slot, frame, write, exclusive, dirty });
  folio_remove_rmap_pte(m, frame);
}

/**
 * __split_huge_pmd_locked(freeze = true), for try_to_migrate with
 * TTU_SPLIT_HUGE_PMD: the huge pmd becomes a pte table of migration
 * entries, one per page; the PMD mapping and its reference go.
 */
function split_huge_pmd_freeze(m: Machine, mm: Mm, vma: Vma, ps: number, out: Migrated[]): void {
  const st = thpState(m)!;
  const pt = mm.pgtable;
  const h = pt.hugeAt(ps)!;
  const { hi, lo, vpn } = h;
  const head = pmdFrame(m, hi, lo);
  const write = m.pteWrite(hi, lo);
  const dirty = m.isPteDirty(hi, lo);
  pt.clearHuge(ps);
  const base = pt.populatePmd(ps, vpn);
  if (dirty) m.frames.flags[head]! |= PG_dirty;
  for (let i = 0; i < st.nr; i++) {
    const exclusive = (m.frames.flags[head + i]! & PG_anon_exclusive) !== 0;
    mkMigrationPte(m, head + i, write, exclusive);
    pt.set(base + i, m.pteHi, m.pteLo);
    out.push({ mm, vma, slot: base + i, frame: head + i, write, exclusive, dirty });
  }
  dropEntire(m, head);
  folio_put(m, head); // if (freeze) put_page(page)
}

/** Every (mm, vma) the anon folio may be mapped in: rmap_walk_anon over its anon_vma (fork shares it). */
export function anonVmasOf(m: Machine, head: number): { mm: Mm; vma: Vma; from: number; to: number }[] {
  const st = thpState(m)!;
  const f = m.frames;
  const av = f.mapping[head]!;
  const first = f.index[head]!;
  const out: { mm: Mm; vma: Vma; from: number; to: number }[] = [];
  for (const p of m.procs) {
    if (!p.alive) continue;
    for (const vma of p.mm.vmas.list) {
      if (vma.anonVma !== av) continue;
      const from = Math.max(vma.start, vma.start + (first - vma.pgoff));
      const to = Math.min(vma.end, vma.start + (first + st.nr - vma.pgoff));
      if (from < to) out.push({ mm: p.mm, vma, from, to });
    }
  }
  // the anon_vma interval tree visits VMAs by pgoff
  return out.sort((a, b) => a.vma.pgoff - b.vma.pgoff);
}

/**
 * page_vma_mapped_walk() over the folio's ptes in one VMA, as
 * try_to_migrate_one() drives it (6.18 mm/page_vma_mapped.c map_pte /
 * mm/rmap.c). Without TTU_SYNC (PVMW_SYNC) a pte is first read without
 * the pte lock and one that reads none is skipped — so a pte that
 * zap_pte_range has cleared, but whose mapcount it has not yet dropped, is
 * passed over; the lock is taken at the first pte that is not none and
 * held for the rest. With TTU_SYNC the lock is taken before the first read.
 */
function* walk_and_migrate(m: Machine, mm: Mm, vma: Vma, head: number, from: number, to: number, sync: boolean, out: Migrated[]): KernelPath {
  const st = thpState(m)!;
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  let locked = false;
  for (let vpn = from; vpn < to; vpn++) {
    const slot = pt.walk(vpn, false);
    if (!locked) {
      if (sync) {
        yield* pte_lock(m, mm, 'page_vma_mapped_walk: TTU_SYNC: pte lock taken before reading the pte; try_to_migrate_one');
        locked = true;
      } else {
        if (m.sched.on) yield m.sched.point(`page_vma_mapped_walk: reads the pte of ${vaddr(m, vpn)} without the pte lock`);
        noteValue(m, V_PTE_NONE, slot < 0 || fast.pte_none(pt.hi(slot), pt.lo(slot)));
        if (slot < 0 || fast.pte_none(pt.hi(slot), pt.lo(slot))) continue; // not_found for this pte: skipped
        yield* pte_lock(m, mm, 'page_vma_mapped_walk: a pte that is not none: pte lock taken; try_to_migrate_one');
        locked = true;
      }
    }
    if (slot < 0) continue;
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    const cls = fast.classify(hi, lo);
    if (!mapsPage(cls)) continue;
    const frame = m.pteFrame(hi, lo);
    if (frame < head || frame >= head + st.nr) continue;
    migrate_pte(m, mm, vma, slot, frame, out);
  }
  if (locked) yield* pte_unlock(m, mm, 'page_vma_mapped_walk: pte lock dropped');
}

/**
 * remove_migration_ptes() over the folio's pages (remap_page): each
 * migration entry still in place maps its page again — writable if it was,
 * dirty, exclusive — or, after a successful split with
 * RMP_USE_SHARED_ZEROPAGE, the shared zero page where the page holds only
 * zeroes (try_to_map_unused_to_zeropage, 6.12+; the host's thp_anon and
 * swap_thp recordings show it). `split`: the pages are small folios now.
 */
export function remap_page(m: Machine, migrated: readonly Migrated[], split: boolean): void {
  const f = m.frames;
  for (const e of migrated) {
    const pt = e.mm.pgtable;
    const hi = pt.hi(e.slot);
    const lo = pt.lo(e.slot);
    // a zap may have cleared the entry meanwhile (zap_nonpresent_ptes drops no rmap for it)
    if (!is_migration_entry_of(m, hi, lo, e.frame)) continue;
    if (split && f.tag[e.frame] === 0) {
      m.mkPte(m.zeroFrame, e.vma.flags & ~VM_WRITE);
      m.modify('pte_mkspecial');
      pt.set(e.slot, m.pteHi, m.pteLo);
      continue;
    }
    m.mkPte(e.frame, e.vma.flags);
    if (e.write) m.modify('pte_mkwrite');
    if (e.dirty) m.modify('pte_mkdirty');
    pt.set(e.slot, m.pteHi, m.pteLo);
    f.mapInc(e.frame);
    if (split) f.get(e.frame);
    else folio_get(m, folioHead(m, e.frame));
    if (e.exclusive) f.flags[e.frame]! |= PG_anon_exclusive;
    else f.flags[e.frame]! &= ~PG_anon_exclusive;
  }
}

/**
 * split_huge_page() / __folio_split() to order 0 (6.18 mm/huge_memory.c)
 * of an anon large folio the caller holds a reference on: under the folio
 * lock and the anon_vma lock, can_split_folio() (every reference but the
 * caller's a mapping, else -EAGAIN at once, the pmds untouched: a pinned
 * folio stays PMD-mapped), unmap_folio() (try_to_migrate with
 * TTU_SPLIT_HUGE_PMD, and TTU_SYNC unless the machine's `split` rule is
 * the pre-5.14 'no-TTU_SYNC'), then the check that nothing maps the folio
 * any more (the VM_BUG_ON the 2021 race hit: a KernelBug), the refcount
 * freeze (only the caller's reference may be left; else -EAGAIN and the
 * folio is remapped whole), the split into small pages, remap_page, and
 * the pages nothing maps freed. Returns whether it split.
 * `isolate` (split_folio_to_list with a list: migration's try_split_folio):
 * each new small folio but the head is handed to it before the split drops
 * its own reference (lru_add_split_folio: folio_get and onto the caller's
 * list instead of the LRU), so none is freed before the caller is done.
 */
export function* split_huge_page_path(m: Machine, head: number, isolate?: (frame: number) => void): KernelPath<boolean> {
  const st = thpState(m)!;
  const f = m.frames;
  const sync = m.policies.split === 'TTU_SYNC';
  const av = f.mapping[head]!;
  yield* lock_page(m, head, 'split_huge_page: folio_lock');
  yield* anon_vma_lock(m, av, 'split_huge_page: anon_vma_lock_write; unmap_folio (try_to_migrate)');
  // can_split_folio(folio, 1, …), the racy check before unmap_folio splits the pmds: every reference but the
  // caller's is a mapping — a pin or another extra reference fails the split (-EAGAIN) with the folio as it was
  if (folioLargeMapcount(m, head) !== f.refs(head) - 1) {
    yield* anon_vma_unlock(m, av, 'split_huge_page: can_split_folio fails (extra references): -EAGAIN; anon_vma unlocked');
    yield* unlock_page(m, head, 'split_huge_page: folio_unlock');
    return false;
  }
  const migrated: Migrated[] = [];
  // unmap_folio(): try_to_migrate(folio, TTU_RMAP_LOCKED | TTU_SPLIT_HUGE_PMD [| TTU_SYNC])
  for (const { mm, vma, from, to } of anonVmasOf(m, head)) {
    const pt = mm.pgtable;
    if (pt.huge.size !== 0) {
      const ps = pt.pmdSlot(from, false);
      const h = ps >= 0 ? pt.hugeAt(ps) : undefined;
      if (h !== undefined && !isHugeZeroPmd(m, h) && pmdFrame(m, h.hi, h.lo) === head) {
        yield* pte_lock(m, mm, 'try_to_migrate_one: TTU_SPLIT_HUGE_PMD: pmd lock; the huge pmd becomes migration entries');
        split_huge_pmd_freeze(m, mm, vma, ps, migrated);
        yield* pte_unlock(m, mm, 'split_huge_pmd_address: pmd lock dropped');
        continue;
      }
    }
    yield* walk_and_migrate(m, mm, vma, head, from, to, sync, migrated);
  }
  if (m.sched.on) yield m.sched.point('split_huge_page: unmap_folio done; VM_BUG_ON_FOLIO(folio_mapped(folio))');
  noteValue(m, V_FOLIO_MAPCOUNT, folioLargeMapcount(m, head));
  if (folioMapped(m, head)) {
    const mapcount = folioLargeMapcount(m, head);
    throw new KernelBug(
      `VM_BUG_ON_FOLIO(folio_mapped(folio)): pfn 0x${f.pfn(head).toString(16)} still has mapcount ${mapcount} after unmap_folio, but no pte maps it (zap_pte_range cleared the pte and has not dropped the mapcount yet; page_vma_mapped_walk skipped the none pte without the pte lock)`,
    );
  }
  // folio_ref_freeze(folio, 1 + extra_pins): only the caller's reference may be left
  const ok = f.refs(head) === 1;
  if (ok) {
    // __split_unmapped_folio(): each page a folio of its own, refcount 1 (the tails' frame-table count);
    // __split_folio_to_order() clones the folio's PG_dirty (with uptodate, swapbacked, …) into every new folio
    const dirty = f.flags[head]! & PG_dirty;
    for (let i = 0; i < st.nr; i++) f.flags[head + i] = (f.flags[head + i]! & ~PG_large) | dirty;
    st.entire.delete(head);
    st.folios--;
  }
  remap_page(m, migrated, ok);
  if (ok) {
    // the new folios other than the caller's: unlocked and put (the ones nothing maps are freed)
    for (let i = 1; i < st.nr; i++) {
      if (isolate) isolate(head + i);
      f.put(head + i);
    }
  }
  yield* anon_vma_unlock(m, av, 'split_huge_page: anon_vma unlocked');
  yield* unlock_page(m, head, 'split_huge_page: folio_unlock');
  return ok;
}

/** split_huge_page() run whole (madvise, memory pressure): true when it split. */
export function split_huge_page(m: Machine, head: number): boolean {
  const held = m.sched.held;
  held.hold(head);
  try {
    return runPath(split_huge_page_path(m, head));
  } finally {
    held.release(head);
  }
}

/** The large anon folio mapped at vpn of mm (by a huge pmd or a pte), as its head frame; -1 if none. */
export function largeFolioAt(m: Machine, mm: Mm, vpn: number): number {
  if (thpState(m) === null) return -1;
  const pt = mm.pgtable;
  const ps = pt.pmdSlot(vpn, false);
  if (ps < 0) return -1;
  const h = pt.hugeAt(ps);
  if (h !== undefined) return isHugeZeroPmd(m, h) ? -1 : pmdFrame(m, h.hi, h.lo);
  const frame = present_frame(m, mm, vpn);
  if (frame < 0) return -1;
  const flags = m.frames.flags[frame]!;
  return (flags & PG_large) !== 0 && (flags & PG_zero) === 0 ? folioHead(m, frame) : -1;
}

/**
 * Split every large anon folio mapped in [start, end) of the mm (the
 * madvise paths that act on small pages: FREE, PAGEOUT, COLD on part of a
 * folio — madvise_cold_or_pageout_pte_range and madvise_free_pte_range
 * split_folio() a large folio they meet).
 */
export function split_folios_in(m: Machine, mm: Mm, start: number, end: number): void {
  const st = thpState(m);
  if (st === null || st.folios === 0) return;
  let tried = -1; // a folio that would not split (pinned) is tried once, not once per page
  for (let vpn = start; (vpn = skip_empty(mm.pgtable, vpn, start, end)) < end; vpn++) {
    const head = largeFolioAt(m, mm, vpn);
    if (head >= 0 && head !== tried) {
      tried = head;
      split_huge_page(m, head);
    }
  }
}

/** Every large anon folio of the machine split (shrink_folio_list splits a THP it cannot swap whole; the deferred split shrinker). */
export function split_all_folios(m: Machine): void {
  const st = thpState(m);
  if (st === null || st.folios === 0) return;
  const f = m.frames;
  for (let frame = 0; frame < f.highWater; frame++) {
    const flags = f.flags[frame]!;
    if ((flags & PG_head) !== 0 && (flags & PG_zero) === 0 && (flags & PG_anon) !== 0) split_huge_page(m, frame);
  }
}
