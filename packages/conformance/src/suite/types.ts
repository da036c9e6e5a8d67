/**
 * The conformance suite is a list of checks, each a property of one compiled
 * variant. It runs under any test runner (see register.ts) or none (run.ts):
 * a check throws on failure, with a message that names the variant, the
 * input and the expected and actual values.
 */
import type { Variant } from '@mmsim/core';
import type { Requirement } from './requirements.js';

export type CheckGroup = 'basic' | 'swap' | 'file' | 'pfn' | 'special' | 'classifier' | 'huge' | 'oracle' | 'layout';

export interface CheckContext {
  /** fast-check runs per property */
  readonly numRuns: number;
  /** fast-check seed, for reproducing a failure */
  readonly seed?: number;
}

export interface ConformanceCheck {
  /** stable id: `swap.max-entry-roundtrip` */
  readonly id: string;
  readonly group: CheckGroup;
  /** one line: what the kernel guarantees, and where (mm/debug_vm_pgtable.c line, header) */
  readonly title: string;
  /**
   * What the check needs of a variant/era/config (requirements.ts). Where a
   * need is unmet the check is skipped with that need as its reason, not
   * run and passed.
   */
  readonly needs?: readonly Requirement[];
  run(variant: Variant, context: CheckContext): void;
}

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'expected-fail' | 'unexpected-pass';

export interface CheckResult {
  readonly check: string;
  readonly group: CheckGroup;
  readonly variant: string;
  readonly status: CheckStatus;
  /** failure message, the documented reason of an expected failure, or why it was skipped (`needs …`) */
  readonly message?: string;
}

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}
