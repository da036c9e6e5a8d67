/**
 * compile/variant.ts on the real x86 specs: the derived constants against
 * encodings.md §11/§12 and its worked examples, each through both the
 * kernel-faithful BigInt layer and the generated u32-pair fast layer.
 */
import { describe, expect, test } from 'vitest';
import { compileVariant } from '../src/compile/variant.js';
import type { Variant } from '../src/compile/variant.js';
import { DEFAULT_CONFIG } from '../src/spec/config.js';
import { hi32, lo32 } from '../src/u64/pair.js';
import { DEFAULT_VARIANTS, fastBig, mask, spec, variant } from './helpers.js';

/** swp_entry_to_pte(swp_entry(type, offset)) through both layers; they must agree. */
function swapPte(v: Variant, type: number, offset: bigint): bigint {
  const kernel = v.kernel.swp_entry_to_pte(v.kernel.swp_entry(type, offset));
  const fast = fastBig((out) => v.fast.swp_entry_to_pte(type, hi32(offset), lo32(offset), out));
  expect(fast, `${v.key} fast vs kernel swap(${type}, ${offset})`).toBe(kernel);
  return kernel;
}

/** pte_to_swp_entry through both layers, as [type, offset]. */
function swapDecode(v: Variant, pte: bigint): [number, bigint] {
  const e = v.kernel.pte_to_swp_entry(pte);
  const out = { hi: 0, lo: 0, type: 0 };
  v.fast.pte_to_swp_entry(hi32(pte), lo32(pte), out);
  expect([out.type, (BigInt(out.hi) << 32n) | BigInt(out.lo)]).toEqual([v.kernel.swp_type(e), v.kernel.swp_offset(e)]);
  return [v.kernel.swp_type(e), v.kernel.swp_offset(e)];
}

function pfnPte(v: Variant, pfn: bigint, prot: bigint): bigint {
  const kernel = v.kernel.pfn_pte(pfn, prot);
  const fast = fastBig((out) => v.fast.pfn_pte(hi32(pfn), lo32(pfn), hi32(prot), lo32(prot), out));
  expect(fast, `${v.key} fast vs kernel pfn_pte(${pfn}, ${prot})`).toBe(kernel);
  return kernel;
}

interface Expected {
  id: string;
  era: '2.6.21' | '6.18';
  word: 32 | 64;
  pte: 32 | 64;
  SWP_TYPE_SHIFT: number;
  MAX_SWAPFILES: number;
  archTypeBits: number;
  maxOffBits: number;
  limit: { name: string; pages: bigint };
  fileMax: number | null;
  fileReal: number | null;
  vaBits: number;
}

// encodings.md §11 (max off), §1/§7 (SWP_TYPE_SHIFT, MAX_SWAPFILES), §12.11-12
const TABLE: Expected[] = [
  { id: 'i386', era: '2.6.21', word: 32, pte: 32, SWP_TYPE_SHIFT: 27, MAX_SWAPFILES: 30, archTypeBits: 5, maxOffBits: 24, limit: { name: 'kernel_swapon_maxpages', pages: 2n ** 24n - 2n }, fileMax: 29, fileReal: 29, vaBits: 32 },
  { id: 'i386-pae', era: '2.6.21', word: 32, pte: 64, SWP_TYPE_SHIFT: 27, MAX_SWAPFILES: 30, archTypeBits: 5, maxOffBits: 27, limit: { name: 'kernel_swapon_maxpages', pages: 2n ** 27n - 2n }, fileMax: 32, fileReal: 32, vaBits: 32 },
  { id: 'x86_64', era: '2.6.21', word: 64, pte: 64, SWP_TYPE_SHIFT: 59, MAX_SWAPFILES: 30, archTypeBits: 6, maxOffBits: 56, limit: { name: 'kernel_swapon_maxpages', pages: 2n ** 56n - 2n }, fileMax: 46, fileReal: 34, vaBits: 48 },
  { id: 'i386', era: '6.18', word: 32, pte: 32, SWP_TYPE_SHIFT: 26, MAX_SWAPFILES: 24, archTypeBits: 5, maxOffBits: 23, limit: { name: 'generic_max_swapfile_size', pages: 2n ** 23n }, fileMax: null, fileReal: null, vaBits: 32 },
  { id: 'i386-pae', era: '6.18', word: 32, pte: 64, SWP_TYPE_SHIFT: 26, MAX_SWAPFILES: 24, archTypeBits: 5, maxOffBits: 26, limit: { name: 'generic_max_swapfile_size', pages: 2n ** 26n }, fileMax: null, fileReal: null, vaBits: 32 },
  { id: 'x86_64', era: '6.18', word: 64, pte: 64, SWP_TYPE_SHIFT: 58, MAX_SWAPFILES: 24, archTypeBits: 5, maxOffBits: 50, limit: { name: 'generic_max_swapfile_size', pages: 2n ** 50n }, fileMax: null, fileReal: null, vaBits: 48 },
];

describe('constants of the six x86 variants', () => {
  test('all six are covered', () => {
    expect(DEFAULT_VARIANTS.map((v) => v.key).sort()).toEqual(TABLE.map((t) => `${t.id}@${t.era}`).sort());
  });

  for (const t of TABLE) {
    test(`${t.id}@${t.era}`, () => {
      const v = variant(t.id, t.era);
      const c = v.constants;
      expect(v.key).toBe(`${t.id}@${t.era}`);
      expect([c.wordBits, c.pteBits]).toEqual([t.word, t.pte]);
      expect(c.PAGE_SHIFT).toBe(12);
      expect(c.PAGE_SIZE).toBe(4096);
      expect(c.vaBits).toBe(t.vaBits);
      expect(c.SWP_TYPE_SHIFT).toBe(t.SWP_TYPE_SHIFT);
      expect(c.SWP_OFFSET_MASK).toBe(mask(t.SWP_TYPE_SHIFT));
      expect(c.MAX_SWAPFILES).toBe(t.MAX_SWAPFILES);
      expect(c.archSwapTypeFieldBits).toBe(t.archTypeBits);
      expect(c.maxSwapOffsetBits).toBe(t.maxOffBits);
      expect(c.maxSwapOffset).toBe(mask(t.maxOffBits));
      expect(c.swapSizeLimit).toEqual(t.limit);
      expect(c.PTE_FILE_MAX_BITS).toBe(t.fileMax);
      expect(c.fileRoundtripBits).toBe(t.fileReal);
      // the limit is really the round-trip limit: max survives, max + 1 does not
      expect(swapDecode(v, swapPte(v, 0, c.maxSwapOffset))).toEqual([0, c.maxSwapOffset]);
      expect(swapDecode(v, swapPte(v, 0, c.maxSwapOffset + 1n))[1]).not.toBe(c.maxSwapOffset + 1n);
    });
  }

  test('2.6.21 swap size limit is max offset - 1, 6.18 is max offset + 1', () => {
    for (const v of DEFAULT_VARIANTS) {
      const c = v.constants;
      expect(c.swapSizeLimit.pages).toBe(v.era === '2.6.21' ? c.maxSwapOffset - 1n : c.maxSwapOffset + 1n);
    }
  });

  test('pfn bits: i386 20, PAE 2.6.21 32 (u32 pte_pfn), x86_64 2.6.21 34 (bits 12-45), 6.18 i386 20', () => {
    expect(variant('i386', '2.6.21').constants.pfnBits).toBe(20);
    expect(variant('i386-pae', '2.6.21').constants.pfnBits).toBe(32);
    expect(variant('x86_64', '2.6.21').constants.pfnBits).toBe(34);
    expect(variant('i386', '6.18').constants.pfnBits).toBe(20);
  });

  test('a config change gives a distinct key and is cached per config', () => {
    const s = spec('x86_64', '2.6.21');
    const off = compileVariant(s, { ...DEFAULT_CONFIG, NONLINEAR: false });
    expect(off.key).toBe('x86_64@2.6.21+CONFIG_NONLINEAR=n');
    expect(compileVariant(s, { ...DEFAULT_CONFIG, NONLINEAR: false })).toBe(off);
    expect(compileVariant(s)).toBe(variant('x86_64', '2.6.21'));
    // an option that does not exist in the era does not make a new variant
    expect(compileVariant(s, { ...DEFAULT_CONFIG, DEVICE_PRIVATE: false })).toBe(compileVariant(s));
    expect(compileVariant(s, { ...DEFAULT_CONFIG, MIGRATION: false }).constants.MAX_SWAPFILES).toBe(32);
  });
});

describe('encodings.md examples, kernel and fast layers', () => {
  test('type 31 offset 1 -> 0x13e on i386 and x86_64 2.6.21', () => {
    for (const id of ['i386', 'x86_64']) {
      const v = variant(id, '2.6.21');
      expect(swapPte(v, 31, 1n)).toBe(0x13en);
      expect(swapDecode(v, 0x13en)).toEqual([31, 1n]);
    }
  });

  test('type 31 offset 1 -> 0x0000003f00000000 on PAE 2.6.21; swap(0, 0) is the zero pte', () => {
    const v = variant('i386-pae', '2.6.21');
    expect(swapPte(v, 31, 1n)).toBe(0x0000003f00000000n);
    expect(swapDecode(v, 0x0000003f00000000n)).toEqual([31, 1n]);
    expect(swapPte(v, 0, 0n)).toBe(0n);
  });

  test('6.18 x86_64: swap(0, 0) = 0x07fffffffffffe00, swap(0, 2^50 - 1) = 0 (pte_none)', () => {
    const v = variant('x86_64', '6.18');
    expect(swapPte(v, 0, 0n)).toBe(0x07fffffffffffe00n);
    expect(swapDecode(v, 0x07fffffffffffe00n)).toEqual([0, 0n]);
    const zero = swapPte(v, 0, 2n ** 50n - 1n);
    expect(zero).toBe(0n);
    expect(v.kernel.pte_none(zero)).toBe(true);
    expect(v.fast.pte_none(0, 0)).toBe(true);
    expect(v.classify(zero)).toBe('none');
  });

  test('6.18 x86_64 swap(3, 0x1234) and the flag bits are ignored by the decode', () => {
    const v = variant('x86_64', '6.18');
    const pte = swapPte(v, 3, 0x1234n);
    expect(pte).toBe((3n << 59n) | ((~0x1234n & mask(50)) << 9n));
    const flagged = v.kernel.pte_swp_mkexclusive(v.kernel.pte_swp_mksoft_dirty(v.kernel.pte_swp_mkuffd_wp(pte)));
    expect(flagged).toBe(pte | 0b1110n);
    expect(swapDecode(v, flagged)).toEqual([3, 0x1234n]);
    expect(v.kernel.pte_to_swp_entry(flagged)).toBe(v.kernel.pte_to_swp_entry(pte));
  });

  test('6.18 PAE: swap(3, 0x1234) = 0x1fffffffffdb9600', () => {
    const v = variant('i386-pae', '6.18');
    expect(swapPte(v, 3, 0x1234n)).toBe(0x1fffffffffdb9600n);
    expect(swapDecode(v, 0x1fffffffffdb9600n)).toEqual([3, 0x1234n]);
  });

  test('6.18 x86_64: pfn_pte(0x1234, PAGE_NONE) = 0x000ffffffedcb120 (L1TF inverted), pte_pfn inverts back', () => {
    const v = variant('x86_64', '6.18');
    const PAGE_NONE = v.spec.prots['PAGE_NONE']!;
    expect(PAGE_NONE).toBe(0x120n);
    const pte = pfnPte(v, 0x1234n, PAGE_NONE);
    expect(pte).toBe(0x000ffffffedcb120n);
    expect(v.kernel.pte_pfn(pte)).toBe(0x1234n);
    const out = { hi: 0, lo: 0, type: 0 };
    v.fast.pte_pfn(hi32(pte), lo32(pte), out);
    expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(0x1234n);
    expect(v.classify(pte)).toBe('protnone');
    // a present prot is not inverted
    expect(pfnPte(v, 0x1234n, v.spec.prots['PAGE_SHARED']!) & mask(52)).toBe(0x1234000n | 0x027n);
  });

  test('6.18 i386: type 1-5 / offset 9-31, exclusive bit 7', () => {
    const v = variant('i386', '6.18');
    expect(swapPte(v, 31, 1n)).toBe(0x23en);
    expect(swapPte(v, 0, mask(23))).toBe(0xfffffe00n);
    expect(v.kernel.pte_swp_mkexclusive(0x23en)).toBe(0x2ben);
    expect(swapDecode(v, 0x2ben)).toEqual([31, 1n]);
  });

  test('2.6.21 x86_64 nonlinear: pgoff_to_pte = pgoff << 12 | 0x40, 34 bits come back', () => {
    const v = variant('x86_64', '2.6.21');
    const out = { hi: 0, lo: 0, type: 0 };
    for (const pgoff of [0n, 1n, 0x123456789n, mask(34), 1n << 34n, mask(46)]) {
      const pte = v.kernel.pgoff_to_pte(pgoff);
      expect(pte).toBe(((pgoff << 12n) | 0x40n) & mask(64));
      v.fast.pgoff_to_pte!(hi32(pgoff), lo32(pgoff), out);
      expect((BigInt(out.hi) << 32n) | BigInt(out.lo)).toBe(pte);
      expect(v.kernel.pte_to_pgoff(pte)).toBe(pgoff & mask(34));
    }
  });

  test('2.6.21 i386 nonlinear: split pgoff around bits 6 and 7', () => {
    const v = variant('i386', '2.6.21');
    expect(v.kernel.pgoff_to_pte(0x1fn)).toBe(0x7en);
    expect(v.kernel.pgoff_to_pte(0x20n)).toBe(0x140n);
    expect(v.kernel.pgoff_to_pte(mask(29))).toBe(0xffffff7en);
    expect(v.kernel.pte_to_pgoff(0xffffff7en)).toBe(mask(29));
    expect(v.kernel.pgoff_to_pte(1n << 29n)).toBe(0x40n); // silently lost
  });

  test('2.6.21 PAE nonlinear: the pgoff is the high word, low word exactly 0x40', () => {
    const v = variant('i386-pae', '2.6.21');
    expect(v.kernel.pgoff_to_pte(0xdeadbeefn)).toBe(0xdeadbeef00000040n);
    expect(v.kernel.pte_to_pgoff(0xdeadbeef00000040n)).toBe(0xdeadbeefn);
  });
});
