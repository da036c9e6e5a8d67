/**
 * `@mmsim/mm/kernel` — the kernel-function layer: the model's ports of mm/,
 * named as the kernel names them, grouped here by the kernel source file they
 * model (KERNEL-INDEX.md lists every one with its file and line). Each takes
 * the Machine first; a `_path` form is the same function as a stoppable
 * kernel path for the explorer.
 */
// mm/memory.c
export { handle_mm_fault, do_anonymous_page, access, touch, TOUCH_OK, TOUCH_SEGV_MAPERR, TOUCH_SEGV_ACCERR, TOUCH_SIGBUS } from './memory.js';
export { do_wp_page } from './memory.wp.js';
export { zap_pte_range, zap_pte_range_path } from './memory.zap.js';
export { unmap_mapping_range } from './memory.unmap.js';
export { do_swap_page } from './memory.swap.js';
export { handle_pte_marker, markerBits, markerPteWords, pteMarker, isGuardMarker } from './memory.pte_marker.js';
// mm/mmap.c, mm/vma.c, kernel/fork.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c, mm/mlock.c
export { do_mmap, do_mmap_anon, do_munmap, populate, exit_mmap } from './mmap.js';
export { VmaSet, VM_MERGEABLE, VM_LOCKED, VM_UFFD_WP, VM_MAYBE_GUARD } from './vma.js';
export type { Vma } from './vma.js';
export { dup_mmap } from './fork.js';
export { do_mprotect } from './mprotect.js';
export { do_mremap, do_mremap_path } from './mremap.js';
export type { MremapRequest, MremapResult } from './mremap.js';
export { do_madvise, do_madvise_path, ADVICE } from './madvise.js';
export type { Advice } from './madvise.js';
export { madvise_guard_install, madvise_guard_remove } from './madvise.guard.js';
export { do_mlock, pageMlocked, pageUnevictable, mlock_drain_local } from './mlock.js';
export { folio_maybe_dma_pinned, vma_is_anonymous } from './mm.js';
// mm/filemap.c, mm/truncate.c, mm/fremap.c (2.6.21)
export { KernelBug } from './filemap.js';
export type { Inode } from './filemap.js';
export { do_truncate, do_punch, do_fadvise_dontneed } from './truncate.js';
export { sys_remap_file_pages, install_page, install_file_pte, MAP_NONBLOCK } from './fremap.js';
// mm/rmap.c, mm/vmscan.c, mm/oom_kill.c
export { anon_vma_chain, try_to_unmap_file } from './rmap.js';
export { try_to_migrate } from './rmap.migrate.js';
export { reclaim_anon_page, reclaim_large_folio, pageout_large_folios } from './vmscan.js';
export { try_to_free_pages } from './vmscan.reclaim.js';
export { oom_badness, select_bad_process, out_of_memory } from './oom_kill.js';
export type { OomKill } from './oom_kill.js';
// mm/swapfile.c, mm/swap_state.c
export { swapon, get_swap_page, usedKb, totalKb, thpSwap } from './swapfile.js';
export type { SwapDevice } from './swapfile.js';
export { swapoff } from './swapfile.swapoff.js';
export { cluster_alloc_swap_entry } from './swapfile.cluster.js';
export type { SwapClusters } from './swapfile.cluster.js';
export { swapin_readahead, swap_use_vma_readahead, PAGE_CLUSTER } from './swap_state.js';
// mm/migrate.c, mm/mempolicy.c, mm/compaction.c
export { remove_migration_ptes, migration_entry_wait, migration_entry_pfn } from './migrate.js';
export { migrate_pages, isolate_lru_page, MIGRATE_OK, MIGRATE_EAGAIN, MIGRATE_SPLIT } from './migrate.migrate_pages.js';
export { do_move_pages_path, kernel_move_pages_path, STATUS_ERRNO } from './migrate.move_pages.js';
export type { MovePagesResult, MovePagesRequest, MovePagesOutcome } from './migrate.move_pages.js';
export {
  numa_info,
  get_mempolicy_mode,
  get_nodes,
  vmaPolicy,
  taskPolicy,
  mpol_equal,
  policy_node,
  nodeListString,
  MPOL_DEFAULT,
  MPOL_PREFERRED,
  MPOL_BIND,
  MPOL_INTERLEAVE,
  MPOL_LOCAL,
  MPOL_PREFERRED_MANY,
  MPOL_WEIGHTED_INTERLEAVE,
  MPOL_MODE_NAMES,
  MPOL_F_STATIC_NODES,
  MPOL_F_RELATIVE_NODES,
  MPOL_F_NUMA_BALANCING,
  MPOL_MF_STRICT,
  MPOL_MF_MOVE,
  MPOL_MF_MOVE_ALL,
  MAX_NUMNODES,
} from './mempolicy.js';
export type { MemPolicy, SyscallOutcome, NumaErrno, NumaInfo } from './mempolicy.js';
export { do_mbind_path, kernel_migrate_pages_path } from './mempolicy.mbind.js';
export type { MbindRequest, MigratePagesRequest } from './mempolicy.mbind.js';
export { sysctl_compact_memory, COMPACT_MEMORY_PATH } from './compaction.js';
// mm/gup.c
export { get_user_pages, pin_user_pages, unpin_user_page, device_write, device_read, FOLL_WRITE, FOLL_GET, FOLL_PIN, FOLL_LONGTERM, GUP_PIN_COUNTING_BIAS } from './gup.js';
export type { Pin } from './gup.js';
// mm/huge_memory.c, mm/khugepaged.c (6.18)
export { hasThp, thpState, folioHead, folioMapped, folioLargeMapcount, entireMapcount, pmdFrame, isHugeZeroPmd, move_huge_pmd, VM_FAULT_FALLBACK, PG_head, PG_tail } from './huge_memory.js';
export type { ThpState } from './huge_memory.js';
export { split_huge_page, split_huge_page_path, largeFolioAt } from './huge_memory.split.js';
export { split_huge_pages_write, split_huge_pages_pid, has_split_huge_pages_file } from './huge_memory.split_huge_pages.js';
export { madvise_collapse, madvise_collapse_errno, collapse_allowable } from './khugepaged.js';
export type { ScanResult } from './khugepaged.js';
// mm/ksm.c (6.18)
export { ksm_madvise, ksm_do_scan, ksm_full_scans, ksmState, PageKsm, KSM_RUN_STOP, KSM_RUN_MERGE, KSM_RUN_UNMERGE } from './ksm.js';
export type { KsmState } from './ksm.js';
export { ksm_run_store, ksm_start, ksm_wait, ksm_restore, ksm_stats, ORACLE_KSM_SETTINGS } from './ksm.sysfs.js';
export type { KsmStats, KsmSettings } from './ksm.sysfs.js';
// fs/userfaultfd.c, fs/proc/task_mmu.c (6.18)
export {
  sys_userfaultfd,
  userfaultfd_api,
  userfaultfd_register_wp,
  mwriteprotect_range,
  userfaultfd_release,
  hasUffdWp,
  pteUffdWp,
  pteSwpUffdWp,
  uffdWords,
  UFFD_FEATURE_WP_ASYNC,
  UFFD_FEATURE_WP_UNPOPULATED,
} from './userfaultfd.js';
export type { UffdCtx } from './userfaultfd.js';
export { clear_refs_write } from './task_mmu.js';
export type { TimingChoices } from './swap.js';
