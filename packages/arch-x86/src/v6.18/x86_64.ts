/**
 * x86_64, 6.18: four levels (five with LA57, not modelled), 64-bit ptes,
 * L1TF-inverted swap offsets and PROT_NONE pfns.
 * arch/x86/include/asm/pgtable_64.h 183–240, pgtable_64_types.h, pgtable.h,
 * pgtable-invert.h, page_64_types.h (v6.18.2).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V618 } from '../sources.js';
import {
  KNL_ERRATUM_MASK,
  NX,
  X86_BITS_618,
  X86_HIGH_BITS_618,
  X86_PRESENT_618,
  X86_PROTNONE_618,
  x86Huge618,
  x86Pfn618,
  x86Modifiers618,
  x86Prots618,
  x86Roles618,
  x86ChgMask618,
  x86Selects618,
  X86_PROTECTION_MAP_618,
} from './bits.js';

// PTE_PFN_MASK = bits 12–51 (__PHYSICAL_MASK_SHIFT 52, page_64_types.h); L1TF inversion applies
const pfn = x86Pfn618(52, true);

export const x86_64_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'x86_64',
  era: '6.18',
  arch: 'x86',
  title: 'x86_64, 4-level',
  aliases: ['v6.18-x86_64'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 12,
  levels: [
    { name: 'pgd', shift: 39, bits: 9 },
    { name: 'pud', shift: 30, bits: 9 },
    { name: 'pmd', shift: 21, bits: 9 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  // TASK_SIZE_MAX = task_size_max() (page_64_types.h 53, 64–65 for a 64-bit task): (1 << 47) − PAGE_SIZE
  // with 4-level paging (page_64.h 86–97; 5-level LA57's (1 << 56) − PAGE_SIZE is not modelled)
  TASK_SIZE: {
    bytes: (1n << 47n) - 4096n,
    config: '4-level paging (no LA57)',
    source: { file: 'arch/x86/include/asm/page_64.h', version: V618, lines: '86–97', what: 'task_size_max(): (1 << 47) − PAGE_SIZE without X86_FEATURE_LA57; TASK_SIZE = TASK_SIZE_MAX (page_64_types.h 53, 64–65)' },
  },
  physBits: 46, // MAX_PHYSMEM_BITS with 4-level paging
  bits: [...X86_BITS_618, ...X86_HIGH_BITS_618],
  prots: x86Prots618(NX),
  protectionMap: X86_PROTECTION_MAP_618,
  predicates: {
    none: { ignore: KNL_ERRATUM_MASK },
    present: X86_PRESENT_618,
    protnone: X86_PROTNONE_618,
    source: { file: 'arch/x86/include/asm/pgtable.h', version: V618, lines: '947–950, 966–969, 995–1004' },
  },
  modifiers: x86Modifiers618(true),
  roles: x86Roles618(true),
  chgMask: x86ChgMask618(true),
  selects: x86Selects618(true),
  pfn,
  swap: {
    // pgtable_64.h 183–240: type in bits 59–63, the complement of the offset in bits 9–58
    // (~offset << 14 >> 5); the pte is the arch value.
    arch: {
      type: field('type', 59, 5),
      offset: field('offset', 9, 50, { invert: true }),
    },
    toPte: { kind: 'shift', shift: 0 },
    flags: { softDirty: 1, uffdWp: 2, exclusive: 3 },
    source: { file: 'arch/x86/include/asm/pgtable_64.h', version: V618, lines: '183–240' },
  },
  // 2 MiB THP: PMD_SHIFT 21; the huge pfn is pmd bits 21–51 (PHYSICAL_PMD_PAGE_MASK), L1TF-inverted
  // in PROT_NONE and invalidated pmds like a pte's.
  huge: x86Huge618({
    HPAGE_PMD_SHIFT: 21,
    shiftSource: { file: 'include/linux/huge_mm.h', version: V618, what: 'HPAGE_PMD_SHIFT = PMD_SHIFT, 21 with 4-level paging (pgtable_64_types.h)' },
    pte: pfn,
  }),
  nxBit: 63,
  sources: [
    { file: 'arch/x86/include/asm/pgtable_64.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable_64_types.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable_types.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable-invert.h', version: V618, lines: '16–37' },
    { file: 'arch/x86/mm/init.c', version: V618, lines: '1041–1060', what: 'L1TF clamp of max_swapfile_size' },
    { file: 'arch/x86/include/asm/page_types.h', version: V618, lines: '13–17', what: 'PHYSICAL_PMD_PAGE_MASK' },
    { file: 'arch/x86/include/asm/pgalloc.h', version: V618, lines: '76–83', what: 'pmd_populate' },
    { file: 'arch/x86/Kconfig', version: V618, lines: '58, 210', what: 'HAVE_ARCH_TRANSPARENT_HUGEPAGE' },
  ],
  expectedFailures: [
    {
      check: 'swap.never-none',
      reason:
        'with the inverted offset, swap(0, 2^50 - 1) is the all-zero pte (pgtable_64.h 183–240); the L1TF clamp of max_swapfile_size (arch/x86/mm/init.c 1041–1060) keeps real swap devices below that offset',
      // the quirk itself: the first type, at the largest offset, is the all-zero pte (any other failure is a real one)
      message: 'swap entry (0, 0x3ffffffffffff) encodes to pte 0x0, which is pte_none',
    },
  ],
  quirks: [
    'swap(0, 0) is 0x07fffffffffffe00, not zero; swap(0, 2^50 - 1), the largest offset, is the all-zero pte, which is pte_none.',
    'The swap-size limit is further clamped at boot to MAX_PA/2 (L1TF), which depends on the CPU; the limit shown is the generic one.',
    'A PMD-mapped THP is pmd_mkhuge(pfn_pmd()): pfn_pmd itself sets no _PAGE_PSE, and it keeps only pmd bits 21–51 of the pfn (PHYSICAL_PMD_PAGE_MASK), so an unaligned pfn silently loses its low 9 bits (pgtable.h 748–754).',
    'pmd_pfn reads bits 21–51 only when _PAGE_PSE is set, bits 12–51 otherwise (pmd_pfn_mask, pgtable_types.h 451–457); a PROT_NONE or invalidated huge pmd stores that pfn inverted (L1TF), and pmd_present stays true through _PAGE_PSE while a split has cleared _PAGE_PRESENT (pgtable.h 764–768, 984–993).',
  ],
};
