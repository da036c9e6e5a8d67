/**
 * NUMA memory policies (mm/mempolicy.c): mbind(2), migrate_pages(2) and
 * get_mempolicy(2)'s task policy, in both eras, on the machine's nodes
 * (FrameTable.nodes: node ids 0 … nodes-1 all have memory and are online).
 *
 * Node masks are bigints (bit n = node n). A user mask goes through
 * get_nodes(): maxnode-1 bits are read, bits at or past MAX_NUMNODES must
 * be clear. The model's MAX_NUMNODES is 64 in both eras (x86_64
 * CONFIG_NODES_SHIFT's default 6; the sim's node array, MAX_NODES).
 *
 * 6.18 (mm/mempolicy.c kernel_mbind → sanitize_mpol_flags, get_nodes,
 * do_mbind → mpol_new, mpol_set_nodemask, queue_pages_range,
 * mbind_range / vma_modify_policy, migrate_pages with
 * alloc_migration_target_by_mpol):
 *   - the mode is checked (EINVAL ≥ MPOL_MAX, STATIC with RELATIVE,
 *     NUMA_BALANCING outside BIND/PREFERRED_MANY), then the flags
 *     (EINVAL outside STRICT|MOVE|MOVE_ALL; EPERM for MOVE_ALL without
 *     CAP_SYS_NICE); MPOL_DEFAULT drops STRICT; len 0 is success;
 *   - mpol_new: MPOL_DEFAULT takes no nodes (EINVAL for a non-empty mask)
 *     and is the NULL policy; PREFERRED with no nodes is MPOL_LOCAL; LOCAL
 *     takes none; every other mode needs a non-empty mask;
 *   - mpol_set_nodemask, under mmap_lock (write): the mask is cut to the
 *     nodes with memory (or, RELATIVE_NODES, folded onto them); a mode
 *     left with no node is EINVAL — mbind(MPOL_BIND, {1}) on a one-node
 *     machine;
 *   - queue_pages_range walks the VMAs of the range (MPOL_MF_INVERT: a
 *     folio is wanted when its node is NOT in the user's mask — for
 *     MPOL_DEFAULT's empty mask, every folio): no VMA at all, or a hole at
 *     the head, in the middle or at the tail unless the policy is
 *     MPOL_DEFAULT (MPOL_MF_DISCONTIG_OK), is EFAULT; a VMA is scanned
 *     only for STRICT, MOVE or MOVE_ALL; the zero page is skipped; a
 *     wanted folio is isolated (MOVE_ALL, or not mapped shared) or counted
 *     failed, a migration entry counts failed, and STRICT without a move
 *     flag stops at the first wanted folio with EIO;
 *   - mbind_range gives each VMA of the range the policy, splitting at the
 *     range's ends and merging with neighbours whose policy (and all else)
 *     now match; a VMA whose policy is already equal is left alone;
 *   - the queued folios migrate to the node the new policy (or the task's,
 *     for MPOL_DEFAULT: the local node) picks; any failure with STRICT is
 *     EIO.
 *   migrate_pages(2) (kernel_migrate_pages → do_migrate_pages →
 *   migrate_to_node): EPERM for a target outside the task's nodes without
 *   CAP_SYS_NICE, then the target is cut to the nodes with memory and an
 *   empty one is EINVAL; source → destination pairs follow node_remap
 *   (skipping a source that is also a destination when the masks' weights
 *   differ); each pair queues every folio on the source node in the whole
 *   address space (MPOL_MF_DISCONTIG_OK, MOVE_ALL with CAP_SYS_NICE) and
 *   migrates it with __GFP_THISNODE; the return is the number not moved.
 *
 * 2.6.21 (mm/mempolicy.c sys_mbind → do_mbind → mpol_check_policy,
 * mpol_new, check_range → check_pte_range, mbind_range → split_vma +
 * policy_vma; sys_migrate_pages → do_migrate_pages → migrate_to_node):
 *   - modes are DEFAULT, PREFERRED, BIND, INTERLEAVE (MPOL_MAX is
 *     MPOL_INTERLEAVE: mode > 3 is EINVAL); no mode flags;
 *   - sys_mbind cuts the mask to the task's mems_allowed first
 *     (CONFIG_CPUSETS: the online nodes), so MPOL_DEFAULT with an offline
 *     node is fine there (6.18: EINVAL) and PREFERRED with only offline
 *     nodes becomes local allocation (6.18: EINVAL); BIND or INTERLEAVE
 *     left empty is EINVAL;
 *   - check_range: find_vma(start) — no VMA at or above start is EFAULT;
 *     a range that starts in a hole is not an error, nor a tail hole with a
 *     VMA after it; a hole between two VMAs of the range is (unless
 *     MPOL_DEFAULT). A range wholly in a hole below some VMA succeeds and
 *     does nothing. STRICT without MOVE stops at a page on a node outside
 *     the mask: EIO. Pages are isolated for MOVE only when mapped once
 *     (or MOVE_ALL); failures to isolate are not counted;
 *   - mbind_range splits every VMA of the range at the range's ends and
 *     sets its policy — even an equal one — and never merges;
 *   - when check_range fails after a VMA before the failing one had pages
 *     isolated (MOVE with a hole further on: EFAULT), do_mbind never puts
 *     them back: they stay isolated, their reference held (a later
 *     move_pages finds them -EBUSY);
 *   - migrate_pages(2) has no empty-target check and no weight rule; a
 *     destination node that is not online is NODE_DATA(node) == NULL in
 *     alloc_pages_node: the kernel oopses (a KernelBug here) as soon as
 *     there is a page to move.
 *
 * Policies are kept on the VMA object (`policy`, copied with it by
 * split_vma, dup_mmap and mremap's copy_vma like vm_policy) and per task
 * (none set: no set_mempolicy op yet — every task has the default policy).
 * Not modelled yet: page faults allocate on node 0 whatever the VMA's
 * policy says (memory.ts's allocations are not policy-aware). Every VMA
 * merge (VmaSet.mergeAround) compares policies, as vma_merge's mpol_equal.
 *
 * @kernel mm/mempolicy.c
 */
import { PteClassCode } from '@mmsim/core';
import { KernelBug } from './filemap.js';
import { entireMapcount, folioHead, isHugeZeroPmd, isLargeFrame, pmdFrame, thpState } from './huge_memory.js';
import { pte_lock, pte_unlock } from '../model/locks.js';
import type { Machine, Mm, Process } from '../model/machine.js';
import { MAX_NODES } from '../model/frames.js';
import { isZeroPage, isolate_lru_page, migrate_pages_list, putback_lru_page } from './migrate.js';
import { splitRange } from './mmap.js';
import { mmap_lock, mmap_unlock } from './mmap_lock.js';
import type { KernelPath } from '../model/sched.js';
import type { Vma } from './vma.js';
import { mapsPage, next_table_vpn } from './pagewalk.js';

// ---------------------------------------------------------------- constants

export const MPOL_DEFAULT = 0;
export const MPOL_PREFERRED = 1;
export const MPOL_BIND = 2;
export const MPOL_INTERLEAVE = 3;
/** 6.18 only (2.6.21's MPOL_MAX is MPOL_INTERLEAVE) */
export const MPOL_LOCAL = 4;
export const MPOL_PREFERRED_MANY = 5;
export const MPOL_WEIGHTED_INTERLEAVE = 6;
export const MPOL_MODE_NAMES = ['MPOL_DEFAULT', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_LOCAL', 'MPOL_PREFERRED_MANY', 'MPOL_WEIGHTED_INTERLEAVE'] as const;
/** mode flags ORed into the mode (6.18 uapi/linux/mempolicy.h) */
export const MPOL_F_STATIC_NODES = 1 << 15;
export const MPOL_F_RELATIVE_NODES = 1 << 14;
export const MPOL_F_NUMA_BALANCING = 1 << 13;
const MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;
/** mbind / move_pages flags */
export const MPOL_MF_STRICT = 1 << 0;
export const MPOL_MF_MOVE = 1 << 1;
export const MPOL_MF_MOVE_ALL = 1 << 2;
const MPOL_MF_VALID = MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL;

/** MAX_NUMNODES of the model (both eras; see the header) */
export const MAX_NUMNODES = MAX_NODES;
/** numa_node_id() of every simulated task: the oracle pins itself to CPU 0, on node 0 */
export const LOCAL_NODE = 0;

export type NumaErrno = 'EINVAL' | 'EPERM' | 'EFAULT' | 'EIO' | 'ENODEV' | 'ENOENT' | 'ENOSYS' | 'EACCES' | 'ENOMEM';

/** A syscall's outcome: its return value, or the errno it fails with (and why, in the kernel's terms). */
export type SyscallOutcome = { readonly ok: true; readonly val: number } | { readonly ok: false; readonly errno: NumaErrno; readonly why: string };

const fail = (errno: NumaErrno, why: string): SyscallOutcome => ({ ok: false, errno, why });
const done = (val: number): SyscallOutcome => ({ ok: true, val });

// ---------------------------------------------------------------- node masks

/** node_states[N_MEMORY] (= N_ONLINE here): nodes 0 … nodes-1 */
export function memoryNodes(m: Machine): bigint {
  return (1n << BigInt(m.frames.nodes)) - 1n;
}

export function nodeIsset(mask: bigint, node: number): boolean {
  return node >= 0 && ((mask >> BigInt(node)) & 1n) === 1n;
}

export function nodesWeight(mask: bigint): number {
  let n = 0;
  for (let v = mask; v !== 0n; v &= v - 1n) n++;
  return n;
}

/** the set node ids, lowest first (for_each_node_mask) */
export function nodeList(mask: bigint): number[] {
  const out: number[] = [];
  for (let n = 0, v = mask; v !== 0n; n++, v >>= 1n) if ((v & 1n) === 1n) out.push(n);
  return out;
}

/** first_node(): the lowest set node, MAX_NUMNODES when empty */
export function firstNode(mask: bigint): number {
  return mask === 0n ? MAX_NUMNODES : nodeList(mask)[0]!;
}

/** bitmap_bitremap() for node_remap(): s's ordinal among `from`, taken modulo the weight of `to`, as a node of `to` */
export function nodeRemap(s: number, from: bigint, to: bigint): number {
  const w = nodesWeight(to);
  const ord = nodeIsset(from, s) ? nodeList(from).indexOf(s) : -1;
  if (ord < 0 || w === 0) return s;
  return nodeList(to)[ord % w]!;
}

/** mpol_relative_nodemask(): nodes_fold the user mask to the weight of `rel`, then nodes_onto `rel` */
function relativeNodemask(orig: bigint, rel: bigint): bigint {
  const relNodes = nodeList(rel);
  const w = relNodes.length;
  if (w === 0) return 0n;
  let out = 0n;
  for (const n of nodeList(orig)) out |= 1n << BigInt(relNodes[n % w]!);
  return out;
}

/** The node list as sysfs prints it (/sys/devices/system/node/online): "0", "0-1", "0-3,5". */
export function nodeListString(mask: bigint): string {
  const nodes = nodeList(mask);
  const parts: string[] = [];
  for (let i = 0; i < nodes.length; ) {
    let j = i;
    while (j + 1 < nodes.length && nodes[j + 1] === nodes[j]! + 1) j++;
    parts.push(i === j ? `${nodes[i]}` : `${nodes[i]}-${nodes[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * get_nodes() (both eras): the mask the user passed, maxnode-1 bits of it.
 * null (no mask) or maxnode 1 is the empty mask; more bits than a page
 * holds is EINVAL, as is a set bit at or past MAX_NUMNODES.
 */
export function get_nodes(m: Machine, mask: bigint | null, maxnode: number): { ok: true; nodes: bigint } | { ok: false; why: string } {
  if (mask === null) return { ok: true, nodes: 0n };
  // --maxnode on an unsigned long: 0 wraps to ULONG_MAX
  const bits = maxnode === 0 ? Number.MAX_SAFE_INTEGER : maxnode - 1;
  if (bits === 0) return { ok: true, nodes: 0n };
  if (bits > m.variant.constants.PAGE_SIZE * 8) return { ok: false, why: `get_nodes: maxnode ${maxnode} is more than a page of bits` };
  const user = BigInt.asUintN(bits, mask);
  if (bits > MAX_NUMNODES && user >> BigInt(MAX_NUMNODES) !== 0n) return { ok: false, why: `get_nodes: a node at or past MAX_NUMNODES (${MAX_NUMNODES}) is set` };
  return { ok: true, nodes: BigInt.asUintN(Math.min(bits, MAX_NUMNODES), user) };
}

// ---------------------------------------------------------------- policies

/** struct mempolicy; the default policy is null (6.18 mpol_new returns NULL for MPOL_DEFAULT; 2.6.21 too). */
export interface MemPolicy {
  readonly mode: number;
  /** MPOL_F_STATIC_NODES / MPOL_F_RELATIVE_NODES / MPOL_F_NUMA_BALANCING (6.18) */
  readonly flags: number;
  /** pol->nodes after mpol_set_nodemask (PREFERRED: its one node; LOCAL and 2.6.21 local PREFERRED: empty) */
  readonly nodes: bigint;
  /** w.user_nodemask (STATIC or RELATIVE: compared by mpol_equal) */
  readonly userNodes: bigint;
}

/** vma->vm_policy (null: none, the task's policy applies) */
export function vmaPolicy(vma: Vma): MemPolicy | null {
  return vma.policy ?? null;
}

function setVmaPolicy(vma: Vma, pol: MemPolicy | null): void {
  vma.policy = pol;
}

/** current->mempolicy (Process.mempolicy; null: the default policy) */
export function taskPolicy(p: Process): MemPolicy | null {
  return p.mempolicy ?? null;
}

/** mpol_equal() (6.18): identical, or the same mode, flags, user mask (STATIC/RELATIVE) and nodes */
export function mpol_equal(a: MemPolicy | null, b: MemPolicy | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.mode !== b.mode || a.flags !== b.flags) return false;
  if ((a.flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) !== 0 && a.userNodes !== b.userNodes) return false;
  return a.mode === MPOL_LOCAL || a.nodes === b.nodes;
}

/**
 * The node a migration under `pol` allocates on (6.18
 * alloc_migration_target_by_mpol → policy_nodemask; 2.6.21 new_vma_page →
 * alloc_page_vma): local for no policy and LOCAL, the preferred node,
 * BIND / PREFERRED_MANY's nearest node (the local one if in the mask, else
 * the lowest: every remote node is equally far here), INTERLEAVE's node
 * for the folio's interleave index.
 */
export function policy_node(pol: MemPolicy | null, ilx: number): number {
  if (!pol) return LOCAL_NODE;
  switch (pol.mode) {
    case MPOL_PREFERRED:
      return pol.nodes === 0n ? LOCAL_NODE : firstNode(pol.nodes);
    case MPOL_BIND:
    case MPOL_PREFERRED_MANY:
      return nodeIsset(pol.nodes, LOCAL_NODE) ? LOCAL_NODE : firstNode(pol.nodes);
    case MPOL_INTERLEAVE:
    case MPOL_WEIGHTED_INTERLEAVE: {
      const nodes = nodeList(pol.nodes);
      return nodes.length === 0 ? LOCAL_NODE : nodes[((ilx % nodes.length) + nodes.length) % nodes.length]!;
    }
    default:
      return LOCAL_NODE;
  }
}

/** get_mempolicy(&mode, NULL-or-mask, maxnode, 0, 0): the task policy's mode (with its mode flags, 6.18). */
export function get_mempolicy_mode(m: Machine, p: Process, maxnode = 64): SyscallOutcome {
  // 6.18 kernel_get_mempolicy: maxnode < nr_node_ids; 2.6.21 sys_get_mempolicy: maxnode < MAX_NUMNODES
  const least = m.era === '6.18' ? m.frames.nodes : MAX_NUMNODES;
  if (maxnode < least) return fail('EINVAL', `get_mempolicy: maxnode ${maxnode} is below ${m.era === '6.18' ? 'nr_node_ids' : 'MAX_NUMNODES'} (${least})`);
  const pol = taskPolicy(p);
  return done(pol ? pol.mode | pol.flags : MPOL_DEFAULT);
}

/** What the oracle's numa_info step reports: sysfs node lists and the task policy's mode. */
export interface NumaInfo {
  readonly online: string;
  readonly possible: string;
  readonly task_policy_mode?: number;
  readonly get_mempolicy?: string;
}

/**
 * /sys/devices/system/node/{online,possible} and get_mempolicy(). The
 * node-state files came with memoryless-node support (2.6.24,
 * drivers/base/node.c print_nodes_state): 2.6.21 has no such file and the
 * oracle reports empty strings. Every node of the model is possible and
 * online.
 */
export function numa_info(m: Machine, p: Process): NumaInfo {
  const list = m.era === '6.18' ? nodeListString(memoryNodes(m)) : '';
  const r = get_mempolicy_mode(m, p);
  return r.ok ? { online: list, possible: list, task_policy_mode: r.val } : { online: list, possible: list, get_mempolicy: r.errno };
}

// ---------------------------------------------------------------- page walks

/** vma_migratable(): not VM_IO/VM_PFNMAP, DAX or unmovable hugetlb — every VMA the model has */
function vma_migratable(_vma: Vma): boolean {
  return true;
}

/** folio_maybe_mapped_shared() (6.18) / page_mapcount() > 1 (2.6.21): more than one mapping of the page, or of the large folio by more than one mm */
export function mappedShared(m: Machine, frame: number): boolean {
  if (!isLargeFrame(m, frame)) return m.frames.maps(frame) > 1;
  const head = folioHead(m, frame);
  const nr = thpState(m)!.nr;
  let most = 0;
  for (let i = 0; i < nr; i++) most = Math.max(most, m.frames.maps(head + i));
  return entireMapcount(m, head) + most > 1;
}

interface Queue {
  /** folios isolated for migration (their head frames), in address order */
  readonly list: number[];
  nrFailed: number;
  /** qp->large: the last large folio met, counted once */
  large: number;
}

interface QueueRules {
  readonly nodes: bigint;
  /** MPOL_MF_INVERT: a folio is wanted when its node is not in `nodes` */
  readonly invert: boolean;
  readonly flags: number;
  readonly discontigOk: boolean;
}

const moveFlags = (flags: number): boolean => (flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) !== 0;
const strictlyUnmovable = (flags: number): boolean => (flags & MPOL_MF_VALID) === MPOL_MF_STRICT;

function wanted(m: Machine, frame: number, rules: QueueRules): boolean {
  return nodeIsset(rules.nodes, m.frames.nid(frame)) !== rules.invert;
}

/** migrate_folio_add() (6.18): isolate unless mapped shared without MOVE_ALL (not a failure); false when it cannot be isolated */
function migrate_folio_add(m: Machine, head: number, q: Queue, flags: number): boolean {
  if ((flags & MPOL_MF_MOVE_ALL) !== 0 || !mappedShared(m, head)) {
    if (!isolate_lru_page(m, head)) return false;
    q.list.push(head);
  }
  return true;
}

/**
 * queue_folios_pte_range() / queue_folios_pmd() (6.18) over [start, end)
 * of one VMA. Returns false when STRICT alone met a folio it wanted (EIO).
 */
function* queue_folios_range(m: Machine, mm: Mm, vma: Vma, start: number, end: number, rules: QueueRules, q: Queue): KernelPath<boolean> {
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  const st = thpState(m);
  const flags = rules.flags;
  const tryAdd = (head: number, nr: number): boolean => {
    if (!moveFlags(flags) || !vma_migratable(vma) || !migrate_folio_add(m, head, q, flags)) {
      q.nrFailed += nr;
      if (strictlyUnmovable(flags)) return false;
    }
    return true;
  };
  yield* pte_lock(m, mm, `queue_pages_range: pte lock; scan ${hex(start)}–${hex(end)} of the VMA at ${hex(vma.start)}`);
  let ok = true;
  for (let vpn = start; vpn < end && ok; ) {
    if (st !== null && pt.huge.size !== 0) {
      const ps = pt.pmdSlot(vpn, false);
      const h = ps < 0 ? undefined : pt.hugeAt(ps);
      if (h !== undefined) {
        const next = h.vpn + st.nr;
        if (!isHugeZeroPmd(m, h)) {
          const head = pmdFrame(m, h.hi, h.lo);
          if (wanted(m, head, rules) && !tryAdd(head, 1)) ok = false;
        }
        vpn = next;
        continue;
      }
    }
    const slot = pt.walk(vpn, false);
    if (slot < 0) {
      vpn = next_table_vpn(pt, vpn, end); // no pte table: on to the next one that exists
      continue;
    }
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    const cls = fast.classify(hi, lo);
    if (!mapsPage(cls)) {
      if (cls === PteClassCode.migration) q.nrFailed++;
      vpn++;
      continue;
    }
    const frame = m.pteFrame(hi, lo);
    let nr = 1;
    if (isZeroPage(m, frame)) {
      vpn++; // vm_normal_folio(): no folio for the zero page
      continue;
    }
    const large = isLargeFrame(m, frame);
    const head = folioHead(m, frame);
    if (large) {
      // folio_pte_batch(): the ptes that follow map the folio's next pages
      while (vpn + nr < end) {
        const s = pt.walk(vpn + nr, false);
        if (s < 0) break;
        const c = fast.classify(pt.hi(s), pt.lo(s));
        if (!mapsPage(c) || m.pteFrame(pt.hi(s), pt.lo(s)) !== frame + nr || folioHead(m, frame + nr) !== head) break;
        nr++;
      }
    }
    vpn += nr;
    if (!wanted(m, head, rules)) continue;
    if (large) {
      if (head === q.large) continue;
      q.large = head;
    }
    if (!tryAdd(head, nr)) ok = false;
  }
  yield* pte_unlock(m, mm, 'queue_pages_range: pte lock dropped');
  return !(q.nrFailed > 0 && strictlyUnmovable(flags));
}

/**
 * queue_pages_range() (6.18): walk the VMAs of [start, end) in order
 * (queue_pages_test_walk, then the page scan). Returns the errno or null.
 */
function* queue_pages_range(m: Machine, mm: Mm, start: number, end: number, rules: QueueRules, q: Queue): KernelPath<NumaErrno | null> {
  const vmas = mm.vmas.overlapping(start, end);
  let first = true;
  for (const vma of vmas) {
    if (first) {
      first = false;
      if (!rules.discontigOk && start < vma.start) return 'EFAULT'; // hole at the head
    }
    const next = mm.vmas.findVma(vma.end);
    if (!rules.discontigOk && vma.end < end && (!next || vma.end < next.start)) return 'EFAULT'; // hole in the middle or at the tail
    if (!vma_migratable(vma) && (rules.flags & MPOL_MF_STRICT) === 0) continue;
    if ((rules.flags & MPOL_MF_VALID) === 0) continue;
    const ok = yield* queue_folios_range(m, mm, vma, Math.max(start, vma.start), Math.min(end, vma.end), rules, q);
    if (!ok) return 'EIO';
  }
  return first ? 'EFAULT' : null; // the whole range in a hole
}

/**
 * check_range() → check_pte_range() (2.6.21): returns the first VMA the
 * range reaches, or an errno. Pages are isolated for MOVE / MOVE_ALL
 * (migrate_page_add: mapped once, or MOVE_ALL; an isolation that fails is
 * ignored); STRICT without a move flag stops at the first page outside the
 * mask with EIO.
 */
function* check_range(m: Machine, mm: Mm, start: number, end: number, rules: QueueRules, q: Queue): KernelPath<NumaErrno | Vma> {
  const first = mm.vmas.findVma(start);
  if (!first) return 'EFAULT';
  const flags = rules.flags;
  let prev: Vma | undefined;
  let from = start;
  const list = mm.vmas.list;
  for (let k = list.indexOf(first); k < list.length && list[k]!.start < end; k++) {
    const vma = list[k]!;
    if (!rules.discontigOk) {
      if (k === list.length - 1 && vma.end < end) return 'EFAULT';
      if (prev && prev.end < vma.start) return 'EFAULT';
    }
    if ((flags & MPOL_MF_STRICT) !== 0 || (moveFlags(flags) && vma_migratable(vma))) {
      const stop = Math.min(end, vma.end);
      if (vma.start > from) from = vma.start;
      yield* pte_lock(m, mm, `check_range: pte lock; scan ${hex(from)}–${hex(stop)} of the VMA at ${hex(vma.start)}`);
      let strictHit = false;
      for (let vpn = from; vpn < stop; vpn++) {
        const slot = mm.pgtable.walk(vpn, false);
        if (slot < 0) {
          vpn = next_table_vpn(mm.pgtable, vpn, stop) - 1;
          continue;
        }
        const hi = mm.pgtable.hi(slot);
        const lo = mm.pgtable.lo(slot);
        const cls = m.variant.fast.classify(hi, lo);
        if (!mapsPage(cls)) continue;
        const frame = m.pteFrame(hi, lo);
        if (isZeroPage(m, frame)) continue; // PageReserved
        if (!wanted(m, frame, rules)) continue;
        if (moveFlags(flags)) {
          if ((flags & MPOL_MF_MOVE_ALL) !== 0 || m.frames.maps(frame) === 1) {
            if (isolate_lru_page(m, frame)) q.list.push(frame);
          }
        } else {
          strictHit = true;
          break;
        }
      }
      yield* pte_unlock(m, mm, 'check_range: pte lock dropped');
      if (strictHit) return 'EIO';
    }
    prev = vma;
  }
  return first;
}

function putback_list(m: Machine, q: Queue): void {
  for (const frame of q.list.splice(0)) putback_lru_page(m, frame);
}

// ---------------------------------------------------------------- mbind

export interface MbindRequest {
  /** first page (vpn) and page count of the range */
  readonly start: number;
  readonly pages: number;
  /** MPOL_* mode, with 6.18's MPOL_F_* mode flags ORed in */
  readonly mode: number;
  /** the user's node mask; null for a NULL pointer */
  readonly nodemask: bigint | null;
  /** maxnode (default 64: the oracle's unsigned long) */
  readonly maxnode?: number;
  /** MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL */
  readonly flags: number;
  /** CAP_SYS_NICE (default true: the oracle runs as root) */
  readonly capable?: boolean;
}

/** mbind(2) on the mm; see the header for each era's rules. */
export function* do_mbind_path(m: Machine, mm: Mm, req: MbindRequest): KernelPath<SyscallOutcome> {
  return m.era === '6.18' ? yield* mbind618(m, mm, req) : yield* mbind2621(m, mm, req);
}

function* mbind618(m: Machine, mm: Mm, req: MbindRequest): KernelPath<SyscallOutcome> {
  // sanitize_mpol_flags()
  const modeFlags = req.mode & MPOL_MODE_FLAGS;
  const mode = req.mode & ~MPOL_MODE_FLAGS;
  if (mode < 0 || mode >= MPOL_MODE_NAMES.length) return fail('EINVAL', `mbind: mode ${mode} is not below MPOL_MAX (${MPOL_MODE_NAMES.length})`);
  if ((modeFlags & MPOL_F_STATIC_NODES) !== 0 && (modeFlags & MPOL_F_RELATIVE_NODES) !== 0) return fail('EINVAL', 'mbind: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES together');
  if ((modeFlags & MPOL_F_NUMA_BALANCING) !== 0 && mode !== MPOL_BIND && mode !== MPOL_PREFERRED_MANY) return fail('EINVAL', 'mbind: MPOL_F_NUMA_BALANCING is for MPOL_BIND and MPOL_PREFERRED_MANY only');
  const got = get_nodes(m, req.nodemask, req.maxnode ?? 64);
  if (!got.ok) return fail('EINVAL', got.why);
  const nodes = got.nodes;
  // do_mbind()
  let flags = req.flags;
  if ((flags & ~MPOL_MF_VALID) !== 0) return fail('EINVAL', `mbind: flags ${hex(flags)} outside MPOL_MF_STRICT|MOVE|MOVE_ALL`);
  if ((flags & MPOL_MF_MOVE_ALL) !== 0 && req.capable === false) return fail('EPERM', 'mbind: MPOL_MF_MOVE_ALL needs CAP_SYS_NICE');
  if (mode === MPOL_DEFAULT) flags &= ~MPOL_MF_STRICT;
  if (req.pages < 0) return fail('EINVAL', 'mbind: start + len wraps');
  if (req.pages === 0) return done(0);
  // mpol_new()
  let newMode = mode;
  if (mode === MPOL_DEFAULT) {
    if (nodes !== 0n) return fail('EINVAL', 'mbind: MPOL_DEFAULT takes no nodes');
  } else if (mode === MPOL_PREFERRED) {
    if (nodes === 0n) {
      if ((modeFlags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) !== 0) return fail('EINVAL', 'mbind: MPOL_PREFERRED with no nodes takes no STATIC/RELATIVE flag');
      newMode = MPOL_LOCAL;
    }
  } else if (mode === MPOL_LOCAL) {
    if (nodes !== 0n || (modeFlags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) !== 0) return fail('EINVAL', 'mbind: MPOL_LOCAL takes no nodes');
  } else if (nodes === 0n) return fail('EINVAL', `mbind: ${MPOL_MODE_NAMES[mode]} needs a node`);
  const discontigOk = mode === MPOL_DEFAULT;
  yield* mmap_lock(m, mm, 'mbind: mmap_lock (write)');
  // mpol_set_nodemask(): the mask cut to the nodes with memory (RELATIVE: folded onto them)
  let pol: MemPolicy | null = null;
  if (mode !== MPOL_DEFAULT) {
    let polNodes = 0n;
    if (newMode !== MPOL_LOCAL) {
      const allowed = memoryNodes(m);
      const cut = (modeFlags & MPOL_F_RELATIVE_NODES) !== 0 ? relativeNodemask(nodes, allowed) : nodes & allowed;
      if (cut === 0n) {
        yield* mmap_unlock(m, mm, 'mbind: mmap_lock dropped');
        return fail('EINVAL', `mbind: no node of the mask ${hex(nodes)} has memory (mpol_set_nodemask)`);
      }
      polNodes = newMode === MPOL_PREFERRED ? 1n << BigInt(firstNode(cut)) : cut;
    }
    pol = { mode: newMode, flags: modeFlags, nodes: polNodes, userNodes: (modeFlags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) !== 0 ? nodes : 0n };
  }
  const start = req.start;
  const end = req.start + req.pages;
  const q: Queue = { list: [], nrFailed: 0, large: -1 };
  const err = yield* queue_pages_range(m, mm, start, end, { nodes, invert: true, flags, discontigOk }, q);
  let result: SyscallOutcome = done(0);
  if (err) {
    result = fail(err, err === 'EIO' ? 'mbind: MPOL_MF_STRICT: a page is on a node outside the mask' : 'mbind: the range is not all mapped');
    q.nrFailed = 0;
  } else mbind_range618(m, mm, start, end, pol);
  if (!err && q.list.length > 0) {
    if (!m.variant.config.MIGRATION) {
      putback_list(m, q);
      q.nrFailed++; // migrate_pages() is a stub returning -ENOSYS
    } else {
      // do_mbind's mmpol.ilx: the first VMA's interleave index of the first folio (get_vma_policy: vm_pgoff plus
      // the offset in the VMA) less that folio's index — 0 for order-0 pages, whose index is exactly that; the
      // target of each folio is then policy_node(pol, ilx + index), by its index alone
      q.nrFailed += yield* migrate_pages_list(m, q.list, (frame) => policy_node(pol, m.frames.index[frame]!));
    }
  }
  if (q.nrFailed > 0 && (flags & MPOL_MF_STRICT) !== 0) result = fail('EIO', 'mbind: MPOL_MF_STRICT and a page could not be moved');
  putback_list(m, q);
  yield* mmap_unlock(m, mm, 'mbind: mmap_lock dropped');
  return result;
}

/**
 * mbind_range() (6.18): each VMA of [start, end) whose policy differs gets
 * the new one, split at the range's ends (vma_modify_policy), then merged
 * with neighbours that now match in everything (vma_merge: flags, file and
 * offset, anon_vma, policy).
 */
function mbind_range618(m: Machine, mm: Mm, start: number, end: number, pol: MemPolicy | null): void {
  let changed = false;
  for (const vma of mm.vmas.overlapping(start, end)) {
    if (mpol_equal(vmaPolicy(vma), pol)) continue;
    const lo = Math.max(start, vma.start);
    const hi = Math.min(end, vma.end);
    for (const piece of splitRange(m, mm, lo, hi)) setVmaPolicy(piece, pol);
    changed = true;
  }
  if (changed) mm.vmas.mergeAround(start, end); // vma_merge, mpol_equal included
}

function* mbind2621(m: Machine, mm: Mm, req: MbindRequest): KernelPath<SyscallOutcome> {
  const got = get_nodes(m, req.nodemask, req.maxnode ?? 64);
  if (!got.ok) return fail('EINVAL', got.why);
  // sys_mbind (CONFIG_CPUSETS): nodes_and(nodes, nodes, current->mems_allowed) — the online nodes
  const nodes = got.nodes & memoryNodes(m);
  const mode = req.mode;
  let flags = req.flags;
  // MPOL_MAX is MPOL_INTERLEAVE; mode is an unsigned long (a negative one is huge)
  if ((flags & ~MPOL_MF_VALID) !== 0 || mode < 0 || mode > MPOL_INTERLEAVE) return fail('EINVAL', `mbind: mode ${mode} above MPOL_MAX (${MPOL_INTERLEAVE}) or flags ${hex(flags)} outside MPOL_MF_STRICT|MOVE|MOVE_ALL`);
  if ((flags & MPOL_MF_MOVE_ALL) !== 0 && req.capable === false) return fail('EPERM', 'mbind: MPOL_MF_MOVE_ALL needs CAP_SYS_NICE');
  if (mode === MPOL_DEFAULT) flags &= ~MPOL_MF_STRICT;
  if (req.pages < 0) return fail('EINVAL', 'mbind: start + len wraps');
  if (req.pages === 0) return done(0);
  // mpol_check_policy(): DEFAULT takes no nodes, BIND and INTERLEAVE need one; all of them online (they are, after the cut)
  if (mode === MPOL_DEFAULT && nodes !== 0n) return fail('EINVAL', 'mbind: MPOL_DEFAULT takes no nodes');
  if ((mode === MPOL_BIND || mode === MPOL_INTERLEAVE) && nodes === 0n) return fail('EINVAL', `mbind: ${MPOL_MODE_NAMES[mode]} needs an online node`);
  // mpol_new(): PREFERRED is its first node, or local allocation (preferred_node -1) for none
  const pol: MemPolicy | null = mode === MPOL_DEFAULT ? null : { mode, flags: 0, nodes: mode === MPOL_PREFERRED ? (nodes === 0n ? 0n : 1n << BigInt(firstNode(nodes))) : nodes, userNodes: 0n };
  const discontigOk = pol === null;
  const start = req.start;
  const end = req.start + req.pages;
  yield* mmap_lock(m, mm, 'mbind: mmap_sem (write)');
  const q: Queue = { list: [], nrFailed: 0, large: -1 };
  const first = yield* check_range(m, mm, start, end, { nodes, invert: true, flags, discontigOk }, q);
  let result: SyscallOutcome = done(0);
  if (typeof first === 'string') {
    // do_mbind never puts the list back on this path: pages a VMA before the hole had isolated stay off
    // the LRU with the isolation reference (leaked; a later move_pages finds them -EBUSY)
    result = fail(first, first === 'EIO' ? 'mbind: MPOL_MF_STRICT: a page is on a node outside the mask' : 'mbind: the range is not all mapped');
  } else {
    // mbind_range(): split at both ends and set the policy, VMA by VMA (no merge)
    for (const vma of splitRange(m, mm, start, end)) setVmaPolicy(vma, pol);
    if (q.list.length > 0) {
      // new_vma_page(): alloc_page_vma() under the policy of the VMA check_range started at — the new one
      const failed = yield* migrate_pages_list(m, q.list, (frame) => policy_node(pol, m.frames.index[frame]!));
      if (failed > 0 && (flags & MPOL_MF_STRICT) !== 0) result = fail('EIO', 'mbind: MPOL_MF_STRICT and a page could not be moved');
    }
  }
  yield* mmap_unlock(m, mm, 'mbind: mmap_sem dropped');
  return result;
}

// ---------------------------------------------------------------- migrate_pages(2)

export interface MigratePagesRequest {
  readonly oldNodes: bigint | null;
  readonly newNodes: bigint | null;
  /** maxnode (default 64: the oracle's unsigned long) */
  readonly maxnode?: number;
  /** CAP_SYS_NICE (default true: the oracle runs as root) */
  readonly capable?: boolean;
}

/** migrate_pages(0, maxnode, old, new) on the calling task's mm; see the header. */
export function* kernel_migrate_pages_path(m: Machine, mm: Mm, req: MigratePagesRequest): KernelPath<SyscallOutcome> {
  if (!m.variant.config.MIGRATION) return fail('ENOSYS', 'migrate_pages: do_migrate_pages needs CONFIG_MIGRATION');
  const maxnode = req.maxnode ?? 64;
  const from = get_nodes(m, req.oldNodes, maxnode);
  if (!from.ok) return fail('EINVAL', from.why);
  const to = get_nodes(m, req.newNodes, maxnode);
  if (!to.ok) return fail('EINVAL', to.why);
  const taskNodes = memoryNodes(m); // cpuset_mems_allowed(task)
  const capable = req.capable !== false;
  if ((to.nodes & ~taskNodes) !== 0n && !capable) return fail('EPERM', 'migrate_pages: a target node outside the task\'s nodes needs CAP_SYS_NICE');
  let target = to.nodes;
  if (m.era === '6.18') {
    target &= taskNodes;
    if (target === 0n) return fail('EINVAL', 'migrate_pages: no target node has memory');
  }
  return yield* do_migrate_pages(m, mm, from.nodes, target, capable ? MPOL_MF_MOVE_ALL : MPOL_MF_MOVE);
}

/** do_migrate_pages(): pick source → destination pairs (node_remap) and migrate each source node's folios */
function* do_migrate_pages(m: Machine, mm: Mm, from: bigint, to: bigint, flags: number): KernelPath<SyscallOutcome> {
  yield* mmap_lock(m, mm, 'do_migrate_pages: mmap_lock (read)');
  let busy = 0;
  let tmp = from;
  const weightsDiffer = nodesWeight(from) !== nodesWeight(to);
  while (tmp !== 0n) {
    let source = -1;
    let dest = 0;
    for (const s of nodeList(tmp)) {
      // 6.18: with masks of different weights, a source that is also a destination stays
      if (m.era === '6.18' && weightsDiffer && nodeIsset(to, s)) continue;
      const d = nodeRemap(s, from, to);
      if (s === d) continue;
      source = s;
      dest = d;
      if (!nodeIsset(tmp, dest)) break;
    }
    if (source === -1) break;
    tmp &= ~(1n << BigInt(source));
    busy += yield* migrate_to_node(m, mm, source, dest, flags);
  }
  yield* mmap_unlock(m, mm, 'do_migrate_pages: mmap_lock dropped');
  return done(busy);
}

/** migrate_to_node(): queue every folio on `source` in the whole address space, migrate them to `dest` (__GFP_THISNODE); the count not moved */
function* migrate_to_node(m: Machine, mm: Mm, source: number, dest: number, flags: number): KernelPath<number> {
  const vmas = mm.vmas.list;
  if (vmas.length === 0) return 0;
  const start = vmas[0]!.start;
  const end = vmas[vmas.length - 1]!.end;
  const rules: QueueRules = { nodes: 1n << BigInt(source), invert: false, flags, discontigOk: true };
  const q: Queue = { list: [], nrFailed: 0, large: -1 };
  if (m.era === '6.18') {
    yield* queue_pages_range(m, mm, start, end, rules, q);
  } else {
    yield* check_range(m, mm, start, end, rules, q);
    if (q.list.length > 0 && dest >= m.frames.nodes) {
      putback_list(m, q);
      throw new KernelBug(`migrate_pages: node ${dest} is not online: alloc_pages_node(${dest}) dereferences NODE_DATA(${dest}) == NULL (2.6.21 sys_migrate_pages does not cut the target mask to the online nodes)`);
    }
  }
  const failed = yield* migrate_pages_list(m, q.list, () => dest);
  return m.era === '6.18' ? failed + q.nrFailed : failed;
}

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;
