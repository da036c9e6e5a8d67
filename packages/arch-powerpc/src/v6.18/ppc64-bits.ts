/**
 * ppc64 book3s pte bits in 6.18, shared by the hash and radix MMUs and both
 * page sizes: arch/powerpc/include/asm/book3s/64/pgtable.h 17–52, 59–63
 * (v6.18.2). The layout follows the radix (ISA 3.0) pte: present is bit 63,
 * the leaf marker bit 62. The hash-only bookkeeping bits differ by page size
 * and are listed with each variant.
 */
import type { ArchSelects, PteBit, PteChgMask, PteRoles, ProtectionMap } from '@mmsim/core';
import { V618 } from '../sources.js';

export const EXEC = 0x001n;
export const WRITE = 0x002n;
export const READ = 0x004n;
export const RWX = READ | WRITE | EXEC;
export const PRIVILEGED = 0x008n;
export const DIRTY = 0x080n;
export const ACCESSED = 0x100n;
export const SOFT_DIRTY = 0x200n;
export const SPECIAL = 0x400n;
export const BUSY = 0x040n;
export const INVALID = 1n << 61n;
export const PTE = 1n << 62n;
export const PRESENT = 1n << 63n;

export const PPC64_BITS_618: readonly PteBit[] = [
  { name: 'exec', bit: 0, macro: '_PAGE_EXEC', when: 'present' },
  { name: 'write', bit: 1, macro: '_PAGE_WRITE', when: 'present' },
  { name: 'read', bit: 2, macro: '_PAGE_READ', when: 'present', doc: 'clear in PAGE_NONE: a present pte without read, write or exec is pte_protnone' },
  { name: 'privileged', bit: 3, macro: '_PAGE_PRIVILEGED', when: 'present', doc: 'kernel-only mapping' },
  { name: 'sao', bit: 4, macro: '_PAGE_SAO', when: 'present' },
  { name: 'non_idempotent', bit: 5, macro: '_PAGE_NON_IDEMPOTENT', when: 'present' },
  { name: 'tolerant', bit: 4, width: 2, macro: '_PAGE_TOLERANT', when: 'present', doc: 'both cache bits set: cache-inhibited (_PAGE_NO_CACHE)' },
  { name: 'swp_exclusive', bit: 5, macro: '_PAGE_SWP_EXCLUSIVE', when: 'swap', doc: '_PAGE_NON_IDEMPOTENT reused in swap ptes' },
  { name: 'dirty', bit: 7, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'accessed', bit: 8, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'soft_dirty', bit: 9, macro: '_PAGE_SOFT_DIRTY', when: 'present', doc: '_RPAGE_SW3' },
  { name: 'swp_soft_dirty', bit: 9, macro: '_PAGE_SWP_SOFT_DIRTY', when: 'swap', doc: 'the same bit in swap ptes (CONFIG_MEM_SOFT_DIRTY)' },
  { name: 'special', bit: 10, macro: '_PAGE_SPECIAL', when: 'present', doc: '_RPAGE_SW2' },
  { name: 'sw1', bit: 11, macro: '_RPAGE_SW1', doc: 'free software bit (was _PAGE_DEVMAP)' },
  { name: 'invalid', bit: 61, macro: '_PAGE_INVALID', when: 'not-present', doc: '_RPAGE_SW0: a present pte briefly invalidated; with _PAGE_PTE it still counts as present' },
  { name: 'pte', bit: 62, macro: '_PAGE_PTE', doc: 'leaf marker: set in every pfn_pte and every swap pte, never in a table pointer' },
  { name: 'present', bit: 63, macro: '_PAGE_PRESENT' },
];

/**
 * asm/pgtable-masks.h 5–30 over book3s/64 _PAGE_BASE = present | accessed (no coherent bit
 * on book3s64). Kernel mappings use the book3s64 _PAGE_KERNEL_* (privileged | ...).
 */
const BASE = PRESENT | ACCESSED;
const RW = READ | WRITE;
export const PPC64_PROTS_618 = {
  PAGE_NONE: BASE,
  PAGE_EXECONLY_X: BASE | EXEC,
  PAGE_READONLY: BASE | READ,
  PAGE_READONLY_X: BASE | READ | EXEC,
  PAGE_SHARED: BASE | RW,
  PAGE_SHARED_X: BASE | RW | EXEC,
  PAGE_COPY: BASE | READ,
  PAGE_COPY_X: BASE | READ | EXEC,
  PAGE_KERNEL: BASE | PRIVILEGED | RW | DIRTY,
  PAGE_KERNEL_X: BASE | PRIVILEGED | RW | DIRTY | EXEC,
  PAGE_KERNEL_RO: BASE | PRIVILEGED | READ,
  PAGE_KERNEL_ROX: BASE | PRIVILEGED | READ | EXEC,
} as const;

/**
 * Generic modifiers of book3s/64/pgtable.h: pte_mkwrite(_novma) sets _PAGE_RW (read and write),
 * pte_mkdirty also sets soft-dirty; soft-dirty is built in on book3s64 (Kconfig 843, 854).
 */
export const PPC64_MODIFIERS_618 = {
  pte_mkwrite: { set: RW },
  pte_wrprotect: { clear: WRITE },
  pte_mkdirty: { set: DIRTY | SOFT_DIRTY },
  pte_mkclean: { clear: DIRTY },
  pte_mkyoung: { set: ACCESSED },
  pte_mkold: { clear: ACCESSED },
  pte_mkspecial: { set: SPECIAL },
  pte_mksoft_dirty: { set: SOFT_DIRTY },
  pte_clear_soft_dirty: { clear: SOFT_DIRTY },
} as const;

/**
 * pgtable.h 491–510: a hardware-valid leaf (present | pte), or one that
 * ptep_set_access_flags has briefly invalidated (invalid | pte).
 */
export const PPC64_PRESENT_618 = [
  { mask: PRESENT | PTE, value: PRESENT | PTE },
  { mask: INVALID | PTE, value: INVALID | PTE },
] as const;

/** pgtable.h 483–489 (CONFIG_NUMA_BALANCING): a valid leaf with read, write and exec all clear. */
export const PPC64_PROTNONE_618 = { mask: PRESENT | PTE | RWX, value: PRESENT | PTE } as const;

/** radix.h 23, 207–210: the MMU can set accessed/dirty after a radix pte was cleared, so pte_none skips them. */
export const RADIX_PTE_NONE_MASK = DIRTY | ACCESSED;

/**
 * The roles of the book3s/64 pte bits (book3s/64/pgtable.h 17–52, 89–90;
 * pte_write 389–392, pte_dirty/young/special 445–458, pte_soft_dirty
 * 466–470): no _PAGE_USER (kernel pages carry _PAGE_PRIVILEGED instead), no
 * protnone bit (PROT_NONE is a valid leaf with read, write and exec clear),
 * soft-dirty built in (_RPAGE_SW3).
 */
export const PPC64_ROLES_618: PteRoles = {
  present: 63,
  write: 1,
  user: null,
  dirty: 7,
  young: 8,
  special: 10,
  protnone: null,
  softDirty: 9,
  uffdWp: null,
  savedDirty: null,
  source: { file: 'arch/powerpc/include/asm/book3s/64/pgtable.h', version: V618, lines: '17–52, 89–90, 389–392, 445–458, 466–470' },
};

/**
 * _PAGE_CHG_MASK = PTE_RPN_MASK | _PAGE_HPTEFLAGS | _PAGE_DIRTY | _PAGE_ACCESSED
 * | _PAGE_SPECIAL | _PAGE_PTE | _PAGE_SOFT_DIRTY (book3s/64/pgtable.h 119–125;
 * pte_modify 611–616). _PAGE_HPTEFLAGS is the page size's (hash-4k.h 48–49,
 * hash-64k.h 65).
 */
export function ppc64ChgMask618(hpteFlags: bigint): PteChgMask {
  return {
    flags: hpteFlags | DIRTY | ACCESSED | SPECIAL | PTE | SOFT_DIRTY,
    source: { file: 'arch/powerpc/include/asm/book3s/64/pgtable.h', version: V618, lines: '119–125, 611–616' },
  };
}

/** arch/powerpc/Kconfig: ARCH_HAS_PTE_SPECIAL (152), HAVE_ARCH_SOFT_DIRTY for PPC_BOOK3S_64 with 4K or 64K pages (843, 854); no THP swap, PT reclaim or uffd-wp. */
export const PPC64_SELECTS_618: ArchSelects = {
  ARCH_WANTS_THP_SWAP: false,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: false,
  HAVE_ARCH_SOFT_DIRTY: true,
  ARCH_HAS_PTE_SPECIAL: true,
  source: { file: 'arch/powerpc/Kconfig', version: V618, lines: '152, 843, 854' },
};

/** protection_map[16] (arch/powerpc/mm/pgtable.c 533–551): protection_map as book3s64's vm_get_page_prot reads it under the hash MMU modelled here: an exec-only mapping is looked up as read-exec (arch/powerpc/mm/book3s64/pgtable.c 645–664, line 650), PAGE_READONLY_X, not PAGE_EXECONLY_X. */
export const PPC64_PROTECTION_MAP_618: ProtectionMap = {
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
  source: { file: 'arch/powerpc/mm/pgtable.c', version: V618, lines: '533–551' },
};
