/**
 * mbind(2) and migrate_pages(2) (mm/mempolicy.c): both walk a range and
 * queue the folios on the wrong nodes (queue_pages_range), then migrate
 * them (migrate.migrate_pages.ts); mbind also sets the VMAs' policy (mbind_range). The
 * policies themselves, get_mempolicy and the node masks are mempolicy.ts.
 *
 * @kernel mm/mempolicy.c
 */
import { PteClassCode } from '@mmsim/core';
import { KernelBug } from './filemap.js';
import { folioHead, isHugeZeroPmd, isLargeFrame, pmdFrame, thpState } from './huge_memory.js';
import { pte_lock, pte_unlock } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { isZeroPage } from './migrate.js';
import { isolate_lru_page, migrate_pages_list, putback_lru_page } from './migrate.migrate_pages.js';
import { splitRange } from './mmap.js';
import { mmap_lock, mmap_unlock } from './mmap_lock.js';
import type { KernelPath } from '../model/sched.js';
import type { Vma } from './vma.js';
import { mapsPage, next_table_vpn } from './pagewalk.js';
import { MPOL_BIND, MPOL_DEFAULT, MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_MF_VALID, MPOL_MODE_FLAGS, MPOL_MODE_NAMES, MPOL_PREFERRED, MPOL_PREFERRED_MANY, type MemPolicy, type NumaErrno, type SyscallOutcome, done, fail, firstNode, get_nodes, mappedShared, memoryNodes, mpol_equal, nodeIsset, nodeList, nodeRemap, nodesWeight, policy_node, relativeNodemask, setVmaPolicy, vmaPolicy, vma_migratable } from './mempolicy.js';
import { vaddr } from '../model/vaddr.js';

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

export function wanted(m: Machine, frame: number, rules: QueueRules): boolean {
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
  yield* pte_lock(m, mm, `queue_pages_range: pte lock; scan ${vaddr(m, start)}–${vaddr(m, end)} of the VMA at ${vaddr(m, vma.start)}`);
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
export function* queue_pages_range(m: Machine, mm: Mm, start: number, end: number, rules: QueueRules, q: Queue): KernelPath<NumaErrno | null> {
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
export function* check_range(m: Machine, mm: Mm, start: number, end: number, rules: QueueRules, q: Queue): KernelPath<NumaErrno | Vma> {
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
      yield* pte_lock(m, mm, `check_range: pte lock; scan ${vaddr(m, from)}–${vaddr(m, stop)} of the VMA at ${vaddr(m, vma.start)}`);
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
export function* do_migrate_pages(m: Machine, mm: Mm, from: bigint, to: bigint, flags: number): KernelPath<SyscallOutcome> {
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
export function* migrate_to_node(m: Machine, mm: Mm, source: number, dest: number, flags: number): KernelPath<number> {
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
