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
 * @kernel mm/mremap.c
 */
import { PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import { __split_huge_pmd, move_huge_pmd, split_huge_pmd_if_needed } from './huge_memory.js';
import { anon_vma_lock, anon_vma_unlock, i_mmap_lock, i_mmap_unlock, pte_lock, pte_unlock } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { do_munmap, task_size } from './mmap.js';
import { PMD_HUGE } from '../model/pagetable.js';
import { mmap_lock, mmap_unlock } from './mmap_lock.js';
import { anon_vma_before, anon_vma_chain, anon_vma_link_tail, anon_vma_take_place } from './rmap.js';
import { runPath, type KernelPath } from '../model/sched.js';
import type { Vma } from './vma.js';
import { ksm_unmerge_for_move } from './ksm.js';
import { mapsPage } from './pagewalk.js';

export interface MremapRequest {
  readonly start: number;
  readonly oldPages: number;
  readonly newPages: number;
  readonly maymove: boolean;
  readonly fixed: boolean;
  readonly dontunmap: boolean;
  /** MREMAP_FIXED destination */
  readonly newStart?: number;
}

export interface MremapResult {
  readonly moved: boolean;
  readonly start: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const CLASS = ['none', 'pte', 'protnone pte', 'file pte', 'swap entry', 'migration entry', 'device entry', 'hwpoison entry', 'pte marker'];

export function do_mremap(m: Machine, mm: Mm, req: MremapRequest): MremapResult {
  return runPath(do_mremap_path(m, mm, req));
}

/** do_mremap() (2.6.21 mm/mremap.c 250–420; 6.18 mm/mremap.c do_mremap / mremap_to / mremap_at) as a kernel path. */
export function* do_mremap_path(m: Machine, mm: Mm, req: MremapRequest): KernelPath<MremapResult> {
  if (req.dontunmap && m.era === '2.6.21') throw new SyscallError('EINVAL', 'MREMAP_DONTUNMAP does not exist in 2.6.21 (added in 5.7)');
  if (req.fixed && !req.maymove) throw new SyscallError('EINVAL', 'MREMAP_FIXED needs MREMAP_MAYMOVE');
  if (req.dontunmap && (!req.maymove || req.oldPages !== req.newPages)) throw new SyscallError('EINVAL', 'MREMAP_DONTUNMAP needs MREMAP_MAYMOVE and an unchanged size');
  if (req.newPages <= 0) throw new SyscallError('EINVAL', 'mremap: new size is 0');
  const limit = task_size(m);
  // 6.18 check_mremap_params (mm/mremap.c 1775–1784): a new length or a fixed new range beyond TASK_SIZE is -EINVAL
  // before anything else is looked at; 2.6.21 checks the fixed range so (mm/mremap.c 282–283), and a plain grow
  // past TASK_SIZE fails below as the in-place expansion and get_unmapped_area do (-ENOMEM)
  if (m.era === '6.18' && req.newPages > limit) throw new SyscallError('EINVAL', `mremap: new length ${req.newPages} pages exceeds TASK_SIZE (${limit} pages)`);
  if (req.fixed && (req.newPages > limit || req.newStart! > limit - req.newPages)) {
    throw new SyscallError('EINVAL', `mremap: the new range [${req.newStart!}, ${req.newStart! + req.newPages}) reaches beyond TASK_SIZE (${limit} pages)`);
  }
  let vma = mm.vmas.lookup(req.start);
  if (!vma || req.start + req.oldPages > vma.end) throw new SyscallError('EFAULT', 'mremap: the old range is not one mapping');
  if (req.fixed) {
    const to = req.newStart!;
    if (to < req.start + req.oldPages && req.start < to + req.newPages) throw new SyscallError('EINVAL', 'mremap: the new range overlaps the old one');
  }
  const grow = !req.fixed && req.newPages > req.oldPages;
  // vma_expandable (6.18 mm/mremap.c; 2.6.21 mm/mremap.c 358–362 max_addr = TASK_SIZE): nothing in the way, and
  // the grown VMA still passes get_unmapped_area's TASK_SIZE check
  const inPlace =
    grow && req.start + req.oldPages === vma.end && req.start + req.newPages <= limit && mm.vmas.overlapping(vma.end, req.start + req.newPages).length === 0;
  if (grow && !inPlace && !req.maymove) throw new SyscallError('ENOMEM', 'mremap: no room to grow in place and MREMAP_MAYMOVE not given');
  // the move's get_unmapped_area: a gap of newPages below TASK_SIZE, or -ENOMEM
  const moveTo = grow && !inPlace ? unmapped_area_above(mm, vma.end + 1, req.newPages, limit) : 0;
  if (grow && !inPlace && moveTo > limit - req.newPages) throw new SyscallError('ENOMEM', `mremap: no gap of ${req.newPages} pages below TASK_SIZE (${limit} pages) to move to`);

  yield* mmap_lock(m, mm, 'mremap: mmap_lock (write)');
  let res: MremapResult;
  if (req.fixed) {
    const to = req.newStart!;
    do_munmap(m, mm, to, req.newPages);
    if (req.newPages < req.oldPages) do_munmap(m, mm, req.start + req.newPages, req.oldPages - req.newPages);
    // 6.18 mremap_to: "if we remap a portion of a VMA elsewhere in the same VMA, this can invalidate the old VMA. Reset."
    vma = mm.vmas.lookup(req.start)!;
    res = { moved: true, start: yield* move_vma(m, mm, vma, req.start, Math.min(req.oldPages, req.newPages), to, req.newPages, req.dontunmap) };
  } else if (!grow) {
    if (req.newPages < req.oldPages) do_munmap(m, mm, req.start + req.newPages, req.oldPages - req.newPages);
    res = { moved: false, start: req.start };
  } else if (inPlace) {
    vma.end = req.start + req.newPages; // vma_adjust: grow in place
    res = { moved: false, start: req.start };
  } else {
    res = { moved: true, start: yield* move_vma(m, mm, vma, req.start, req.oldPages, moveTo, req.newPages, false) };
  }
  yield* mmap_unlock(m, mm, 'mremap: mmap_lock dropped');
  return res;
}

/**
 * Where the model's get_unmapped_area puts a moved mapping: the first of
 * from, from + pages, from + 2·pages, … whose range no VMA overlaps (the
 * kernel searches top-down from mmap_base; this model has always searched
 * up from the old VMA). Jumps past each VMA in the way instead of stepping
 * through it: the work is the VMAs, not the distance.
 */
function unmapped_area_above(mm: Mm, from: number, pages: number, limit: number): number {
  const up = first_fit(mm, from, pages);
  // nothing above below TASK_SIZE: search up from TASK_UNMAPPED_BASE (TASK_SIZE / 3, the legacy bottom-up
  // layout's base, 6.18 arch/x86/include/asm/processor.h 677–678) — the kernel's top-down search would find that gap too
  return up <= limit - pages ? up : first_fit(mm, Math.ceil(limit / 3), pages);
}

function first_fit(mm: Mm, from: number, pages: number): number {
  let to = from;
  for (;;) {
    const inTheWay = mm.vmas.overlapping(to, to + pages);
    if (inTheWay.length === 0) return to;
    // every candidate below the highest end in the way overlaps that VMA too
    const past = Math.max(...inTheWay.map((v) => v.end));
    to += Math.ceil((past - to) / pages) * pages;
  }
}

/**
 * move_vma() (2.6.21 mm/mremap.c 150–235; 6.18 mm/mremap.c move_vma →
 * copy_vma_and_data): a VMA at `to` with the old one's identity, the ptes
 * moved, the old range unmapped.
 */
function* move_vma(m: Machine, mm: Mm, vma: Vma, from: number, n: number, to: number, newPages: number, dontunmap: boolean): KernelPath<number> {
  ksm_unmerge_for_move(m, mm, vma, from, from + n); // 6.18 prep_move_vma: ksm_madvise(MADV_UNMERGEABLE) of the range, VM_MERGEABLE kept
  const anon = vma.anonVma;
  const inode = m.inodeOf(vma);
  // copy_vma (2.6.21 mm/mmap.c 2010–2060; 6.18 mm/vma.c copy_vma): vma_merge or a new VMA linked in, under the anon_vma lock
  if (anon) yield* anon_vma_lock(m, anon, 'copy_vma: anon_vma lock; vma_merge or vma_link the destination');
  let old = vma;
  // the model splits the source VMA here, not in the final do_munmap: a huge pmd the cut goes through is split
  // now (vma_adjust_trans_huge) — what move_page_tables' split_huge_pmd of the partial first or last extent does
  if (old.start < from) {
    split_huge_pmd_if_needed(m, mm, old, from);
    old = mm.vmas.split(old, from);
  }
  if (old.end > from + n) {
    split_huge_pmd_if_needed(m, mm, old, from + n);
    mm.vmas.split(old, from + n);
  }
  if (anon) {
    anon_vma_chain(m, anon); // every VMA on the chain so far comes before a new one
    // the kernel splits the source only in the final do_munmap: until then the moved range is the original VMA, in its place
    if (old !== vma) anon_vma_take_place(m, old, vma);
  }
  // copy_vma: an anonymous VMA never faulted takes the pgoff of its new place ("to increase its chance of merging")
  const moved: Vma = { ...old, start: to, end: to + newPages, ...(old.file === null && !old.shmem && old.anonVma === 0 ? { pgoff: to } : {}) };
  mm.vmas.insert(moved);
  anon_vma_link_tail(m, moved);
  // vma_merge: grow the VMA before (`prev`) or after (`next`) the destination over it; the source itself is left alone
  const end = to + newPages;
  const prev = mm.vmas.list.find((v) => v.end === to);
  const next = mm.vmas.list.find((v) => v.start === end);
  if (prev && prev !== old && pgoffRunsOn(prev, moved)) mm.vmas.mergeAround(to, to);
  const grown = mm.vmas.lookup(to)!;
  if (next && next !== old && pgoffRunsOn(grown, next)) {
    mm.vmas.mergeAround(end, end);
    // the kernel grows `next` down over the range (next keeps its place on the chain); the model keeps the lower object
    if (grown === moved && moved.end > end) anon_vma_take_place(m, moved, next);
  }
  const dst = mm.vmas.lookup(to)!;
  const merged = dst !== moved || dst.end > end;
  let needRmapLocks = false;
  if (anon && merged) {
    if (m.policies.mremap === 'order-tail') anon_vma_link_tail(m, dst); // anon_vma_moveto_tail(new_vma)
    else if (m.policies.mremap === 'anon-vma-lock') needRmapLocks = anon_vma_before(m, dst, old);
  }
  if (inode && merged && dst.pgoff <= old.pgoff) needRmapLocks = true; // the i_mmap tree is sorted by pgoff
  if (anon) {
    const placed = !merged ? 'a new VMA at the tail' : anon_vma_before(m, dst, old) ? `merged into the VMA at ${hex(dst.start)}, before the source` : `merged into the VMA at ${hex(dst.start)}, after the source`;
    yield* anon_vma_unlock(m, anon, `copy_vma: the destination is ${placed} in the anon_vma chain; anon_vma lock dropped`);
  }
  yield* move_page_tables(m, mm, old, from, to, n, anon && needRmapLocks ? anon : 0, inode && (m.era === '2.6.21' || needRmapLocks) ? inode.id : 0);
  if (!dontunmap) {
    // do_munmap of the old range: nothing left to zap; unlink_anon_vmas under the anon_vma lock, remove_vma
    if (anon) yield* anon_vma_lock(m, anon, 'do_munmap: anon_vma lock; unlink the old VMA');
    // the old range holds no ptes any more: do_munmap removes the VMA and free_pgtables the tables nothing reaches
    do_munmap(m, mm, old.start, old.end - old.start);
    if (anon) yield* anon_vma_unlock(m, anon, 'do_munmap: the old VMA unlinked; anon_vma lock dropped');
  }
  for (const at of [to, to + newPages]) {
    const a = mm.vmas.list.find((v) => v.end === at);
    const b = mm.vmas.list.find((v) => v.start === at);
    if (a && b && pgoffRunsOn(a, b)) mm.vmas.mergeAround(at, at);
  }
  return to;
}

/**
 * vma_merge's pgoff rule (6.18 mm/vma.c can_vma_merge_before/after; 2.6.21
 * mm/mmap.c): the pgoffs of two VMAs must run on for them to merge —
 * anonymous ones too, whose pages the rmap finds by pgoff (a moved VMA
 * keeps its old pgoff). VmaSet.mergeAround lets an anonymous VMA without
 * an anon_vma merge whatever its pgoff, keeping the lower one's: the moved
 * pages' index would no longer match their address.
 */
function pgoffRunsOn(a: Vma, b: Vma): boolean {
  return a.file !== null || a.shmem || a.pgoff + (a.end - a.start) === b.pgoff;
}

/**
 * move_soft_dirty_pte() / move_soft_dirty_pmd() (6.18 mm/mremap.c,
 * mm/huge_memory.c; CONFIG_MEM_SOFT_DIRTY, 3.11+): a moved present entry
 * is made soft-dirty (pte_mksoft_dirty; a huge pmd's bit is the pte's on
 * x86 and ppc64), a swap or migration entry gets the swap soft-dirty bit
 * (pte_swp_mksoft_dirty), so userspace sees that the range moved. Arches
 * without soft-dirty (i386, ppc32, 2.6.21) leave the entry alone. Into
 * m.pteHi/pteLo.
 */
function move_soft_dirty(m: Machine, hi: number, lo: number, cls: number): void {
  m.pteHi = hi;
  m.pteLo = lo;
  if (mapsPage(cls)) m.modify('pte_mksoft_dirty');
  else if (cls === PteClassCode.swap || cls === PteClassCode.migration) {
    const bit = m.variant.roleBits.swpSoftDirty; // _PAGE_SWP_SOFT_DIRTY under CONFIG_MEM_SOFT_DIRTY (core's roles), null elsewhere
    if (bit === null || m.variant.modifierWords.pte_mksoft_dirty === undefined) return;
    if (bit >= 32) m.pteHi = (hi | (1 << (bit - 32))) >>> 0;
    else m.pteLo = (lo | (1 << bit)) >>> 0;
  }
}

/**
 * move_page_tables() → move_ptes() (2.6.21 mm/mremap.c 70–145; 6.18
 * mm/mremap.c move_page_tables, move_pgt_entry, move_ptes): extent by
 * extent (get_extent: to the end of the old and of the new pte table),
 * under the old and new pte locks — and the rmap locks when asked
 * (`anonLock`, `iLock`: lock ids, 0 for none) — each pte moves as it is.
 * A huge pmd (6.18) moves whole when the extent is all of it (old and new
 * address HPAGE-aligned: move_pgt_entry(HPAGE_PMD) → move_huge_pmd, rmap
 * locks only under need_rmap_locks); otherwise, or when the new pmd is not
 * none (move_huge_pmd refuses), split_huge_pmd makes it a pte table first.
 */
function* move_page_tables(m: Machine, mm: Mm, vma: Vma, from: number, to: number, n: number, anonLock: number, iLock: number): KernelPath {
  const pt = mm.pgtable;
  const per = pt.ptrsPerPte;
  const fast = m.variant.fast;
  for (let i = 0; i < n; ) {
    // get_extent(): to the end of the old and of the new pte table
    const extent = Math.min(n - i, per - ((from + i) % per), per - ((to + i) % per));
    const ops = pt.huge.size === 0 ? -1 : pt.pmdSlot(from + i, false);
    if (ops >= 0 && pt.pmdKind(ops) === PMD_HUGE) {
      // is_swap_pmd(*old_pmd) || pmd_trans_huge(*old_pmd)
      if (extent === per) {
        // move_pgt_entry(HPAGE_PMD): take_rmap_locks if need_rmap_locks; move_huge_pmd
        if (iLock) yield* i_mmap_lock(m, iLock, 'move_pgt_entry: take_rmap_locks: i_mmap lock');
        if (anonLock) yield* anon_vma_lock(m, anonLock, 'move_pgt_entry: take_rmap_locks: anon_vma lock');
        yield* pte_lock(m, mm, `move_huge_pmd: pmd locks; ${hex(from + i)} → ${hex(to + i)}`);
        const h = pt.hugeAt(ops)!;
        move_soft_dirty(m, h.hi, h.lo, PteClassCode.present);
        const moved = move_huge_pmd(m, mm, ops, to + i, m.pteHi, m.pteLo);
        yield* pte_unlock(m, mm, `move_huge_pmd: ${hex(from + i)} → ${hex(to + i)}: ${moved ? 'huge pmd moved' : 'the new pmd is not none'}; pmd locks dropped`);
        if (anonLock) yield* anon_vma_unlock(m, anonLock, 'move_pgt_entry: drop_rmap_locks: anon_vma lock dropped');
        if (iLock) yield* i_mmap_unlock(m, iLock, 'move_pgt_entry: drop_rmap_locks: i_mmap lock dropped');
        if (moved) {
          i += extent;
          continue;
        }
      }
      // split_huge_pmd(vma, old_pmd, old_addr): the same frames, PTE-mapped; then move_ptes
      yield* pte_lock(m, mm, `move_page_tables: split_huge_pmd at ${hex(from + i)}: pmd lock`);
      __split_huge_pmd(m, mm, vma, ops);
      yield* pte_unlock(m, mm, `move_page_tables: the huge pmd at ${hex(from + i - ((from + i) % per))} split into ptes; pmd lock dropped`);
    }
    if (pt.walk(from + i, false) < 0) {
      i += extent; // get_old_pmd(): no pte table there, nothing to move
      continue;
    }
    if (iLock) yield* i_mmap_lock(m, iLock, 'move_ptes: i_mmap lock');
    if (anonLock) yield* anon_vma_lock(m, anonLock, 'move_ptes: take_rmap_locks: anon_vma lock');
    yield* pte_lock(m, mm, `move_ptes: pte locks; ${hex(from + i)} → ${hex(to + i)}`);
    let first = -1;
    let count = 0;
    for (let j = i; j < i + extent; j++) {
      const src = pt.walk(from + j, false);
      if (src < 0) continue;
      const hi = pt.hi(src);
      const lo = pt.lo(src);
      if (hi === 0 && lo === 0) continue;
      const cls = fast.classify(hi, lo);
      if (first < 0) first = cls;
      count++;
      move_soft_dirty(m, hi, lo, cls);
      pt.set(pt.walk(to + j, true), m.pteHi, m.pteLo);
      pt.set(src, 0, 0);
    }
    const what = count === 0 ? 'nothing moved' : count === 1 ? `${CLASS[first] ?? 'entry'} moved` : `${count} ptes moved`;
    yield* pte_unlock(m, mm, `move_ptes: ${hex(from + i)} → ${hex(to + i)}: ${what}; pte locks dropped`);
    if (anonLock) yield* anon_vma_unlock(m, anonLock, 'move_ptes: drop_rmap_locks: anon_vma lock dropped');
    if (iLock) yield* i_mmap_unlock(m, iLock, 'move_ptes: i_mmap lock dropped');
    i += extent;
  }
}
