/**
 * move_pages(2) between the machine's NUMA nodes (FrameTable.nodes; a
 * frame's node is m.frames.nid(frame)): with a node list, look each page up,
 * isolate it and migrate it through migrate.migrate_pages.ts (try_to_migrate, the copy,
 * remove_migration_ptes) onto a page of its target node; without one
 * (nodes == NULL), report each page's node.
 *
 * Whole-call errors (both eras, kernel_move_pages / sys_move_pages): EINVAL
 * for flags outside MPOL_MF_MOVE|MPOL_MF_MOVE_ALL (MPOL_MF_MOVE itself is
 * not required), EPERM for MOVE_ALL without CAP_SYS_NICE, ENOSYS without
 * CONFIG_MIGRATION. The task's cpuset allows every node (no EACCES).
 *
 * 6.18 (mm/migrate.c):
 *   do_pages_stat → do_pages_stat_array, under mmap_lock (read) for each
 *   chunk of 16 pages: -EFAULT for no VMA at the address (vma_lookup) or
 *   the shared or huge zero page (folio_walk_start with FW_ZEROPAGE: an
 *   unfaulted-then-read anon page), -ENOENT when no page is mapped there
 *   (never touched, swapped, a migration entry), else the folio's node.
 *   do_pages_move: page by page, a node outside 0 … MAX_NUMNODES-1 or
 *   without memory is -ENODEV for the whole call (goto out_flush: the pages
 *   queued so far still migrate and get their status; the pages after it
 *   keep whatever status the caller had). add_folio_for_migration looks the
 *   page up under mmap_lock (read) and the pte lock and isolates it there:
 *   -EFAULT (no VMA, the zero page), -ENOENT (nothing mapped), 0 (already
 *   on the node: the status is the node), -EACCES (mapped shared without
 *   MPOL_MF_MOVE_ALL), -EBUSY (cannot be isolated: another migration has
 *   it), or queued. Queued pages migrate as a batch (do_move_pages_to_node,
 *   after mmap_lock is dropped) when the target node changes, when a page
 *   is not queued, and at the end; a batch that migrates gets the node as
 *   status (store_status); one that does not leaves its statuses unwritten
 *   and the call returns the number not migrated plus the pages not yet
 *   attempted (move_pages_and_store_status; "we have accounted for page
 *   i").
 *
 * 2.6.21 (mm/migrate.c sys_move_pages, do_move_pages, do_pages_stat):
 *   every node is checked first (node_online: -ENODEV, nothing done); then
 *   mmap_sem is held for read across the lookups and the whole migration.
 *   find_vma(addr) is not checked against vm_start: an address in a hole
 *   below a VMA finds no pte there (-ENOENT), only an address above the
 *   last VMA is -EFAULT. The zero page (PageReserved) and a missing page
 *   are -ENOENT; a page already on its node reports the node; -EACCES for
 *   page_mapcount > 1 without MOVE_ALL; -EBUSY when isolate_lru_page fails;
 *   a queued page's status is its new node or the migration's -EAGAIN, and
 *   the call returns the number that failed. When no page was isolated the
 *   call itself fails with -ENOENT and copies no status out.
 *
 * @kernel mm/migrate.c
 */
import { SyscallError } from '../model/errno.js';
import { folioHead, isHugeZeroPmd, pmdFrame, thpState } from './huge_memory.js';
import { pte_lock, pte_unlock } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { isZeroPage } from './migrate.js';
import { isolate_lru_page, migrate_pages, migrate_pages_list, MIGRATE_OK } from './migrate.migrate_pages.js';
import { MAX_NUMNODES, mappedShared, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL } from './mempolicy.js';
import { mmap_lock, mmap_unlock } from './mmap_lock.js';
import type { KernelPath } from '../model/sched.js';
import { mapsPage } from './pagewalk.js';
import { vaddr } from '../model/vaddr.js';

export const EFAULT = 14;
export const ENOENT = 2;
export const EACCES = 13;
export const EBUSY = 16;
export const EAGAIN = 11;

/** errno names of the negative statuses move_pages writes */
export const STATUS_ERRNO: Readonly<Record<number, string>> = { [ENOENT]: 'ENOENT', [EAGAIN]: 'EAGAIN', 12: 'ENOMEM', [EACCES]: 'EACCES', [EFAULT]: 'EFAULT', [EBUSY]: 'EBUSY', 19: 'ENODEV' };

export interface MovePagesRequest {
  /** the pages (vpns) of the call's address array */
  readonly pages: readonly number[];
  /** target node of each page, or null: report the nodes (do_pages_stat) */
  readonly nodes: readonly number[] | null;
  /** MPOL_MF_MOVE | MPOL_MF_MOVE_ALL */
  readonly flags: number;
  /** CAP_SYS_NICE (default true: the oracle runs as root) */
  readonly capable?: boolean;
}

export type MovePagesErrno = 'EINVAL' | 'EPERM' | 'ENODEV' | 'ENOENT' | 'ENOSYS';

export interface MovePagesOutcome {
  /** what the call returns: 0, or the number of pages not migrated; -1 with errno */
  readonly ret: number;
  readonly errno?: MovePagesErrno;
  readonly why?: string;
  /** status[i]: the page's node or a negative errno; null where the kernel leaves it unwritten */
  readonly status: (number | null)[];
}

export interface MovePagesResult {
  /** what the syscall returns: 0, or the number of pages it did not migrate */
  readonly ret: number;
  /** status[0]: the page's node, or a negative errno; null where the kernel leaves it unwritten */
  readonly status: number | null;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** What a page-table walk finds at vpn: the folio's frame (a large folio's head), whether it is a (huge) zero page; null for nothing mapped. */
interface Found {
  readonly frame: number;
  readonly zero: boolean;
}

/** folio_walk_start(FW_ZEROPAGE) (6.18) / follow_page (2.6.21): the page mapped at vpn, under the pte lock the caller holds. */
function lookup(m: Machine, mm: Mm, vpn: number): Found | null {
  const pt = mm.pgtable;
  if (thpState(m) !== null) {
    const ps = pt.pmdSlot(vpn, false);
    const h = ps < 0 ? undefined : pt.hugeAt(ps);
    if (h !== undefined) return { frame: pmdFrame(m, h.hi, h.lo), zero: isHugeZeroPmd(m, h) };
  }
  const slot = pt.walk(vpn, false);
  if (slot < 0) return null;
  const hi = pt.hi(slot);
  const lo = pt.lo(slot);
  const cls = m.variant.fast.classify(hi, lo);
  if (!mapsPage(cls)) return null;
  const frame = m.pteFrame(hi, lo);
  if (isZeroPage(m, frame)) return { frame, zero: true };
  return { frame: folioHead(m, frame), zero: false };
}

/** move_pages(0, n, pages, nodes, status, flags) on the mm: the call's return, errno and status array. */
export function* kernel_move_pages_path(m: Machine, mm: Mm, req: MovePagesRequest): KernelPath<MovePagesOutcome> {
  const n = req.pages.length;
  const unwritten = (): (number | null)[] => new Array<number | null>(n).fill(null);
  const fail = (errno: MovePagesErrno, why: string): MovePagesOutcome => ({ ret: -1, errno, why, status: unwritten() });
  if (!m.variant.config.MIGRATION) return fail('ENOSYS', 'move_pages needs CONFIG_MIGRATION');
  if ((req.flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) !== 0) return fail('EINVAL', `move_pages: flags ${hex(req.flags)} outside MPOL_MF_MOVE|MPOL_MF_MOVE_ALL`);
  if ((req.flags & MPOL_MF_MOVE_ALL) !== 0 && req.capable === false) return fail('EPERM', 'move_pages: MPOL_MF_MOVE_ALL needs CAP_SYS_NICE');
  if (req.nodes !== null && req.nodes.length !== n) throw new RangeError(`move_pages: ${n} pages but ${req.nodes.length} nodes`);
  const moveAll = (req.flags & MPOL_MF_MOVE_ALL) !== 0;
  if (m.era === '6.18') return req.nodes ? yield* do_pages_move(m, mm, req.pages, req.nodes, moveAll) : yield* do_pages_stat(m, mm, req.pages);
  return req.nodes ? yield* do_move_pages_2621(m, mm, req.pages, req.nodes, moveAll) : yield* do_pages_stat_2621(m, mm, req.pages);
}

/** node_state(node, N_MEMORY) within 0 … MAX_NUMNODES-1 */
function nodeHasMemory(m: Machine, node: number): boolean {
  return Number.isInteger(node) && node >= 0 && node < MAX_NUMNODES && node < m.frames.nodes;
}

const noMemory = (m: Machine, node: number): string => `move_pages: node ${node} has no memory (the machine has ${m.frames.nodes} node${m.frames.nodes === 1 ? '' : 's'})`;

// ---------------------------------------------------------------- 6.18

/** do_pages_stat() → do_pages_stat_array() (6.18), 16 pages per mmap_lock hold */
function* do_pages_stat(m: Machine, mm: Mm, pages: readonly number[]): KernelPath<MovePagesOutcome> {
  const status: (number | null)[] = [];
  for (let chunk = 0; chunk < pages.length; chunk += 16) {
    yield* mmap_lock(m, mm, `move_pages: do_pages_stat_array: mmap_lock (read); pages ${chunk}–${Math.min(pages.length, chunk + 16) - 1}`);
    for (let i = chunk; i < Math.min(pages.length, chunk + 16); i++) {
      const vpn = pages[i]!;
      if (!mm.vmas.lookup(vpn)) {
        status.push(-EFAULT);
        continue;
      }
      yield* pte_lock(m, mm, `move_pages: folio_walk_start: pte lock; the pte at ${vaddr(m, vpn)}`);
      const found = lookup(m, mm, vpn);
      status.push(!found ? -ENOENT : found.zero ? -EFAULT : m.frames.nid(found.frame));
      yield* pte_unlock(m, mm, `move_pages: status ${status[i]}; pte lock dropped`);
    }
    yield* mmap_unlock(m, mm, 'move_pages: mmap_lock dropped');
  }
  return { ret: 0, status };
}

/**
 * add_folio_for_migration() (6.18): 1 when the folio was isolated onto
 * `list`, 0 when it is on `node` already, else the negative status.
 */
function* add_folio_for_migration(m: Machine, mm: Mm, vpn: number, node: number, moveAll: boolean, list: number[]): KernelPath<number> {
  yield* mmap_lock(m, mm, `move_pages: mmap_lock (read); look up ${vaddr(m, vpn)}`);
  let err = -EFAULT;
  if (mm.vmas.lookup(vpn)) {
    yield* pte_lock(m, mm, `move_pages: folio_walk_start: pte lock; the pte at ${vaddr(m, vpn)}`);
    const found = lookup(m, mm, vpn);
    if (!found) err = -ENOENT;
    else if (found.zero) err = -EFAULT;
    else if (m.frames.nid(found.frame) === node) err = 0;
    else if (mappedShared(m, found.frame) && !moveAll) err = -EACCES;
    else if (!isolate_lru_page(m, found.frame)) err = -EBUSY;
    else {
      list.push(found.frame);
      err = 1;
    }
    yield* pte_unlock(m, mm, `move_pages: ${err === 1 ? `pfn ${hex(m.frames.pfn(found!.frame))} isolated for migration to node ${node}` : `status ${err}`}; pte lock dropped`);
  }
  yield* mmap_unlock(m, mm, 'move_pages: mmap_lock dropped (the migration runs without it)');
  return err;
}

/** do_pages_move() (6.18): batches of consecutive pages bound for one node */
function* do_pages_move(m: Machine, mm: Mm, pages: readonly number[], nodes: readonly number[], moveAll: boolean): KernelPath<MovePagesOutcome> {
  const n = pages.length;
  const status: (number | null)[] = new Array<number | null>(n).fill(null);
  const list: number[] = [];
  let current = -1; // NUMA_NO_NODE
  let start = 0;
  // move_pages_and_store_status(): the batch [start, i) to `node`
  const flush = function* (node: number, i: number): KernelPath<number> {
    if (list.length === 0) return 0;
    const failed = yield* migrate_pages_list(m, list, () => node); // do_move_pages_to_node
    if (failed > 0) return failed + n - i;
    for (let k = start; k < i; k++) status[k] = node;
    return 0;
  };
  let errno: MovePagesErrno | undefined;
  let i = 0;
  for (; i < n; i++) {
    const node = nodes[i]!;
    if (!nodeHasMemory(m, node)) {
      errno = 'ENODEV';
      break; // goto out_flush
    }
    if (current === -1) {
      current = node;
      start = i;
    } else if (node !== current) {
      const err = yield* flush(current, i);
      if (err) return { ret: err, status };
      start = i;
      current = node;
    }
    const err = yield* add_folio_for_migration(m, mm, pages[i]!, current, moveAll, list);
    if (err > 0) continue;
    status[i] = err !== 0 ? err : current;
    const e = yield* flush(current, i);
    if (e) return { ret: e - 1, status }; // page i is accounted for
    current = -1;
  }
  const err1 = yield* flush(current, i);
  if (errno) return { ret: -1, errno, why: noMemory(m, nodes[i]!), status };
  return { ret: err1, status };
}

// ---------------------------------------------------------------- 2.6.21

/** do_pages_stat() (2.6.21): find_vma without the vm_start check, follow_page, the zero page -ENOENT */
function* do_pages_stat_2621(m: Machine, mm: Mm, pages: readonly number[]): KernelPath<MovePagesOutcome> {
  const status: (number | null)[] = [];
  yield* mmap_lock(m, mm, 'move_pages: do_pages_stat: mmap_sem (read)');
  for (const vpn of pages) {
    if (!mm.vmas.findVma(vpn)) {
      status.push(-EFAULT);
      continue;
    }
    yield* pte_lock(m, mm, `move_pages: follow_page: pte lock; the pte at ${vaddr(m, vpn)}`);
    const found = lookup(m, mm, vpn);
    status.push(!found || found.zero ? -ENOENT : m.frames.nid(found.frame));
    yield* pte_unlock(m, mm, `move_pages: status ${status.at(-1)}; pte lock dropped`);
  }
  yield* mmap_unlock(m, mm, 'move_pages: mmap_sem dropped');
  return { ret: 0, status };
}

/** sys_move_pages → do_move_pages() (2.6.21) */
function* do_move_pages_2621(m: Machine, mm: Mm, pages: readonly number[], nodes: readonly number[], moveAll: boolean): KernelPath<MovePagesOutcome> {
  const n = pages.length;
  // every node is checked before any page is looked at (node_online; no bounds check until 2.6.28 — out of range is -ENODEV here)
  for (const node of nodes) {
    if (!nodeHasMemory(m, node)) return { ret: -1, errno: 'ENODEV', why: noMemory(m, node), status: new Array<number | null>(n).fill(null) };
  }
  const pm: number[] = [];
  const queued: { i: number; frame: number }[] = [];
  yield* mmap_lock(m, mm, `move_pages: mmap_sem (read); look up ${n} page${n === 1 ? '' : 's'}`);
  for (let i = 0; i < n; i++) {
    const vpn = pages[i]!;
    const node = nodes[i]!;
    if (!mm.vmas.findVma(vpn)) {
      pm.push(-EFAULT); // vma_migratable() holds for every VMA of the model
      continue;
    }
    yield* pte_lock(m, mm, `move_pages: follow_page: pte lock; the pte at ${vaddr(m, vpn)}`);
    const found = lookup(m, mm, vpn);
    let status: number;
    if (!found || found.zero) status = -ENOENT;
    else if (m.frames.nid(found.frame) === node) status = node;
    else if (m.frames.maps(found.frame) > 1 && !moveAll) status = -EACCES;
    else if (!isolate_lru_page(m, found.frame)) status = -EBUSY;
    else {
      status = 0;
      queued.push({ i, frame: found.frame });
    }
    pm.push(status);
    yield* pte_unlock(m, mm, `move_pages: ${status === 0 && found && queued.at(-1)?.i === i ? `pfn ${hex(m.frames.pfn(found.frame))} isolated for migration to node ${node}` : `status ${status}`}; pte lock dropped`);
  }
  let ret = 0;
  if (queued.length > 0) {
    // migrate_pages(): new_page_node allocates on the page's node; unmap_and_move writes its status
    for (const { i, frame } of queued) {
      const rc = yield* migrate_pages(m, frame, nodes[i]!);
      if (rc === MIGRATE_OK) pm[i] = nodes[i]!;
      else {
        pm[i] = -EAGAIN;
        ret++;
      }
    }
  }
  yield* mmap_unlock(m, mm, 'move_pages: mmap_sem dropped');
  if (queued.length === 0) {
    return { ret: -1, errno: 'ENOENT', why: `move_pages: no page isolated (statuses ${pm.join(', ')}): 2.6.21 do_move_pages fails the call and copies no status out`, status: new Array<number | null>(n).fill(null) };
  }
  return { ret, status: pm };
}

// ---------------------------------------------------------------- one page

/** move_pages(0, 1, {addr}, {node}, status, moveAll ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE) for the page at `vpn`; a whole-call error is thrown. */
export function* do_move_pages_path(m: Machine, mm: Mm, vpn: number, node: number, moveAll: boolean): KernelPath<MovePagesResult> {
  const r = yield* kernel_move_pages_path(m, mm, { pages: [vpn], nodes: [node], flags: moveAll ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE });
  if (r.errno) throw new SyscallError(r.errno, r.why ?? r.errno);
  return { ret: r.ret, status: r.status[0] ?? null };
}
