/**
 * mremap(2) (mm/mremap.c): shrink, grow in place, or move.
 *
 * A move (move_vma → move_page_tables) carries the ptes themselves to the
 * new address: the same pfns, the same swap and file ptes; the VMA keeps its
 * pgoff and anon_vma so the rmap still finds every page. MREMAP_DONTUNMAP
 * (5.7; -EINVAL in 2.6.21) leaves the old VMA in place, empty.
 */
import { SyscallError } from './errno.js';
import type { Machine, Mm } from './machine.js';
import { do_munmap } from './mmap.js';
import type { Vma } from './vma.js';

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

/** move_page_tables(): move the ptes of [from, from+n) to [to, to+n). */
function move_page_tables(mm: Mm, from: number, to: number, n: number): void {
  const pt = mm.pgtable;
  for (let i = 0; i < n; i++) {
    const src = pt.walk(from + i, false);
    if (src < 0) continue;
    const hi = pt.hi(src);
    const lo = pt.lo(src);
    if (hi === 0 && lo === 0) continue;
    pt.set(pt.walk(to + i, true), hi, lo);
    pt.set(src, 0, 0);
  }
}

export function do_mremap(m: Machine, mm: Mm, req: MremapRequest): { moved: boolean; start: number } {
  if (req.dontunmap && m.era === '2.6.21') throw new SyscallError('EINVAL', 'MREMAP_DONTUNMAP does not exist in 2.6.21 (added in 5.7)');
  if (req.fixed && !req.maymove) throw new SyscallError('EINVAL', 'MREMAP_FIXED needs MREMAP_MAYMOVE');
  if (req.dontunmap && (!req.maymove || req.oldPages !== req.newPages)) throw new SyscallError('EINVAL', 'MREMAP_DONTUNMAP needs MREMAP_MAYMOVE and an unchanged size');
  if (req.newPages <= 0) throw new SyscallError('EINVAL', 'mremap: new size is 0');
  const vma = mm.vmas.lookup(req.start);
  if (!vma || req.start + req.oldPages > vma.end) throw new SyscallError('EFAULT', 'mremap: the old range is not one mapping');

  if (req.fixed) {
    const to = req.newStart!;
    if (to < req.start + req.oldPages && req.start < to + req.newPages) throw new SyscallError('EINVAL', 'mremap: the new range overlaps the old one');
    do_munmap(m, mm, to, req.newPages);
    if (req.newPages < req.oldPages) do_munmap(m, mm, req.start + req.newPages, req.oldPages - req.newPages);
    return { moved: true, start: move_vma(m, mm, vma, req.start, Math.min(req.oldPages, req.newPages), to, req.newPages, req.dontunmap) };
  }
  if (req.newPages <= req.oldPages) {
    if (req.newPages < req.oldPages) do_munmap(m, mm, req.start + req.newPages, req.oldPages - req.newPages);
    return { moved: false, start: req.start };
  }
  // grow: in place when the pages after the VMA are free
  const end = req.start + req.newPages;
  if (req.start + req.oldPages === vma.end && mm.vmas.overlapping(vma.end, end).length === 0) {
    vma.end = end;
    return { moved: false, start: req.start };
  }
  if (!req.maymove) throw new SyscallError('ENOMEM', 'mremap: no room to grow in place and MREMAP_MAYMOVE not given');
  let to = vma.end + 1;
  while (mm.vmas.overlapping(to, to + req.newPages).length > 0) to += req.newPages;
  return { moved: true, start: move_vma(m, mm, vma, req.start, req.oldPages, to, req.newPages, false) };
}

/** move_vma(): a new VMA at `to` with the old one's identity, the ptes moved, the old range unmapped. */
function move_vma(m: Machine, mm: Mm, vma: Vma, from: number, n: number, to: number, newPages: number, dontunmap: boolean): number {
  // isolate [from, from+n) as one VMA of its own
  let old = vma;
  if (old.start < from) old = mm.vmas.split(old, from);
  if (old.end > from + n) mm.vmas.split(old, from + n);
  const moved: Vma = { ...old, start: to, end: to + newPages };
  mm.vmas.insert(moved);
  move_page_tables(mm, from, to, n);
  if (!dontunmap) {
    mm.vmas.remove(old);
  }
  mm.vmas.mergeAround(to, to + newPages);
  return to;
}
