export { Machine } from './model/machine.js';
export type { MachineOptions, Mm, Process } from './model/machine.js';
export { FrameTable, OutOfFramesError, MAX_NODES } from './model/frames.js';
export { PageTable } from './model/pagetable.js';
export { VmaSet } from './kernel/vma.js';
export type { Vma } from './kernel/vma.js';
export { NotModelled, SyscallError } from './model/errno.js';
export { handle_mm_fault, do_anonymous_page, do_wp_page, zap_pte_range, access, touch, TOUCH_OK, TOUCH_SEGV_MAPERR, TOUCH_SEGV_ACCERR, TOUCH_SIGBUS } from './kernel/memory.js';
export { do_mmap, do_mmap_anon, do_munmap, populate } from './kernel/mmap.js';
export { create_file, file_pread, file_pwrite, remove_file } from './model/fs.js';
export { do_truncate, do_punch, do_fadvise_dontneed } from './kernel/truncate.js';
export { unmap_mapping_range } from './kernel/memory.unmap.js';
export { KernelBug } from './kernel/filemap.js';
export type { Inode } from './kernel/filemap.js';
export { dup_mmap } from './kernel/fork.js';
export { exit_mmap } from './kernel/mmap.js';
export { do_madvise, ADVICE } from './kernel/madvise.js';
export type { Advice } from './kernel/madvise.js';
export type { AccessResult } from './model/signals.js';
export { parseMmo, streamMmo, mmoOps, MmoSyntaxError } from './script/parse.js';
export type { MmoScript, MmoOp, MmoSource, MmoHeader } from './script/parse.js';
export { runScript, runScriptSteps, startScript, InvariantViolation, ExpectationFailed, ProcessKilled, MANY_REGIONS } from './script/run.js';
export type { Step, Trace, RunOptions, RunEnd, ScriptRun, TraceHeader } from './script/run.js';
export { readScriptFile, ScriptFileError, MAX_SCRIPT_BYTES } from './script/read-file.js';
export { BadValue, choices, nearest, shorten, uint, whole, int32, loffBytes, flagSet, oneOf, tag, protLetters, SHOWN_CHARS, MAX_WORD, LOFF_MAX } from './script/values.js';
export type { FlagNames } from './script/values.js';
export { observeRegion, SAMPLE_THRESHOLD, SAMPLE_EDGE, ALL_PAGES_CAP } from './observe/observe.js';
export type { RegionObs, PageObs, VmaObs, Region, ObserveOptions } from './observe/observe.js';
export { PfnLabels } from './observe/labels.js';
export { recordingToMmo } from './script/from-recording.js';
export type { Recording, RecordedStep } from './script/from-recording.js';
export { do_mprotect } from './kernel/mprotect.js';
export { simulatorNeeds, SIMULATOR_MODIFIERS } from './model/needs.js';
export { checkInvariants } from './check/invariants.js';
export type { Violation } from './check/invariants.js';
export { ReferenceModel } from './check/reference.js';
export { swapon, get_swap_page, usedKb, totalKb } from './kernel/swapfile.js';
export type { SwapDevice } from './kernel/swapfile.js';
export { swapoff } from './kernel/swapfile.swapoff.js';
export { do_swap_page } from './kernel/memory.swap.js';
export { reclaim_anon_page } from './kernel/vmscan.js';
export { sys_remap_file_pages, install_page, install_file_pte, MAP_NONBLOCK } from './kernel/fremap.js';
export { do_mremap, do_mremap_path } from './kernel/mremap.js';
export type { MremapRequest, MremapResult } from './kernel/mremap.js';
export { do_move_pages_path, kernel_move_pages_path, STATUS_ERRNO } from './kernel/migrate.move_pages.js';
export type { MovePagesResult, MovePagesRequest, MovePagesOutcome } from './kernel/migrate.move_pages.js';
export { do_mbind_path, kernel_migrate_pages_path } from './kernel/mempolicy.mbind.js';
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
} from './kernel/mempolicy.js';
export type { MemPolicy, SyscallOutcome, NumaErrno, NumaInfo } from './kernel/mempolicy.js';
export type { MbindRequest, MigratePagesRequest } from './kernel/mempolicy.mbind.js';
export { sysctl_compact_memory, COMPACT_MEMORY_PATH } from './kernel/compaction.js';
export { migrate_pages, try_to_migrate, remove_migration_ptes, migration_entry_wait, migration_entry_pfn, isolate_lru_page, MIGRATE_OK, MIGRATE_EAGAIN, MIGRATE_SPLIT } from './kernel/migrate.js';
export { anon_vma_chain } from './kernel/rmap.js';
export { runPath } from './model/sched.js';
export { builtinScenarios, SCENARIO_DIR } from './scenarios.js';
export { try_to_free_pages } from './kernel/vmscan.reclaim.js';
export { try_to_unmap_file } from './kernel/rmap.js';
export { oom_badness, select_bad_process, out_of_memory } from './kernel/oom_kill.js';
export type { OomKill } from './kernel/oom_kill.js';
export { get_user_pages, pin_user_pages, unpin_user_page, device_write, device_read, FOLL_WRITE, FOLL_GET, FOLL_PIN, FOLL_LONGTERM, GUP_PIN_COUNTING_BIAS } from './kernel/gup.js';
export type { Pin } from './kernel/gup.js';
export { COW_POLICIES, defaultCowPolicy } from './model/cow-policy.js';
export type { CowPolicy } from './model/cow-policy.js';
export * from './explore/index.js';
export * from './races/index.js';
// --- PMD-mapped THP (kernel/huge_memory.ts), special device files, the race rules ---
export { create_device, isDevice } from './model/fs.js';
export {
  hasThp,
  thpState,
  folioHead,
  folioMapped,
  folioLargeMapcount,
  entireMapcount,
  pmdFrame,
  isHugeZeroPmd,
  move_huge_pmd,
  VM_FAULT_FALLBACK,
  PG_head,
  PG_tail,
} from './kernel/huge_memory.js';
export type { ThpState } from './kernel/huge_memory.js';
export { split_huge_page, split_huge_page_path, largeFolioAt } from './kernel/huge_memory.split.js';
export { folio_maybe_dma_pinned, vma_is_anonymous } from './kernel/mm.js';
export type { HugePmd } from './model/pagetable.js';
export { zap_pte_range_path } from './kernel/memory.js';
export { do_madvise_path } from './kernel/madvise.js';
export { defaultPolicies, POLICY_VALUES } from './model/policies.js';
export type { Policies, AnonPolicy } from './model/policies.js';
// --- KSM (kernel/ksm.ts, ksm.tree.ts, ksm.sysfs.ts) ---
export { ksm_madvise, ksm_do_scan, ksm_full_scans, ksmState, PageKsm, KSM_RUN_STOP, KSM_RUN_MERGE, KSM_RUN_UNMERGE } from './kernel/ksm.js';
export { ksm_run_store, ksm_start, ksm_wait, ksm_restore, ksm_stats, ORACLE_KSM_SETTINGS } from './kernel/ksm.sysfs.js';
export type { KsmState } from './kernel/ksm.js';
export type { KsmStats, KsmSettings } from './kernel/ksm.sysfs.js';
export { VM_MERGEABLE } from './kernel/vma.js';
// --- guard regions, userfaultfd write-protect, mlock, clear_refs (madvise.guard.ts, userfaultfd.ts, mlock.ts, task_mmu.ts, memory.pte_marker.ts) ---
export { madvise_guard_install, madvise_guard_remove } from './kernel/madvise.guard.js';
export { handle_pte_marker, markerBits, markerPteWords, pteMarker, isGuardMarker } from './kernel/memory.pte_marker.js';
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
} from './kernel/userfaultfd.js';
export type { UffdCtx } from './kernel/userfaultfd.js';
export { do_mlock, pageMlocked, pageUnevictable, mlock_drain_local } from './kernel/mlock.js';
export { clear_refs_write } from './kernel/task_mmu.js';
export { VM_LOCKED, VM_UFFD_WP, VM_MAYBE_GUARD } from './kernel/vma.js';
// --- MADV_COLLAPSE (khugepaged.ts), debugfs split_huge_pages, zram swap clusters and swap readahead ---
export { madvise_collapse, madvise_collapse_errno, collapse_allowable } from './kernel/khugepaged.js';
export type { ScanResult } from './kernel/khugepaged.js';
export { split_huge_pages_write, split_huge_pages_pid, has_split_huge_pages_file } from './kernel/huge_memory.split_huge_pages.js';
export { swapin_readahead, swap_use_vma_readahead, PAGE_CLUSTER } from './kernel/swap_state.js';
export { cluster_alloc_swap_entry } from './kernel/swapfile.cluster.js';
export type { SwapClusters } from './kernel/swapfile.cluster.js';
export { thpSwap } from './kernel/swapfile.js';
export { reclaim_large_folio, pageout_large_folios } from './kernel/vmscan.js';
