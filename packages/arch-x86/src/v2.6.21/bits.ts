/**
 * x86 pte bits in 2.6.21: include/asm-i386/pgtable.h 96–131 and
 * include/asm-x86_64/pgtable.h 139–162 (v2.6.20 lines). When a pte is not
 * present, bit 6 (dirty) means _PAGE_FILE and bit 7 (PSE) _PAGE_PROTNONE.
 */
import type { ArchSelects, ProtectionMap, PteBit, PteChgMask, PteRoles, TaskSizeSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';

export const PRESENT = 0x001n;
export const RW = 0x002n;
export const USER = 0x004n;
export const ACCESSED = 0x020n;
export const DIRTY = 0x040n;
export const FILE = 0x040n;
export const PROTNONE = 0x080n;
export const NX = 1n << 63n;

/**
 * The roles of the 2.6.21 x86 pte bits (asm-i386/pgtable.h 96–131, 222–224;
 * asm-x86_64/pgtable.h 139–162, 265–267: pte_dirty, pte_young, pte_write).
 * Nothing else yet: pte_special came in 2.6.25, soft-dirty in 3.11,
 * uffd-wp in 5.7, the saved-dirty bit in 6.6.
 */
export function x86Roles2621(file: string, lines: string): PteRoles {
  return {
    present: 0,
    write: 1,
    user: 2,
    dirty: 6,
    young: 5,
    special: null,
    protnone: 7,
    softDirty: null,
    uffdWp: null,
    savedDirty: null,
    source: { file, version: V2621, lines },
  };
}

/**
 * _PAGE_CHG_MASK = PTE_MASK | _PAGE_ACCESSED | _PAGE_DIRTY (asm-i386/pgtable.h
 * 135, asm-x86_64/pgtable.h 167): the pfn bits and accessed/dirty only — no
 * cache bits yet. PAE's pte_modify (asm-i386/pgtable.h 386–399) applies it
 * to pte_low and keeps all of pte_high but NX: `highKeep` is those bits
 * outside the pfn field.
 */
export function x86ChgMask2621(file: string, lines: string, highKeep = 0n): PteChgMask {
  return { flags: ACCESSED | DIRTY | highKeep, source: { file, version: V2621, lines } };
}

/** None of the Kconfig capabilities mm asks about exists in 2.6.21 (arch/i386/Kconfig, arch/x86_64/Kconfig, mm/Kconfig). */
export const X86_SELECTS_2621: ArchSelects = {
  ARCH_WANTS_THP_SWAP: false,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: false,
  HAVE_ARCH_SOFT_DIRTY: false,
  ARCH_HAS_PTE_SPECIAL: false,
  source: { file: 'mm/Kconfig', version: V2621, what: 'none of ARCH_WANTS_THP_SWAP (4.13), ARCH_SUPPORTS_PT_RECLAIM (6.14), HAVE_ARCH_USERFAULTFD_WP (5.7), HAVE_ARCH_SOFT_DIRTY (3.11), ARCH_HAS_PTE_SPECIAL (4.18; __HAVE_ARCH_PTE_SPECIAL 2.6.25) exists yet' },
};

export const X86_BITS_2621: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'rw', bit: 1, macro: '_PAGE_RW', when: 'present' },
  { name: 'user', bit: 2, macro: '_PAGE_USER', when: 'present' },
  { name: 'pwt', bit: 3, macro: '_PAGE_PWT', when: 'present' },
  { name: 'pcd', bit: 4, macro: '_PAGE_PCD', when: 'present' },
  { name: 'accessed', bit: 5, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'dirty', bit: 6, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'file', bit: 6, macro: '_PAGE_FILE', when: 'not-present', doc: 'same bit as dirty: only meaningful when not present' },
  { name: 'pse', bit: 7, macro: '_PAGE_PSE', when: 'present' },
  { name: 'protnone', bit: 7, macro: '_PAGE_PROTNONE', when: 'not-present', doc: 'same bit as PSE; pte_present() is true for it' },
  { name: 'global', bit: 8, macro: '_PAGE_GLOBAL', when: 'present' },
];

export const NX_BIT: PteBit = { name: 'nx', bit: 63, macro: '_PAGE_NX', when: 'present', doc: 'PAE and x86_64 only' };

/** pte_mk* / pte_wrprotect (asm-i386/pgtable.h, asm-x86_64/pgtable.h): the same bits on every x86 variant. */
export const X86_MODIFIERS_2621 = {
  pte_mkwrite: { set: RW },
  pte_wrprotect: { clear: RW },
  pte_mkdirty: { set: DIRTY },
  pte_mkclean: { clear: DIRTY },
  pte_mkyoung: { set: ACCESSED },
  pte_mkold: { clear: ACCESSED },
} as const;

/** pte_present(): present or PROT_NONE (asm-i386/pgtable.h 206, asm-x86_64/pgtable.h 239). */
export const X86_PRESENT_2621 = [
  { mask: PRESENT, value: PRESENT },
  { mask: PROTNONE, value: PROTNONE },
] as const;

/**
 * There is no pte_protnone() helper in 2.6.21; the state it names is
 * _PAGE_PROTNONE set without _PAGE_PRESENT, which the classifier reports.
 */
export const X86_PROTNONE_2621 = { mask: PRESENT | PROTNONE, value: PROTNONE } as const;

/**
 * i386 and i386-pae TASK_SIZE: PAGE_OFFSET (include/asm-i386/processor.h 275),
 * i.e. CONFIG_PAGE_OFFSET (include/asm-i386/page.h 116–122), 0xC0000000 under
 * the default VMSPLIT_3G (arch/i386/Kconfig 519–555).
 */
export const I386_TASK_SIZE_2621: TaskSizeSpec = {
  bytes: 0xc0000000n,
  config: 'VMSPLIT_3G (the default 3G/1G split)',
  source: { file: 'include/asm-i386/processor.h', version: V2621, lines: '275', what: 'TASK_SIZE = PAGE_OFFSET = CONFIG_PAGE_OFFSET (page.h 116–122; arch/i386/Kconfig 550–555)' },
};

/**
 * protection_map[16] (mm/mmap.c 62–65 builds it from __P000..__S111): the
 * same table in include/asm-i386/pgtable.h 178–194 and
 * include/asm-x86_64/pgtable.h 206–222.
 */
export function x86ProtectionMap2621(x86_64: boolean): ProtectionMap {
  return {
    names: ['PAGE_NONE', 'PAGE_READONLY', 'PAGE_COPY', 'PAGE_COPY', 'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_COPY_EXEC', 'PAGE_COPY_EXEC',
    'PAGE_NONE', 'PAGE_READONLY', 'PAGE_SHARED', 'PAGE_SHARED', 'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_SHARED_EXEC', 'PAGE_SHARED_EXEC'],
    source: x86_64
      ? { file: 'include/asm-x86_64/pgtable.h', version: V2621, lines: '206–222' }
      : { file: 'include/asm-i386/pgtable.h', version: V2621, lines: '178–194' },
  };
}
