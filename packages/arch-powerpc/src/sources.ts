/**
 * Where the powerpc facts come from.
 *
 * 2.6.21: the encodings are byte-identical to v2.6.20 (upstream 62d0cfcb; the
 * asm-ppc/pgtable.h, asm-powerpc/pgtable.h, pgtable-4k.h, pgtable-64k.h and
 * page*.h blobs are unchanged in v2.6.21 de46c337). Line numbers are those of
 * v2.6.20 as given in the project's encodings reference (§5, §6), which was
 * checked against sagsango/linux-2.6.20. The search index here does not hold
 * those powerpc blobs, so the bit values, macros and shifts were re-read from
 * neighbouring copies instead: torvalds/linux include/asm-ppc/pgtable.h and
 * include/asm-powerpc/pgtable.h from the 2.6.1x series (same 6xx bits, same
 * swap and file macros), pgtable-4k.h, and a PTE_RPN_SHIFT = 32 copy of
 * pgtable-64k.h (the 2.6.20 value; later 2.6.2x kernels moved it to 30).
 *
 * 6.18: line numbers are those of the v6.18.2 release tree
 * (gfunkmonk/linux-6.18.2 @ 57dc26c9) as given in the encodings reference
 * (§8.5, §8.6). The index holds no arch/powerpc headers of that repository,
 * so the values were re-read from a 6.16+ mainline copy (Kingxukai/linux:
 * book3s/64/pgtable.h, hash-4k.h, hash-64k.h, radix.h, book3s/32/pgtable.h,
 * pgtable-masks.h), whose encoding lines match.
 *
 * The PMD-mapped THP facts were read from the same copy (Kingxukai/linux @
 * 0291023e): book3s/64/pgtable.h (pmd_present 805–817, pmd_pfn 1027,
 * has_transparent_hugepage 1097–1104, pmd_trans_huge 1175–1194, pmd_mkhuge
 * 1239–1252; its lines up to 653 agree with the v6.18.2 cites above),
 * hash-64k.h, hash-4k.h, mm/book3s64/pgtable.c (pfn_pmd 252–259) and
 * platforms/Kconfig.cputype (PPC_THP 108–114). book3s/64/pgalloc.h,
 * hash.h (HASH_PMD_VAL_BITS) and radix.h are cited without lines.
 */
export const V2621 = 'v2.6.21 (= v2.6.20 for these lines)';
export const V618 = 'v6.18.2';
