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

export interface RaceScenario {
  readonly name: string;
  readonly summary: string;
  /** the kernel thread it comes from */
  readonly thread: string;
  /** policies available in an era, oldest first; the last is the fixed one */
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
];

export function findRace(name: string): RaceScenario | undefined {
  return RACES.find((r) => r.name === name);
}
