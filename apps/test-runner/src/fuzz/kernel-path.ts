/**
 * The kernel function a step's op enters (6.18), for a divergence report:
 * where to start reading when the model and the host part ways. One
 * table, by the trace's step name; the model's kernel files are named
 * after the same source files (packages/mm/src/kernel/*.ts).
 */

/** step op → 6.18 entry point (file: function) */
const ENTRY: Readonly<Record<string, string>> = {
  file_create: 'fs/open.c: do_sys_open, then vfs_truncate (the file\'s size)',
  mmap: 'mm/mmap.c: do_mmap',
  mmap_fixed: 'mm/mmap.c: do_mmap (MAP_FIXED: do_vmi_munmap first)',
  munmap: 'mm/vma.c: do_vmi_munmap',
  mprotect: 'mm/mprotect.c: do_mprotect_pkey, mprotect_fixup',
  write: 'mm/memory.c: handle_mm_fault (do_anonymous_page, do_wp_page, do_swap_page, do_fault)',
  write_all: 'mm/memory.c: handle_mm_fault',
  read: 'mm/memory.c: handle_mm_fault (do_read_fault, do_swap_page)',
  madvise: 'mm/madvise.c: madvise_vma_behavior',
  mremap: 'mm/mremap.c: do_mremap (check_mremap_params, remap_move, mremap_to, move_vma)',
  mremap_part: 'mm/mremap.c: do_mremap (check_mremap_params, remap_move, mremap_to, move_vma)',
  remap_file_pages: 'mm/mmap.c: SYSCALL remap_file_pages (emulated: do_mmap at the new pgoff)',
  ftruncate: 'mm/truncate.c: truncate_pagecache, truncate_inode_pages_range',
  fallocate: 'mm/shmem.c: shmem_fallocate / fs/ext4/extents.c: ext4_punch_hole (truncate_pagecache_range)',
  pwrite: 'mm/filemap.c: generic_perform_write',
  pread: 'mm/filemap.c: filemap_read',
  fadvise: 'mm/fadvise.c: generic_fadvise (mapping_try_invalidate)',
  fork: 'kernel/fork.c: dup_mmap, mm/memory.c: copy_page_range',
  exit: 'kernel/exit.c: do_exit, mm/mmap.c: exit_mmap',
  swapon: 'mm/swapfile.c: SYSCALL swapon',
  swapoff: 'mm/swapfile.c: SYSCALL swapoff, try_to_unuse',
};

/** madvise advice → the function that carries it out (mm/madvise.c unless named) */
const ADVICE: Readonly<Record<string, string>> = {
  DONTNEED: 'mm/madvise.c: madvise_dontneed_free, zap_page_range_single',
  FREE: 'mm/madvise.c: madvise_free_single_vma',
  PAGEOUT: 'mm/madvise.c: madvise_pageout, mm/vmscan.c: reclaim_pages',
  COLD: 'mm/madvise.c: madvise_cold',
  WILLNEED: 'mm/madvise.c: madvise_willneed',
  REMOVE: 'mm/madvise.c: madvise_remove (vfs_fallocate PUNCH_HOLE)',
  POPULATE_READ: 'mm/madvise.c: madvise_populate, mm/gup.c: faultin_page_range',
  POPULATE_WRITE: 'mm/madvise.c: madvise_populate, mm/gup.c: faultin_page_range',
  HUGEPAGE: 'mm/khugepaged.c: hugepage_madvise',
  NOHUGEPAGE: 'mm/khugepaged.c: hugepage_madvise',
  COLLAPSE: 'mm/khugepaged.c: madvise_collapse',
  GUARD_INSTALL: 'mm/madvise.c: madvise_guard_install',
  GUARD_REMOVE: 'mm/madvise.c: madvise_guard_remove',
  MERGEABLE: 'mm/ksm.c: ksm_madvise',
  UNMERGEABLE: 'mm/ksm.c: ksm_madvise, unmerge_ksm_pages',
};

/** The kernel function responsible for step OP (with its args), or undefined when the table has none. */
export function kernelFunction(op: string, args: Record<string, unknown>): string | undefined {
  if (op === 'madvise') {
    const advice = String(args['advice'] ?? '').replace(/^MADV_/, '');
    return ADVICE[advice] ?? `${ENTRY['madvise']} (MADV_${advice})`;
  }
  return ENTRY[op];
}
