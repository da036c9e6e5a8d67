/**
 * Race 2 of the explorer issue: mremap against an rmap walk (the 2011
 * thread: "mm: fix race between mremap and removing migration entry",
 * Andrea Arcangeli / Hugh Dickins). mremap moves a pte from the source VMA
 * to a destination VMA while migration walks the anon_vma's VMAs in chain
 * order. When vma_merge reused an earlier VMA, the destination sits before
 * the source in the chain: remove_migration_ptes visits the destination
 * (nothing there yet), move_page_tables moves the migration entry into it,
 * and the walk then visits the source (nothing there any more). The entry
 * is left behind, pointing at the old page after migration freed it; a
 * fault there waits in migration_entry_wait for ever (or maps a freed page).
 *
 * Policies:
 * - 'merge-order': the destination before the source, move_page_tables
 *   without the anon_vma lock (the bug).
 * - 'order-tail': anon_vma_order_tail() moves the destination to the tail
 *   of the chain, so the walk visits the source first (the 2011 fix).
 * - 'anon-vma-lock': mremap holds the anon_vma lock across
 *   move_page_tables (the later fix, take_rmap_locks in move_page_tables).
 *
 * mremap's steps: copy_vma (chain link under the anon_vma lock),
 * move_ptes (under the pte locks: one atomic step), the old VMA unlinked.
 * Migration's: try_to_migrate over the chain, the copy, and
 * remove_migration_ptes over the chain, each walk under the anon_vma lock.
 */
import { PteClassCode, type VariantSpec } from '@mmsim/core';
import { checkInvariants } from '../check/invariants.js';
import type { Instance, Program } from '../explore/program.js';
import { ACT_DONE, ACT_STEP, lockAct, unlockAct, type Thread } from '../explore/thread.js';
import { Machine, type Process } from '../kernel/machine.js';
import { touch } from '../kernel/memory.js';
import { do_mmap } from '../kernel/mmap.js';
import { PG_anon, PG_swapbacked, PG_uptodate } from '../kernel/page-flags.js';
import type { Vma } from '../kernel/vma.js';
import { remove_migration_pte, try_to_migrate_one } from '../kernel/migrate.js';
import { HeldRefs } from './held.js';
import { mappedFrame, readPte, type PteRead } from './pte.js';

export type MremapPolicy = 'merge-order' | 'order-tail' | 'anon-vma-lock';

const S = 0x40;
const D = 0x10;
const ANON_VMA = 1;

interface Ctx {
  readonly m: Machine;
  readonly p: Process;
  readonly policy: MremapPolicy;
  /** the anon_vma's chain of VMAs, in walk order */
  readonly chain: Vma[];
  readonly held: HeldRefs;
  /** the page under migration, and its copy */
  old: number;
  copy: number;
}

const pteAt = (c: Ctx, vpn: number): PteRead => readPte(c.m, c.p.mm, vpn);

function vpnIn(v: Vma, index: number): number {
  return v.start + (index - v.pgoff);
}

/** mremap of the one-page VMA at S to D. */
class MremapThread implements Thread {
  pc = 0;
  where = 'mremap: start';
  private src!: Vma;
  private dst!: Vma;
  constructor(private readonly c: Ctx) {}
  get next(): number {
    const locked = this.c.policy === 'anon-vma-lock';
    // 0 lock, 1 copy_vma, 2 unlock (or not), 3 move_ptes, 4 unlock (anon-vma-lock), 5 lock, 6 unlink, 7 unlock
    switch (this.pc) {
      case 0:
        return lockAct(ANON_VMA);
      case 1:
        return ACT_STEP;
      case 2:
        return locked ? ACT_STEP : unlockAct(ANON_VMA);
      case 3:
        return ACT_STEP;
      case 4:
        return locked ? unlockAct(ANON_VMA) : ACT_STEP;
      case 5:
        return lockAct(ANON_VMA);
      case 6:
        return ACT_STEP;
      case 7:
        return unlockAct(ANON_VMA);
      default:
        return ACT_DONE;
    }
  }
  step(): void {
    const c = this.c;
    switch (this.pc) {
      case 0:
        this.where = 'mremap: anon_vma lock taken';
        break;
      case 1: {
        this.src = c.p.mm.vmas.lookup(S)!;
        this.dst = { ...this.src, start: D, end: D + 1 };
        c.p.mm.vmas.insert(this.dst);
        // vma_merge reused the earlier VMA: it sits before the source in the chain, unless anon_vma_order_tail
        if (c.policy === 'order-tail') c.chain.push(this.dst);
        else c.chain.unshift(this.dst);
        this.where = `mremap: copy_vma (the destination ${c.policy === 'order-tail' ? 'after' : 'before'} the source in the anon_vma chain)`;
        break;
      }
      case 2:
        this.where = c.policy === 'anon-vma-lock' ? 'mremap: anon_vma lock kept for move_page_tables' : 'mremap: anon_vma lock dropped';
        break;
      case 3: {
        // move_ptes(): under both pte locks, the entry moves whatever it is
        const from = pteAt(c, S);
        const pt = c.p.mm.pgtable;
        if (from.slot >= 0 && from.cls !== PteClassCode.none) {
          pt.set(pt.walk(D, true), from.hi, from.lo);
          pt.set(from.slot, 0, 0);
        }
        this.where = `mremap: move_ptes 0x${S.toString(16)} → 0x${D.toString(16)} (${['none', 'present', 'protnone', 'file', 'swap', 'migration entry'][from.cls] ?? 'entry'} moved)`;
        break;
      }
      case 4:
        this.where = c.policy === 'anon-vma-lock' ? 'mremap: anon_vma lock dropped' : 'mremap: moved';
        break;
      case 5:
        this.where = 'mremap: anon_vma lock taken';
        break;
      case 6:
        c.p.mm.vmas.remove(this.src);
        c.chain.splice(c.chain.indexOf(this.src), 1);
        this.where = 'mremap: the old VMA unlinked';
        break;
      case 7:
        this.where = 'mremap: anon_vma lock dropped';
        break;
    }
    this.pc++;
  }
}

/** migrate_pages() of the page: try_to_migrate, copy, remove_migration_ptes. */
class MigrateThread implements Thread {
  pc = 0;
  where = 'migrate: start';
  private walk: Vma[] = [];
  private i = 0;
  private phase: 'unmap' | 'remove' | 'done' = 'unmap';
  constructor(private readonly c: Ctx) {}
  get next(): number {
    switch (this.pc) {
      case 0:
        return lockAct(ANON_VMA);
      case 1:
        return this.i < this.walk.length ? ACT_STEP : unlockAct(ANON_VMA);
      case 2:
        return ACT_STEP;
      default:
        return ACT_DONE;
    }
  }
  step(): void {
    const c = this.c;
    const m = c.m;
    const f = m.frames;
    if (this.pc === 0) {
      this.walk = [...c.chain]; // stable while the walk holds the anon_vma lock
      this.i = 0;
      this.where = `${this.phase === 'unmap' ? 'try_to_migrate' : 'remove_migration_ptes'}: anon_vma lock taken (${this.walk.length} VMAs)`;
      this.pc = 1;
      return;
    }
    if (this.pc === 1 && this.i < this.walk.length) {
      const v = this.walk[this.i++]!;
      const vpn = vpnIn(v, f.index[c.old]!);
      const e = pteAt(c, vpn);
      if (this.phase === 'unmap') {
        if (e.cls === PteClassCode.present && m.pteFrame(e.hi, e.lo) === c.old) {
          try_to_migrate_one(m, c.p.mm, e.slot, c.old);
          this.where = `try_to_migrate: VMA at 0x${v.start.toString(16)}: migration entry installed at 0x${vpn.toString(16)}`;
        } else this.where = `try_to_migrate: VMA at 0x${v.start.toString(16)}: nothing mapped at 0x${vpn.toString(16)}`;
      } else {
        const target = c.copy >= 0 ? c.copy : c.old;
        if (e.slot >= 0 && remove_migration_pte(m, c.p.mm, e.slot, c.old, target, v.flags)) {
          this.where = `remove_migration_ptes: VMA at 0x${v.start.toString(16)}: the entry at 0x${vpn.toString(16)} now maps pfn 0x${f.pfn(target).toString(16)}`;
        } else this.where = `remove_migration_ptes: VMA at 0x${v.start.toString(16)}: no migration entry at 0x${vpn.toString(16)}`;
      }
      return;
    }
    if (this.pc === 1) {
      this.where = `${this.phase === 'unmap' ? 'try_to_migrate' : 'remove_migration_ptes'}: anon_vma lock dropped`;
      this.pc = 2;
      return;
    }
    // pc 2: between the walks, or the end
    if (this.phase === 'unmap') {
      if (f.maps(c.old) > 0) {
        this.where = 'migrate: the page is still mapped: migration fails, the entries are restored';
      } else {
        const copy = f.alloc(); // migration's reference on the new page
        f.flags[copy]! |= PG_anon | PG_swapbacked | PG_uptodate;
        f.mapping[copy] = f.mapping[c.old]!;
        f.index[copy] = f.index[c.old]!;
        f.tag[copy] = f.tag[c.old]!;
        c.copy = copy;
        c.held.set(copy, 1);
        this.where = `migrate: copied pfn 0x${f.pfn(c.old).toString(16)} to pfn 0x${f.pfn(copy).toString(16)}`;
      }
      this.phase = 'remove';
      this.pc = 0;
      return;
    }
    // the end: migration's references go (the old page is freed when nothing maps it)
    c.held.release(c.old);
    if (c.copy >= 0) c.held.release(c.copy);
    this.where = 'migrate: done, the old page released';
    this.phase = 'done';
    this.pc = 3;
  }
}

export function mremapRmap(spec: VariantSpec, policy: MremapPolicy): Program {
  return {
    name: `mremap-rmap/${policy}`,
    instantiate(): Instance {
      const m = new Machine({ spec, frames: 64 });
      const p = m.spawn('p');
      const src = do_mmap(m, p.mm, { start: S, pages: 1, prot: { read: true, write: true, exec: false }, shared: false });
      touch(m, p.mm, S, true, m.tags.intern('X'));
      const old = mappedFrame(m, p.mm, S);
      const c: Ctx = { m, p, policy, chain: [src], held: new HeldRefs(m), old, copy: -1 };
      c.held.hold(old); // migration isolated the page: it holds a reference for the whole migration
      const threads = [new MremapThread(c), new MigrateThread(c)];
      const leftBehind = (): string | null => {
        for (const v of p.mm.vmas.list) {
          for (let vpn = v.start; vpn < v.end; vpn++) {
            const e = pteAt(c, vpn);
            if (e.cls !== PteClassCode.migration) continue;
            const pfn = m.variant.fast.pte_to_swp_offset_lo(e.hi, e.lo);
            const freed = m.frames.isFree(m.frames.frameOf(pfn));
            return `left-behind migration entry: the pte at 0x${vpn.toString(16)} names pfn 0x${pfn.toString(16)}${freed ? ', which migration has freed' : ''}; a fault there waits in migration_entry_wait for ever`;
          }
        }
        return null;
      };
      return {
        threads,
        check() {
          // a migration entry must name a page migration still holds
          for (const v of p.mm.vmas.list) {
            for (let vpn = v.start; vpn < v.end; vpn++) {
              const e = pteAt(c, vpn);
              if (e.cls === PteClassCode.migration && m.frames.isFree(m.frames.frameOf(m.variant.fast.pte_to_swp_offset_lo(e.hi, e.lo)))) return leftBehind();
            }
          }
          const v = checkInvariants(m, c.held);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
        final() {
          const left = leftBehind();
          if (left) return left;
          if (touch(m, p.mm, D, false, 0) !== 0 || m.tags.name(m.lastTag) !== 'X') return `data: 0x${D.toString(16)} does not read X after mremap and migration`;
          const v = checkInvariants(m);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
      };
    },
  };
}
