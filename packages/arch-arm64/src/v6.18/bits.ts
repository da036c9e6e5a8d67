/**
 * arm64 stage-1 level-3 descriptor bits (ptes) in 6.18, 4K pages, no LPA2.
 * Hardware bits: arch/arm64/include/asm/pgtable-hwdef.h 161–213 (v6.18.2);
 * software bits: pgtable-prot.h 13–34.
 */
import type { PteBit } from '@mmsim/core';

export const VALID = 1n << 0n; // PTE_VALID, pgtable-hwdef.h 164
export const TYPE_PAGE = 3n << 0n; // PTE_TYPE_PAGE, 166 (bit 1: table vs block in a pmd)
export const TABLE_BIT = 1n << 1n; // PMD_TYPE_TABLE & ~PMD_TYPE_SECT, 136–138
export const USER = 1n << 6n; // PTE_USER (AP[1]), 167
export const RDONLY = 1n << 7n; // PTE_RDONLY (AP[2]), 168
export const SHARED = 3n << 8n; // PTE_SHARED (SH[1:0]), 169
export const AF = 1n << 10n; // PTE_AF, 170
export const NG = 1n << 11n; // PTE_NG, 171
export const GP = 1n << 50n; // PTE_GP, 172
export const DBM = 1n << 51n; // PTE_DBM, 173
export const CONT = 1n << 52n; // PTE_CONT, 174
export const PXN = 1n << 53n; // PTE_PXN, 175
export const UXN = 1n << 54n; // PTE_UXN, 176
export const ATTRINDX_MASK = 7n << 2n; // PTE_ATTRINDX_MASK, 196
export const PO_IDX_MASK = 7n << 60n; // PTE_PO_IDX_MASK, 213

export const WRITE = DBM; // PTE_WRITE = PTE_DBM, pgtable-prot.h 16
export const SWP_EXCLUSIVE = 1n << 2n; // PTE_SWP_EXCLUSIVE, pgtable-prot.h 17
export const DIRTY = 1n << 55n; // PTE_DIRTY (software), 18
export const SPECIAL = 1n << 56n; // PTE_SPECIAL, 19
export const PRESENT_INVALID = NG; // PTE_PRESENT_INVALID = PTE_NG when !PTE_VALID, 26
export const UFFD_WP = 1n << 58n; // PTE_UFFD_WP (CONFIG_HAVE_ARCH_USERFAULTFD_WP), 28–29
export const SWP_UFFD_WP = 1n << 3n; // PTE_SWP_UFFD_WP, 30

export const ARM64_BITS_618: readonly PteBit[] = [
  { name: 'valid', bit: 0, macro: 'PTE_VALID', doc: 'a valid descriptor; pte_present() is also true for present-invalid ones' },
  { name: 'type_page', bit: 1, macro: 'PTE_TYPE_PAGE', when: 'present', doc: 'bit 1 of PTE_TYPE_PAGE (3); in a pmd it tells a table (set) from a block (clear)' },
  { name: 'attrindx', bit: 2, width: 3, macro: 'PTE_ATTRINDX_MASK', when: 'present', doc: 'MAIR index; MT_NORMAL is 0' },
  { name: 'swp_exclusive', bit: 2, macro: 'PTE_SWP_EXCLUSIVE', when: 'swap', doc: 'only in swap ptes (pgtable-prot.h 17)' },
  { name: 'swp_uffd_wp', bit: 3, macro: 'PTE_SWP_UFFD_WP', when: 'swap', doc: 'only in swap ptes, CONFIG_HAVE_ARCH_USERFAULTFD_WP (pgtable-prot.h 28–34)' },
  { name: 'user', bit: 6, macro: 'PTE_USER', when: 'present', doc: 'AP[1]' },
  { name: 'rdonly', bit: 7, macro: 'PTE_RDONLY', when: 'present', doc: 'AP[2]: clear means hardware-writable, so PTE_WRITE && !PTE_RDONLY is hardware-dirty' },
  { name: 'shared', bit: 8, width: 2, macro: 'PTE_SHARED', when: 'present', doc: 'SH[1:0], inner shareable' },
  { name: 'accessed', bit: 10, macro: 'PTE_AF', when: 'present', doc: 'access flag' },
  { name: 'ng', bit: 11, macro: 'PTE_NG', when: 'present', doc: 'not global' },
  { name: 'present_invalid', bit: 11, macro: 'PTE_PRESENT_INVALID', when: 'not-present', doc: 'PTE_NG reused while PTE_VALID is clear: present to software, invalid to hardware (PROT_NONE, pmd_mkinvalid)' },
  { name: 'gp', bit: 50, macro: 'PTE_GP', when: 'present', doc: 'BTI guarded' },
  { name: 'write', bit: 51, macro: 'PTE_WRITE', when: 'present', doc: 'PTE_DBM, dirty bit management' },
  { name: 'cont', bit: 52, macro: 'PTE_CONT', when: 'present', doc: 'contiguous range' },
  { name: 'pxn', bit: 53, macro: 'PTE_PXN', when: 'present', doc: 'privileged execute-never' },
  { name: 'uxn', bit: 54, macro: 'PTE_UXN', when: 'present', doc: 'user execute-never' },
  { name: 'dirty', bit: 55, macro: 'PTE_DIRTY', when: 'present', doc: 'software dirty; pte_dirty() is PTE_DIRTY or (PTE_WRITE and not PTE_RDONLY)' },
  { name: 'special', bit: 56, macro: 'PTE_SPECIAL', when: 'present' },
  { name: 'uffd_wp', bit: 58, macro: 'PTE_UFFD_WP', when: 'present', doc: 'CONFIG_HAVE_ARCH_USERFAULTFD_WP' },
  { name: 'po_idx', bit: 60, width: 3, macro: 'PTE_PO_IDX_MASK', when: 'present', doc: 'permission overlay index (POE)' },
];
