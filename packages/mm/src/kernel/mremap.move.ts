/**
 * mremap's move (mm/mremap.c move_vma → copy_vma_and_data →
 * move_page_tables; 2.6.21 mm/mremap.c move_vma): the VMA copied to its
 * new place, the ptes carried over as they are, the source unmapped — or,
 * under MREMAP_DONTUNMAP, left in place and empty. Shared by both eras'
 * do_mremap (mremap.ts); the kernel-path and lock-point notes there apply.
 *
 * @kernel mm/mremap.c
 */
import { PteClassCode } from '@mmsim/core';
import { __split_huge_pmd, move_huge_pmd, split_huge_pmd_if_needed } from './huge_memory.js';
import { anon_vma_lock, anon_vma_unlock, i_mmap_lock, i_mmap_unlock, pte_lock, pte_unlock } from '../model/locks.js';
import type { Machine, Mm } from '../model/machine.js';
import { do_munmap } from './mmap.js';
import { PMD_HUGE } from '../model/pagetable.js';
import { anon_vma_before, anon_vma_chain, anon_vma_link_tail, anon_vma_take_place } from './rmap.js';
import type { KernelPath } from '../model/sched.js';
import { VM_LOCKED, type Vma } from './vma.js';
import { ksm_unmerge_for_move } from './ksm.js';
import { mapsPage } from './pagewalk.js';
import { noteValue, V_MOVED_FROM, V_MOVED_TO } from '../model/step-values.js';
import { vaddr } from '../model/vaddr.js';

const CLASS = ['none', 'pte', 'protnone pte', 'file pte', 'swap entry', 'migration entry', 'device entry', 'hwpoison entry', 'pte marker'];

/**
 * Where the model's get_unmapped_area puts a moved mapping: the first of
 * from, from + pages, from + 2·pages, … whose range no VMA overlaps (the
 * kernel searches top-down from mmap_base; this model has always searched
 * up from the old VMA). Jumps past each VMA in the way instead of stepping
 * through it: the work is the VMAs, not the distance.
 */
export function unmapped_area_above(mm: Mm, from: number, pages: number, limit: number): number {
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
export function* move_vma(m: Machine, mm: Mm, vma: Vma, from: number, n: number, to: number, newPages: number, dontunmap: boolean): KernelPath<number> {
  ksm_unmerge_for_move(m, mm, vma, from, from + n); // 6.18 prep_move_vma: ksm_madvise(MADV_UNMERGEABLE) of the range, VM_MERGEABLE kept
  const anon = vma.anonVma;
  const inode = m.inodeOf(vma);
  // copy_vma (2.6.21 mm/mmap.c 2010–2060; 6.18 mm/vma.c copy_vma): vma_merge or a new VMA linked in, under the anon_vma lock
  if (anon) yield* anon_vma_lock(m, anon, 'copy_vma: anon_vma lock; vma_merge or vma_link the destination');
  let old = vma;
  // copy_vma_and_data (6.18 mm/mremap.c 1181–1190): the new VMA's pgoff is the source's at `from`
  const newPgoff = vma.pgoff + (from - vma.start);
  // the model splits the source VMA here, not in the final do_munmap: a huge pmd the cut goes through is split
  // now (vma_adjust_trans_huge) — what move_page_tables' split_huge_pmd of the partial first or last extent does.
  // MREMAP_DONTUNMAP unmaps nothing, so nothing splits the source (6.18 move_vma → dontunmap_complete, 1245–1264)
  if (!dontunmap && old.start < from) {
    split_huge_pmd_if_needed(m, mm, old, from);
    old = mm.vmas.split(old, from);
  }
  if (!dontunmap && old.end > from + n) {
    split_huge_pmd_if_needed(m, mm, old, from + n);
    mm.vmas.split(old, from + n);
  }
  if (anon) {
    anon_vma_chain(m, anon); // every VMA on the chain so far comes before a new one
    // the kernel splits the source only in the final do_munmap: until then the moved range is the original VMA, in its place
    if (old !== vma) anon_vma_take_place(m, old, vma);
  }
  // copy_vma: an anonymous VMA never faulted takes the pgoff of its new place ("to increase its chance of merging")
  const moved: Vma = { ...old, start: to, end: to + newPages, pgoff: old.file === null && !old.shmem && old.anonVma === 0 ? to : newPgoff };
  mm.vmas.insert(moved);
  anon_vma_link_tail(m, moved);
  // vma_merge: grow the VMA before (`prev`) or after (`next`) the destination over it; the source itself is left alone
  const end = to + newPages;
  const prev = mm.vmas.list.find((v) => v.end === to);
  const next = mm.vmas.list.find((v) => v.start === end);
  if (prev && prev !== old && pgoffRunsOn(prev, moved)) mm.vmas.mergeAround(to, to, moved);
  const grown = mm.vmas.lookup(to)!;
  if (next && next !== old && pgoffRunsOn(grown, next)) {
    mm.vmas.mergeAround(end, end, grown); // grown holds the range copy_vma placed (no source VMA to ask)
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
    const placed = !merged ? 'a new VMA at the tail' : anon_vma_before(m, dst, old) ? `merged into the VMA at ${vaddr(m, dst.start)}, before the source` : `merged into the VMA at ${vaddr(m, dst.start)}, after the source`;
    yield* anon_vma_unlock(m, anon, `copy_vma: the destination is ${placed} in the anon_vma chain; anon_vma lock dropped`);
  }
  yield* move_page_tables(m, mm, old, from, to, n, anon && needRmapLocks ? anon : 0, inode && (m.era === '2.6.21' || needRmapLocks) ? inode.id : 0);
  if (dontunmap) {
    // dontunmap_complete (6.18 mm/mremap.c 1245–1264): the old VMA stays, VM_LOCKED[ONFAULT] cleared (its pages
    // moved away); when all of it moved, unlink_anon_vmas drops its anon_vma — so a fork copies none of the
    // ptes a later read fault maps there (vma_needs_copy: no anon_vma), and a write fault makes a new anon_vma
    old.flags = (old.flags & ~VM_LOCKED) >>> 0;
    if (from === old.start && from + n === old.end) {
      old.anonVma = 0;
      delete old.uncowedParents;
    }
  } else {
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
        yield* pte_lock(m, mm, `move_huge_pmd: pmd locks; ${vaddr(m, from + i)} → ${vaddr(m, to + i)}`);
        const h = pt.hugeAt(ops)!;
        move_soft_dirty(m, h.hi, h.lo, PteClassCode.present);
        const moved = move_huge_pmd(m, mm, ops, to + i, m.pteHi, m.pteLo);
        yield* pte_unlock(m, mm, `move_huge_pmd: ${vaddr(m, from + i)} → ${vaddr(m, to + i)}: ${moved ? 'huge pmd moved' : 'the new pmd is not none'}; pmd locks dropped`);
        if (anonLock) yield* anon_vma_unlock(m, anonLock, 'move_pgt_entry: drop_rmap_locks: anon_vma lock dropped');
        if (iLock) yield* i_mmap_unlock(m, iLock, 'move_pgt_entry: drop_rmap_locks: i_mmap lock dropped');
        if (moved) {
          i += extent;
          continue;
        }
      }
      // split_huge_pmd(vma, old_pmd, old_addr): the same frames, PTE-mapped; then move_ptes
      yield* pte_lock(m, mm, `move_page_tables: split_huge_pmd at ${vaddr(m, from + i)}: pmd lock`);
      __split_huge_pmd(m, mm, vma, ops);
      yield* pte_unlock(m, mm, `move_page_tables: the huge pmd at ${vaddr(m, from + i - ((from + i) % per))} split into ptes; pmd lock dropped`);
    }
    if (pt.walk(from + i, false) < 0) {
      i += extent; // get_old_pmd(): no pte table there, nothing to move
      continue;
    }
    if (iLock) yield* i_mmap_lock(m, iLock, 'move_ptes: i_mmap lock');
    if (anonLock) yield* anon_vma_lock(m, anonLock, 'move_ptes: take_rmap_locks: anon_vma lock');
    yield* pte_lock(m, mm, `move_ptes: pte locks; ${vaddr(m, from + i)} → ${vaddr(m, to + i)}`);
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
    if (count > 0) {
      noteValue(m, V_MOVED_FROM, from + i);
      noteValue(m, V_MOVED_TO, to + i);
    }
    yield* pte_unlock(m, mm, `move_ptes: ${vaddr(m, from + i)} → ${vaddr(m, to + i)}: ${what}; pte locks dropped`);
    if (anonLock) yield* anon_vma_unlock(m, anonLock, 'move_ptes: drop_rmap_locks: anon_vma lock dropped');
    if (iLock) yield* i_mmap_unlock(m, iLock, 'move_ptes: i_mmap lock dropped');
    i += extent;
  }
}
