/**
 * Run the suite without a test framework (the mmsim-test runner does this),
 * honouring the expected failures a variant declares.
 */
import type { Variant } from '@mmsim/core';
import { CHECKS } from './checks/index.js';
import type { CheckContext, CheckResult, ConformanceCheck } from './types.js';

export interface RunOptions extends Partial<CheckContext> {
  /** only checks whose id starts with one of these */
  readonly only?: readonly string[];
  /** called after each check, for progress */
  readonly onResult?: (result: CheckResult) => void;
}

export function runCheck(check: ConformanceCheck, variant: Variant, context: CheckContext): CheckResult {
  const base = { check: check.id, group: check.group, variant: variant.key };
  if (check.applies && !check.applies(variant)) return { ...base, status: 'skip' };
  const expected = variant.spec.expectedFailures?.find((e) => e.check === check.id);
  try {
    check.run(variant, context);
  } catch (error) {
    const message = (error as Error).message;
    if (expected) return { ...base, status: 'expected-fail', message: expected.reason };
    return { ...base, status: 'fail', message };
  }
  if (expected) return { ...base, status: 'unexpected-pass', message: `declared as an expected failure (${expected.reason}) but passed` };
  return { ...base, status: 'pass' };
}

export function runConformance(variants: readonly Variant[], options: RunOptions = {}): CheckResult[] {
  const context: CheckContext = { numRuns: options.numRuns ?? 200, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
  const checks = options.only ? CHECKS.filter((c) => options.only!.some((p) => c.id.startsWith(p))) : CHECKS;
  const results: CheckResult[] = [];
  for (const variant of variants) {
    for (const check of checks) {
      const result = runCheck(check, variant, context);
      results.push(result);
      options.onResult?.(result);
    }
  }
  return results;
}

/** A result counts as good when it passed, was skipped, or failed as declared. */
export function isGood(result: CheckResult): boolean {
  return result.status === 'pass' || result.status === 'skip' || result.status === 'expected-fail';
}
