/**
 * 64-bit values as a pair of u32 numbers (hi, lo), the representation every
 * hot path uses. BigInt appears only in the conversions below, at the edges.
 */

/** A mutable result register: the fast API writes its outputs here instead of allocating. */
export interface Reg {
  hi: number;
  lo: number;
  /** swap type (or any small third output) */
  type: number;
}

export function newReg(): Reg {
  return { hi: 0, lo: 0, type: 0 };
}

const U32 = 0xffffffffn;
const U64 = 0xffffffffffffffffn;

/** Low 32 bits of a bigint, as an unsigned number. */
export function lo32(value: bigint): number {
  return Number(value & U32);
}

/** Bits 32..63 of a bigint, as an unsigned number. */
export function hi32(value: bigint): number {
  return Number((value >> 32n) & U32);
}

/** (hi, lo) → bigint, both taken as unsigned 32-bit words. */
export function toBig(hi: number, lo: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Truncate a bigint to `bits` bits, as a C unsigned cast of that width does. */
export function truncate(value: bigint, bits: number): bigint {
  return BigInt.asUintN(bits, value);
}

/** All-ones mask of `bits` bits (0..64) as a bigint. */
export function maskBig(bits: number): bigint {
  return bits >= 64 ? U64 : (1n << BigInt(bits)) - 1n;
}

/** Lowercase hex, zero-padded to the width of a C type of `bits` bits: `0x0000013e`. */
export function hex(value: bigint, bits: number): string {
  return `0x${value.toString(16).padStart(Math.ceil(bits / 4), '0')}`;
}
