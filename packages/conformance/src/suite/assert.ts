/**
 * Assertions that name the variant, the input, and the expected and actual
 * values in hex, so a failure reads like a vector diff.
 */
import { hex, type Variant } from '@mmsim/core';
import fc from 'fast-check';
import { ConformanceFailure, type CheckContext } from './types.js';

export function fail(v: Variant, what: string): never {
  throw new ConformanceFailure(`${v.key}: ${what}`);
}

export function expectEqual(v: Variant, what: string, expected: bigint | number | boolean | string, actual: bigint | number | boolean | string, bits?: number): void {
  if (expected === actual) return;
  const show = (x: typeof expected) => (typeof x === 'bigint' ? hex(x, bits ?? v.constants.pteBits) : String(x));
  fail(v, `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function expectTrue(v: Variant, what: string, value: boolean): void {
  if (!value) fail(v, what);
}

/** Run a fast-check property; rethrow its report (seed and counterexample included) as a ConformanceFailure. */
export function property<T>(v: Variant, ctx: CheckContext, arb: fc.Arbitrary<T>, body: (value: T) => void): void {
  const result = fc.check(
    fc.property(arb, (value) => {
      body(value);
    }),
    { numRuns: ctx.numRuns, ...(ctx.seed !== undefined ? { seed: ctx.seed } : {}) },
  );
  if (result.failed) {
    const error = result.errorInstance;
    // an error that is not an assertion (a TypeError in the check) keeps its name: it is no kernel quirk
    const message = !(error instanceof Error) ? `property failed${error === undefined ? '' : `: ${String(error)}`}` : error.name === 'ConformanceFailure' ? error.message : `${error.name}: ${error.message}`;
    throw new ConformanceFailure(`${message} [fast-check seed ${result.seed}, path ${result.counterexamplePath}]`);
  }
}
