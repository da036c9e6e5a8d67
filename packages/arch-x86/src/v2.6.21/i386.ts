/**
 * i386 without PAE, 2.6.21: two levels, 32-bit ptes.
 * include/asm-i386/pgtable-2level.h, pgtable-2level-defs.h, pgtable.h, page.h (v2.6.20 = v2.6.21).
 */
import { field, splitField, type VariantSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { FILE, X86_BITS_2621, X86_MODIFIERS_2621, X86_PRESENT_2621, X86_PROTNONE_2621, I386_TASK_SIZE_2621, x86Roles2621, x86ChgMask2621, X86_SELECTS_2621, x86ProtectionMap2621 } from './bits.js';

export const i386_2621: VariantSpec = {
  specificationVersion: 'v1',
  id: 'i386',
  era: '2.6.21',
  arch: 'x86',
  title: 'i386, 2-level (no PAE)',
  aliases: ['v2.6.20-i386-2level', 'i386-2level'],
  wordBits: 32,
  pteBits: 32,
  PAGE_SHIFT: 12,
  // pgtable-2level-defs.h 8–16: PGDIR_SHIFT 22, 1024 entries each; the pmd is folded.
  levels: [
    { name: 'pgd', shift: 22, bits: 10 },
    { name: 'pte', shift: 12, bits: 10 },
  ],
  TASK_SIZE: I386_TASK_SIZE_2621,
  physBits: 32,
  bits: X86_BITS_2621,
  // pgtable.h 137–158
  prots: {
    PAGE_NONE: 0x0a0n,
    PAGE_SHARED: 0x027n,
    PAGE_SHARED_EXEC: 0x027n,
    PAGE_COPY: 0x025n,
    PAGE_COPY_EXEC: 0x025n, // 146–147
    PAGE_READONLY: 0x025n,
    PAGE_READONLY_EXEC: 0x025n,
    _PAGE_KERNEL: 0x063n,
  },
  protectionMap: x86ProtectionMap2621(false),
  predicates: {
    none: { ignore: 0n }, // pgtable-2level.h 29: !pte_low
    present: X86_PRESENT_2621,
    protnone: X86_PROTNONE_2621,
    file: FILE, // pgtable.h 230
    source: { file: 'include/asm-i386/pgtable.h', version: V2621, lines: '206, 230' },
  },
  modifiers: X86_MODIFIERS_2621,
  roles: x86Roles2621('include/asm-i386/pgtable.h', '96–131, 222–224'),
  chgMask: x86ChgMask2621('include/asm-i386/pgtable.h', '135'),
  selects: X86_SELECTS_2621,
  pfn: {
    // pgtable-2level.h 30–31: pte_low >> PAGE_SHIFT; (pfn << PAGE_SHIFT) | prot, in u32
    field: field('pfn', 12, 20),
    source: { file: 'include/asm-i386/pgtable-2level.h', version: V2621, lines: '30–31' },
  },
  swap: {
    // pgtable-2level.h 62–67: val = type << 1 | offset << 8, and the pte is that value.
    // The type is not masked on the way in; __swp_type reads 5 bits back.
    arch: {
      type: field('type', 1, 5, { encodeWidth: 31 }),
      offset: field('offset', 8, 24),
    },
    toPte: { kind: 'shift', shift: 0 },
    source: { file: 'include/asm-i386/pgtable-2level.h', version: V2621, lines: '62–67' },
  },
  file: {
    // pgtable-2level.h 50–60: pgoff bits 0–4 at pte bits 1–5, bits 5–28 at 8–31
    pgoff: splitField('pgoff', [
      { lsb: 1, width: 5 },
      { lsb: 8, width: 24 },
    ]),
    set: FILE,
    PTE_FILE_MAX_BITS: 29,
    source: { file: 'include/asm-i386/pgtable-2level.h', version: V2621, lines: '50–60' },
  },
  sources: [
    { file: 'include/asm-i386/pgtable-2level.h', version: V2621 },
    { file: 'include/asm-i386/pgtable-2level-defs.h', version: V2621 },
    { file: 'include/asm-i386/pgtable.h', version: V2621 },
    { file: 'include/asm-i386/page.h', version: V2621 },
  ],
  quirks: [
    'The generic swp_entry_t allows 27 offset bits but the pte holds 24: swapon caps a swap device at 2^24 - 2 pages.',
    'A nonlinear file pgoff is split around bits 6 (_PAGE_FILE) and 7 (_PAGE_PROTNONE): bits 0–4 at pte bits 1–5, the rest at 8–31.',
  ],
};
