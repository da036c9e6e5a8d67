/**
 * Where the x86 facts come from. 2.6.21 encodings are byte-identical to
 * v2.6.20 (upstream 62d0cfcb; the files listed are unchanged in v2.6.21
 * de46c337 except where noted); line numbers are those of v2.6.20, read from
 * sagsango/linux-2.6.20. 6.18 facts are from the v6.18.2 release tree
 * (gfunkmonk/linux-6.18.2 @ 57dc26c9).
 *
 * The PMD-mapped THP lines (pgtable.h pmd_*, pfn_pmd; pgtable_types.h
 * pmd_pfn_mask, _PAGE_TABLE; page_types.h; pgalloc.h) were counted in a
 * 6.17 mainline copy (Kingxukai/linux @ 0291023e) whose lines agree with
 * every v6.18.2 line cited here that both hold (pte_pfn 257–268, pfn_pte
 * 737–746, pte_none 947, pte_present 966, PAGE_NONE 205 … __PAGE_KERNEL 225,
 * PTE_PFN_MASK 285); the Kconfig lines (58, 210) are the v6.18.2 tree's own.
 * include/linux/huge_mm.h and mm/Kconfig are cited without lines: their 6.18
 * lines moved (tva_type, the persistent huge zero folio) and were not checked.
 */
export const V2621 = 'v2.6.21 (= v2.6.20 for these lines)';
export const V618 = 'v6.18.2';
