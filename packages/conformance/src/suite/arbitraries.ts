/**
 * Inputs for the properties: full-width values biased towards field edges
 * (all-ones, single bits, the limits), as the vectors are.
 */
import { maskBig } from '@mmsim/core';
import fc from 'fast-check';

/** Any value of `bits` bits, with extra weight on edges. */
export function uint(bits: number): fc.Arbitrary<bigint> {
  const max = maskBig(bits);
  return fc.oneof(
    { arbitrary: fc.bigInt({ min: 0n, max }), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: bits - 1 }).map((b) => 1n << BigInt(b)), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: bits }).map((b) => maskBig(b)), weight: 2 },
  );
}

/** A value in 0..max, with the ends weighted. */
export function upTo(max: bigint): fc.Arbitrary<bigint> {
  return fc.oneof(
    { arbitrary: fc.bigInt({ min: 0n, max }), weight: 6 },
    { arbitrary: fc.constantFrom(0n, 1n, max, max > 0n ? max - 1n : 0n), weight: 2 },
  );
}

export const lo = (v: bigint): number => Number(v & 0xffffffffn);
export const hi = (v: bigint): number => Number((v >> 32n) & 0xffffffffn);
