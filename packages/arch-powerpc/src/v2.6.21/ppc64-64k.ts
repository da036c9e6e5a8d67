/**
 * ppc64 hash MMU with 64K pages, 2.6.21: three levels (the pud folded),
 * 64-bit ptes, the pfn at PTE_RPN_SHIFT = 32. include/asm-powerpc/pgtable.h,
 * pgtable-64k.h, page.h, sparsemem.h (v2.6.20 = v2.6.21).
 */
import type { VariantSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { BUSY, FILE, HASHPTE, PPC64_BITS_2621, PPC64_MODIFIERS_2621, PPC64_PRESENT_2621, PPC64_PROTS_2621, PPC64_ROLES_2621, PPC64_SELECTS_2621, ACCESSED, DIRTY, PPC64_PROTECTION_MAP_2621 } from './ppc64-bits.js';
import { ppc64File2621, ppc64Pfn2621, ppc64Swap2621 } from './ppc64-rpn.js';

/** pgtable-64k.h 52: 32, chosen for readable ptes; later kernels moved it down to 30. */
const PTE_RPN_SHIFT = 32;

/** pgtable-64k.h 35–43: the 4K sub-page valid bits (0x0ffff000) and the combo flag (0x10000000). */
const HPTE_SUB = 0x0ffff000n;
const COMBO = 0x10000000n;
const HPTEFLAGS = BUSY | HASHPTE | HPTE_SUB | COMBO;

/** _PAGE_CHG_MASK (pgtable-64k.h 56–60: PTE_RPN_MASK | _PAGE_HPTEFLAGS | _PAGE_DIRTY | _PAGE_ACCESSED); pte_modify in pgtable.h 179–180. */
const CHG_MASK = {
  flags: ACCESSED | DIRTY | HPTEFLAGS,
  source: { file: 'include/asm-powerpc/pgtable-64k.h', version: V2621, lines: '56–60', what: 'pte_modify: pgtable.h 179–180' },
};

export const ppc64_64k_2621: VariantSpec = {
  specificationVersion: 'v1',
  id: 'ppc64-64k',
  era: '2.6.21',
  arch: 'powerpc',
  title: 'ppc64 hash MMU, 64K pages, 3-level',
  aliases: ['v2.6.20-ppc64-64k'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 16,
  // pgtable-64k.h 8–11: index widths 12/12/0/4 from the pte up (the pud folded), 44 bits of EA
  levels: [
    { name: 'pgd', shift: 40, bits: 4 },
    { name: 'pmd', shift: 28, bits: 12 },
    { name: 'pte', shift: 16, bits: 12 },
  ],
  // asm-powerpc/sparsemem.h: MAX_PHYSMEM_BITS 44 under CONFIG_SPARSEMEM (see ppc64 4K)
  // TASK_SIZE_USER64, 44 bits (16 TiB) for 4K and 64K pages alike (processor.h 100–102, 110–111 for a 64-bit task)
  TASK_SIZE: {
    bytes: 0x100000000000n,
    source: { file: 'include/asm-powerpc/processor.h', version: V2621, lines: '100–102, 110–111', what: 'TASK_SIZE_USER64 = 0x0000100000000000; TASK_SIZE = TASK_SIZE_USER64 for a 64-bit task' },
  },
  // mmap_is_legacy() forces the bottom-up layout for 64-bit tasks (arch/powerpc/mm/mmap.c 48–84): mmap_base =
  // TASK_UNMAPPED_BASE_USER64 = PAGE_ALIGN(TASK_SIZE_USER64 / 4) (processor.h 116–120)
  mmapLayout: {
    bottomUpFrom: 0x40000000000n,
    source: { file: 'arch/powerpc/mm/mmap.c', version: V2621, lines: '48–84', what: 'a 64-bit task gets mmap_base = TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE_USER64/4) (include/asm-powerpc/processor.h 116–120), searched bottom-up' },
  },
  physBits: 44,
  bits: [
    ...PPC64_BITS_2621,
    {
      name: 'hpte_sub',
      bit: 12,
      width: 16,
      macro: '_PAGE_HPTE_SUB',
      doc: 'combo pages: one valid bit per hashed 4K sub-page; for a real 64K page bits 12–15 are _PAGE_F_GIX/_PAGE_F_SECOND',
    },
    { name: 'combo', bit: 28, macro: '_PAGE_COMBO', doc: 'the 64K page is hashed as sixteen 4K pages' },
  ],
  prots: PPC64_PROTS_2621,
  protectionMap: PPC64_PROTECTION_MAP_2621,
  predicates: {
    // pgtable.h 182: pte_none ignores _PAGE_HPTEFLAGS, here every bit from 10 to 28
    none: { ignore: HPTEFLAGS },
    present: PPC64_PRESENT_2621,
    file: FILE,
    source: { file: 'include/asm-powerpc/pgtable.h', version: V2621, lines: '182–183, 246' },
  },
  modifiers: PPC64_MODIFIERS_2621,
  roles: PPC64_ROLES_2621,
  chgMask: CHG_MASK,
  selects: PPC64_SELECTS_2621,
  pfn: ppc64Pfn2621(PTE_RPN_SHIFT),
  swap: ppc64Swap2621(PTE_RPN_SHIFT),
  file: ppc64File2621(PTE_RPN_SHIFT),
  sources: [
    { file: 'include/asm-powerpc/pgtable.h', version: V2621 },
    { file: 'include/asm-powerpc/pgtable-64k.h', version: V2621 },
    { file: 'include/asm-powerpc/page.h', version: V2621 },
    { file: 'include/asm-powerpc/sparsemem.h', version: V2621, what: 'MAX_PHYSMEM_BITS' },
  ],
  quirks: [
    'Everything sits above bit 32 (PTE_RPN_SHIFT): the swap offset keeps only 24 bits (pte bits 40–63), the same limit as 32-bit ppc (pgtable-64k.h 52, asm-powerpc/pgtable.h 480–488).',
    'PTE_FILE_MAX_BITS is 32 (64 - PTE_RPN_SHIFT): remap_file_pages refuses pgoffs at or above 2^32 pages on this 64-bit kernel.',
    'A pte page is a real_pte_t array: the second half of the page holds the per-sub-page hash slots, outside the pte value (pgtable-64k.h).',
    '_PAGE_FILE is _PAGE_USER (bit 1): pte_file() is true for every present user pte (asm-powerpc/pgtable.h 246).',
  ],
};
