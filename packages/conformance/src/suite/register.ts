/**
 * Register the suite with a test framework. Takes the framework's
 * `describe`/`test` as parameters (the @keyv/test-suite pattern), so a
 * third-party backend can run it under vitest, jest or node:test:
 *
 *   import { describe, test } from 'vitest';
 *   registerConformanceSuite({ describe, test }, variantMatrix(myBackend));
 *
 * A check whose needs the variant does not meet is registered with
 * `test.skip`, its reason in the name (`… [skipped: needs transparent huge
 * pages (constants.hasThp)]`), so the framework counts it as skipped, never
 * as passed. An expected failure passes only when the check fails with the
 * quirk's own message; its name says so (`… [expected failure: …]`).
 */
import type { Variant } from '@mmsim/core';
import { CHECKS } from './checks/index.js';
import { skipReason } from './requirements.js';
import { runCheck } from './run.js';
import type { CheckContext } from './types.js';

type TestBody = () => void;

export interface TestApi {
  describe(name: string, body: () => void): void;
  /** the framework's `test`, with its `test.skip` (vitest, jest and node:test all have one) */
  test: ((name: string, body: TestBody) => void) & { skip(name: string, body: TestBody): void };
}

export function registerConformanceSuite(api: TestApi, variants: readonly Variant[], context: Partial<CheckContext> = {}): void {
  const ctx: CheckContext = { numRuns: context.numRuns ?? 100, ...(context.seed !== undefined ? { seed: context.seed } : {}) };
  for (const variant of variants) {
    api.describe(`conformance ${variant.key}`, () => {
      for (const check of CHECKS) {
        const name = `${check.id}: ${check.title}`;
        const skip = skipReason(check.needs, variant);
        if (skip !== undefined) {
          api.test.skip(`${name} [skipped: ${skip}]`, () => {});
          continue;
        }
        const expected = variant.spec.expectedFailures?.find((e) => e.check === check.id);
        api.test(expected ? `${name} [expected failure: ${expected.reason}]` : name, () => {
          const result = runCheck(check, variant, ctx);
          if (result.status === 'fail' || result.status === 'unexpected-pass') {
            throw new Error(`${variant.key} ${check.id}: ${result.message}`);
          }
        });
      }
    });
  }
}
