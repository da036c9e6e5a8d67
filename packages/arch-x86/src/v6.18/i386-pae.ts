/**
 * i386 PAE, 6.18: three levels, 64-bit ptes built like x86_64's from a
 * 32-bit arch swap entry.
 * arch/x86/include/asm/pgtable-3level.h 148–207, pgtable-3level_types.h (v6.18.2).
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
  I386_TASK_SIZE_618,
  x86Roles618,
  x86ChgMask618,
  x86Selects618,
  X86_PROTECTION_MAP_618,
} from './bits.js';

// __PHYSICAL_MASK_SHIFT 52 (page_32_types.h 36): PTE_PFN_MASK is bits 12–51; the pfn itself is an
// unsigned long, so 32 bits go in and come out. L1TF inversion applies (pgtable-3level.h 207).
const pfn = x86Pfn618(52, true);

export const i386Pae_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'i386-pae',
  era: '6.18',
  arch: 'x86',
  title: 'i386 PAE, 3-level',
  aliases: ['v6.18-i386-pae'],
  wordBits: 32,
  pteBits: 64,
  PAGE_SHIFT: 12,
  levels: [
    { name: 'pgd', shift: 30, bits: 2 },
    { name: 'pmd', shift: 21, bits: 9 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  TASK_SIZE: I386_TASK_SIZE_618,
  physBits: 36,
  bits: [...X86_BITS_618, ...X86_HIGH_BITS_618],
  prots: x86Prots618(NX),
  protectionMap: X86_PROTECTION_MAP_618,
  predicates: {
    none: { ignore: KNL_ERRATUM_MASK },
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
    // pgtable-3level.h 173–202: the 32-bit arch entry is (type & 0x1f) | offset << 5; the pte
    // is built from the unpacked type and offset exactly as on x86_64, and decoded back into
    // a 32-bit entry.
    arch: {
      type: field('type', 0, 5),
      offset: field('offset', 5, 27),
    },
    toPte: {
      kind: 'relayout',
      type: field('type', 59, 5),
      offset: field('offset', 9, 50, { invert: true }),
    },
    flags: { exclusive: 7 },
    source: { file: 'arch/x86/include/asm/pgtable-3level.h', version: V618, lines: '173–207' },
  },
  // 2 MiB THP: PMD_SHIFT 21; pmd bits 21–51, of which a 32-bit unsigned long pfn reaches 21–43.
  huge: x86Huge618({
    HPAGE_PMD_SHIFT: 21,
    shiftSource: { file: 'include/linux/huge_mm.h', version: V618, what: 'HPAGE_PMD_SHIFT = PMD_SHIFT, 21 with PAE (pgtable-3level_types.h)' },
    pte: pfn,
  }),
  nxBit: 63,
  sources: [
    { file: 'arch/x86/include/asm/pgtable-3level.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable-3level_types.h', version: V618 },
    { file: 'arch/x86/include/asm/pgtable_types.h', version: V618 },
    { file: 'arch/x86/include/asm/page_32_types.h', version: V618, lines: '36' },
    { file: 'arch/x86/include/asm/page_types.h', version: V618, lines: '13–17', what: 'PHYSICAL_PMD_PAGE_MASK, sign-extended from the 32-bit PMD_MASK' },
    { file: 'arch/x86/Kconfig', version: V618, lines: '58, 210', what: 'HAVE_ARCH_TRANSPARENT_HUGEPAGE' },
  ],
  quirks: [
    'The arch entry could hold 27 offset bits, but the 6.18 generic layer keeps 26 on 32-bit.',
    'mm/debug_vm_pgtable.c is not built for PAE (x86 Kconfig line 83).',
    'THP uses 2 MiB pmds; the pfn is an unsigned long, so a huge pmd holds pfn bits 9–31 (pmd bits 21–43) of the 21–51 that PHYSICAL_PMD_PAGE_MASK allows (pgtable.h 748–754, page_types.h 13–17).',
  ],
};
