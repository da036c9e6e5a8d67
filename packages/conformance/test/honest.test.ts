/**
 * Honest results: a check that does not apply is a skip with its reason
 * (never a pass), and a declared expected failure counts only when the check
 * fails with the kernel quirk's own message.
 */
import { compileVariant, type Variant, type VariantSpec } from '@mmsim/core';
// Relative import: a package dependency on arch-x86 would make a cycle (arch-x86 tests use this package).
import { i386_2621, x86, x86_64_2621, x86_64_618 } from '../../arch-x86/src/index.js';
import { powerpc } from '../../arch-powerpc/src/index.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { property } from '../src/suite/assert.js';
import { CHECKS, registerConformanceSuite, runCheck, runConformance, skipReason, variantMatrix, type ConformanceCheck, type TestApi } from '../src/index.js';

/** A TestApi that records what is registered, and runs nothing until asked. */
function recorder() {
  const tests: { name: string; body: () => void }[] = [];
  const skipped: string[] = [];
  const test = Object.assign((name: string, body: () => void) => void tests.push({ name, body }), { skip: (name: string) => void skipped.push(name) });
  const api: TestApi = { describe: (_name, body) => body(), test };
  return { api, tests, skipped };
}

describe('a check that does not apply is a skip with its reason', () => {
  test('runCheck: the skip carries the unmet need', () => {
    const huge = CHECKS.find((c) => c.id === 'huge.layout')!;
    const result = runCheck(huge, compileVariant(i386_2621), { numRuns: 5 });
    expect(result).toMatchObject({ status: 'skip', message: 'needs transparent huge pages (constants.hasThp)' });
    const nonlinear = CHECKS.find((c) => c.id === 'file.roundtrip')!;
    expect(runCheck(nonlinear, compileVariant(x86_64_618), { numRuns: 5 }).message).toMatch(/^needs nonlinear file ptes \(kernel 2\.6\.21/);
  });

  test('only the unmet needs are named', () => {
    const off = CHECKS.find((c) => c.id === 'file.nonlinear-off')!;
    expect(skipReason(off.needs, compileVariant(x86_64_618))).toBe('needs kernel 2.6.21 and a file-pte layout (spec.file) and CONFIG_NONLINEAR=n');
    expect(skipReason(off.needs, compileVariant(x86_64_2621))).toBe('needs CONFIG_NONLINEAR=n');
    expect(skipReason(off.needs, compileVariant(x86_64_2621, { ...compileVariant(x86_64_2621).config, NONLINEAR: false }))).toBeUndefined();
  });

  test('registered with test.skip, the reason in the name, and never as a test that passes', () => {
    const variants = variantMatrix(x86);
    const { api, tests, skipped } = recorder();
    registerConformanceSuite(api, variants);
    const notApplying = variants.reduce((n, v) => n + CHECKS.filter((c) => skipReason(c.needs, v) !== undefined).length, 0);
    expect(skipped.length).toBe(notApplying);
    expect(tests.length + skipped.length).toBe(variants.length * CHECKS.length);
    for (const name of skipped) expect(name).toMatch(/ \[skipped: needs .+\]$/);
    expect(tests.some((t) => t.name.includes('[skipped'))).toBe(false);
  });

  test('the counts the issue names: 318 of 1,176 on x86 and 342 of 1,008 on powerpc do not apply', () => {
    const count = (variants: Variant[]) => variants.reduce((n, v) => n + CHECKS.filter((c) => skipReason(c.needs, v) !== undefined).length, 0);
    expect([count(variantMatrix(x86)), variantMatrix(x86).length * CHECKS.length]).toEqual([318, 1176]);
    expect([count(variantMatrix(powerpc)), variantMatrix(powerpc).length * CHECKS.length]).toEqual([342, 1008]);
  });
});

describe('an expected failure matches the quirk’s own message', () => {
  const neverNone = CHECKS.find((c) => c.id === 'swap.never-none')!;
  const throwing = (error: Error): ConformanceCheck => ({
    ...neverNone,
    run: () => {
      throw error;
    },
  });

  test('the declared quirk (x86_64@6.18 swap.never-none) is an expected failure', () => {
    expect(runCheck(neverNone, compileVariant(x86_64_618), { numRuns: 5 }).status).toBe('expected-fail');
  });

  test('a TypeError inside the check under a declared expected failure is a failure', () => {
    const result = runCheck(throwing(new TypeError("Cannot read properties of undefined (reading 'pte_none')")), compileVariant(x86_64_618), { numRuns: 5 });
    expect(result.status).toBe('fail');
    expect(result.message).toContain("TypeError: Cannot read properties of undefined (reading 'pte_none')");
    expect(result.message).toMatch(/^not the declared quirk/);
  });

  test('a TypeError inside a property under a declared expected failure is a failure, named as one', () => {
    const file = CHECKS.find((c) => c.id === 'file.max-bits-roundtrip')!;
    const broken: ConformanceCheck = {
      ...file,
      run: (v, ctx) =>
        property(v, ctx, fc.constant(0), () => {
          const table = undefined as unknown as { pte_to_pgoff(x: bigint): bigint };
          table.pte_to_pgoff(0n);
        }),
    };
    const result = runCheck(broken, compileVariant(x86_64_2621), { numRuns: 5 });
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/TypeError: /);
  });

  test('the check failing on another input is a failure', () => {
    const other: VariantSpec = { ...x86_64_618, expectedFailures: [{ ...x86_64_618.expectedFailures![0]!, message: 'swap entry (5, 0x1) encodes to pte 0x0' }] };
    const result = runConformance([compileVariant(other)], { numRuns: 5, only: ['swap.never-none'] });
    expect(result.map((r) => r.status)).toEqual(['fail']);
  });

  test('a RegExp matches, also with the g flag on every call', () => {
    const spec: VariantSpec = { ...x86_64_618, expectedFailures: [{ ...x86_64_618.expectedFailures![0]!, message: /swap entry \(0, 0x3f+\) encodes to pte 0x0\b/g }] };
    const variant = compileVariant(spec);
    for (let k = 0; k < 3; k++) expect(runCheck(neverNone, variant, { numRuns: 5 }).status).toBe('expected-fail');
  });

  test('registered: the quirk passes, a TypeError under the same declaration throws', () => {
    const { api, tests } = recorder();
    registerConformanceSuite(api, [compileVariant(x86_64_618)], { numRuns: 5 });
    const quirk = tests.find((t) => t.name.startsWith('swap.never-none:'))!;
    expect(quirk.name).toMatch(/\[expected failure: with the inverted offset/);
    expect(() => quirk.body()).not.toThrow();
    const wrong: VariantSpec = { ...x86_64_618, expectedFailures: [{ ...x86_64_618.expectedFailures![0]!, message: 'TypeError never happens here' }] };
    const again = recorder();
    registerConformanceSuite(again.api, [compileVariant(wrong)], { numRuns: 5 });
    expect(() => again.tests.find((t) => t.name.startsWith('swap.never-none:'))!.body()).toThrow(/not the declared quirk/);
  });

  test('every declared expected failure carries a message, and fails with it', () => {
    for (const spec of [...x86.variants, ...powerpc.variants]) {
      for (const e of spec.expectedFailures ?? []) {
        expect(e.message, `${spec.id}@${spec.era} ${e.check}`).toBeTruthy();
        const check = CHECKS.find((c) => c.id === e.check)!;
        expect(runCheck(check, compileVariant(spec), { numRuns: 20 }).status, `${spec.id}@${spec.era} ${e.check}`).toBe('expected-fail');
      }
    }
  });
});
