/**
 * Shared test helpers: the x86 variant specs (imported by relative path so
 * core gains no package dependency on a backend), u64 arbitraries, and the
 * pair <-> bigint glue for the fast API.
 */
import * as fc from 'fast-check';
import { test } from 'vitest';
import { VARIANTS } from '../../arch-x86/src/index.js';
import { compileVariant } from '../src/compile/variant.js';
import type { Variant } from '../src/compile/variant.js';
import { DEFAULT_CONFIG, type KernelConfig } from '../src/spec/config.js';
import type { VariantSpec } from '../src/spec/variant-spec.js';
import { hi32, lo32, newReg, toBig, type Reg } from '../src/u64/pair.js';

export { VARIANTS, fc };

/**
 * `prop([arbs], params)(name, predicate)`: a vitest test running
 * fc.assert(fc.property(...)). Same shape as @fast-check/vitest's test.prop,
 * without its per-file import cost (about a second per test file here).
 */
export function prop<Ts extends [unknown, ...unknown[]]>(arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }, params: fc.Parameters<Ts> = {}) {
  return (name: string, predicate: (...args: Ts) => boolean | void): void => {
    test(name, () => {
      fc.assert(fc.property<Ts>(...arbitraries, predicate), params);
    });
  };
}
export { i386_2621, i386Pae_2621, x86_64_2621, i386_618, i386Pae_618, x86_64_618 } from '../../arch-x86/src/index.js';

export const U64 = (1n << 64n) - 1n;
export const mask = (bits: number): bigint => (bits >= 64 ? U64 : (1n << BigInt(bits)) - 1n);

/** Any u64, with fast-check's bias towards small and boundary values. */
export const u64 = fc.bigInt({ min: 0n, max: U64 });
/** A u64 with 0..64 significant bits, so narrow and wide values are equally likely. */
export const u64Bits = fc
  .tuple(fc.integer({ min: 0, max: 64 }), u64)
  .map(([bits, v]) => v & mask(bits));
export const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const spec = (id: string, era: string): VariantSpec => {
  const s = VARIANTS.find((v) => v.id === id && v.era === era);
  if (!s) throw new Error(`no x86 variant ${id}@${era}`);
  return s;
};
export const variant = (id: string, era: string, config: KernelConfig = DEFAULT_CONFIG): Variant => compileVariant(spec(id, era), config);

/** Configurations worth crossing with every variant: defaults and each option off. */
export const CONFIGS: readonly KernelConfig[] = [
  DEFAULT_CONFIG,
  { ...DEFAULT_CONFIG, NONLINEAR: false },
  { ...DEFAULT_CONFIG, MIGRATION: false },
  { ...DEFAULT_CONFIG, MEMORY_FAILURE: false, DEVICE_PRIVATE: false },
  { ...DEFAULT_CONFIG, X86_NX: false },
];

/** Every x86 variant under every config in CONFIGS (the cache dedupes the ones a config does not affect). */
export const ALL_VARIANTS: readonly Variant[] = [...new Set(VARIANTS.flatMap((s) => CONFIGS.map((c) => compileVariant(s, c))))];
export const DEFAULT_VARIANTS: readonly Variant[] = VARIANTS.map((s) => compileVariant(s));

export const pair = (value: bigint): [number, number] => [hi32(value), lo32(value)];
export const regBig = (r: Reg): bigint => toBig(r.hi, r.lo);
export { newReg };

/** Run a fast-API writer and return the u64 it wrote, checking both words are u32. */
export function fastBig(write: (out: Reg) => void): bigint {
  const out = newReg();
  out.hi = 0xdead; // must be overwritten, not OR-ed into
  out.lo = 0xbeef;
  write(out);
  if (!isU32(out.hi) || !isU32(out.lo)) throw new Error(`fast result is not a u32 pair: ${out.hi}, ${out.lo}`);
  return toBig(out.hi, out.lo);
}

export const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/**
 * Ptes worth classifying: fully random ones (mostly present), random ones
 * with the present / protnone / file bits cleared, narrow values, and real
 * swap ptes of random type and offset.
 */
export function pteArb(v: Variant): fc.Arbitrary<bigint> {
  const P = v.constants.pteBits;
  const lowClear = ~0x1c1n & U64; // clear bits 0, 6, 7, 8
  return fc.oneof(
    u64.map((x) => x & mask(P)),
    u64.map((x) => x & mask(P) & lowClear),
    u64.map((x) => x & mask(P) & ~0x1n),
    u64Bits.map((x) => x & mask(P)),
    fc
      .tuple(fc.integer({ min: 0, max: 31 }), u64)
      .map(([t, o]) => v.kernel.swp_entry_to_pte(v.kernel.swp_entry(t, o & v.constants.maxSwapOffset))),
    fc.constantFrom(0n, 0x40n, 0x60n, 0x20n, 0x80n, 0x100n, 0x13en, mask(P)),
  );
}

export const oneLine = (e: unknown): string => {
  const message = (e as Error).message;
  if (/[\r\n]/.test(message)) throw new Error(`message is not one line: ${JSON.stringify(message)}`);
  return message;
};

/** The error fn throws (fails the test if it returns). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but the call returned');
}
