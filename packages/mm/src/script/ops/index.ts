/**
 * The `.mmo` vocabulary: every op, in one table, in the order the parser
 * lists them when it refuses an unknown op. Each op lives in the module of
 * its family (mmap.ts, file.ts, access.ts …).
 */
import type { StepResult } from '../run.js';
import type { OpSpec } from './spec.js';
import { mmapOp, mmap_fixedOp, munmapOp, mprotectOp, madviseOp, mremapOp, mremap_partOp, remap_file_pagesOp } from './mmap.js';
import { fileOp, rmfileOp, preadOp, pwriteOp, ftruncateOp, punchOp, invalidateOp, fadvise_dontneedOp } from './file.js';
import { writeOp, readOp, write_allOp } from './access.js';
import { expectOp, expect_devOp, expect_pinnedOp } from './expect.js';
import { expect_vmaOp, expect_pagemapOp } from './expect_state.js';
import { name_rangeOp } from './name_range.js';
import { gupOp, unpinOp, dev_writeOp, dev_readOp } from './gup.js';
import { forkOp, exitOp } from './fork.js';
import { swaponOp, swapoffOp, sysstatOp, settleOp, reclaimOp } from './swap.js';
import { split_huge_pagesOp, split_huge_pageOp } from './huge_memory.js';
import { numa_infoOp, mbindOp, migrate_pagesOp, compact_memoryOp, move_pagesOp } from './numa.js';
import { uffd_register_wpOp, uffd_writeprotectOp, uffd_closeOp, clear_refsOp, mlockOp, munlockOp } from './pte.js';
import { ksm_startOp, ksm_waitOp, ksm_restoreOp, ksm_scanOp } from './ksm.js';
import { observeOp, sampleOp } from './observe.js';

export const OP_SPECS: readonly OpSpec[] = [
  sampleOp,
  fileOp,
  rmfileOp,
  mmapOp,
  mmap_fixedOp,
  munmapOp,
  mprotectOp,
  writeOp,
  write_allOp,
  readOp,
  madviseOp,
  mremapOp,
  mremap_partOp,
  remap_file_pagesOp,
  ftruncateOp,
  punchOp,
  pwriteOp,
  preadOp,
  fadvise_dontneedOp,
  forkOp,
  exitOp,
  observeOp,
  swaponOp,
  swapoffOp,
  settleOp,
  reclaimOp,
  sysstatOp,
  invalidateOp,
  gupOp,
  unpinOp,
  dev_writeOp,
  dev_readOp,
  split_huge_pageOp,
  split_huge_pagesOp,
  move_pagesOp,
  numa_infoOp,
  mbindOp,
  migrate_pagesOp,
  compact_memoryOp,
  uffd_register_wpOp,
  uffd_writeprotectOp,
  uffd_closeOp,
  clear_refsOp,
  mlockOp,
  munlockOp,
  ksm_startOp,
  ksm_waitOp,
  ksm_restoreOp,
  ksm_scanOp,
  expectOp,
  expect_devOp,
  expect_pinnedOp,
  expect_vmaOp,
  expect_pagemapOp,
  name_rangeOp,
];

/** The ops by name (a Map: 'toString' or '__proto__' is an unknown op, not Object.prototype's). */
export const OPS: ReadonlyMap<string, OpSpec> = new Map(OP_SPECS.map((s) => [s.name, s]));

/** The ops by the name their step has in a trace (file_create for file …). */
const BY_STEP: ReadonlyMap<string, OpSpec> = new Map(OP_SPECS.map((s) => [s.step ?? s.name, s]));

/** Whether the oracle observes nothing after a step of this name with this result. */
export function quietStep(stepName: string, result: StepResult): boolean {
  const q = BY_STEP.get(stepName)?.quiet;
  return typeof q === 'function' ? q(result) : q === true;
}

export type { OpSpec } from './spec.js';
