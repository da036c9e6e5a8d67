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
import { entireMapcount, folioHead, isLargeFrame, thpState } from './huge_memory.js';
import type { Machine, Process } from '../model/machine.js';
import { MAX_NODES } from '../model/frames.js';
import type { Vma } from './vma.js';

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
export const MPOL_MODE_FLAGS = MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;
/** mbind / move_pages flags */
export const MPOL_MF_STRICT = 1 << 0;
export const MPOL_MF_MOVE = 1 << 1;
export const MPOL_MF_MOVE_ALL = 1 << 2;
export const MPOL_MF_VALID = MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL;

/** MAX_NUMNODES of the model (both eras; see the header) */
export const MAX_NUMNODES = MAX_NODES;
/** numa_node_id() of every simulated task: the oracle pins itself to CPU 0, on node 0 */
export const LOCAL_NODE = 0;

export type NumaErrno = 'EINVAL' | 'EPERM' | 'EFAULT' | 'EIO' | 'ENODEV' | 'ENOENT' | 'ENOSYS' | 'EACCES' | 'ENOMEM';

/** A syscall's outcome: its return value, or the errno it fails with (and why, in the kernel's terms). */
export type SyscallOutcome = { readonly ok: true; readonly val: number } | { readonly ok: false; readonly errno: NumaErrno; readonly why: string };

export const fail = (errno: NumaErrno, why: string): SyscallOutcome => ({ ok: false, errno, why });
export const done = (val: number): SyscallOutcome => ({ ok: true, val });

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
export function relativeNodemask(orig: bigint, rel: bigint): bigint {
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

export function setVmaPolicy(vma: Vma, pol: MemPolicy | null): void {
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
export function vma_migratable(_vma: Vma): boolean {
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
