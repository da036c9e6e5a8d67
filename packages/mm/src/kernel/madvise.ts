/**
 * madvise(2) (mm/madvise.c). Which advice exists depends on the era:
 * 2.6.21 has NORMAL..DONTNEED, REMOVE, DONTFORK/DOFORK; MADV_FREE (4.5),
 * WIPEONFORK/KEEPONFORK (4.14), COLD/PAGEOUT (5.4), POPULATE_READ/WRITE
 * (5.14) and HUGEPAGE/NOHUGEPAGE (2.6.38) are -EINVAL there.
 *
 * MADV_HUGEPAGE/NOHUGEPAGE exist only with CONFIG_TRANSPARENT_HUGEPAGE
 * (6.18 mm/madvise.c madvise_behavior_valid lists them under #ifdef
 * CONFIG_TRANSPARENT_HUGEPAGE): on a 6.18 variant without THP they are
 * -EINVAL too. On large folios (huge_memory.ts): DONTNEED splits a huge
 * pmd it covers in part (zap_pmd_range); FREE splits the folio and then
 * acts on its pages; PAGEOUT swaps a whole folio the range covers where it
 * can (zram), else splits it, and leaves shared or pinned ones alone
 * (vmscan.ts pageout_large_folios); COLD splits a folio the range covers in
 * part (madvise_cold_or_pageout_pte_range), as the host's thp_anon
 * recording shows. COLLAPSE (6.1, THP only) is khugepaged.ts.
 *
 * @kernel mm/madvise.c
 */
import { folio_mark_lazyfree, lru_add_drain } from './swap.js';
import { PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { zap_pte_range_path } from './memory.zap.js';
import { do_punch } from './truncate.js';
import { delete_from_page_cache } from './filemap.js';
import { populate, splitRange } from './mmap.js';
import { PG_anon, PG_dirty, PG_lazyfree, PG_swapbacked, PG_zero } from './page-flags.js';
import { page_remove_rmap } from './rmap.js';
import { pageout_large_folios, reclaim_anon_page } from './vmscan.js';
import { get_swap_page } from './swapfile.js';
import { VM_DONTCOPY, VM_HUGEPAGE, VM_MAYWRITE, VM_NOHUGEPAGE, VM_READ, VM_SHARED, VM_WIPEONFORK, VM_WRITE, type Vma } from './vma.js';
import { hasThp, PG_large, thpState } from './huge_memory.js';
import { runPath, type KernelPath } from '../model/sched.js';
import { GUARD_SINCE, madvise_guard_install, madvise_guard_remove } from './madvise.guard.js';
import { VM_LOCKED } from './vma.js';
import { ksm_madvise, PageKsm } from './ksm.js';
import { madvise_collapse } from './khugepaged.js';
import { skip_empty, walk_pte_range } from './pagewalk.js';
import { for_each_swap_pte, read_swap_cache_async } from './swap_state.js';
import { shmem_writeout } from './shmem.js';
import { largeFolioAt, split_folios_in, split_huge_page } from './huge_memory.split.js';

export const ADVICE = [
  'DONTNEED',
  'FREE',
  'PAGEOUT',
  'COLD',
  'WILLNEED',
  'REMOVE',
  'DONTFORK',
  'DOFORK',
  'WIPEONFORK',
  'KEEPONFORK',
  'POPULATE_READ',
  'POPULATE_WRITE',
  'HUGEPAGE',
  'NOHUGEPAGE',
  'GUARD_INSTALL',
  'GUARD_REMOVE',
  'MERGEABLE',
  'UNMERGEABLE',
  'COLLAPSE',
] as const;
export type Advice = (typeof ADVICE)[number];

const SINCE: Partial<Record<Advice, string>> = {
  FREE: '4.5',
  WIPEONFORK: '4.14',
  KEEPONFORK: '4.14',
  COLD: '5.4',
  PAGEOUT: '5.4',
  POPULATE_READ: '5.14',
  POPULATE_WRITE: '5.14',
  HUGEPAGE: '2.6.38',
  NOHUGEPAGE: '2.6.38',
  GUARD_INSTALL: GUARD_SINCE,
  GUARD_REMOVE: GUARD_SINCE,
  // KSM (mm/ksm.c) came in 2.6.32
  MERGEABLE: '2.6.32',
  UNMERGEABLE: '2.6.32',
  // MADV_COLLAPSE (khugepaged.ts) came in 6.1
  COLLAPSE: '6.1',
};

/** MADV_COLD on part of a large folio splits it (madvise_cold_or_pageout_pte_range: folio_pte_batch covers less than the folio). */
function split_partly_covered(m: Machine, mm: Mm, start: number, end: number): void {
  const st = thpState(m);
  if (st === null || st.folios === 0) return;
  let tried = -1; // a folio that would not split (pinned) is tried once, not once per page
  for (let vpn = start; (vpn = skip_empty(mm.pgtable, vpn, start, end)) < end; vpn++) {
    const head = largeFolioAt(m, mm, vpn);
    if (head < 0 || head === tried) continue;
    tried = head;
    const vma = mm.vmas.lookup(vpn)!;
    const first = vma.start + (m.frames.index[head]! - vma.pgoff);
    if (first < start || first + st.nr > end) split_huge_page(m, head);
  }
}

/**
 * The present ptes of [vma.start, vma.end) whose page is mapped exactly once
 * and is not the zero page: what MADV_FREE and MADV_PAGEOUT act on (both
 * leave pages shared after fork alone). Pages of a large folio are left
 * out: the callers split the folios first, and one still large could not be
 * split (pinned) — madvise_free_pte_range and
 * madvise_cold_or_pageout_pte_range leave such a folio alone; freeing one
 * of its pages by itself would drop a reference its head holds.
 */
function forEachExclusivePage(m: Machine, mm: Mm, vma: Vma, body: (vpn: number, slot: number, hi: number, lo: number, frame: number) => void): void {
  const f = m.frames;
  walk_pte_range(m, mm, vma.start, vma.end, (slot, vpn, hi, lo, cls) => {
    if (cls !== PteClassCode.present) return;
    const frame = m.pteFrame(hi, lo);
    if ((f.flags[frame]! & (PG_zero | PG_large)) !== 0 || f.maps(frame) !== 1) return;
    body(vpn, slot, hi, lo, frame);
  });
}

/** MADV_FREE on private anon: clean, exclusive pages become lazily freeable (madvise_free_pte_range). */
function madvise_free(m: Machine, mm: Mm, vma: Vma): void {
  if (vma.file !== null || vma.shmem || vma.flags & VM_SHARED) throw new SyscallError('EINVAL', 'MADV_FREE works on private anonymous memory only');
  const f = m.frames;
  const clean = m.variant.modifierWords['pte_mkclean']!;
  forEachExclusivePage(m, mm, vma, (_vpn, slot, hi, lo, frame) => {
    if ((f.flags[frame]! & PG_anon) === 0) return;
    // folio_mark_lazyfree(): PG_swapbacked is cleared when the per-CPU lazyfree batch drains,
    // which user space does not see happen at once; PG_lazyfree carries the decision here.
    f.flags[frame]! &= ~PG_dirty;
    if ((f.flags[frame]! & PG_lazyfree) === 0 && (f.flags[frame]! & PG_swapbacked) !== 0) folio_mark_lazyfree(m, frame);
    f.flags[frame]! |= PG_lazyfree;
    m.pteHi = hi;
    m.pteLo = lo;
    m.modifyWords(clean); // pte_mkclean, conditional steps included
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
  });
}

/** MADV_PAGEOUT: reclaim_pages() on the range. Without swap only clean lazyfree pages can go. */
function madvise_pageout(m: Machine, mm: Mm, vma: Vma): void {
  const f = m.frames;
  if (m.era === '6.18') lru_add_drain(m); // madvise_pageout (6.18 mm/madvise.c 647)
  forEachExclusivePage(m, mm, vma, (_vpn, slot, hi, lo, frame) => {
    if ((f.flags[frame]! & PG_anon) === 0) {
      const inode = m.inodeOf(vma);
      if (!inode) return;
      // shrink_folio_list (6.18 mm/vmscan.c): the page is unmapped first (1390); a clean one then leaves the page cache
      // (__remove_mapping, 1553); a dirty ext4 page stays cached, unmapped — only kswapd writes file pages back (1411–1435)
      const dirty = m.isPteDirty(hi, lo) || (f.flags[frame]! & PG_dirty) !== 0;
      if (!dirty || inode.fs === 'ext4') {
        if (dirty) f.flags[frame]! |= PG_dirty;
        page_remove_rmap(m, frame);
        mm.pgtable.set(slot, 0, 0);
        if (!dirty) delete_from_page_cache(m, inode, f.index[frame]!);
        return;
      }
      // a dirty shmem/tmpfs page: unmapped, then written to swap by shmem_writeout; with no swap slot the write
      // fails and the page stays cached, dirty, unmapped (AOP_WRITEPAGE_ACTIVATE: activated, mm/vmscan.c 1390, 1411)
      const dev = m.swaps.find((d) => d !== undefined);
      const swapSlot = dev ? get_swap_page(dev) : -1;
      if (!dev || swapSlot < 0) {
        f.flags[frame]! |= PG_dirty;
        page_remove_rmap(m, frame);
        mm.pgtable.set(slot, 0, 0);
        return;
      }
      if (m.isPteDirty(hi, lo)) f.flags[frame]! |= PG_dirty;
      page_remove_rmap(m, frame);
      mm.pgtable.set(slot, 0, 0);
      shmem_writeout(m, inode, f.index[frame]!, dev, swapSlot); // the page knows its index (vma here is a clipped copy)
      return;
    }
    if ((f.flags[frame]! & PG_lazyfree) !== 0) {
      if (m.isPteDirty(hi, lo) || (f.flags[frame]! & PG_dirty) !== 0) {
        // written after MADV_FREE: back to a normal swap-backed page
        f.flags[frame]! &= ~PG_lazyfree;
        f.flags[frame]! |= PG_swapbacked | PG_dirty;
        return;
      }
      page_remove_rmap(m, frame);
      mm.pgtable.set(slot, 0, 0);
      return;
    }
    // a swap-backed page goes to swap; with no swap device it stays (add_to_swap fails)
    if (PageKsm(m, frame)) return; // reclaiming a KSM page (rmap_walk_ksm) is not modelled: it stays (ksm.ts)
    reclaim_anon_page(m, frame);
  });
}

export function do_madvise(m: Machine, mm: Mm, start: number, pages: number, advice: Advice): void {
  runPath(do_madvise_path(m, mm, start, pages, advice));
}

/** madvise() as a kernel path: MADV_DONTNEED's zap stops where zap_pte_range does (memory.ts); the rest runs whole. */
export function* do_madvise_path(m: Machine, mm: Mm, start: number, pages: number, advice: Advice): KernelPath {
  const since = SINCE[advice];
  if (m.era === '2.6.21' && since) throw new SyscallError('EINVAL', `MADV_${advice} does not exist in 2.6.21 (added in ${since})`);
  if ((advice === 'HUGEPAGE' || advice === 'NOHUGEPAGE' || advice === 'COLLAPSE') && !hasThp(m)) {
    throw new SyscallError('EINVAL', `MADV_${advice} needs CONFIG_TRANSPARENT_HUGEPAGE, which ${m.variant.key} cannot have`);
  }
  if (pages <= 0) return;
  const end = start + pages;
  // -ENOMEM for an unmapped hole, after applying the advice to what is mapped
  let covered = 0;
  for (const v of mm.vmas.overlapping(start, end)) covered += Math.min(v.end, end) - Math.max(v.start, start);
  const changesFlags = advice === 'DONTFORK' || advice === 'DOFORK' || advice === 'WIPEONFORK' || advice === 'KEEPONFORK' || advice === 'HUGEPAGE' || advice === 'NOHUGEPAGE' || advice === 'MERGEABLE' || advice === 'UNMERGEABLE';
  if (advice === 'WIPEONFORK') {
    for (const v of mm.vmas.overlapping(start, end)) {
      if (v.flags & VM_SHARED || v.file !== null) throw new SyscallError('EINVAL', 'MADV_WIPEONFORK works on private anonymous memory only');
    }
  }
  const vmas = changesFlags ? splitRange(m, mm, start, end) : mm.vmas.overlapping(start, end);
  // MADV_POPULATE_* walks the range address by address: a hole is -ENOMEM at once (vma_lookup fails, 6.18 mm/gup.c 1384–1388)
  let populated = start;
  for (const v of vmas) {
    const s = Math.max(v.start, start);
    // can_madv_lru_vma() / madvise_dontneed_free_valid_vma() / madvise_remove(): not on mlocked memory (mlock.ts)
    if ((v.flags & VM_LOCKED) !== 0 && (advice === 'DONTNEED' || advice === 'FREE' || advice === 'COLD' || advice === 'PAGEOUT' || advice === 'REMOVE')) {
      throw new SyscallError('EINVAL', `MADV_${advice} on a VM_LOCKED VMA`);
    }
    const e = Math.min(v.end, end);
    switch (advice) {
      case 'DONTNEED':
        // madvise_dontneed_single_vma → zap_page_range_single (mmap_lock held; PT_RECLAIM on)
        yield* zap_pte_range_path(m, mm, v, s, e, true, true, true); // zap_details NULL: guard markers stay
        break;
      case 'FREE':
        if (!(v.file !== null || v.shmem || v.flags & VM_SHARED)) split_folios_in(m, mm, s, e);
        madvise_free(m, mm, { ...v, start: s, end: e });
        break;
      case 'PAGEOUT':
        pageout_large_folios(m, mm, v, s, e); // a whole THP to swap, or split (vmscan.ts)
        madvise_pageout(m, mm, { ...v, start: s, end: e });
        break;
      case 'HUGEPAGE':
        // hugepage_madvise()
        v.flags = (v.flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
        break;
      case 'NOHUGEPAGE':
        v.flags = (v.flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
        break;
      case 'POPULATE_READ':
      case 'POPULATE_WRITE':
        // madvise_populate → faultin_page_range: GUP with FOLL_MADV_POPULATE and no FOLL_FORCE; a VMA
        // check_vma_flags refuses (a write without VM_WRITE, a read without VM_READ) is -EINVAL, the VMAs
        // before it already populated (6.18 mm/gup.c 1384–1393, check_vma_flags 1199–1250; mm/madvise.c 988–989)
        if (s > populated) throw new SyscallError('ENOMEM', `madvise: MADV_${advice} reached an unmapped hole`);
        populated = e;
        if ((v.flags & (advice === 'POPULATE_WRITE' ? VM_WRITE : VM_READ)) === 0)
          throw new SyscallError('EINVAL', `madvise: MADV_${advice} of a mapping without ${advice === 'POPULATE_WRITE' ? 'write' : 'read'} permission`);
        // a page the fault cannot give (beyond EOF: VM_FAULT_SIGBUS) is -EFAULT (6.18 mm/madvise.c 992–993)
        if (populate(m, mm, s, e - s, advice === 'POPULATE_WRITE')) throw new SyscallError('EFAULT', `madvise: MADV_${advice} met a page beyond the end of the file (SIGBUS)`);
        break;
      case 'DONTFORK':
        v.flags |= VM_DONTCOPY;
        break;
      case 'DOFORK':
        v.flags &= ~VM_DONTCOPY;
        break;
      case 'WIPEONFORK':
        v.flags |= VM_WIPEONFORK;
        break;
      case 'KEEPONFORK':
        v.flags &= ~VM_WIPEONFORK;
        break;
      case 'REMOVE': {
        // madvise_remove(): punch the hole in the backing file of a shared mapping
        const inode = m.inodeOf(v);
        // no file: EINVAL; a mapping that cannot write the file: EACCES — 6.18 vma_is_shared_maywrite (VM_SHARED and
        // VM_MAYWRITE, mm/madvise.c 1028–1033), 2.6.21 VM_SHARED and VM_WRITE (2.6.20 mm/madvise.c 166–172)
        if (!inode) throw new SyscallError('EINVAL', 'MADV_REMOVE needs a file or shmem mapping');
        const writes = m.era === '2.6.21' ? VM_WRITE : VM_MAYWRITE;
        if ((v.flags & VM_SHARED) === 0 || (v.flags & writes) === 0) throw new SyscallError('EACCES', 'MADV_REMOVE needs a shared mapping that may write the file');
        do_punch(m, inode, v.pgoff + (s - v.start), e - s);
        break;
      }
      case 'COLD':
        lru_add_drain(m); // madvise_cold (6.18 mm/madvise.c 606)
        split_partly_covered(m, mm, s, e);
        break;
      case 'COLLAPSE':
        madvise_collapse(m, mm, v, s, e);
        break;
      case 'WILLNEED':
        // anon memory (6.18): its swapped pages are read into the swap cache (swap_state.ts)
        if (m.era === '6.18' && v.file === null && !v.shmem) madvise_willneed_anon(m, mm, s, e);
        break;
      case 'GUARD_INSTALL':
        yield* madvise_guard_install(m, mm, v, s, e);
        break;
      case 'GUARD_REMOVE':
        madvise_guard_remove(m, mm, v, s, e);
        break;
      case 'MERGEABLE':
      case 'UNMERGEABLE':
        // madvise_vma_behavior → ksm_madvise (6.18 mm/ksm.c)
        ksm_madvise(m, mm, v, s, e, advice);
        break;
    }
  }
  if (changesFlags) mm.vmas.mergeAround(start, end);
  if (covered < pages) throw new SyscallError('ENOMEM', 'madvise: part of the range is not mapped');
}

/**
 * MADV_WILLNEED on anonymous memory (6.18 mm/madvise.c madvise_willneed →
 * swapin_walk_pmd_entry): each swap pte of [start, end) has its page read
 * into the swap cache (read_swap_cache_async; the pte stays a swap entry).
 */
export function madvise_willneed_anon(m: Machine, mm: Mm, start: number, end: number): void {
  for_each_swap_pte(m, mm, start, end, (d, s) => void read_swap_cache_async(m, d, s, false, true));
}
