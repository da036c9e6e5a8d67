/**
 * move_pages(2) for one page between the machine's NUMA nodes
 * (FrameTable.nodes; a frame's node is m.frames.node): look the page up,
 * isolate it and migrate it through migrate.ts (try_to_migrate, the copy,
 * remove_migration_ptes) onto a page of the target node.
 *
 * 6.18 (mm/migrate.c kernel_move_pages → do_pages_move →
 * add_folio_for_migration ~2190–2230, do_move_pages_to_node): the page is
 * looked up under mmap_lock (read) and the pte lock (folio_walk with
 * FW_ZEROPAGE) and isolated there; the migration runs after mmap_lock is
 * dropped. Status: the node (already there, or moved); -EFAULT for no VMA
 * or the zero page; -ENOENT for no present page; -EACCES for a page mapped
 * by more than one process without MPOL_MF_MOVE_ALL; -EBUSY when it cannot
 * be isolated (another migration has it). A migration that keeps failing
 * leaves the status unwritten and the call returns 1 (pages not migrated).
 *
 * 2.6.21 (mm/migrate.c sys_move_pages / do_move_pages 760–900): mmap_sem
 * is held for read across the lookup and the whole migration; the zero
 * page (PageReserved) and a missing page are -ENOENT; a failed migration's
 * status is its -EAGAIN and the call returns 1. When no page was isolated
 * — every status an error, or the page already on the node — the call
 * itself fails with -ENOENT and copies no status out.
 *
 * Whole-call errors: ENODEV for a node outside 0 … nodes-1 (no memory
 * there); ENOSYS without CONFIG_MIGRATION.
 */
import { SyscallError } from './errno.js';
import { pte_lock, pte_unlock } from './locks.js';
import type { Machine, Mm } from './machine.js';
import { MAX_NODES } from './frames.js';
import { isolate_lru_page, isZeroPage, migrate_pages, MIGRATE_OK } from './migrate.js';
import { mmap_lock, mmap_unlock } from './mmap-lock.js';
import type { KernelPath } from './sched.js';
import { PteClassCode } from '@mmsim/core';

export const EFAULT = 14;
export const ENOENT = 2;
export const EACCES = 13;
export const EBUSY = 16;
export const EAGAIN = 11;

export interface MovePagesResult {
  /** what the syscall returns: 0, or the number of pages it did not migrate */
  readonly ret: number;
  /** status[0]: the page's node, or a negative errno; null where the kernel leaves it unwritten */
  readonly status: number | null;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** move_pages(0, 1, {addr}, {node}, status, moveAll ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE) for the page at `vpn`. */
export function* do_move_pages_path(m: Machine, mm: Mm, vpn: number, node: number, moveAll: boolean): KernelPath<MovePagesResult> {
  const f = m.frames;
  if (!m.variant.config.MIGRATION) throw new SyscallError('ENOSYS', 'move_pages needs CONFIG_MIGRATION');
  if (!Number.isInteger(node) || node < 0 || node >= MAX_NODES || node >= f.nodes) {
    throw new SyscallError('ENODEV', `move_pages: node ${node} has no memory (the machine has ${f.nodes} node${f.nodes === 1 ? '' : 's'})`);
  }
  const early = m.era === '6.18';
  yield* mmap_lock(m, mm, `move_pages: mmap_lock (read); look up ${hex(vpn)}`);
  let status: number;
  let frame = -1;
  let queued = false;
  const vma = mm.vmas.lookup(vpn);
  if (!vma) status = -EFAULT;
  else {
    yield* pte_lock(m, mm, `move_pages: ${early ? 'folio_walk_start' : 'follow_page'}: pte lock; the pte at ${hex(vpn)}`);
    const slot = mm.pgtable.walk(vpn, false);
    const hi = slot < 0 ? 0 : mm.pgtable.hi(slot);
    const lo = slot < 0 ? 0 : mm.pgtable.lo(slot);
    const cls = slot < 0 ? PteClassCode.none : m.variant.fast.classify(hi, lo);
    if (cls !== PteClassCode.present && cls !== PteClassCode.protnone) status = -ENOENT;
    else {
      frame = m.pteFrame(hi, lo);
      if (isZeroPage(m, frame)) status = early ? -EFAULT : -ENOENT;
      else if (f.node[frame] === node) status = node;
      else if (f.maps(frame) > 1 && !moveAll) status = -EACCES;
      else if (!isolate_lru_page(m, frame)) status = -EBUSY;
      else {
        queued = true;
        status = node;
      }
    }
    yield* pte_unlock(m, mm, `move_pages: ${queued ? `pfn ${hex(f.pfn(frame))} isolated for migration to node ${node}` : `status ${status}`}; pte lock dropped`);
  }
  if (early) yield* mmap_unlock(m, mm, 'move_pages: mmap_lock dropped (the migration runs without it)');
  let ret = 0;
  let written: number | null = status;
  if (queued) {
    const rc = yield* migrate_pages(m, frame, node);
    if (rc !== MIGRATE_OK) {
      ret = 1;
      written = early ? null : -EAGAIN;
    }
  }
  if (!early) yield* mmap_unlock(m, mm, 'move_pages: mmap_sem dropped');
  if (!early && !queued) throw new SyscallError('ENOENT', `move_pages: no page isolated (status ${status}): 2.6.21 do_move_pages fails the call and copies no status out`);
  return { ret, status: written };
}
