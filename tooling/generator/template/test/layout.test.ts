/**
 * Golden values: facts pinned from the kernel, so a typo in the layout data
 * fails here with a readable message before anything else.
 *
 * REPLACE these with values the real kernel macros produce. Each expectation
 * says where it comes from (file, version, lines). Better still, compute them
 * with a small C harness around the real macros and ship the output as a
 * linux-pte-oracle/1 vector file (docs/adding-an-arch.md, "Vectors"); then
 * replay it in test/vectors.test.ts.
 */
import { compileVariant, hex } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { __CAMEL__, toy32_618 } from '../src/index.js';

describe('toy32 6.18 (the example layout)', () => {
  const v = compileVariant(toy32_618);
  const k = v.kernel;
  const swapPte = (type: number, offset: bigint) => k.swp_entry_to_pte(k.swp_entry(type, offset));

  test('the backend exports it', () => {
    expect(__CAMEL__.name).toBe('__NAME__');
    expect(__CAMEL__.variants.map((s) => `${s.id}@${s.era}`)).toEqual(['__NAME__-toy32@6.18']);
  });

  test('geometry and limits', () => {
    expect(v.constants.vaBits).toBe(32); // pgd 10 + pte 10 + PAGE_SHIFT 12
    expect(v.constants.pfnBits).toBe(20); // pte bits 12–31
    expect(v.constants.maxSwapOffsetBits).toBe(24); // offset at bits 8–31 (the generic entry allows 26)
    expect(v.constants.swapSizeLimit).toEqual({ name: 'generic_max_swapfile_size', pages: 1n << 24n });
    expect(v.constants.MAX_SWAPFILES).toBe(24); // 6.18 with MIGRATION, MEMORY_FAILURE, DEVICE_PRIVATE
  });

  test('swap ptes: type 31, offset 1 is 0x0000013e ("pgtable.h 120–135": type << 1 | offset << 8)', () => {
    const pte = swapPte(31, 1n);
    expect(hex(pte, 32)).toBe('0x0000013e');
    expect(v.classify(pte)).toBe('marker'); // 6.18: type 31 is SWP_PTE_MARKER
    expect(hex(swapPte(0, 0xffffffn), 32)).toBe('0xffffff00');
    const back = k.pte_to_swp_entry(swapPte(3, 0x1234n));
    expect([k.swp_type(back), k.swp_offset(back)]).toEqual([3, 0x1234n]);
  });

  test('the exclusive marker is bit 6 and does not change the entry', () => {
    const pte = swapPte(3, 0x1234n);
    const marked = k.pte_swp_mkexclusive(pte);
    expect(marked - pte).toBe(0x40n);
    expect(k.pte_to_swp_entry(marked)).toBe(k.pte_to_swp_entry(pte));
  });

  test('pfn_pte and the predicates', () => {
    const pte = k.pfn_pte(0x12345n, toy32_618.prots['PAGE_SHARED']!);
    expect(hex(pte, 32)).toBe('0x12345017');
    expect(k.pte_pfn(pte)).toBe(0x12345n);
    expect(v.classify(pte)).toBe('present');
    expect(v.classify(k.pfn_pte(0x12345n, toy32_618.prots['PAGE_NONE']!))).toBe('protnone');
    expect(v.classify(0n)).toBe('none');
  });
});
