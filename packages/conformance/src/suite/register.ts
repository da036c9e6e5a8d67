/**
 * Register the suite with a test framework. Takes the framework's
 * `describe`/`test` as parameters (the @keyv/test-suite pattern), so a
 * third-party backend can run it under vitest, jest or node:test:
 *
 *   import { describe, test } from 'vitest';
 *   registerConformanceSuite({ describe, test }, variantMatrix(myBackend));
 */
import type { Variant } from '@mmsim/core';
import { CHECKS } from './checks/index.js';
import { runCheck } from './run.js';
import type { CheckContext } from './types.js';

export interface TestApi {
  describe(name: string, body: () => void): void;
  test(name: string, body: () => void): void;
}

export function registerConformanceSuite(api: TestApi, variants: readonly Variant[], context: Partial<CheckContext> = {}): void {
  const ctx: CheckContext = { numRuns: context.numRuns ?? 100, ...(context.seed !== undefined ? { seed: context.seed } : {}) };
  for (const variant of variants) {
    api.describe(`conformance ${variant.key}`, () => {
      for (const check of CHECKS) {
        api.test(`${check.id}: ${check.title}`, () => {
          const result = runCheck(check, variant, ctx);
          if (result.status === 'fail' || result.status === 'unexpected-pass') {
            throw new Error(`${variant.key} ${check.id}: ${result.message}`);
          }
        });
      }
    });
  }
}
