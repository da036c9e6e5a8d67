/**
 * ppc64 book3s with 4K pages, 6.18: 64-bit big-endian ptes, four levels
 * under the hash MMU (the p4d folded). The pte format and swap encoding are
 * the same under radix; only pte_none and the geometry differ.
 * arch/powerpc/include/asm/book3s/64/pgtable.h, hash.h, hash-4k.h, radix.h,
 * asm/pgtable.h, asm/pgtable-masks.h (v6.18.2).
 */
import type { VariantSpec } from '@mmsim/core';
import { V618 } from '../sources.js';
import {
  BUSY,
  PPC64_BITS_618,
  PPC64_MODIFIERS_618,
  PPC64_PRESENT_618,
  PPC64_PROTNONE_618,
  PPC64_PROTS_618,
  RADIX_PTE_NONE_MASK,
  PPC64_ROLES_618,
  PPC64_SELECTS_618,
  ppc64ChgMask618,
  PPC64_PROTECTION_MAP_618,
} from './ppc64-bits.js';
import { ppc64Pfn618, ppc64Swap618 } from './ppc64-rpn.js';

/**
 * hash-4k.h 41–49: busy (_RPAGE_RSV1), HASHPTE (_RPAGE_PKEY_BIT4, bit 60), F_SECOND
 * (_RPAGE_PKEY_BIT0, bit 56) and the slot index F_GIX (_RPAGE_RPN41..43, bits 53–55).
 */
const HASHPTE = 1n << 60n;
const F_SECOND = 1n << 56n;
const F_GIX = 7n << 53n;
const HPTEFLAGS = BUSY | HASHPTE | F_SECOND | F_GIX;

export const ppc64_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'ppc64',
  era: '6.18',
  arch: 'powerpc',
  title: 'ppc64 book3s, 4K pages (hash geometry, 4-level)',
  aliases: ['v6.18-ppc64-book3s-4k', 'ppc64-book3s-4k'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 12,
  // hash-4k.h 5–8: H_{PTE,PMD,PUD,PGD}_INDEX_SIZE 9/7/9/9, a 46-bit EA (radix: 9/9/9/13, 52 bits)
  levels: [
    { name: 'pgd', shift: 37, bits: 9 },
    { name: 'pud', shift: 28, bits: 9 },
    { name: 'pmd', shift: 21, bits: 7 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  // book3s/64/pgtable.h: MAX_PHYSMEM_BITS = max(H_MAX_PHYSMEM_BITS (hash-4k.h: 46),
  // R_MAX_PHYSMEM_BITS (radix.h: 51 with SPARSEMEM_VMEMMAP and SPARSEMEM_EXTREME, the
  // book3s64 defaults; 46 otherwise)).
  // TASK_SIZE_USER64 without CONFIG_PPC_64K_PAGES: TASK_SIZE_64TB (task_size_64.h 9, 29–31; TASK_SIZE 47 for a 64-bit task)
  TASK_SIZE: {
    bytes: 0x400000000000n,
    source: { file: 'arch/powerpc/include/asm/task_size_64.h', version: V618, lines: '9, 29–31, 47', what: 'TASK_SIZE_USER64 = TASK_SIZE_64TB with 4K pages; TASK_SIZE = TASK_SIZE_USER64 for a 64-bit task' },
  },
  physBits: 51,
  byteOrder: 'big',
  bits: [
    ...PPC64_BITS_618,
    { name: 'busy', bit: 6, macro: 'H_PAGE_BUSY', doc: 'hash only (_RPAGE_RSV1): pte and HPTE being updated' },
    { name: 'f_gix', bit: 53, width: 3, macro: 'H_PAGE_F_GIX', doc: 'hash only: HPTE slot in its group, in RPN bits 41–43 the 4K hash never uses' },
    { name: 'f_second', bit: 56, macro: 'H_PAGE_F_SECOND', doc: 'hash only: HPTE in the secondary group (_RPAGE_PKEY_BIT0)' },
    { name: 'pkey', bit: 57, width: 3, macro: 'H_PTE_PKEY_BIT0..2', doc: 'hash 4K keeps 8 protection keys in _RPAGE_PKEY_BIT1..3' },
    { name: 'hashpte', bit: 60, macro: 'H_PAGE_HASHPTE', doc: 'hash only: an HPTE exists (_RPAGE_PKEY_BIT4)' },
  ],
  prots: PPC64_PROTS_618,
  protectionMap: PPC64_PROTECTION_MAP_618,
  predicates: {
    // hash.h 14, 251–254: everything outside _PAGE_HPTEFLAGS must be zero
    none: { ignore: HPTEFLAGS },
    noneRadix: { ignore: RADIX_PTE_NONE_MASK },
    present: PPC64_PRESENT_618,
    protnone: PPC64_PROTNONE_618,
    source: { file: 'arch/powerpc/include/asm/book3s/64/pgtable.h', version: V618, lines: '483–510' },
  },
  modifiers: PPC64_MODIFIERS_618,
  roles: PPC64_ROLES_618,
  chgMask: ppc64ChgMask618(HPTEFLAGS),
  selects: PPC64_SELECTS_618,
  pfn: ppc64Pfn618(12),
  swap: ppc64Swap618(12),
  sources: [
    { file: 'arch/powerpc/include/asm/book3s/64/pgtable.h', version: V618 },
    { file: 'arch/powerpc/include/asm/book3s/64/hash.h', version: V618, lines: '14, 251–254', what: 'hash pte_none' },
    { file: 'arch/powerpc/include/asm/book3s/64/hash-4k.h', version: V618, lines: '41–49', what: '_PAGE_HPTEFLAGS' },
    { file: 'arch/powerpc/include/asm/book3s/64/radix.h', version: V618, lines: '23, 207–210', what: 'radix pte_none' },
    { file: 'arch/powerpc/include/asm/pgtable.h', version: V618, lines: '47–50', what: 'pte_pfn' },
    { file: 'arch/powerpc/include/asm/pgtable-masks.h', version: V618, lines: '5–30' },
    { file: 'arch/powerpc/platforms/Kconfig.cputype', version: V618, lines: '108–114', what: 'PPC_THP: no THP for hash with 4K pages' },
  ],
  quirks: [
    'Hash or radix is chosen at boot: the levels shown are the hash ones (9/7/9/9, 46-bit EA); radix walks 9/9/9/13 over 52 bits with the same pte and swap format (hash-4k.h, radix-4k.h).',
    'pte_none differs by MMU: hash ignores the HPTE bookkeeping bits (0x11e0000000000040), radix ignores only dirty and accessed (hash.h 251–254, radix.h 207–210).',
    'Every swap pte carries _PAGE_PTE (bit 62), so swap(0, 0) is 0x4000000000000000 and no swap pte is ever pte_none (pgtable.h 618–653).',
    'A non-present pte with _PAGE_INVALID (bit 61) and _PAGE_PTE set is pte_present: a swap-looking value with bit 61 set is not a swap pte (pgtable.h 491–510).',
    'pfn_pte does not mask the pfn; a pfn above 41 bits trips VM_BUG_ON, and without CONFIG_DEBUG_VM spills into bits 53–63, over _PAGE_PTE and _PAGE_PRESENT (pgtable.h 549–555).',
    'ptes are stored big-endian (pte_raw is __be64); the values here are the CPU-order pte_val().',
    'No PMD-mapped THP with the hash MMU and 4K pages: PPC_THP, the only selector of HAVE_ARCH_TRANSPARENT_HUGEPAGE, needs PPC_RADIX_MMU || (PPC_64S_HASH_MMU && PAGE_SIZE_64KB) (platforms/Kconfig.cputype 108–114), and hash-4k.h defines H_PAGE_THP_HUGE as 0, hash__pmd_trans_huge as 0 and hash__pmd_mkhuge as BUG() (50–55, 147–156). A radix boot of a 4K kernel has 2 MiB THP (pmd_trans_huge is _PAGE_PTE), which this hash-geometry variant does not model.',
  ],
};
