/**
 * ppc32 classic (6xx/7xx, hash MMU), 2.6.21: two levels, 32-bit ptes.
 * include/asm-ppc/pgtable.h (CONFIG_6xx branch), include/asm-powerpc/page_32.h
 * (v2.6.20 = v2.6.21).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { FILE, HASHPTE, PPC32_BITS_2621, PPC32_MODIFIERS_2621, PPC32_PROTS_2621, PRESENT, PPC32_ROLES_2621, PPC32_CHG_MASK_2621, PPC_SELECTS_2621, PPC32_PROTECTION_MAP_2621 } from './ppc32-bits.js';

export const ppc32_2621: VariantSpec = {
  specificationVersion: 'v1',
  id: 'ppc32',
  era: '2.6.21',
  arch: 'powerpc',
  title: 'ppc32 classic (6xx hash MMU), 2-level',
  aliases: ['v2.6.20-ppc32-classic', 'ppc32-classic'],
  wordBits: 32,
  pteBits: 32,
  PAGE_SHIFT: 12,
  // pgtable.h 81–97 with page_32.h 14–22: PTE_SHIFT = PAGE_SHIFT - 2 (4-byte ptes), the pmd folded
  levels: [
    { name: 'pgd', shift: 22, bits: 10 },
    { name: 'pte', shift: 12, bits: 10 },
  ],
  // MAX_PHYSMEM_BITS is undefined here (no SPARSEMEM on ppc32); a 32-bit pte with the
  // pfn at bit 12 reaches 2^32 bytes, so that is the physical range the layout can name.
  // TASK_SIZE = CONFIG_TASK_SIZE (include/asm-powerpc/processor.h 91–92, which arch/ppc uses), default
  // 0x80000000 (arch/ppc/Kconfig 1363–1365; arch/powerpc/Kconfig 1107–1109 says the same)
  TASK_SIZE: {
    bytes: 0x80000000n,
    config: 'CONFIG_TASK_SIZE at its default (TASK_SIZE_BOOL=n)',
    source: { file: 'include/asm-powerpc/processor.h', version: V2621, lines: '91–92', what: 'TASK_SIZE = CONFIG_TASK_SIZE, default 0x80000000 (arch/ppc/Kconfig 1363–1365)' },
  },
  // the generic layout: no HAVE_ARCH_PICK_MMAP_LAYOUT on 32-bit (processor.h 269–271), so mmap_base = TASK_UNMAPPED_BASE
  // (include/linux/sched.h 1634–1639) = TASK_SIZE / 8 * 3 (processor.h 97), searched up (mm/mmap.c 1188–1241)
  mmapLayout: {
    bottomUpFrom: 0x30000000n,
    source: { file: 'include/linux/sched.h', version: V2621, lines: '1634–1639', what: 'mmap_base = TASK_UNMAPPED_BASE = TASK_SIZE / 8 * 3 (include/asm-powerpc/processor.h 97); bottom-up arch_get_unmapped_area (mm/mmap.c 1188–1241)' },
  },
  physBits: 32,
  bits: PPC32_BITS_2621,
  prots: PPC32_PROTS_2621,
  protectionMap: PPC32_PROTECTION_MAP_2621,
  predicates: {
    // 509–510: pte_none masks _PTE_NONE_MASK (= HASHPTE, which set_pte_at preserves); 541: pte_file
    none: { ignore: HASHPTE },
    present: [{ mask: PRESENT, value: PRESENT }],
    file: FILE,
    source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '509–510, 541' },
  },
  modifiers: PPC32_MODIFIERS_2621,
  roles: PPC32_ROLES_2621,
  chgMask: PPC32_CHG_MASK_2621,
  selects: PPC_SELECTS_2621,
  pfn: {
    // 487–497: PFN_SHIFT_OFFSET = PAGE_SHIFT without FSL BookE 64-bit ptes; no mask either way,
    // but a u32 pte keeps exactly 20 pfn bits.
    field: field('pfn', 12, 20),
    source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '487–497' },
  },
  swap: {
    // 764–774: val = type | offset << 5 in unsigned long, pte = val << 3, val = pte >> 3.
    // Bits 0–2 stay clear so a swap pte is never present, file or hashed. The type is not
    // masked on the way in; only __swp_type masks it (0x1f).
    arch: {
      type: field('type', 0, 5, { encodeWidth: 32 }),
      offset: field('offset', 5, 27),
    },
    toPte: { kind: 'shift', shift: 3 },
    source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '764–774' },
  },
  file: {
    // 776–779: pgoff << 3 | _PAGE_FILE and pte >> 3, both u32: 29 bits each way
    pgoff: field('pgoff', 3, 29),
    set: FILE,
    PTE_FILE_MAX_BITS: 29,
    source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '776–779' },
  },
  sources: [
    { file: 'include/asm-ppc/pgtable.h', version: V2621, what: 'CONFIG_6xx branch, lines 354–374' },
    { file: 'include/asm-powerpc/pgtable.h', version: V2621, lines: '5–6', what: '!CONFIG_PPC64 includes asm-ppc/pgtable.h' },
    { file: 'include/asm-powerpc/page_32.h', version: V2621, lines: '14–22' },
  ],
  quirks: [
    '_PAGE_FILE is _PAGE_USER (bit 2): pte_file() is true for every present user pte, so callers must test pte_present first (asm-ppc/pgtable.h 356–369, 541).',
    'The generic swp_entry_t allows 27 offset bits but the pte holds 24 above the type (bits 8–31): swapon caps a device at 2^24 - 2 pages (asm-ppc/pgtable.h 764–774).',
    'pte_none() ignores _PAGE_HASHPTE, because set_pte_at and pte_clear leave that bit alone while the hash entry may still exist (asm-ppc/pgtable.h 509).',
  ],
};
