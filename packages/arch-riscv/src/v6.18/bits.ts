/**
 * riscv pte bits in 6.18, shared by Sv39, Sv48 and Sv57: the leaf pte layout
 * does not depend on the paging mode (nothing below reads pgtable_l4_enabled
 * or pgtable_l5_enabled).
 *
 * arch/riscv/include/asm/pgtable-bits.h 9–39 (v6.18.2): V R W X U G A D in
 * bits 0–7, the two RSW software bits 8–9 (bit 8 is _PAGE_SPECIAL),
 * _PAGE_PROT_NONE reuses G (bit 5) in a not-present pte, and the swap
 * exclusive marker reuses A (bit 6) in a swap pte. pgtable-64.h 74–87, 115–125:
 * the pfn in bits 10–53, Svpbmt memory types in 61–62, Svnapot in 63.
 */
import type { PteBit } from '@mmsim/core';

export const PRESENT = 1n << 0n; // _PAGE_PRESENT, pgtable-bits.h 11
export const READ = 1n << 1n; // _PAGE_READ, 12
export const WRITE = 1n << 2n; // _PAGE_WRITE, 13
export const EXEC = 1n << 3n; // _PAGE_EXEC, 14
export const USER = 1n << 4n; // _PAGE_USER, 15
export const GLOBAL = 1n << 5n; // _PAGE_GLOBAL, 16
export const ACCESSED = 1n << 6n; // _PAGE_ACCESSED, 17 (_PAGE_ACCESSED_OFFSET 6, line 9)
export const DIRTY = 1n << 7n; // _PAGE_DIRTY, 18
export const SPECIAL = 1n << 8n; // _PAGE_SPECIAL (RSW bit 0), 21
export const PROT_NONE = GLOBAL; // _PAGE_PROT_NONE = _PAGE_GLOBAL, 28
export const SWP_EXCLUSIVE = ACCESSED; // _PAGE_SWP_EXCLUSIVE = _PAGE_ACCESSED, 31
export const LEAF = READ | WRITE | EXEC; // _PAGE_LEAF, 39
export const PAGE_TABLE = PRESENT; // _PAGE_TABLE, 22
export const PFN_SHIFT = 10; // _PAGE_PFN_SHIFT, 33

export const RISCV_BITS_618: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT', doc: 'V' },
  { name: 'read', bit: 1, macro: '_PAGE_READ', when: 'present', doc: 'R; R, W and X all clear make a table pointer (_PAGE_LEAF)' },
  { name: 'write', bit: 2, macro: '_PAGE_WRITE', when: 'present', doc: 'W' },
  { name: 'exec', bit: 3, macro: '_PAGE_EXEC', when: 'present', doc: 'X' },
  { name: 'user', bit: 4, macro: '_PAGE_USER', when: 'present', doc: 'U' },
  { name: 'global', bit: 5, macro: '_PAGE_GLOBAL', when: 'present', doc: 'G' },
  { name: 'protnone', bit: 5, macro: '_PAGE_PROT_NONE', when: 'not-present', doc: 'same bit as global; pte_present() is true for it' },
  { name: 'accessed', bit: 6, macro: '_PAGE_ACCESSED', when: 'present', doc: 'A' },
  { name: 'swp_exclusive', bit: 6, macro: '_PAGE_SWP_EXCLUSIVE', when: 'swap', doc: '_PAGE_ACCESSED reused in swap ptes (pgtable-bits.h 31)' },
  { name: 'dirty', bit: 7, macro: '_PAGE_DIRTY', when: 'present', doc: 'D' },
  { name: 'special', bit: 8, macro: '_PAGE_SPECIAL', when: 'present', doc: 'RSW bit 0 (_PAGE_SOFT is bits 8–9)' },
  { name: 'rsw1', bit: 9, macro: '_PAGE_SOFT', when: 'present', doc: 'RSW bit 1: reserved for software, unused by 6.18 (no soft-dirty, no uffd-wp on riscv yet)' },
  { name: 'pbmt', bit: 61, width: 2, macro: '_PAGE_MTMASK_SVPBMT', when: 'present', doc: 'Svpbmt memory type (NC 61, IO 62); 0 without Svpbmt (pgtable-64.h 115–125)' },
  { name: 'napot', bit: 63, macro: '_PAGE_NAPOT', when: 'present', doc: 'Svnapot: a 64K contiguous mapping (pgtable-64.h 81–87)' },
];
