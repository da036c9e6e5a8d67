/**
 * i386 with PAE, 2.6.21: three levels, 64-bit ptes as pte_low/pte_high.
 * include/asm-i386/pgtable-3level.h, pgtable-3level-defs.h, pgtable.h, page.h (v2.6.20 = v2.6.21).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { FILE, NX, NX_BIT, X86_BITS_2621, X86_MODIFIERS_2621, X86_PRESENT_2621, X86_PROTNONE_2621, I386_TASK_SIZE_2621, x86Roles2621, x86ChgMask2621, X86_SELECTS_2621, x86ProtectionMap2621 } from './bits.js';

export const i386Pae_2621: VariantSpec = {
  specificationVersion: 'v1',
  id: 'i386-pae',
  era: '2.6.21',
  arch: 'x86',
  title: 'i386 PAE, 3-level',
  aliases: ['v2.6.20-i386-pae'],
  wordBits: 32,
  pteBits: 64,
  PAGE_SHIFT: 12,
  // pgtable-3level-defs.h 7–20
  levels: [
    { name: 'pgd', shift: 30, bits: 2 },
    { name: 'pmd', shift: 21, bits: 9 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  TASK_SIZE: I386_TASK_SIZE_2621,
  physBits: 36,
  bits: [...X86_BITS_2621, NX_BIT],
  // pgtable.h 137–158; on i386 in this era PAGE_SHARED carries no NX, unlike x86_64
  prots: {
    PAGE_NONE: 0x0a0n,
    PAGE_SHARED: 0x027n,
    PAGE_SHARED_EXEC: 0x027n,
    PAGE_COPY: NX | 0x025n,
    PAGE_COPY_EXEC: 0x025n, // 146–147
    PAGE_READONLY: NX | 0x025n,
    PAGE_READONLY_EXEC: 0x025n,
    _PAGE_KERNEL: NX | 0x063n,
  },
  protectionMap: x86ProtectionMap2621(false),
  predicates: {
    none: { ignore: 0n }, // pgtable-3level.h 142–145: both halves zero
    present: X86_PRESENT_2621, // looks at pte_low only, where these bits live
    protnone: X86_PROTNONE_2621,
    file: FILE,
    source: { file: 'include/asm-i386/pgtable-3level.h', version: V2621, lines: '142–145' },
  },
  modifiers: X86_MODIFIERS_2621,
  roles: x86Roles2621('include/asm-i386/pgtable.h', '96–131, 222–224'),
  chgMask: x86ChgMask2621('include/asm-i386/pgtable.h', '135, 386–399', ((1n << 63n) - 1n) & ~((1n << 44n) - 1n)),
  selects: X86_SELECTS_2621,
  pfn: {
    // pgtable-3level.h 147–165: low = (pfn << 12 | prot) & mask, high = (pfn >> 20 | prot >> 32) & mask >> 32;
    // pte_pfn = low >> 12 | high << 20 in unsigned long, so pfns are 32 bits and NX falls off.
    field: field('pfn', 12, 32),
    supportedMask: 'result',
    source: { file: 'include/asm-i386/pgtable-3level.h', version: V2621, lines: '147–165' },
  },
  swap: {
    // pgtable-3level.h 181–186: val = type | offset << 5 (u32), stored as pte_high with pte_low = 0
    arch: {
      type: field('type', 0, 5, { encodeWidth: 32 }),
      offset: field('offset', 5, 27),
    },
    toPte: { kind: 'shift', shift: 32 },
    source: { file: 'include/asm-i386/pgtable-3level.h', version: V2621, lines: '181–186' },
  },
  file: {
    // pgtable-3level.h 173–179: the whole pgoff in pte_high, pte_low = _PAGE_FILE
    pgoff: field('pgoff', 32, 32),
    set: FILE,
    PTE_FILE_MAX_BITS: 32,
    source: { file: 'include/asm-i386/pgtable-3level.h', version: V2621, lines: '173–179' },
  },
  nxBit: 63,
  sources: [
    { file: 'include/asm-i386/pgtable-3level.h', version: V2621 },
    { file: 'include/asm-i386/pgtable-3level-defs.h', version: V2621 },
    { file: 'include/asm-i386/pgtable.h', version: V2621 },
    { file: 'include/asm-i386/page.h', version: V2621 },
    { file: 'arch/i386/mm/init.c', version: V2621, lines: '426–467', what: '__supported_pte_mask gains NX only once NX is detected' },
  ],
  quirks: [
    'swap(0, 0) is the all-zero pte: offset 0 is the swap header and is never handed out, so no swap pte is pte_none.',
    'pte_pfn() computes in unsigned long: pfns above 32 bits cannot be expressed although the pte has room.',
  ],
};
