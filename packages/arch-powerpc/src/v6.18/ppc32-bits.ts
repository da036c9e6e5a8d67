/**
 * ppc32 book3s/32 (hash MMU) pte bits in 6.18:
 * arch/powerpc/include/asm/book3s/32/pgtable.h 21–32 (v6.18.2). The 2.6.21
 * user/file bit 2 became _PAGE_READ, write moved to its own bit 10, and bit
 * 11 is _PAGE_SPECIAL.
 */
import type { ArchSelects, PteBit, PteChgMask, PteRoles, ProtectionMap } from '@mmsim/core';
import { V618 } from '../sources.js';

export const PRESENT = 0x001n;
export const HASHPTE = 0x002n;
export const READ = 0x004n;
export const COHERENT = 0x010n;
export const DIRTY = 0x080n;
export const ACCESSED = 0x100n;
export const EXEC = 0x200n;
export const WRITE = 0x400n;
export const SPECIAL = 0x800n;

export const PPC32_BITS_618: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'hashpte', bit: 1, macro: '_PAGE_HASHPTE', doc: 'an HPTE exists; _PTE_NONE_MASK, so pte_none ignores it' },
  { name: 'read', bit: 2, macro: '_PAGE_READ', when: 'present' },
  { name: 'swp_exclusive', bit: 2, macro: '_PAGE_SWP_EXCLUSIVE', when: 'swap', doc: '_PAGE_READ borrowed as the swap exclusive marker (line 46)' },
  { name: 'guarded', bit: 3, macro: '_PAGE_GUARDED', when: 'present' },
  { name: 'coherent', bit: 4, macro: '_PAGE_COHERENT', when: 'present' },
  { name: 'no_cache', bit: 5, macro: '_PAGE_NO_CACHE', when: 'present' },
  { name: 'writethru', bit: 6, macro: '_PAGE_WRITETHRU', when: 'present' },
  { name: 'dirty', bit: 7, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'accessed', bit: 8, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'exec', bit: 9, macro: '_PAGE_EXEC', when: 'present' },
  { name: 'write', bit: 10, macro: '_PAGE_WRITE', when: 'present' },
  { name: 'special', bit: 11, macro: '_PAGE_SPECIAL', when: 'present' },
];

/**
 * book3s/32/pgtable.h 84–95 with the defaults of asm/pgtable-masks.h: _PAGE_BASE now
 * carries _PAGE_COHERENT, so PAGE_NONE is present | accessed | coherent without read.
 */
const BASE = PRESENT | ACCESSED | COHERENT;
const RW = READ | WRITE;
export const PPC32_PROTS_618 = {
  PAGE_NONE: BASE,
  PAGE_EXECONLY_X: BASE | EXEC,
  PAGE_READONLY: BASE | READ,
  PAGE_READONLY_X: BASE | READ | EXEC,
  PAGE_SHARED: BASE | RW,
  PAGE_SHARED_X: BASE | RW | EXEC,
  PAGE_COPY: BASE | READ,
  PAGE_COPY_X: BASE | READ | EXEC,
  PAGE_KERNEL: BASE | RW | DIRTY,
} as const;

/** Generic modifiers of book3s/32/pgtable.h: pte_mkwrite(_novma) sets _PAGE_RW, read and write together. */
export const PPC32_MODIFIERS_618 = {
  pte_mkwrite: { set: RW },
  pte_wrprotect: { clear: WRITE },
  pte_mkdirty: { set: DIRTY },
  pte_mkclean: { clear: DIRTY },
  pte_mkyoung: { set: ACCESSED },
  pte_mkold: { clear: ACCESSED },
  pte_mkspecial: { set: SPECIAL },
} as const;

/** The roles of the book3s/32 pte bits (book3s/32/pgtable.h 21–32; pte_write, pte_dirty, pte_young, pte_special 389–396): no _PAGE_USER, user access is _PAGE_READ. */
export const PPC32_ROLES_618: PteRoles = {
  present: 0,
  write: 10,
  user: null,
  dirty: 7,
  young: 8,
  special: 11,
  protnone: null,
  softDirty: null,
  uffdWp: null,
  savedDirty: null,
  source: { file: 'arch/powerpc/include/asm/book3s/32/pgtable.h', version: V618, lines: '21–32, 389–396' },
};

/** _PAGE_CHG_MASK = PTE_RPN_MASK | _PAGE_HASHPTE | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL (book3s/32/pgtable.h 75–76; pte_modify 511–514). */
export const PPC32_CHG_MASK_618: PteChgMask = {
  flags: HASHPTE | DIRTY | ACCESSED | SPECIAL,
  source: { file: 'arch/powerpc/include/asm/book3s/32/pgtable.h', version: V618, lines: '75–76, 511–514' },
};

/** arch/powerpc/Kconfig selects ARCH_HAS_PTE_SPECIAL (152) and HAVE_ARCH_SOFT_DIRTY only for PPC_BOOK3S_64 (843, 854); none of the others. */
export const PPC32_SELECTS_618: ArchSelects = {
  ARCH_WANTS_THP_SWAP: false,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: false,
  HAVE_ARCH_SOFT_DIRTY: false,
  ARCH_HAS_PTE_SPECIAL: true,
  source: { file: 'arch/powerpc/Kconfig', version: V618, lines: '152, 843, 854' },
};

/** protection_map[16] (arch/powerpc/mm/pgtable.c 533–555): protection_map, looked up as is by DECLARE_VM_GET_PAGE_PROT outside book3s64. */
export const PPC32_PROTECTION_MAP_618: ProtectionMap = {
  names: [
    'PAGE_NONE',
    'PAGE_READONLY',
    'PAGE_COPY',
    'PAGE_COPY',
    'PAGE_EXECONLY_X',
    'PAGE_READONLY_X',
    'PAGE_COPY_X',
    'PAGE_COPY_X',
    'PAGE_NONE',
    'PAGE_READONLY',
    'PAGE_SHARED',
    'PAGE_SHARED',
    'PAGE_EXECONLY_X',
    'PAGE_READONLY_X',
    'PAGE_SHARED_X',
    'PAGE_SHARED_X',
  ],
  source: { file: 'arch/powerpc/mm/pgtable.c', version: V618, lines: '533–555' },
};
