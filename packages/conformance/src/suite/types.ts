/**
 * The conformance suite is a list of checks, each a property of one compiled
 * variant. It runs under any test runner (see register.ts) or none (run.ts):
 * a check throws on failure, with a message that names the variant, the
 * input and the expected and actual values.
 */
import type { Variant } from '@mmsim/core';

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
  /** false when the check does not apply to this variant/era/config (it is then skipped, not passed) */
  applies?(variant: Variant): boolean;
  run(variant: Variant, context: CheckContext): void;
}

export type CheckStatus = 'pass' | 'fail' | 'skip' | 'expected-fail' | 'unexpected-pass';

export interface CheckResult {
  readonly check: string;
  readonly group: CheckGroup;
  readonly variant: string;
  readonly status: CheckStatus;
  /** failure message, or the documented reason of an expected failure */
  readonly message?: string;
}

export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
}
