/**
 * i386 without PAE, 6.18: two levels, 32-bit ptes, no L1TF inversion.
 * arch/x86/include/asm/pgtable-2level.h 83–129, pgtable-2level_types.h (v6.18.2).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V618 } from '../sources.js';
import { X86_BITS_618, X86_PRESENT_618, X86_PROTNONE_618, x86Huge618, x86Pfn618, x86Modifiers618, x86Prots618, I386_TASK_SIZE_618, x86Roles618, x86ChgMask618, x86Selects618, X86_PROTECTION_MAP_618 } from './bits.js';

// __PHYSICAL_MASK_SHIFT 32 (page_32_types.h 40): pfn at bits 12–31; phys_addr_t is 32-bit; no L1TF inversion on 2-level
const pfn = x86Pfn618(32, false);

export const i386_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'i386',
  era: '6.18',
  arch: 'x86',
  title: 'i386, 2-level (no PAE)',
  aliases: ['v6.18-i386-2level', 'i386-2level'],
  wordBits: 32,
  pteBits: 32,
  PAGE_SHIFT: 12,
  levels: [
    { name: 'pgd', shift: 22, bits: 10 },
    { name: 'pte', shift: 12, bits: 10 },
  ],
  TASK_SIZE: I386_TASK_SIZE_618,
  physBits: 32,
  bits: X86_BITS_618,
  prots: x86Prots618(0n),
  protectionMap: X86_PROTECTION_MAP_618,
  predicates: {
    none: { ignore: 0n }, // the KNL erratum mask is 0 on 2-level
    present: X86_PRESENT_618,
    protnone: X86_PROTNONE_618,
    source: { file: 'arch/x86/include/asm/pgtable.h', version: V618, lines: '947–950, 966–969, 995–1004' },
  },
  modifiers: x86Modifiers618(false),
  roles: x86Roles618(false),
  chgMask: x86ChgMask618(false),
  selects: x86Selects618(false),
  pfn,
  swap: {
    // pgtable-2level.h 95–109: (type & 0x1f) << 1 | offset << 9; bit 7 is the exclusive marker
    arch: {
      type: field('type', 1, 5),
      offset: field('offset', 9, 23),
    },
    toPte: { kind: 'shift', shift: 0 },
    flags: { exclusive: 7 },
    source: { file: 'arch/x86/include/asm/pgtable-2level.h', version: V618, lines: '95–112' },
  },
  // 4 MiB THP: the pmd is folded into the pgd (asm-generic/pgtable-nopmd.h: PMD_SHIFT = PUD_SHIFT =
  // P4D_SHIFT = PGDIR_SHIFT 22), so a huge pmd is a PSE pgd entry; phys_addr_t is 32-bit and
  // protnone_mask is 0 here (no L1TF inversion).
  huge: x86Huge618({
    HPAGE_PMD_SHIFT: 22,
    shiftSource: { file: 'include/linux/huge_mm.h', version: V618, what: 'HPAGE_PMD_SHIFT = PMD_SHIFT = PGDIR_SHIFT 22 (folded pmd, pgtable-2level_types.h)' },
    pte: pfn,
  }),
  sources: [
    { file: 'arch/x86/include/asm/pgtable-2level.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable-2level_types.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable_types.h', version: V618 },
    { file: 'arch/x86/include/asm/page_32_types.h', version: V618, lines: '40' },
    { file: 'arch/x86/include/asm/page_types.h', version: V618, lines: '13–17', what: 'PHYSICAL_PMD_PAGE_MASK' },
    { file: 'arch/x86/Kconfig', version: V618, lines: '58, 210', what: 'HAVE_ARCH_TRANSPARENT_HUGEPAGE, also without PAE' },
  ],
  quirks: [
    'No swap soft-dirty or uffd-wp on 32-bit x86: the generic stubs make them no-ops.',
    'THP maps 4 MiB PSE pages (HPAGE_PMD_SHIFT 22, HPAGE_PMD_ORDER 10): the huge pmd is the folded pgd entry, and pfn_pmd keeps pmd bits 22–31 only, so the PSE-36 high address bits are never used (pgtable.h 748–754).',
  ],
};
