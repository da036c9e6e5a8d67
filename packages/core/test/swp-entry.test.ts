/**
 * generic/swp-entry.ts: the arch-independent swp_entry_t of both eras,
 * against a BigInt restatement of swapops.h.
 */
import { describe, expect, test } from 'vitest';
import { MAX_SWAPFILES_SHIFT, swp_entry, swp_offset, swp_type, swpEntryLayout } from '../src/generic/swp-entry.js';
import type { Era } from '../src/spec/era.js';
import { fc, mask, prop, u64 } from './helpers.js';

const CASES: readonly { era: Era; word: 32 | 64; shift: number }[] = [
  { era: '2.6.21', word: 32, shift: 27 }, // BITS_PER_LONG - 5
  { era: '2.6.21', word: 64, shift: 59 },
  { era: '6.18', word: 32, shift: 26 }, // BITS_PER_XA_VALUE (BITS_PER_LONG - 1) - 5
  { era: '6.18', word: 64, shift: 58 },
];

describe('swpEntryLayout', () => {
  test('MAX_SWAPFILES_SHIFT is 5', () => {
    expect(MAX_SWAPFILES_SHIFT).toBe(5);
  });

  for (const { era, word, shift } of CASES) {
    test(`${era} ${word}-bit: SWP_TYPE_SHIFT ${shift}`, () => {
      const l = swpEntryLayout(era, word);
      expect(l.wordBits).toBe(word);
      expect(l.SWP_TYPE_SHIFT).toBe(shift);
      expect(l.typeBits).toBe(word - shift);
      expect(l.SWP_OFFSET_MASK).toBe((1n << BigInt(shift)) - 1n);
    });
  }
});

describe('swp_entry / swp_type / swp_offset', () => {
  test('examples: swp_entry(3, 0x1234)', () => {
    expect(swp_entry(swpEntryLayout('6.18', 64), 3n, 0x1234n)).toBe(0x0c00000000001234n);
    expect(swp_entry(swpEntryLayout('2.6.21', 64), 3n, 0x1234n)).toBe(0x1800000000001234n);
    expect(swp_entry(swpEntryLayout('2.6.21', 32), 3n, 0x1234n)).toBe(0x18001234n);
    expect(swp_entry(swpEntryLayout('6.18', 32), 3n, 0x1234n)).toBe(0x0c001234n);
  });

  test('type bits above the word are silently lost', () => {
    const l = swpEntryLayout('2.6.21', 64);
    // 32 << 59 = 2^64: gone entirely
    expect(swp_entry(l, 32n, 5n)).toBe(5n);
    expect(swp_entry(l, 33n, 5n)).toBe((1n << 59n) | 5n);
    expect(swp_type(l, swp_entry(l, 33n, 5n))).toBe(1);
    const l32 = swpEntryLayout('2.6.21', 32);
    expect(swp_entry(l32, 0xffn, 0n)).toBe(0xf8000000n);
    // 6.18 keeps 6 type bits in the word: type 32 survives as bit 63
    const m = swpEntryLayout('6.18', 64);
    expect(swp_entry(m, 32n, 0n)).toBe(1n << 63n);
    expect(swp_entry(m, 64n, 7n)).toBe(7n);
  });

  test('offset bits at and above SWP_TYPE_SHIFT are masked, not carried into the type', () => {
    const l = swpEntryLayout('6.18', 64);
    expect(swp_entry(l, 0n, 1n << 58n)).toBe(0n);
    expect(swp_entry(l, 1n, (1n << 58n) - 1n)).toBe((1n << 59n) - 1n);
  });

  for (const { era, word, shift } of CASES) {
    const l = swpEntryLayout(era, word);
    const typeArb = fc.oneof(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 1 << 20 }));

    prop([typeArb, u64], { numRuns: 300 })(`${era} ${word}-bit: matches (type << shift | offset & mask) mod 2^word`, (type, offset) => {
      const expected = ((BigInt(type) << BigInt(shift)) | (offset & mask(shift))) & mask(word);
      const e = swp_entry(l, BigInt(type), offset);
      expect(e).toBe(expected);
      expect(swp_type(l, e)).toBe(type & ((1 << (word - shift)) - 1));
      expect(swp_offset(l, e)).toBe(offset & mask(shift));
    });

    prop([fc.integer({ min: 0, max: 31 }), u64], { numRuns: 200 })(`${era} ${word}-bit: round trip for real types`, (type, offset) => {
      const e = swp_entry(l, BigInt(type), offset);
      expect(swp_type(l, e)).toBe(type);
      expect(swp_offset(l, e)).toBe(offset & l.SWP_OFFSET_MASK);
    });

    prop([u64], { numRuns: 200 })(`${era} ${word}-bit: swp_type reads an over-wide value as the word would`, (value) => {
      expect(swp_type(l, value)).toBe(Number((value & mask(word)) >> BigInt(shift)));
    });
  }
});
