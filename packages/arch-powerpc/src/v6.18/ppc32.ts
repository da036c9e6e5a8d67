/**
 * ppc32 book3s/32 (hash MMU), 6.18: two levels, 32-bit ptes (no
 * CONFIG_PTE_64BIT). arch/powerpc/include/asm/book3s/32/pgtable.h,
 * asm/pgtable.h, asm/pgtable-masks.h (v6.18.2).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V618 } from '../sources.js';
import { HASHPTE, PPC32_BITS_618, PPC32_MODIFIERS_618, PPC32_PROTS_618, PRESENT, PPC32_ROLES_618, PPC32_CHG_MASK_618, PPC32_SELECTS_618, PPC32_PROTECTION_MAP_618 } from './ppc32-bits.js';

const BOOK3S32 = 'arch/powerpc/include/asm/book3s/32/pgtable.h';

export const ppc32_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'ppc32',
  era: '6.18',
  arch: 'powerpc',
  title: 'ppc32 book3s/32 (hash MMU), 2-level',
  aliases: ['v6.18-ppc32-book3s', 'ppc32-book3s'],
  wordBits: 32,
  pteBits: 32,
  PAGE_SHIFT: 12,
  // 97–131: PTE index PTE_SHIFT (10) bits, PGDIR_SHIFT 22, 1024 pgd entries; pmd and pud folded
  levels: [
    { name: 'pgd', shift: 22, bits: 10 },
    { name: 'pte', shift: 12, bits: 10 },
  ],
  // MAX_PHYSMEM_BITS is not defined for ppc32 (SPARSEMEM is 64-bit only); the header's
  // MAX_POSSIBLE_PHYSMEM_BITS (57–69) is 32 for 32-bit ptes, 36 with CONFIG_PTE_64BIT.
  // TASK_SIZE = CONFIG_TASK_SIZE (task_size_32.h 9), default 0xb0000000 on book3s/32 with EXECMEM
  // (arch/powerpc/Kconfig 1297–1301), which CONFIG_MODULES selects (kernel/module/Kconfig 5)
  TASK_SIZE: {
    bytes: 0xb0000000n,
    config: 'CONFIG_TASK_SIZE at its default, with MODULES=y (so EXECMEM=y); 0xc0000000 without EXECMEM',
    source: { file: 'arch/powerpc/include/asm/task_size_32.h', version: V618, lines: '9', what: 'TASK_SIZE = CONFIG_TASK_SIZE, default 0xb0000000 if PPC_BOOK3S_32 && EXECMEM (arch/powerpc/Kconfig 1297–1301)' },
  },
  physBits: 32,
  bits: PPC32_BITS_618,
  prots: PPC32_PROTS_618,
  protectionMap: PPC32_PROTECTION_MAP_618,
  predicates: {
    // 34–39: _PTE_NONE_MASK is _PAGE_HASHPTE for 32-bit ptes; 397–403: present is bit 0 alone.
    // No pte_protnone: NUMA balancing is 64-bit only, the generic stub returns 0.
    none: { ignore: HASHPTE },
    present: [{ mask: PRESENT, value: PRESENT }],
    source: { file: BOOK3S32, version: V618, lines: '34–39, 397–403' },
  },
  modifiers: PPC32_MODIFIERS_618,
  roles: PPC32_ROLES_618,
  chgMask: PPC32_CHG_MASK_618,
  selects: PPC32_SELECTS_618,
  pfn: {
    // 57–69: PTE_RPN_SHIFT = PAGE_SHIFT; 446–450: pfn_pte shifts without masking, and a
    // u32 pte keeps 20 pfn bits.
    field: field('pfn', 12, 20),
    source: { file: BOOK3S32, version: V618, lines: '57–69, 446–450' },
  },
  swap: {
    // 347–381: val = (type & 0x1f) | offset << 5 (u32), pte = val << 3, val = pte >> 3.
    // Bits 0 (present) and 1 (hashpte) stay clear; bit 2 is the exclusive marker (line 46).
    arch: {
      type: field('type', 0, 5),
      offset: field('offset', 5, 27),
    },
    toPte: { kind: 'shift', shift: 3 },
    flags: { exclusive: 2 },
    source: { file: BOOK3S32, version: V618, lines: '347–381' },
  },
  sources: [
    { file: BOOK3S32, version: V618 },
    { file: 'arch/powerpc/include/asm/pgtable.h', version: V618, what: 'pte_pfn' },
    { file: 'arch/powerpc/include/asm/pgtable-masks.h', version: V618, what: 'PAGE_* defaults' },
    { file: 'arch/powerpc/platforms/Kconfig.cputype', version: V618, lines: '108–114', what: 'PPC_THP is 64-bit only: no THP' },
  ],
  quirks: [
    'The swap exclusive marker reuses bit 2, the 2.6.21 _PAGE_FILE/_PAGE_USER position, now _PAGE_READ (book3s/32/pgtable.h 46).',
    'The swap geometry is unchanged from 2.6.21 (type bits 3–7, offset bits 8–31), but the generic entry keeps 26 offset bits instead of 27; the pte still holds 24 (book3s/32/pgtable.h 347–381).',
    'No swap soft-dirty or uffd-wp bits on 32-bit powerpc: the generic stubs make them no-ops.',
    'No transparent huge pages: HAVE_ARCH_TRANSPARENT_HUGEPAGE is selected only by PPC_THP, which depends on PPC_BOOK3S_64 (platforms/Kconfig.cputype 108–114), so CONFIG_TRANSPARENT_HUGEPAGE cannot be set on book3s/32.',
  ],
};
