/**
 * Race 5 of the explorer issue: unmapping a THP for a split against
 * zap_pte_range (the 2021 thread; Hugh Dickins, "mm/thp: try_to_unmap() use
 * TTU_SYNC for safe splitting", 5.14). zap_pte_range clears a pte and drops
 * the mapcount later under the same pte lock; page_vma_mapped_walk, without
 * TTU_SYNC, skips a pte it sees none without taking that lock. So
 * unmap_folio() can return with the folio still counted as mapped, and
 * split_huge_page() hits VM_BUG_ON_FOLIO(folio_mapped(folio)). TTU_SYNC
 * makes the walk take the pte lock even for a none pte, which waits for the
 * zap to finish.
 *
 * What is modelled: the PTE-mapped part of the folio (after split_huge_pmd)
 * — one of its ptes, which is where the race is. PMD-mapped THPs and the
 * split itself are not modelled yet.
 */
import { PteClassCode, type VariantSpec } from '@mmsim/core';
import { checkInvariants } from '../check/invariants.js';
import { KernelBug } from '../kernel/filemap.js';
import type { Instance, Program } from '../explore/program.js';
import { ACT_DONE, ACT_STEP, lockAct, unlockAct, type Thread } from '../explore/thread.js';
import { Machine, type Process } from '../kernel/machine.js';
import { touch } from '../kernel/memory.js';
import { do_mmap } from '../kernel/mmap.js';
import { page_remove_rmap } from '../kernel/rmap.js';
import { remove_migration_pte, try_to_migrate_one } from '../kernel/migrate.js';
import { HeldRefs } from './held.js';
import { readPte, type PteRead } from './pte.js';

export type SplitPolicy = 'no-TTU_SYNC' | 'TTU_SYNC';

const A = 0x200;
const PTL = 0;

interface Ctx {
  readonly m: Machine;
  readonly p: Process;
  readonly frame: number;
  readonly held: HeldRefs;
}

const pte = (c: Ctx): PteRead => readPte(c.m, c.p.mm, A);

/** zap_pte_range() of the one pte: clear it, then (still under the pte lock) drop the rmap. */
class ZapThread implements Thread {
  pc = 0;
  where = 'zap: start';
  constructor(private readonly c: Ctx) {}
  get next(): number {
    return [lockAct(PTL), ACT_STEP, ACT_STEP, unlockAct(PTL)][this.pc] ?? ACT_DONE;
  }
  private cleared = false;
  step(): void {
    const c = this.c;
    if (this.pc === 0) this.where = 'zap_pte_range: pte lock taken';
    if (this.pc === 1) {
      const e = pte(c);
      // a present pte keeps its mapcount until page_remove_rmap; a migration entry has none to drop
      this.cleared = e.cls === PteClassCode.present;
      if (e.slot >= 0) c.p.mm.pgtable.set(e.slot, 0, 0);
      this.where = this.cleared ? 'zap_pte_range: ptep_get_and_clear (the pte is none, the mapcount not yet dropped)' : `zap_pte_range: cleared a ${e.cls === PteClassCode.migration ? 'migration entry' : 'none pte'}`;
    }
    if (this.pc === 2) {
      if (this.cleared) page_remove_rmap(c.m, c.frame);
      this.where = this.cleared ? 'zap_pte_range: page_remove_rmap' : 'zap_pte_range: no rmap to drop';
    }
    if (this.pc === 3) this.where = 'zap_pte_range: pte lock dropped';
    this.pc++;
  }
}

/** split_huge_page(): unmap_folio() via try_to_migrate, then the folio_mapped() check. */
class SplitThread implements Thread {
  pc = 0;
  where = 'split: start';
  private migrated = false;
  constructor(
    private readonly c: Ctx,
    private readonly policy: SplitPolicy,
  ) {}
  get next(): number {
    // 0 lockless pte check (no-TTU_SYNC) | lock; 1 lock; 2 unmap the pte; 3 unlock; 4 the check; 5 remap
    switch (this.pc) {
      case 0:
        return this.policy === 'TTU_SYNC' ? lockAct(PTL) : ACT_STEP;
      case 1:
        return lockAct(PTL);
      case 2:
        return ACT_STEP;
      case 3:
        return unlockAct(PTL);
      case 4:
      case 5:
        return ACT_STEP;
      default:
        return ACT_DONE;
    }
  }
  step(): void {
    const c = this.c;
    const m = c.m;
    switch (this.pc) {
      case 0:
        if (this.policy === 'TTU_SYNC') {
          this.where = 'page_vma_mapped_walk: TTU_SYNC: pte lock taken before looking';
          this.pc = 2;
        } else if (pte(c).cls === PteClassCode.none) {
          this.where = 'page_vma_mapped_walk: the pte is none (read without the lock): skipped';
          this.pc = 4;
        } else {
          this.where = 'page_vma_mapped_walk: the pte is present';
          this.pc = 1;
        }
        return;
      case 1:
        this.where = 'page_vma_mapped_walk: pte lock taken';
        this.pc = 2;
        return;
      case 2: {
        const e = pte(c);
        if (e.cls === PteClassCode.present && m.pteFrame(e.hi, e.lo) === c.frame) {
          try_to_migrate_one(m, c.p.mm, e.slot, c.frame);
          this.migrated = true;
          this.where = 'try_to_migrate_one: migration entry installed';
        } else this.where = 'try_to_migrate_one: nothing mapped here';
        this.pc = 3;
        return;
      }
      case 3:
        this.where = 'page_vma_mapped_walk: pte lock dropped';
        this.pc = 4;
        return;
      case 4:
        this.where = 'split_huge_page: unmap_folio done; VM_BUG_ON_FOLIO(folio_mapped(folio))';
        this.pc = 5;
        if (m.frames.maps(c.frame) > 0) {
          throw new KernelBug(`VM_BUG_ON_FOLIO(folio_mapped(folio)): pfn 0x${m.frames.pfn(c.frame).toString(16)} still has mapcount ${m.frames.maps(c.frame)} after unmap_folio, but no pte maps it (zap_pte_range cleared the pte and has not dropped the mapcount yet)`);
        }
        return;
      case 5: {
        // remap_page(): the migration entry back to a present pte, where a zap has not cleared it meanwhile
        const e = pte(c);
        if (this.migrated && e.slot >= 0) remove_migration_pte(m, c.p.mm, e.slot, c.frame, c.frame, c.p.mm.vmas.lookup(A)!.flags);
        c.held.release(c.frame); // split's own reference on the folio
        this.where = 'split_huge_page: remap_page, the folio released';
        this.pc = 6;
        return;
      }
    }
  }
}

export function thpSplitZap(spec: VariantSpec, policy: SplitPolicy): Program {
  return {
    name: `thp-split-zap/${policy}`,
    instantiate(): Instance {
      const m = new Machine({ spec, frames: 64 });
      const p = m.spawn('p');
      do_mmap(m, p.mm, { start: A, pages: 1, prot: { read: true, write: true, exec: false }, shared: false });
      touch(m, p.mm, A, true, m.tags.intern('T'));
      const e = p.mm.pgtable.walk(A, false);
      const frame = m.pteFrame(p.mm.pgtable.hi(e), p.mm.pgtable.lo(e));
      const c: Ctx = { m, p, frame, held: new HeldRefs(m) };
      c.held.hold(frame); // split_huge_page's reference (folio_try_get before the split)
      const threads = [new ZapThread(c), new SplitThread(c, policy)];
      return {
        threads,
        check() {
          // mid-zap the pte is none while the mapcount still counts it: the zap's pte lock makes that legal
          const zap = threads[0]! as ZapThread;
          if (zap.pc === 2) return null;
          const v = checkInvariants(m, c.held);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
        final() {
          const v = checkInvariants(m);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
      };
    },
  };
}
