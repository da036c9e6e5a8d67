/**
 * The BigInt reference implementation of a Field: slow, obviously correct,
 * and the oracle the u32-pair code is property-tested against.
 */
import { type Field, fieldEncodeWidth } from './field.js';

const U64 = (1n << 64n) - 1n;

function bits(value: bigint, from: number, width: number): bigint {
  return (value >> BigInt(from)) & ((1n << BigInt(width)) - 1n);
}

/** Place `value` into the field's container bits (u64, not yet truncated to the pte width). */
export function encodeFieldBig(f: Field, value: bigint): bigint {
  const v = f.invert ? ~value & U64 : value & U64;
  if (f.encodeWidth !== undefined) {
    const span = f.spans[0]!;
    return (bits(v, 0, fieldEncodeWidth(f)) << BigInt(span.lsb)) & U64;
  }
  let out = 0n;
  let at = 0;
  for (const span of f.spans) {
    out |= bits(v, at, span.width) << BigInt(span.lsb);
    at += span.width;
  }
  return out & U64;
}

/** Extract the field's value from a container. */
export function decodeFieldBig(f: Field, container: bigint): bigint {
  const c = f.invert ? ~container & U64 : container & U64;
  let out = 0n;
  let at = 0;
  for (const span of f.spans) {
    out |= bits(c, span.lsb, span.width) << BigInt(at);
    at += span.width;
  }
  return out;
}
