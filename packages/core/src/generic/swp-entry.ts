/**
 * The arch-independent swp_entry_t (include/linux/swapops.h): type in the
 * top bits, offset below.
 *
 *  2.6.21: SWP_TYPE_SHIFT = BITS_PER_LONG - MAX_SWAPFILES_SHIFT
 *          (swapops.h 12–43 at v2.6.20/v2.6.21) → 27 on 32-bit, 59 on 64-bit.
 *  6.18:   SWP_TYPE_SHIFT = BITS_PER_XA_VALUE - MAX_SWAPFILES_SHIFT, with
 *          BITS_PER_XA_VALUE = BITS_PER_LONG - 1 (swapops.h 15–28,
 *          xarray.h 49 at v6.18.2) → 26 on 32-bit, 58 on 64-bit.
 *
 * swp_entry(type, offset) = (type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK),
 * computed in unsigned long, so type bits above the word are silently lost.
 */
import { maskBig, truncate } from '../u64/pair.js';
import type { Era } from '../spec/era.js';

export const MAX_SWAPFILES_SHIFT = 5;

export interface SwpEntryLayout {
  readonly wordBits: 32 | 64;
  readonly SWP_TYPE_SHIFT: number;
  /** bits of type that survive `type << SWP_TYPE_SHIFT` in the word */
  readonly typeBits: number;
  readonly SWP_OFFSET_MASK: bigint;
}

export function swpEntryLayout(era: Era, wordBits: 32 | 64): SwpEntryLayout {
  const bitsPerValue = era === '6.18' ? wordBits - 1 : wordBits;
  const shift = bitsPerValue - MAX_SWAPFILES_SHIFT;
  return { wordBits, SWP_TYPE_SHIFT: shift, typeBits: wordBits - shift, SWP_OFFSET_MASK: maskBig(shift) };
}

/** swp_entry(): faithful, silent truncation included. */
export function swp_entry(layout: SwpEntryLayout, type: bigint, offset: bigint): bigint {
  return truncate((type << BigInt(layout.SWP_TYPE_SHIFT)) | (offset & layout.SWP_OFFSET_MASK), layout.wordBits);
}

export function swp_type(layout: SwpEntryLayout, entry: bigint): number {
  return Number(truncate(entry, layout.wordBits) >> BigInt(layout.SWP_TYPE_SHIFT));
}

export function swp_offset(layout: SwpEntryLayout, entry: bigint): bigint {
  return entry & layout.SWP_OFFSET_MASK;
}
