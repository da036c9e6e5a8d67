/**
 * ppc64 (hash MMU) pte bits in 2.6.21, common to 4K and 64K pages:
 * include/asm-powerpc/pgtable.h 76–88 (v2.6.20 lines). The page-size headers
 * add the HPTE bookkeeping bits and choose PTE_RPN_SHIFT.
 */
import type { PteBit } from '@mmsim/core';

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
