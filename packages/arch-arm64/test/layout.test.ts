/**
 * Golden values for arm64 6.18 (4K pages, 48-bit VA and PA), each from the
 * kernel header it restates (arch/arm64/include/asm/pgtable.h,
 * pgtable-hwdef.h, pgtable-prot.h, v6.18.2).
 */
import { compileVariant, hex } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { arm64, arm64_618 } from '../src/index.js';

describe('arm64 6.18', () => {
  const v = compileVariant(arm64_618);
  const k = v.kernel;
  const swapPte = (type: number, offset: bigint) => k.swp_entry_to_pte(k.swp_entry(type, offset));
  const prot = (name: string) => arm64_618.prots[name]!;

  test('the backend exports it, in the 6.18 era only', () => {
    expect(arm64.name).toBe('arm64');
    expect(arm64.variants.map((s) => `${s.id}@${s.era}`)).toEqual(['arm64@6.18']);
  });

  test('geometry and limits', () => {
    expect(v.constants.vaBits).toBe(48);
    expect(v.constants.pfnBits).toBe(38); // PTE_ADDR_LOW: bits 12–49 (pgtable-hwdef.h 179), fewer than PA_BITS 48
    expect(v.constants.maxSwapOffsetBits).toBe(50); // __SWP_OFFSET_BITS (pgtable.h 1542)
    expect(v.constants.swapSizeLimit).toEqual({ name: 'generic_max_swapfile_size', pages: 1n << 50n });
  });

  test('swap ptes: type in bits 6–10, offset in 12–61 (pgtable.h 1529–1550)', () => {
    expect(hex(swapPte(31, 1n), 64)).toBe('0x00000000000017c0');
    expect(v.classify(swapPte(31, 1n))).toBe('marker');
    const back = k.pte_to_swp_entry(swapPte(3, 0x1234n));
    expect([k.swp_type(back), k.swp_offset(back)]).toEqual([3, 0x1234n]);
  });

  test('the unmasked type: a generic type of 32 sets PTE_PRESENT_INVALID and reads as present', () => {
    const pte = swapPte(32, 0n);
    expect(hex(pte, 64)).toBe('0x0000000000000800');
    expect(k.pte_present(pte)).toBe(true);
  });

  test('swap flags: exclusive bit 2, uffd-wp bit 3, no soft-dirty', () => {
    const pte = swapPte(3, 0x1234n);
    expect(k.pte_swp_mkexclusive(pte) - pte).toBe(0x4n);
    expect(k.pte_swp_mkuffd_wp(pte) - pte).toBe(0x8n);
    expect(k.pte_swp_mksoft_dirty(pte)).toBe(pte);
    expect(k.pte_to_swp_entry(k.pte_swp_mkuffd_wp(k.pte_swp_mkexclusive(pte)))).toBe(k.pte_to_swp_entry(pte));
  });

  test('prots (pgtable-prot.h 53–63, 106–128)', () => {
    expect(hex(prot('PAGE_NONE'), 64)).toBe('0x0060000000000f82');
    expect(hex(prot('PAGE_SHARED'), 64)).toBe('0x0068000000000fc3');
    expect(hex(prot('PAGE_KERNEL'), 64)).toBe('0x0068000000000703');
  });

  test('pfn_pte is unmasked; pte_pfn keeps 38 bits', () => {
    const pte = k.pfn_pte(0x12345n, prot('PAGE_READONLY'));
    expect(hex(pte, 64)).toBe('0x0060000012345fc3');
    expect(k.pte_pfn(pte)).toBe(0x12345n);
    const big = k.pfn_pte(1n << 38n, prot('PAGE_KERNEL')); // PA bit 50: PTE_GP
    expect(hex(big, 64)).toBe('0x006c000000000703');
    expect(k.pte_pfn(big)).toBe(0n);
  });

  test('PROT_NONE is present-invalid with PTE_UXN and without PTE_USER', () => {
    expect(v.classify(k.pfn_pte(0x12345n, prot('PAGE_NONE')))).toBe('protnone');
    const invalidUser = k.pfn_pte(0x12345n, (prot('PAGE_READONLY') & ~1n) | 0x800n); // present-invalid, user
    expect(k.pte_present(invalidUser)).toBe(true);
    expect(k.pte_protnone(invalidUser)).toBe(false);
    expect(v.classify(0n)).toBe('none');
  });

  test('pte_mkclean sets PTE_RDONLY and clears PTE_DIRTY', () => {
    const dirty = (1n << 55n) | prot('PAGE_SHARED');
    expect(hex(k.modify('pte_mkclean', dirty & ~0x80n), 64)).toBe(hex(prot('PAGE_SHARED'), 64));
  });
});
