/**
 * mremap(2) (mm/mremap.c): shrink, grow in place, or move.
 *
 * A move (move_vma → copy_vma, move_page_tables, do_munmap of the old
 * range) carries the ptes themselves to the new address: the same pfns,
 * the same swap, file and migration entries; the VMA keeps its pgoff and
 * anon_vma so the rmap still finds every page. MREMAP_DONTUNMAP (5.7;
 * -EINVAL in 2.6.21) leaves the old VMA in place, empty.
 *
 * The move is a kernel path (sched.ts) with the kernel's lock points, so
 * the explorer can run an rmap walk against it — the 2011 race ("mremap:
 * enforce rmap src/dst vma ordering in case of vma_merge succeeding in
 * copy_vma", Andrea Arcangeli; the mremap thread of
 * shared/reference/threads): copy_vma links the destination into the
 * anon_vma's chain under the anon_vma lock; when vma_merge reuses a VMA
 * already on the chain, the destination can sit before the source
 * (rmap.ts anon_vma_chain). move_ptes then moves the ptes under the pte
 * lock alone, and a walk that visited the destination before the move and
 * visits the source after it misses the pte. The rule in force is
 * m.policies.mremap (policies.ts):
 * - 'merge-order' — nothing more (2.6.21 … 3.1);
 * - 'order-tail' — copy_vma moves a merged destination to the tail of the
 *   chain (anon_vma_moveto_tail, proposed as anon_vma_order_tail; 3.2,
 *   removed by 108d6642ad81 in 3.7), so the walk sees the source first;
 * - 'anon-vma-lock' — move_ptes takes the rmap locks (108d6642ad81, 3.7:
 *   always; 38a76013ad80: only under need_rmap_locks, when the walk could
 *   see the destination first — 6.18 mm/mremap.c take_rmap_locks ~140–155,
 *   move_ptes ~186–200; copy_vma in mm/vma.c sets need_rmap_locks =
 *   new_vma->vm_pgoff <= vma->vm_pgoff for the pgoff-sorted tree — here:
 *   the destination is before the source on the chain).
 * File VMAs: 2.6.21 move_ptes always takes i_mmap_lock (mm/mremap.c 80–95,
 * against vmtruncate); 6.18 only under need_rmap_locks.
 *
 * PMD-mapped THPs (6.18 mm/mremap.c move_page_tables): a huge pmd whose
 * whole HPAGE_PMD extent moves to an HPAGE-aligned destination moves as
 * one entry (move_pgt_entry(HPAGE_PMD) → mm/huge_memory.c move_huge_pmd,
 * under the pmd locks and, with need_rmap_locks, the rmap locks); any
 * other huge pmd is split first (split_huge_pmd) and its ptes move one by
 * one — the folio stays large, PTE-mapped at the new address. The moved
 * ptes and pmds are marked soft-dirty where the arch has the bit
 * (move_soft_dirty_pte / move_soft_dirty_pmd, CONFIG_MEM_SOFT_DIRTY).
 * The source range's pte tables no VMA reaches any more are freed by the
 * final unmap (do_munmap → free_pgtables), so a THP can be faulted there
 * again.
 *
 * mremap holds mmap_lock for write throughout.
 *
 * The two eras decide differently (the move itself is mremap.move.ts):
 * - 2.6.21 do_mremap (2.6.20 mm/mremap.c 250–420): a shrink or no change
 *   needs no VMA; a move or grow needs the old range in one VMA (-EFAULT);
 *   MREMAP_FIXED moves, otherwise grow in place or (MREMAP_MAYMOVE) move;
 *   MREMAP_DONTUNMAP does not exist.
 * - 6.18 do_mremap (mm/mremap.c 1911–1959): check_mremap_params, then a
 *   FIXED move of unchanged size is remap_move — every VMA in the range
 *   moves, each keeping its own flags, the gaps between them kept (6.17,
 *   "mm/mremap: permit mremap() move of multiple VMAs"); else
 *   check_prep_vma and mremap_to (FIXED or DONTUNMAP: always a move; a
 *   DONTUNMAP move without FIXED lands where get_unmapped_area puts it) or
 *   mremap_at (no change, shrink, grow in place, or a MAYMOVE move).
 *   Only a range that must be moved or grown has to lie in one VMA.
 *
 * @kernel mm/mremap.c
 */
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { do_munmap, populate, task_size } from './mmap.js';
import { mmap_lock, mmap_unlock } from './mmap_lock.js';
import { runPath, type KernelPath } from '../model/sched.js';
import { VM_LOCKED, VM_MAYSHARE, VM_SHARED, VM_UFFD_WP, VM_WRITE, type Vma } from './vma.js';
import { move_vma, unmapped_area_above } from './mremap.move.js';

export interface MremapRequest {
  readonly start: number;
  readonly oldPages: number;
  readonly newPages: number;
  readonly maymove: boolean;
  readonly fixed: boolean;
  readonly dontunmap: boolean;
  /** the new_addr argument: MREMAP_FIXED's destination (6.18: DONTUNMAP's hint; absent: 0, what glibc passes without FIXED) */
  readonly newStart?: number;
}

export interface MremapResult {
  /** the mapping is at a new address now (the returned address differs from the old one) */
  readonly moved: boolean;
  readonly start: number;
}

export function do_mremap(m: Machine, mm: Mm, req: MremapRequest): MremapResult {
  return runPath(do_mremap_path(m, mm, req));
}

/** sys_mremap() as a kernel path: 2.6.21 do_mremap or 6.18 do_mremap. */
export function* do_mremap_path(m: Machine, mm: Mm, req: MremapRequest): KernelPath<MremapResult> {
  const start = m.era === '2.6.21' ? yield* do_mremap_2621(m, mm, req) : yield* do_mremap_618(m, mm, req);
  return { moved: start !== req.start, start };
}

/**
 * do_mremap() (2.6.20 mm/mremap.c 250–420, the nearest source to 2.6.21):
 * a FIXED destination is checked and unmapped first; a shrink or an
 * unchanged size unmaps the tail and is done unless FIXED moves it — before
 * any VMA is looked at, so such a call spans VMAs or holes freely; only
 * then must the old range lie in one VMA (-EFAULT). A grow stays in place
 * when the range ends the VMA and nothing is in the way up to the next VMA
 * (or TASK_SIZE); else MREMAP_MAYMOVE moves it, or -ENOMEM.
 */
function* do_mremap_2621(m: Machine, mm: Mm, req: MremapRequest): KernelPath<number> {
  // the flags beyond MREMAP_FIXED|MREMAP_MAYMOVE are -EINVAL
  if (req.dontunmap) throw new SyscallError('EINVAL', 'MREMAP_DONTUNMAP does not exist in 2.6.21 (added in 5.7)');
  if (req.newPages <= 0) throw new SyscallError('EINVAL', 'mremap: new size is 0');
  const limit = task_size(m);
  const to = req.newStart ?? 0;
  if (req.fixed) {
    if (!req.maymove) throw new SyscallError('EINVAL', 'MREMAP_FIXED needs MREMAP_MAYMOVE');
    if (req.newPages > limit || to > limit - req.newPages) throw new SyscallError('EINVAL', `mremap: the new range [${to}, ${to + req.newPages}) reaches beyond TASK_SIZE (${limit} pages)`);
    if (to < req.start + req.oldPages && req.start < to + req.newPages) throw new SyscallError('EINVAL', 'mremap: the new range overlaps the old one');
  }
  yield* mmap_lock(m, mm, 'mremap: mmap_lock (write)');
  try {
    if (req.fixed) do_munmap(m, mm, to, req.newPages);
    let oldPages = req.oldPages;
    if (oldPages >= req.newPages) {
      if (oldPages > req.newPages) do_munmap(m, mm, req.start + req.newPages, oldPages - req.newPages);
      if (!req.fixed) return req.start;
      oldPages = req.newPages;
    }
    const vma = mm.vmas.lookup(req.start);
    if (!vma || oldPages > vma.end - req.start) throw new SyscallError('EFAULT', 'mremap: the old range is not one mapping');
    if (!req.fixed && oldPages === vma.end - req.start) {
      // vma_adjust in place when the space up to the next VMA (or TASK_SIZE) holds the new length
      const next = mm.vmas.findVma(vma.end);
      const maxAddr = next ? Math.min(next.start, limit) : limit;
      if (maxAddr - req.start >= req.newPages) {
        const from = vma.end;
        vma.end = req.start + req.newPages;
        populate_expand(m, mm, vma.flags, from, vma.end - from); // make_pages_present for VM_LOCKED
        return req.start;
      }
    }
    if (!req.maymove) throw new SyscallError('ENOMEM', 'mremap: no room to grow in place and MREMAP_MAYMOVE not given');
    // get_unmapped_area for the new length, or -ENOMEM
    const dest = req.fixed ? to : unmapped_area_above(mm, vma.end + 1, req.newPages, limit);
    if (!req.fixed && dest > limit - req.newPages) throw new SyscallError('ENOMEM', `mremap: no gap of ${req.newPages} pages below TASK_SIZE (${limit} pages) to move to`);
    return yield* move_vma(m, mm, vma, req.start, oldPages, dest, req.newPages, false);
  } finally {
    yield* mmap_unlock(m, mm, 'mremap: mmap_lock dropped');
  }
}

/** The remap_type of a request (6.18 mm/mremap.c vrm_remap_type, 884–893). */
const enum RemapType {
  NoResize,
  Shrink,
  Expand,
}

/** One VMA's share of a request as 6.18 handles it (struct vma_remap_struct: addr, old_len, new_len, new_addr). */
interface Vrm {
  readonly addr: number;
  readonly oldPages: number;
  readonly newPages: number;
  readonly newAddr: number;
  readonly req: MremapRequest;
}

const remapType = (v: Vrm): RemapType => (v.oldPages === v.newPages ? RemapType.NoResize : v.oldPages > v.newPages ? RemapType.Shrink : RemapType.Expand);
/** vrm_implies_new_addr (6.18 mm/mremap.c 927–930): MREMAP_FIXED or MREMAP_DONTUNMAP always move */
const impliesNewAddr = (req: MremapRequest): boolean => req.fixed || req.dontunmap;

/** do_mremap() (6.18 mm/mremap.c 1911–1959). */
function* do_mremap_618(m: Machine, mm: Mm, req: MremapRequest): KernelPath<number> {
  const limit = task_size(m);
  // new_addr: without MREMAP_FIXED glibc's mremap() passes NULL, a hint DONTUNMAP hands get_unmapped_area
  const vrm: Vrm = { addr: req.start, oldPages: req.oldPages, newPages: req.newPages, newAddr: req.fixed ? req.newStart! : 0, req };
  check_mremap_params(vrm, limit);
  yield* mmap_lock(m, mm, 'mremap: mmap_lock (write)');
  try {
    // vrm_move_only (1598–1607): a FIXED move of unchanged size may span VMAs
    if (req.fixed && req.oldPages === req.newPages) return yield* remap_move(m, mm, vrm);
    const vma = mm.vmas.lookup(req.start);
    check_prep_vma(vma, vrm);
    return impliesNewAddr(req) ? yield* mremap_to(m, mm, vrm) : yield* mremap_at(m, mm, vma!, vrm, limit);
  } finally {
    yield* mmap_unlock(m, mm, 'mremap: mmap_lock dropped');
  }
}

/** check_mremap_params() (6.18 mm/mremap.c 1752–1820): before any lock is taken. */
function check_mremap_params(vrm: Vrm, limit: number): void {
  const req = vrm.req;
  if (vrm.newPages <= 0) throw new SyscallError('EINVAL', 'mremap: new size is 0');
  if (vrm.newPages > limit) throw new SyscallError('EINVAL', `mremap: new length ${vrm.newPages} pages exceeds TASK_SIZE (${limit} pages)`);
  if (!impliesNewAddr(req)) return;
  if (vrm.newAddr > limit - vrm.newPages) {
    throw new SyscallError('EINVAL', `mremap: the new range [${vrm.newAddr}, ${vrm.newAddr + vrm.newPages}) reaches beyond TASK_SIZE (${limit} pages)`);
  }
  if (!req.maymove) throw new SyscallError('EINVAL', `mremap: ${req.fixed ? 'MREMAP_FIXED' : 'MREMAP_DONTUNMAP'} needs MREMAP_MAYMOVE`);
  if (req.dontunmap && vrm.oldPages !== vrm.newPages) throw new SyscallError('EINVAL', `mremap: MREMAP_DONTUNMAP cannot resize (${vrm.oldPages} → ${vrm.newPages} pages)`);
  // vrm_overlaps (899–925)
  if (vrm.addr + vrm.oldPages > vrm.newAddr && vrm.newAddr + vrm.newPages > vrm.addr) throw new SyscallError('EINVAL', 'mremap: the new range overlaps the old one');
}

/**
 * check_prep_vma() (6.18 mm/mremap.c 1651–1750): the VMA at addr must exist;
 * only a move or a grow needs the old range inside it (a shrink only its
 * new length). Not modelled: mseal (-EPERM), hugetlb, VM_DONTEXPAND /
 * VM_PFNMAP (no such VMAs here), the mlock and address-space rlimits.
 */
function check_prep_vma(vma: Vma | undefined, vrm: Vrm): void {
  if (!vma) throw new SyscallError('EFAULT', 'mremap: no mapping at the old address');
  const type = remapType(vrm);
  // vrm_will_map_new (1586–1596)
  if (type !== RemapType.Expand && !impliesNewAddr(vrm.req)) return;
  // a zero old length duplicates a mapping, which makes no sense for a private one
  if (vrm.oldPages === 0 && (vma.flags & (VM_SHARED | VM_MAYSHARE)) === 0) throw new SyscallError('EINVAL', 'mremap: old length 0 duplicates only a shared mapping');
  const need = type === RemapType.Shrink ? vrm.newPages : vrm.oldPages;
  if (need > vma.end - vrm.addr) throw new SyscallError('EFAULT', `mremap: the old range [${vrm.addr}, ${vrm.addr + need}) runs past the end of its VMA (${vma.end})`);
}

/**
 * vma_multi_allowed() (6.18 mm/mremap.c 1623–1649): a VMA armed with a
 * userfaultfd cannot be one of several moved (notifying needs mmap_lock
 * dropped); a file whose get_unmapped_area may not obey MREMAP_FIXED
 * cannot either — shmem, and ext4's thp_get_unmapped_area, can: every file
 * the model has.
 */
function vma_multi_allowed(vma: Vma): boolean {
  return (vma.flags & VM_UFFD_WP) === 0 && vma.uffdCtx === undefined;
}

/**
 * remap_move() (6.18 mm/mremap.c 1822–1909): every VMA in [addr, addr +
 * old_len) moves to new_addr plus its distance from the first, each as a
 * FIXED mremap of its own part (check_prep_vma, mremap_to), so each keeps
 * its flags. -EFAULT for a gap at the start, for no VMA at all, and when a
 * VMA that may not move with others (vma_multi_allowed) is not alone.
 */
function* remap_move(m: Machine, mm: Mm, vrm: Vrm): KernelPath<number> {
  const start = vrm.addr;
  const end = vrm.addr + vrm.oldPages;
  let target = vrm.newAddr;
  let res = -1;
  let seen = false;
  let lastEnd = 0;
  // for_each_vma_range, resumed past each part moved (vma_iter_invalidate)
  for (let cursor = start; cursor < end; ) {
    const vma = mm.vmas.findVma(cursor);
    if (!vma || vma.start >= end) break;
    const addr = Math.max(vma.start, start);
    const len = Math.min(end, vma.end) - addr;
    if (!seen && start < vma.start) throw new SyscallError('EFAULT', `mremap: no mapping at the old address (the range's first VMA starts ${vma.start - start} pages in)`);
    const offset = seen ? vma.start - lastEnd : 0;
    lastEnd = vma.end;
    if (!vma_multi_allowed(vma) && (seen || vma.end < end)) throw new SyscallError('EFAULT', 'mremap: a userfaultfd-armed VMA cannot move together with others');
    const part: Vrm = { addr, oldPages: len, newPages: len, newAddr: target + offset, req: vrm.req };
    check_prep_vma(vma, part);
    const at = yield* mremap_to(m, mm, part);
    if (!seen) res = at;
    seen = true;
    target = at + len;
    cursor = addr + len;
  }
  if (!seen) throw new SyscallError('EFAULT', 'mremap: no mapping in the old range');
  return res;
}

/**
 * mremap_to() (6.18 mm/mremap.c 1363–1413): MREMAP_FIXED unmaps the
 * destination first; a shrink unmaps the tail; then the move, to new_addr
 * (FIXED) or where get_unmapped_area puts it (DONTUNMAP's hint).
 */
function* mremap_to(m: Machine, mm: Mm, vrm: Vrm): KernelPath<number> {
  const req = vrm.req;
  let oldPages = vrm.oldPages;
  if (req.fixed) do_munmap(m, mm, vrm.newAddr, vrm.newPages);
  // "if we remap a portion of a VMA elsewhere in the same VMA, this can invalidate the old VMA. Reset."
  let vma = mm.vmas.lookup(vrm.addr);
  if (!vma) throw new SyscallError('EFAULT', 'mremap: the old mapping went with the unmap of the destination');
  if (vrm.newPages < oldPages) {
    // shrink_vma (1326–1361)
    do_munmap(m, mm, vrm.addr + vrm.newPages, oldPages - vrm.newPages);
    vma = mm.vmas.lookup(vrm.addr);
    if (!vma) throw new SyscallError('EFAULT', 'mremap: the old mapping went with the shrink');
    oldPages = vrm.newPages;
  }
  const to = req.fixed ? vrm.newAddr : new_addr(m, mm, vma, vrm.newPages);
  return yield* move_vma(m, mm, vma, vrm.addr, oldPages, to, vrm.newPages, req.dontunmap);
}

/** vrm_set_new_addr without MAP_FIXED (6.18 mm/mremap.c 942–970): the model's get_unmapped_area, or -ENOMEM. */
function new_addr(m: Machine, mm: Mm, vma: Vma, pages: number): number {
  const limit = task_size(m);
  const to = unmapped_area_above(mm, vma.end + 1, pages, limit);
  if (to > limit - pages) throw new SyscallError('ENOMEM', `mremap: no gap of ${pages} pages below TASK_SIZE (${limit} pages) to move to`);
  return to;
}

/**
 * mremap_at() (6.18 mm/mremap.c 1550–1584): no change, a shrink (the tail
 * unmapped), or a grow — in place when the range ends the VMA and the
 * space after it is free (vma_expandable; vma_merge_extend merges the
 * grown VMA with the next one when they fit), else a MAYMOVE move (expand_vma).
 */
function* mremap_at(m: Machine, mm: Mm, vma: Vma, vrm: Vrm, limit: number): KernelPath<number> {
  const type = remapType(vrm);
  if (type === RemapType.NoResize) return vrm.addr;
  if (type === RemapType.Shrink) {
    do_munmap(m, mm, vrm.addr + vrm.newPages, vrm.oldPages - vrm.newPages);
    return vrm.addr;
  }
  const delta = vrm.newPages - vrm.oldPages;
  const end = vma.end + delta;
  // vrm_can_expand_in_place (1430–1450) → vma_expandable (1415–1428)
  if (vma.end - vrm.addr === vrm.oldPages && end <= limit && mm.vmas.overlapping(vma.end, end).length === 0) {
    const from = vma.end;
    vma.end = end;
    mm.vmas.mergeAround(end, end);
    populate_expand(m, mm, vma.flags, from, delta);
    return vrm.addr;
  }
  if (!vrm.req.maymove) throw new SyscallError('ENOMEM', 'mremap: no room to grow in place and MREMAP_MAYMOVE not given');
  const to = new_addr(m, mm, vma, vrm.newPages);
  const flags = vma.flags;
  const at = yield* move_vma(m, mm, vma, vrm.addr, vrm.oldPages, to, vrm.newPages, false);
  populate_expand(m, mm, flags, at + vrm.oldPages, delta);
  return at;
}

/** do_mremap's populate_expand (6.18 mm/mremap.c 1700–1701, 1951–1952): an mlock()ed VMA that grew is populated (mm_populate). */
function populate_expand(m: Machine, mm: Mm, flags: number, from: number, pages: number): void {
  if ((flags & VM_LOCKED) === 0) return;
  // populate_vma_page_range: FOLL_WRITE for a writable private mapping
  populate(m, mm, from, pages, (flags & (VM_WRITE | VM_SHARED)) === VM_WRITE);
}
