/**
 * ppc32 classic (6xx/7xx hash MMU) pte bits in 2.6.21: the final branch of
 * the CPU-family #if chain in include/asm-ppc/pgtable.h, 356–369 (v2.6.20
 * lines; 32-bit ARCH=powerpc includes this file too, asm-powerpc/pgtable.h
 * 5–6). The other branches (40x, 44x, FSL BookE, 8xx) are not modelled.
 */
import type { ArchSelects, PteBit, PteChgMask, PteRoles, ProtectionMap } from '@mmsim/core';
import { V2621 } from '../sources.js';

export const PRESENT = 0x001n;
export const HASHPTE = 0x002n;
export const USER = 0x004n;
export const FILE = 0x004n;
export const EXEC = 0x200n;
export const DIRTY = 0x080n;
export const ACCESSED = 0x100n;
export const RW = 0x400n;

export const PPC32_BITS_2621: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'hashpte', bit: 1, macro: '_PAGE_HASHPTE', doc: 'an HPTE exists for this pte; kept across set_pte_at and ignored by pte_none' },
  { name: 'user', bit: 2, macro: '_PAGE_USER', when: 'present' },
  { name: 'file', bit: 2, macro: '_PAGE_FILE', when: 'not-present', doc: 'same bit as user, so pte_file() is also true for present user ptes' },
  { name: 'guarded', bit: 3, macro: '_PAGE_GUARDED', when: 'present' },
  { name: 'coherent', bit: 4, macro: '_PAGE_COHERENT', when: 'present' },
  { name: 'no_cache', bit: 5, macro: '_PAGE_NO_CACHE', when: 'present' },
  { name: 'writethru', bit: 6, macro: '_PAGE_WRITETHRU', when: 'present' },
  { name: 'dirty', bit: 7, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'accessed', bit: 8, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'exec', bit: 9, macro: '_PAGE_EXEC', when: 'present' },
  { name: 'rw', bit: 10, macro: '_PAGE_RW', when: 'present' },
];

/**
 * Lines 415–450. _PAGE_BASE has no _PAGE_COHERENT here (hash_page adds M
 * on SMP), and the 6xx branch has no HWWRITE/HWEXEC/SHARED bits, so they
 * drop out of _PAGE_KERNEL and _PAGE_RAM.
 */
const BASE = PRESENT | ACCESSED;
export const PPC32_PROTS_2621 = {
  PAGE_NONE: BASE,
  PAGE_READONLY: BASE | USER,
  PAGE_READONLY_X: BASE | USER | EXEC,
  PAGE_SHARED: BASE | USER | RW,
  PAGE_SHARED_X: BASE | USER | RW | EXEC,
  PAGE_COPY: BASE | USER,
  PAGE_COPY_X: BASE | USER | EXEC,
  PAGE_KERNEL: BASE | RW | DIRTY,
} as const;

/** pte_mk* (just after pte_file, line 541): wrprotect and mkclean also clear _PAGE_HWWRITE, 0 on 6xx. */
export const PPC32_MODIFIERS_2621 = {
  pte_mkwrite: { set: RW },
  pte_wrprotect: { clear: RW },
  pte_mkdirty: { set: DIRTY },
  pte_mkclean: { clear: DIRTY },
  pte_mkyoung: { set: ACCESSED },
  pte_mkold: { clear: ACCESSED },
} as const;

/** The roles of the 6xx pte bits (asm-ppc/pgtable.h 356–369; pte_write, pte_dirty, pte_young 537–540). */
export const PPC32_ROLES_2621: PteRoles = {
  present: 0,
  write: 10,
  user: 2,
  dirty: 7,
  young: 8,
  special: null,
  protnone: null,
  softDirty: null,
  uffdWp: null,
  savedDirty: null,
  source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '356–369, 537–540' },
};

/** _PAGE_CHG_MASK = PAGE_MASK | _PAGE_ACCESSED | _PAGE_DIRTY (asm-ppc/pgtable.h 405; pte_modify 568–571): PAGE_MASK is the pfn field. */
export const PPC32_CHG_MASK_2621: PteChgMask = {
  flags: ACCESSED | DIRTY,
  source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '405, 568–571' },
};

/** None of the Kconfig capabilities mm asks about exists in 2.6.21 (arch/powerpc/Kconfig, mm/Kconfig). */
export const PPC_SELECTS_2621: ArchSelects = {
  ARCH_WANTS_THP_SWAP: false,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: false,
  HAVE_ARCH_SOFT_DIRTY: false,
  ARCH_HAS_PTE_SPECIAL: false,
  source: { file: 'mm/Kconfig', version: V2621, what: 'none of ARCH_WANTS_THP_SWAP (4.13), ARCH_SUPPORTS_PT_RECLAIM (6.14), HAVE_ARCH_USERFAULTFD_WP (5.7), HAVE_ARCH_SOFT_DIRTY (3.11), ARCH_HAS_PTE_SPECIAL (4.18; __HAVE_ARCH_PTE_SPECIAL 2.6.25) exists yet' },
};

/** protection_map[16] (include/asm-ppc/pgtable.h 458–474): __P000..__S111, which mm/mmap.c 62–65 lays out by VM_READ 1 | VM_WRITE 2 | VM_EXEC 4 | VM_SHARED 8 (the digits read XWR): a readable mapping gets PAGE_READONLY_X, an exec-only one PAGE_READONLY. */
export const PPC32_PROTECTION_MAP_2621: ProtectionMap = {
  names: [
    'PAGE_NONE',
    'PAGE_READONLY_X',
    'PAGE_COPY',
    'PAGE_COPY_X',
    'PAGE_READONLY',
    'PAGE_READONLY_X',
    'PAGE_COPY',
    'PAGE_COPY_X',
    'PAGE_NONE',
    'PAGE_READONLY_X',
    'PAGE_SHARED',
    'PAGE_SHARED_X',
    'PAGE_READONLY',
    'PAGE_READONLY_X',
    'PAGE_SHARED',
    'PAGE_SHARED_X',
  ],
  source: { file: 'include/asm-ppc/pgtable.h', version: V2621, lines: '458–474' },
};
