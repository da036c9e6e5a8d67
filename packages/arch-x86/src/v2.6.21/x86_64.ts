/**
 * x86_64, 2.6.21: four levels, 64-bit ptes.
 * include/asm-x86_64/pgtable.h, page.h (v2.6.20; in v2.6.21 lines after 362 move up by 9).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { FILE, NX, NX_BIT, X86_BITS_2621, X86_MODIFIERS_2621, X86_PRESENT_2621, X86_PROTNONE_2621, x86Roles2621, x86ChgMask2621, X86_SELECTS_2621, x86ProtectionMap2621 } from './bits.js';

export const x86_64_2621: VariantSpec = {
  specificationVersion: 'v1',
  id: 'x86_64',
  era: '2.6.21',
  arch: 'x86',
  title: 'x86_64, 4-level',
  aliases: ['v2.6.20-x86_64'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 12,
  // pgtable.h 37–56
  levels: [
    { name: 'pgd', shift: 39, bits: 9 },
    { name: 'pud', shift: 30, bits: 9 },
    { name: 'pmd', shift: 21, bits: 9 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  // TASK_SIZE64: 47 bits minus one guard page (processor.h 170–173, 180 for a 64-bit task)
  TASK_SIZE: {
    bytes: 0x800000000000n - 4096n,
    source: { file: 'include/asm-x86_64/processor.h', version: V2621, lines: '170–173, 180', what: 'TASK_SIZE64 = 0x800000000000 − 4096; TASK_SIZE = TASK_SIZE64 for a 64-bit task' },
  },
  // the legacy bottom-up layout for a 64-bit task: arch_pick_mmap_layout sets mmap_base = TASK_UNMAPPED_BASE
  // (arch/x86_64/mm/mmap.c 11–28) = PAGE_ALIGN(TASK_SIZE / 3) (processor.h 183); arch_get_unmapped_area searches up (sys_x86_64.c 87–145)
  mmapLayout: {
    bottomUpFrom: 0x2aaaaaaab000n,
    source: { file: 'arch/x86_64/mm/mmap.c', version: V2621, lines: '11–28', what: 'mmap_base = TASK_UNMAPPED_BASE = PAGE_ALIGN(TASK_SIZE/3) (include/asm-x86_64/processor.h 183); bottom-up arch_get_unmapped_area (arch/x86_64/kernel/sys_x86_64.c 87–145)' },
  },
  physBits: 46, // page.h 95–96: __PHYSICAL_MASK_SHIFT
  bits: [...X86_BITS_2621, NX_BIT],
  // pgtable.h 169–203
  prots: {
    PAGE_NONE: 0x0a0n,
    PAGE_SHARED: NX | 0x027n,
    PAGE_SHARED_EXEC: 0x027n,
    PAGE_COPY: NX | 0x025n,
    PAGE_COPY_EXEC: 0x025n, // 174
    PAGE_READONLY: NX | 0x025n,
    PAGE_READONLY_EXEC: 0x025n,
    PAGE_KERNEL: NX | 0x163n,
  },
  protectionMap: x86ProtectionMap2621(true),
  predicates: {
    none: { ignore: 0n },
    present: X86_PRESENT_2621,
    protnone: X86_PROTNONE_2621,
    file: FILE,
    source: { file: 'include/asm-x86_64/pgtable.h', version: V2621, lines: '239–240, 268' },
  },
  modifiers: X86_MODIFIERS_2621,
  roles: x86Roles2621('include/asm-x86_64/pgtable.h', '139–162, 265–267'),
  chgMask: x86ChgMask2621('include/asm-x86_64/pgtable.h', '167, 371–377'),
  selects: X86_SELECTS_2621,
  pfn: {
    // pgtable.h 246–255: pfn_pte = ((pfn << 12) | prot) & __supported_pte_mask, unmasked pfn;
    // pte_pfn = (pte & PHYSICAL_MASK) >> 12 keeps 46 - 12 = 34 bits.
    field: field('pfn', 12, 34, { encodeWidth: 52 }),
    supportedMask: 'result',
    source: { file: 'include/asm-x86_64/pgtable.h', version: V2621, lines: '246–255' },
  },
  swap: {
    // pgtable.h 407–412: the pte is type << 1 | offset << 8; __swp_type reads 6 bits (0x3f),
    // the sixth being _PAGE_FILE, which a real type (≤ 31) never sets.
    arch: {
      type: field('type', 1, 6, { encodeWidth: 63 }),
      offset: field('offset', 8, 56),
    },
    toPte: { kind: 'shift', shift: 0 },
    source: { file: 'include/asm-x86_64/pgtable.h', version: V2621, lines: '407–412' },
  },
  file: {
    // pgtable.h 352–354: pgoff << 12 | _PAGE_FILE written unmasked; read back through
    // PHYSICAL_PAGE_MASK (bits 12–45), so only 34 bits survive though PTE_FILE_MAX_BITS is 46.
    pgoff: field('pgoff', 12, 34, { encodeWidth: 52 }),
    set: FILE,
    PTE_FILE_MAX_BITS: 46,
    source: { file: 'include/asm-x86_64/pgtable.h', version: V2621, lines: '352–354' },
  },
  nxBit: 63,
  sources: [
    { file: 'include/asm-x86_64/pgtable.h', version: V2621 },
    { file: 'include/asm-x86_64/page.h', version: V2621 },
    { file: 'arch/x86_64/kernel/setup64.c', version: V2621, lines: '39–58', what: '__supported_pte_mask' },
  ],
  expectedFailures: [
    {
      check: 'file.max-bits-roundtrip',
      reason:
        'kernel bug: PTE_FILE_MAX_BITS is __PHYSICAL_MASK_SHIFT (46) but pte_to_pgoff masks with PHYSICAL_PAGE_MASK, so pgoffs at or above 2^34 come back corrupted (asm-x86_64/pgtable.h 352–354)',
      // the quirk itself: the largest pgoff comes back with only its low 34 bits (any other failure is a real one)
      message: 'pte_to_pgoff(pgoff_to_pte(2^46 - 1)): expected 0x00003fffffffffff, got 0x00000003ffffffff',
    },
  ],
  quirks: [
    'PTE_FILE_MAX_BITS is 46 (__PHYSICAL_MASK_SHIFT) but pte_to_pgoff keeps only pte bits 12–45: remap_file_pages accepts pgoffs up to 2^46 - 1 and silently corrupts those at or above 2^34.',
    '__swp_type reads a 6-bit field whose top bit is _PAGE_FILE; only 5 bits are ever used.',
  ],
};
