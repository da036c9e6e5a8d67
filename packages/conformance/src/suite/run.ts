/**
 * Run the suite without a test framework (the mmsim-test runner does this),
 * honouring the expected failures a variant declares (each matched by the
 * quirk's own message) and skipping, with the unmet need as the reason, a
 * check the variant does not meet the needs of.
 */
import type { ExpectedFailure, Variant } from '@mmsim/core';
import { CHECKS } from './checks/index.js';
import { skipReason } from './requirements.js';
import type { CheckContext, CheckResult, ConformanceCheck } from './types.js';

export interface RunOptions extends Partial<CheckContext> {
  /** only checks whose id starts with one of these */
  readonly only?: readonly string[];
  /** called after each check, for progress */
  readonly onResult?: (result: CheckResult) => void;
}

/** The declared failure matches: the check's message contains the quirk's text, or matches its RegExp. */
export function isDeclaredFailure(expected: ExpectedFailure, message: string): boolean {
  // search(), not test(): a /g RegExp's lastIndex would make test() alternate between calls
  return typeof expected.message === 'string' ? expected.message !== '' && message.includes(expected.message) : message.search(expected.message) >= 0;
}

/** An assertion's own message; any other error (a TypeError in the check) keeps its name in front. */
function failureMessage(error: unknown): string {
  if (!(error instanceof Error)) return `thrown: ${String(error)}`;
  return error.name === 'ConformanceFailure' ? error.message : `${error.name}: ${error.message}`;
}

const showMessage = (m: string | RegExp) => (typeof m === 'string' ? JSON.stringify(m) : String(m));

export function runCheck(check: ConformanceCheck, variant: Variant, context: CheckContext): CheckResult {
  const base = { check: check.id, group: check.group, variant: variant.key };
  const skip = skipReason(check.needs, variant);
  if (skip !== undefined) return { ...base, status: 'skip', message: skip };
  const expected = variant.spec.expectedFailures?.find((e) => e.check === check.id);
  try {
    check.run(variant, context);
  } catch (error) {
    const message = failureMessage(error);
    if (!expected) return { ...base, status: 'fail', message };
    if (isDeclaredFailure(expected, error instanceof Error ? error.message : String(error))) return { ...base, status: 'expected-fail', message: expected.reason };
    // in front, so a fast-check seed trailer stays last for the runner's repro line
    return { ...base, status: 'fail', message: `not the declared quirk (its message: ${showMessage(expected.message)}): ${message}` };
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
