/**
 * ppc64 (hash MMU) pte bits in 2.6.21, common to 4K and 64K pages:
 * include/asm-powerpc/pgtable.h 76–88 (v2.6.20 lines). The page-size headers
 * add the HPTE bookkeeping bits and choose PTE_RPN_SHIFT.
 */
import type { ArchSelects, PteBit, PteRoles, ProtectionMap } from '@mmsim/core';
import { V2621 } from '../sources.js';

export const PRESENT = 0x001n;
export const USER = 0x002n;
export const FILE = 0x002n;
export const EXEC = 0x004n;
export const COHERENT = 0x010n;
export const DIRTY = 0x080n;
export const ACCESSED = 0x100n;
export const RW = 0x200n;
export const HASHPTE = 0x400n;
export const BUSY = 0x800n;

export const PPC64_BITS_2621: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'user', bit: 1, macro: '_PAGE_USER', when: 'present' },
  { name: 'file', bit: 1, macro: '_PAGE_FILE', when: 'not-present', doc: 'same bit as user, so pte_file() is also true for present user ptes' },
  { name: 'exec', bit: 2, macro: '_PAGE_EXEC', when: 'present' },
  { name: 'guarded', bit: 3, macro: '_PAGE_GUARDED', when: 'present' },
  { name: 'coherent', bit: 4, macro: '_PAGE_COHERENT', when: 'present' },
  { name: 'no_cache', bit: 5, macro: '_PAGE_NO_CACHE', when: 'present' },
  { name: 'writethru', bit: 6, macro: '_PAGE_WRITETHRU', when: 'present' },
  { name: 'dirty', bit: 7, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'accessed', bit: 8, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'rw', bit: 9, macro: '_PAGE_RW', when: 'present' },
  { name: 'hashpte', bit: 10, macro: '_PAGE_HASHPTE', doc: 'an HPTE exists; part of _PAGE_HPTEFLAGS' },
  { name: 'busy', bit: 11, macro: '_PAGE_BUSY', doc: 'pte and hash entry are being updated; part of _PAGE_HPTEFLAGS' },
];

/** Lines 90–106: _PAGE_BASE = present | accessed | coherent; PAGE_NONE lacks user and coherent. */
const BASE = PRESENT | ACCESSED | COHERENT;
export const PPC64_PROTS_2621 = {
  PAGE_NONE: PRESENT | ACCESSED,
  PAGE_SHARED: BASE | RW | USER,
  PAGE_SHARED_X: BASE | RW | USER | EXEC,
  PAGE_COPY: BASE | USER,
  PAGE_COPY_X: BASE | USER | EXEC,
  PAGE_READONLY: BASE | USER,
  PAGE_READONLY_X: BASE | USER | EXEC,
  PAGE_KERNEL: BASE | RW | DIRTY,
} as const;

/** pte_mk* / pte_wrprotect of asm-powerpc/pgtable.h: plain single-bit set/clear. */
export const PPC64_MODIFIERS_2621 = {
  pte_mkwrite: { set: RW },
  pte_wrprotect: { clear: RW },
  pte_mkdirty: { set: DIRTY },
  pte_mkclean: { clear: DIRTY },
  pte_mkyoung: { set: ACCESSED },
  pte_mkold: { clear: ACCESSED },
} as const;

/** pte_present (line 183) tests _PAGE_PRESENT alone: no PROT_NONE bit exists on ppc64. */
export const PPC64_PRESENT_2621 = [{ mask: PRESENT, value: PRESENT }] as const;

/** The roles of the ppc64 pte bits (asm-powerpc/pgtable.h 76–88; pte_write, pte_dirty, pte_young 242–245). */
export const PPC64_ROLES_2621: PteRoles = {
  present: 0,
  write: 9,
  user: 1,
  dirty: 7,
  young: 8,
  special: null,
  protnone: null,
  softDirty: null,
  uffdWp: null,
  savedDirty: null,
  source: { file: 'include/asm-powerpc/pgtable.h', version: V2621, lines: '76–88, 242–245' },
};

/** None of the Kconfig capabilities mm asks about exists in 2.6.21 (arch/powerpc/Kconfig, mm/Kconfig). */
export const PPC64_SELECTS_2621: ArchSelects = {
  ARCH_WANTS_THP_SWAP: false,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: false,
  HAVE_ARCH_SOFT_DIRTY: false,
  ARCH_HAS_PTE_SPECIAL: false,
  source: { file: 'mm/Kconfig', version: V2621, what: 'none of ARCH_WANTS_THP_SWAP (4.13), ARCH_SUPPORTS_PT_RECLAIM (6.14), HAVE_ARCH_USERFAULTFD_WP (5.7), HAVE_ARCH_SOFT_DIRTY (3.11), ARCH_HAS_PTE_SPECIAL (4.18; __HAVE_ARCH_PTE_SPECIAL 2.6.25) exists yet' },
};

/** protection_map[16] (include/asm-powerpc/pgtable.h 125–141): __P000..__S111, laid out by mm/mmap.c 62–65. */
export const PPC64_PROTECTION_MAP_2621: ProtectionMap = {
  names: [
    'PAGE_NONE',
    'PAGE_READONLY',
    'PAGE_COPY',
    'PAGE_COPY',
    'PAGE_READONLY_X',
    'PAGE_READONLY_X',
    'PAGE_COPY_X',
    'PAGE_COPY_X',
    'PAGE_NONE',
    'PAGE_READONLY',
    'PAGE_SHARED',
    'PAGE_SHARED',
    'PAGE_READONLY_X',
    'PAGE_READONLY_X',
    'PAGE_SHARED_X',
    'PAGE_SHARED_X',
  ],
  source: { file: 'include/asm-powerpc/pgtable.h', version: V2621, lines: '125–141' },
};
