/**
 * The race programs by name, with the policies each compares and the one
 * that carries the fix: what `mmsim explore`, `mmsim replay` and the test
 * runner's races suite iterate over.
 */
import type { VariantSpec } from '@mmsim/core';
import type { Program } from '../explore/program.js';
import type { CowPolicy } from '../kernel/cow-policy.js';
import { cowGupDevice, cowGupVmsplice } from './cow-gup.js';
import { faultInvalidate, faultTruncate, type FaultPolicy } from './fault-truncate.js';
import { mremapRmap, type MremapPolicy } from './mremap-rmap.js';
import { thpSplitZap, type SplitPolicy } from './thp-split-zap.js';

export interface RaceScenario {
  readonly name: string;
  readonly summary: string;
  /** the kernel thread it comes from */
  readonly thread: string;
  /** policies available in an era, oldest first; the last is the fixed one (none: the race needs what the era lacks) */
  policies(era: '2.6.21' | '6.18'): readonly string[];
  /** policies whose exhaustive search must find a failure */
  readonly failsUnder: readonly string[];
  /** the preemption bound the acceptance search uses */
  readonly bound: number;
  make(spec: VariantSpec, policy: string): Program;
}

const cowPolicies = (era: '2.6.21' | '6.18'): readonly CowPolicy[] => (era === '6.18' ? ['mapcount', 'refcount', 'anon-exclusive'] : ['mapcount', 'refcount']);

export const RACES: readonly RaceScenario[] = [
  {
    name: 'fault-invalidate',
    summary: 'a file fault against invalidate_inode_pages2 of the page it is faulting in',
    thread: '2007 fault vs truncate/invalidate (truncate_count vs the page lock over ->fault)',
    policies: () => ['truncate_count', 'page-lock'],
    failsUnder: ['truncate_count'],
    bound: 3,
    make: (spec, policy) => faultInvalidate(spec, policy as FaultPolicy),
  },
  {
    name: 'fault-truncate',
    summary: 'a file fault against truncate of the page it is faulting in (truncate_count is sound here)',
    thread: '2007 fault vs truncate/invalidate (truncate_count vs the page lock over ->fault)',
    policies: () => ['truncate_count', 'page-lock'],
    failsUnder: [],
    bound: 3,
    make: (spec, policy) => faultTruncate(spec, policy as FaultPolicy),
  },
  {
    name: 'mremap-rmap',
    summary: 'mremap moving a pte while remove_migration_ptes walks the anon_vma chain destination-first',
    thread: '2011 mremap vs rmap_walk (anon_vma_order_tail; the anon_vma lock around move_page_tables)',
    policies: () => ['merge-order', 'order-tail', 'anon-vma-lock'],
    failsUnder: ['merge-order'],
    bound: 3,
    make: (spec, policy) => mremapRmap(spec, policy as MremapPolicy),
  },
  {
    name: 'cow-gup-vmsplice',
    summary: "a child's read-only pin (vmsplice) of a page the parent reuses after the child unmaps it",
    thread: '2020 COW/GUP (CVE-2020-29374; do_wp_page reuse rules)',
    policies: cowPolicies,
    failsUnder: ['mapcount'],
    bound: 2,
    make: (spec, policy) => cowGupVmsplice(spec, policy as CowPolicy),
  },
  {
    name: 'cow-gup-device',
    summary: "a device's long-term write pin, fork, and the parent's write: does the parent keep the pinned page?",
    thread: '2020 COW/GUP (FOLL_LONGTERM pins and fork; MADV_DONTFORK)',
    policies: cowPolicies,
    failsUnder: ['mapcount', 'refcount'],
    bound: 3,
    make: (spec, policy) => cowGupDevice(spec, policy as CowPolicy),
  },
  {
    name: 'thp-split-zap',
    summary: "split_huge_page's unmap skipping a pte zap_pte_range has cleared but not yet unaccounted",
    thread: '2021 THP split vs zap (TTU_SYNC)',
    // THP is 6.18-era only: the kernel had none in 2.6.21
    policies: (era) => (era === '6.18' ? ['no-TTU_SYNC', 'TTU_SYNC'] : []),
    failsUnder: ['no-TTU_SYNC'],
    bound: 3,
    make: (spec, policy) => thpSplitZap(spec, policy as SplitPolicy),
  },
];

export function findRace(name: string): RaceScenario | undefined {
  return RACES.find((r) => r.name === name);
}
