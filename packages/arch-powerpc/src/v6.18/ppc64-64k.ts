/**
 * ppc64 book3s with 64K pages (the book3s64 Kconfig default), 6.18: 64-bit
 * big-endian ptes, four levels under the hash MMU. Same pte format as 4K
 * except for the hash bookkeeping bits, which move into spare RPN bits.
 * arch/powerpc/include/asm/book3s/64/pgtable.h, hash.h, hash-64k.h, radix.h,
 * asm/pgtable.h, asm/pgtable-masks.h (v6.18.2).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { V618 } from '../sources.js';
import {
  BUSY,
  INVALID,
  PPC64_BITS_618,
  PPC64_MODIFIERS_618,
  PPC64_PRESENT_618,
  PPC64_PROTNONE_618,
  PPC64_PROTS_618,
  PRESENT,
  PTE,
  RADIX_PTE_NONE_MASK,
  PPC64_ROLES_618,
  PPC64_SELECTS_618,
  ppc64ChgMask618,
  PPC64_PROTECTION_MAP_618,
} from './ppc64-bits.js';
import { ppc64Pfn618, ppc64Swap618 } from './ppc64-rpn.js';

/**
 * hash-64k.h 46–65: busy, HASHPTE in _RPAGE_RPN43 (bit 55) and COMBO in _RPAGE_RPN0
 * (bit 12); the per-sub-page slots live in the second half of the pte page instead.
 */
const HASHPTE = 1n << 55n;
const COMBO = 1n << 12n;
const HPTEFLAGS = BUSY | HASHPTE | COMBO;

/** hash-64k.h 47, 58–62: H_PAGE_THP_HUGE is H_PAGE_4K_PFN (_RPAGE_RPN1, bit 13), free in a 16M pmd. */
const THP_HUGE = 1n << 13n;
const PGTABLE = 'arch/powerpc/include/asm/book3s/64/pgtable.h';

export const ppc64_64k_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'ppc64-64k',
  era: '6.18',
  arch: 'powerpc',
  title: 'ppc64 book3s, 64K pages (hash geometry, 4-level)',
  aliases: ['v6.18-ppc64-book3s-64k', 'ppc64-book3s-64k'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 16,
  // hash-64k.h 5–8: H_{PTE,PMD,PUD,PGD}_INDEX_SIZE 8/10/10/8, a 52-bit EA (radix: 5/9/9/13)
  levels: [
    { name: 'pgd', shift: 44, bits: 8 },
    { name: 'pud', shift: 34, bits: 10 },
    { name: 'pmd', shift: 24, bits: 10 },
    { name: 'pte', shift: 16, bits: 8 },
  ],
  // book3s/64/pgtable.h: max of H_MAX_PHYSMEM_BITS (hash-64k.h) and R_MAX_PHYSMEM_BITS
  // (radix.h), both 51 with SPARSEMEM_VMEMMAP and SPARSEMEM_EXTREME (the defaults), else 46.
  // TASK_SIZE_USER64 with CONFIG_PPC_64K_PAGES: TASK_SIZE_4PB (task_size_64.h 18, 22–27; TASK_SIZE 47). An mmap
  // above DEFAULT_MAP_WINDOW_USER64 (128 TiB) is allowed at a hint or MAP_FIXED address (task_size_64.h 78–81)
  TASK_SIZE: {
    bytes: 0x10000000000000n,
    source: { file: 'arch/powerpc/include/asm/task_size_64.h', version: V618, lines: '18, 22–27, 47', what: 'TASK_SIZE_USER64 = TASK_SIZE_4PB with 64K pages; TASK_SIZE = TASK_SIZE_USER64 for a 64-bit task' },
  },
  physBits: 51,
  byteOrder: 'big',
  bits: [
    ...PPC64_BITS_618,
    { name: 'busy', bit: 6, macro: 'H_PAGE_BUSY', doc: 'hash only (_RPAGE_RSV1): pte and HPTE being updated' },
    { name: 'combo', bit: 12, macro: 'H_PAGE_COMBO', doc: 'hash only (_RPAGE_RPN0): the 64K page is hashed as 4K sub-pages' },
    { name: '4k_pfn', bit: 13, macro: 'H_PAGE_4K_PFN', doc: 'hash only (_RPAGE_RPN1): the pfn names a single 4K page; also H_PAGE_THP_HUGE' },
    { name: 'hashpte', bit: 55, macro: 'H_PAGE_HASHPTE', doc: 'hash only (_RPAGE_RPN43): an HPTE exists' },
    { name: 'pkey', bit: 56, width: 5, macro: 'H_PTE_PKEY_BIT0..4', doc: 'protection key (_RPAGE_PKEY_BIT0..4)' },
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
  pfn: ppc64Pfn618(16),
  swap: ppc64Swap618(16),
  // PMD-mapped THP under the hash MMU: 16 MiB pmds. Kconfig.cputype 108–114: PPC_THP (def_bool y)
  // depends on PPC_BOOK3S_64 and PPC_RADIX_MMU || (PPC_64S_HASH_MMU && PAGE_SIZE_64KB), and selects
  // HAVE_ARCH_TRANSPARENT_HUGEPAGE. Under radix the pmd would be 2 MiB with only _PAGE_PTE as the mark.
  huge: {
    // hash-64k.h 5: H_PTE_INDEX_SIZE 8, so PMD_SHIFT = PAGE_SHIFT + PTE_INDEX_SIZE = 24 (16 MiB);
    // include/linux/huge_mm.h: HPAGE_PMD_SHIFT = PMD_SHIFT
    HPAGE_PMD_SHIFT: 24,
    shiftSource: { file: 'arch/powerpc/include/asm/book3s/64/hash-64k.h', version: V618, lines: '5', what: 'H_PTE_INDEX_SIZE 8: PMD_SHIFT 16 + 8 = 24 = HPAGE_PMD_SHIFT' },
    pfn: {
      // mm/book3s64/pgtable.c 237–259: pfn_pmd = __pmd_mkhuge(((pfn << PAGE_SHIFT) & PTE_RPN_MASK) | prot):
      // masked to the RPN field (unlike pfn_pte), not to a 16M boundary, and made huge by pfn_pmd itself
      // (hash__pmd_mkhuge, hash-64k.h 266–269: | _PAGE_PTE | H_PAGE_THP_HUGE). pmd_pfn is
      // pte_pfn(pmd_pte(pmd)) (pgtable.h 1013–1027): the whole RPN field, unaligned pfns included.
      field: field('pfn', 16, 37),
      set: PTE | THP_HUGE,
      source: { file: 'arch/powerpc/mm/book3s64/pgtable.c', version: V618, lines: '237–259', what: 'pfn_pmd; pmd_pfn in book3s/64/pgtable.h 1013–1027' },
    },
    // pgtable.h 1239–1252: pmd_mkhuge only WARNs (CONFIG_DEBUG_VM) if pfn_pmd's bits are missing
    mkhuge: { set: 0n, source: { file: PGTABLE, version: V618, lines: '1239–1252' } },
    // pgtable.h 1175–1194: pmd_present && hash__pmd_trans_huge (hash-64k.h 260–264: _PAGE_PTE and
    // H_PAGE_THP_HUGE both set), so a pmd invalidated for a split (_PAGE_INVALID) still counts
    transHuge: {
      match: [
        { mask: PRESENT | PTE | THP_HUGE, value: PRESENT | PTE | THP_HUGE },
        { mask: INVALID | PTE | THP_HUGE, value: INVALID | PTE | THP_HUGE },
      ],
      source: { file: PGTABLE, version: V618, lines: '1175–1194', what: 'pmd_trans_huge; hash__pmd_trans_huge in hash-64k.h 260–264' },
    },
    // pgtable.h 805–817: _PAGE_PRESENT or _PAGE_INVALID, no _PAGE_PTE needed (unlike pte_present)
    present: {
      match: [
        { mask: PRESENT, value: PRESENT },
        { mask: INVALID, value: INVALID },
      ],
      source: { file: PGTABLE, version: V618, lines: '805–817' },
    },
    // book3s/64/pgalloc.h pmd_populate: __pa(pte fragment) | PMD_VAL_BITS, which the hash MMU sets
    // to HASH_PMD_VAL_BITS (book3s/64/hash.h) = _PAGE_PRESENT alone; fragments are 4K
    // (H_PTE_FRAG_SIZE_SHIFT 12, hash-64k.h), so address bits 12–52, never _PAGE_PTE.
    table: {
      set: PRESENT,
      pfn: field('frag', 12, 41),
      source: { file: 'arch/powerpc/include/asm/book3s/64/pgalloc.h', version: V618, what: 'pmd_populate with PMD_VAL_BITS = HASH_PMD_VAL_BITS (hash.h)' },
    },
    config: {
      file: 'arch/powerpc/platforms/Kconfig.cputype',
      version: V618,
      lines: '108–114',
      what: 'PPC_THP: PPC_BOOK3S_64 with PPC_RADIX_MMU || (PPC_64S_HASH_MMU && PAGE_SIZE_64KB) selects HAVE_ARCH_TRANSPARENT_HUGEPAGE',
    },
    bits: [{ name: 'thp_huge', bit: 13, macro: 'H_PAGE_THP_HUGE', doc: 'H_PAGE_4K_PFN reused in a THP pmd (hash-64k.h 58–62)' }],
  },
  sources: [
    { file: 'arch/powerpc/include/asm/book3s/64/pgtable.h', version: V618 },
    { file: 'arch/powerpc/include/asm/book3s/64/hash.h', version: V618, lines: '14, 251–254', what: 'hash pte_none' },
    { file: 'arch/powerpc/include/asm/book3s/64/hash-64k.h', version: V618, lines: '46–65', what: '_PAGE_HPTEFLAGS' },
    { file: 'arch/powerpc/include/asm/book3s/64/radix.h', version: V618, lines: '23, 207–210', what: 'radix pte_none' },
    { file: 'arch/powerpc/include/asm/pgtable.h', version: V618, lines: '47–50', what: 'pte_pfn' },
    { file: 'arch/powerpc/include/asm/pgtable-masks.h', version: V618, lines: '5–30' },
    { file: 'arch/powerpc/Kconfig', version: V618, lines: '817', what: '64K pages are the book3s64 default' },
    { file: 'arch/powerpc/platforms/Kconfig.cputype', version: V618, lines: '108–114', what: 'PPC_THP' },
    { file: 'arch/powerpc/mm/book3s64/pgtable.c', version: V618, lines: '237–259', what: 'pfn_pmd' },
  ],
  quirks: [
    'Hash or radix is chosen at boot: the levels shown are the hash ones (8/10/10/8); radix walks 5/9/9/13, both over 52 bits, with the same pte and swap format (hash-64k.h, radix-64k.h).',
    'pte_none differs by MMU: hash ignores busy, HASHPTE (bit 55) and COMBO (bit 12), radix ignores only dirty and accessed (hash.h 251–254, radix.h 207–210).',
    'The swap offset keeps 37 bits (pte bits 16–52) of the 58 the generic entry allows, 4 fewer than with 4K pages (pgtable.h 618–653).',
    'Every swap pte carries _PAGE_PTE (bit 62); a non-present pte with _PAGE_INVALID and _PAGE_PTE is still pte_present (pgtable.h 491–510).',
    'pfn_pte does not mask the pfn; a pfn above 37 bits trips VM_BUG_ON, and without CONFIG_DEBUG_VM spills into bits 53–63 (pgtable.h 549–555).',
    'ptes are stored big-endian (pte_raw is __be64); the values here are the CPU-order pte_val().',
    'THP under hash uses 16 MiB pmds marked _PAGE_PTE | H_PAGE_THP_HUGE (bit 13), set by pfn_pmd itself; pmd_mkhuge is a no-op, and pfn_pmd masks the pfn to the RPN field but keeps an unaligned one (mm/book3s64/pgtable.c 252–259, pgtable.h 1239–1252).',
    'Whether hash THP is used is decided at boot: hash__has_transparent_hugepage needs 16M MMU pages whose shift equals PMD_SHIFT (pgtable.h 1097–1104); a radix boot uses 2 MiB pmds (radix PMD_SHIFT 21) marked by _PAGE_PTE alone (radix.h radix__pmd_trans_huge).',
  ],
};
