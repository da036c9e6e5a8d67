/**
 * ppc64 hash MMU with 4K pages, 2.6.21: four levels, 64-bit ptes, the pfn at
 * PTE_RPN_SHIFT = 17. include/asm-powerpc/pgtable.h, pgtable-4k.h, page.h,
 * sparsemem.h (v2.6.20 = v2.6.21).
 */
import type { VariantSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { BUSY, FILE, HASHPTE, PPC64_BITS_2621, PPC64_MODIFIERS_2621, PPC64_PRESENT_2621, PPC64_PROTS_2621, PPC64_ROLES_2621, PPC64_SELECTS_2621, ACCESSED, DIRTY, PPC64_PROTECTION_MAP_2621 } from './ppc64-bits.js';
import { ppc64File2621, ppc64Pfn2621, ppc64Swap2621 } from './ppc64-rpn.js';

/** pgtable-4k.h 63: the pfn starts at bit 17; bits 12–16 hold the hash slot instead. */
const PTE_RPN_SHIFT = 17;

/** pgtable-4k.h 40–47: BUSY, HASHPTE, the HPTE group index (0x7000) and secondary (0x8000). */
const HPTEFLAGS = BUSY | HASHPTE | 0x7000n | 0x8000n;

/** _PAGE_CHG_MASK (pgtable-4k.h 46–53: PAGE_MASK (the hash slot bits 12–16 below the pfn and the pfn) | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_HPTEFLAGS); pte_modify in pgtable.h 179–180. */
const CHG_MASK = {
  flags: ACCESSED | DIRTY | HPTEFLAGS | (((1n << BigInt(PTE_RPN_SHIFT)) - 1n) & ~0xfffn),
  source: { file: 'include/asm-powerpc/pgtable-4k.h', version: V2621, lines: '46–53', what: 'pte_modify: pgtable.h 179–180' },
};

export const ppc64_2621: VariantSpec = {
  specificationVersion: 'v1',
  id: 'ppc64',
  era: '2.6.21',
  arch: 'powerpc',
  title: 'ppc64 hash MMU, 4K pages, 4-level',
  aliases: ['v2.6.20-ppc64-4k', 'ppc64-4k'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 12,
  // pgtable-4k.h 6–9: index widths 9/7/7/9 from the pte up, 44 bits of effective address
  levels: [
    { name: 'pgd', shift: 35, bits: 9 },
    { name: 'pud', shift: 28, bits: 7 },
    { name: 'pmd', shift: 21, bits: 7 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  // asm-powerpc/sparsemem.h: MAX_PHYSMEM_BITS 44 under CONFIG_SPARSEMEM, the ppc64
  // (pSeries) memory model; read from a 2.6.1x copy, the 2.6.20 blob was not at hand.
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
    { name: 'group_ix', bit: 12, width: 3, macro: '_PAGE_GROUP_IX', doc: '_PAGE_F_GIX: HPTE slot within its group' },
    { name: 'secondary', bit: 15, macro: '_PAGE_SECONDARY', doc: '_PAGE_F_SECOND: HPTE is in the secondary group' },
  ],
  prots: PPC64_PROTS_2621,
  protectionMap: PPC64_PROTECTION_MAP_2621,
  predicates: {
    // pgtable.h 182: pte_none ignores _PAGE_HPTEFLAGS; 183: present; 246: pte_file
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
    { file: 'include/asm-powerpc/pgtable-4k.h', version: V2621 },
    { file: 'include/asm-powerpc/page.h', version: V2621 },
    { file: 'include/asm-powerpc/sparsemem.h', version: V2621, what: 'MAX_PHYSMEM_BITS' },
  ],
  quirks: [
    'The pfn sits at bit 17 (PTE_RPN_SHIFT), not at PAGE_SHIFT: bits 12–16 belong to the hash-slot bookkeeping (pgtable-4k.h 40–47, 63).',
    '_PAGE_FILE is _PAGE_USER (bit 1): pte_file() is true for every present user pte (asm-powerpc/pgtable.h 76–88, 246).',
    '__swp_type reads 6 bits (0x3f) where 5 are stored, like 2.6.21 x86_64; the sixth lands at pte bit 23 and is always clear (asm-powerpc/pgtable.h 480–488).',
    'The swap offset keeps 39 of the generic 59 bits (pte bits 25–63), while a file pgoff keeps 47 (bits 17–63): PTE_FILE_MAX_BITS = 64 - PTE_RPN_SHIFT is exact here.',
  ],
};
