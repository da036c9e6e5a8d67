/**
 * Golden values for riscv64 6.18, each from the kernel header it restates
 * (arch/riscv/include/asm/pgtable.h, pgtable-bits.h, pgtable-64.h, v6.18.2),
 * so a mistyped bit position fails here with a readable message.
 */
import { compileVariant, hex } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { riscv, riscv64_618 } from '../src/index.js';

describe('riscv64 6.18', () => {
  const v = compileVariant(riscv64_618);
  const k = v.kernel;
  const swapPte = (type: number, offset: bigint) => k.swp_entry_to_pte(k.swp_entry(type, offset));

  test('the backend exports it, in the 6.18 era only', () => {
    expect(riscv.name).toBe('riscv');
    expect(riscv.variants.map((s) => `${s.id}@${s.era}`)).toEqual(['riscv64@6.18']);
  });

  test('geometry and limits (Sv48)', () => {
    expect(v.constants.vaBits).toBe(48); // 4 levels of 9 + PAGE_SHIFT 12
    expect(v.constants.pfnBits).toBe(44); // _PAGE_PFN_MASK GENMASK(53, 10) (pgtable-64.h 79)
    expect(v.constants.maxSwapOffsetBits).toBe(52); // offset << 12 in 64 bits (pgtable.h 1012–1024)
    expect(v.constants.swapSizeLimit).toEqual({ name: 'generic_max_swapfile_size', pages: 1n << 52n });
    expect(v.constants.MAX_SWAPFILES).toBe(24);
  });

  test('swap ptes: type in bits 7–11, offset from bit 12 (pgtable.h 1000–1027)', () => {
    expect(hex(swapPte(31, 1n), 64)).toBe('0x0000000000001f80');
    expect(v.classify(swapPte(31, 1n))).toBe('marker'); // type 31 is SWP_PTE_MARKER
    expect(hex(swapPte(1, 0x7fn), 64)).toBe('0x000000000007f080');
    const back = k.pte_to_swp_entry(swapPte(3, 0x1234n));
    expect([k.swp_type(back), k.swp_offset(back)]).toEqual([3, 0x1234n]);
  });

  test('the exclusive marker is _PAGE_ACCESSED (bit 6); no swap soft-dirty or uffd-wp', () => {
    const pte = swapPte(3, 0x1234n);
    expect(k.pte_swp_mkexclusive(pte) - pte).toBe(0x40n);
    expect(k.pte_to_swp_entry(k.pte_swp_mkexclusive(pte))).toBe(k.pte_to_swp_entry(pte));
    expect(k.pte_swp_mksoft_dirty(pte)).toBe(pte); // generic stub
    expect(k.pte_swp_mkuffd_wp(pte)).toBe(pte); // generic stub
  });

  test('pfn_pte: pfn << 10, unmasked; pte_pfn keeps bits 10–53', () => {
    const shared = riscv64_618.prots['PAGE_SHARED']!;
    expect(hex(shared, 64)).toBe('0x0000000000000057'); // _PAGE_BASE | R | W (pgtable.h 176–188)
    const pte = k.pfn_pte(0x12345n, shared);
    expect(hex(pte, 64)).toBe('0x00000000048d1457');
    expect(k.pte_pfn(pte)).toBe(0x12345n);
    const big = k.pfn_pte(1n << 44n, shared); // spills into bit 54
    expect(hex(big, 64)).toBe('0x0040000000000057');
    expect(k.pte_pfn(big)).toBe(0n);
  });

  test('PROT_NONE is _PAGE_GLOBAL on a not-present pte', () => {
    expect(hex(riscv64_618.prots['PAGE_NONE']!, 64)).toBe('0x0000000000000022');
    expect(v.classify(k.pfn_pte(0x12345n, riscv64_618.prots['PAGE_NONE']!))).toBe('protnone');
    expect(v.classify(0n)).toBe('none');
  });

  test('THP: pmd_mkhuge is the identity, a leaf pmd is trans-huge, a table pmd is not', () => {
    const pmd = k.mk_huge_pmd(0x200n, riscv64_618.prots['PAGE_SHARED']!);
    expect(hex(pmd, 64)).toBe('0x0000000000080057');
    expect(k.pmd_trans_huge(pmd)).toBe(true);
    expect(k.pmd_trans_huge(0x80001n)).toBe(false); // pmd_populate: pfn << 10 | _PAGE_TABLE
    expect(k.pmd_present(pmd & ~0x21n)).toBe(true); // split: present clear, leaf bits kept
  });
});
