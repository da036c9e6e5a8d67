/**
 * x86 pte bits in 6.18: arch/x86/include/asm/pgtable_types.h 10–49 (v6.18.2).
 * _PAGE_PROTNONE moved to bit 8 (the global bit); PAGE_NONE is accessed|global.
 */
import type { PteBit } from '@mmsim/core';

export const PRESENT = 0x001n;
export const RW = 0x002n;
export const USER = 0x004n;
export const ACCESSED = 0x020n;
export const DIRTY = 0x040n;
export const PROTNONE = 0x100n;
export const SPECIAL = 0x200n;
export const SOFT_DIRTY = 0x800n;
export const NX = 1n << 63n;

export const X86_BITS_618: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'rw', bit: 1, macro: '_PAGE_RW', when: 'present' },
  { name: 'user', bit: 2, macro: '_PAGE_USER', when: 'present' },
  { name: 'pwt', bit: 3, macro: '_PAGE_PWT', when: 'present' },
  { name: 'pcd', bit: 4, macro: '_PAGE_PCD', when: 'present' },
  { name: 'accessed', bit: 5, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'dirty', bit: 6, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'pse', bit: 7, macro: '_PAGE_PSE', when: 'present', doc: '_PAGE_PAT in a 4K pte' },
  { name: 'global', bit: 8, macro: '_PAGE_GLOBAL', when: 'present' },
  { name: 'protnone', bit: 8, macro: '_PAGE_PROTNONE', when: 'not-present', doc: 'same bit as global; pte_present() is true for it' },
  { name: 'special', bit: 9, macro: '_PAGE_SPECIAL', when: 'present', doc: '_PAGE_SOFTW1' },
  { name: 'uffd_wp', bit: 10, macro: '_PAGE_UFFD_WP', when: 'present', doc: '_PAGE_SOFTW2' },
  { name: 'soft_dirty', bit: 11, macro: '_PAGE_SOFT_DIRTY', when: 'present', doc: '_PAGE_SOFTW3' },
];

/** 64-bit-pte-only bits (PAE, x86_64) */
export const X86_HIGH_BITS_618: readonly PteBit[] = [
  { name: 'softw4', bit: 57, macro: '_PAGE_SOFTW4', when: 'present' },
  { name: 'saved_dirty', bit: 58, macro: '_PAGE_SAVED_DIRTY', when: 'present', doc: '_PAGE_SOFTW5, shadow-stack bookkeeping' },
  { name: 'pkey', bit: 59, width: 4, macro: '_PAGE_PKEY_BIT0..3', when: 'present' },
  { name: 'nx', bit: 63, macro: '_PAGE_NX', when: 'present' },
];

/**
 * pte_mk* of arch/x86/include/asm/pgtable.h, without user shadow stacks
 * (with X86_FEATURE_USER_SHSTK, pte_wrprotect also moves Dirty to SavedDirty).
 * pte_mkdirty sets _PAGE_SOFT_DIRTY too (CONFIG_MEM_SOFT_DIRTY on 64-bit).
 */
export function x86Modifiers618(softDirty: boolean) {
  return {
    pte_mkwrite: { set: RW },
    pte_wrprotect: { clear: RW },
    pte_mkdirty: { set: softDirty ? DIRTY | SOFT_DIRTY : DIRTY },
    pte_mkclean: { clear: DIRTY },
    pte_mkyoung: { set: ACCESSED },
    pte_mkold: { clear: ACCESSED },
    pte_mkspecial: { set: SPECIAL },
    ...(softDirty ? { pte_mksoft_dirty: { set: SOFT_DIRTY }, pte_clear_soft_dirty: { clear: SOFT_DIRTY } } : {}),
  };
}

/** pgtable.h 966–969: present or protnone. */
export const X86_PRESENT_618 = [
  { mask: PRESENT, value: PRESENT },
  { mask: PROTNONE, value: PROTNONE },
] as const;

/** pgtable.h 995–1004: protnone set, present clear. */
export const X86_PROTNONE_618 = { mask: PRESENT | PROTNONE, value: PROTNONE } as const;

/** pgtable_types.h 85–89: pte_none() ignores A/D on 64-bit ptes (the KNL erratum mask). */
export const KNL_ERRATUM_MASK = ACCESSED | DIRTY;

/** pgtable_types.h 205–225 */
export function x86Prots618(nx: bigint) {
  return {
    PAGE_NONE: 0x120n,
    PAGE_SHARED: nx | 0x027n,
    PAGE_SHARED_EXEC: 0x027n,
    PAGE_COPY: nx | 0x025n,
    PAGE_READONLY: nx | 0x025n,
    PAGE_READONLY_EXEC: 0x025n,
    __PAGE_KERNEL: nx | 0x163n,
  };
}
