/**
 * The fast API: 64-bit values as (hi, lo) u32 numbers, no allocation, no
 * BigInt. Generated per variant from the layout data (layout/codegen.ts) as
 * straight-line code with literal masks.
 *
 * The primitives are pure functions of words, one per output word, the way
 * the kernel splits __swp_type / __swp_offset: V8 inlines them into the
 * caller's loop, so a swap encode+decode costs what inline code costs. The
 * `Reg` forms (`swp_entry_to_pte(type, offHi, offLo, out)`) are conveniences
 * built on them.
 */
import type { Reg } from '../u64/pair.js';

/** Classification codes, in the kernel's decision order. */
export const PteClassCode = {
  none: 0,
  present: 1,
  protnone: 2,
  file: 3,
  swap: 4,
  migration: 5,
  device: 6,
  hwpoison: 7,
  marker: 8,
} as const;
export type PteClass = keyof typeof PteClassCode;
export const PTE_CLASSES = Object.keys(PteClassCode) as PteClass[];

/** A function of words returning one u32 word. */
type Word2 = (hi: number, lo: number) => number;
type Word3 = (a: number, b: number, c: number) => number;
type Word4 = (a: number, b: number, c: number, d: number) => number;

export interface FastOps {
  // --- pure word functions (the hot-path API) ---
  /** words of swp_entry_to_pte(swp_entry(type, offset)) */
  swp_entry_to_pte_hi: Word3;
  swp_entry_to_pte_lo: Word3;
  /** swp_type(pte_to_swp_entry(pte)); no pte_file BUG check */
  pte_to_swp_type: Word2;
  /** words of swp_offset(pte_to_swp_entry(pte)) */
  pte_to_swp_offset_hi: Word2;
  pte_to_swp_offset_lo: Word2;
  /** pgoff_to_pte / pte_to_pgoff words; absent without nonlinear file ptes */
  pgoff_to_pte_hi?: Word2;
  pgoff_to_pte_lo?: Word2;
  pte_to_pgoff_hi?: Word2;
  pte_to_pgoff_lo?: Word2;
  /** pfn_pte(pfn, prot) words: (pfnHi, pfnLo, protHi, protLo) */
  pfn_pte_hi: Word4;
  pfn_pte_lo: Word4;
  pte_pfn_hi: Word2;
  pte_pfn_lo: Word2;
  /**
   * PMD-mapped THP words; absent where the variant has no THP (constants.hasThp).
   * pfn_pmd is the kernel's own (x86: no _PAGE_PSE yet); mk_huge_pmd is
   * pmd_mkhuge(pfn_pmd(pfn, prot)), the pmd a THP fault installs.
   * Both take (pfnHi, pfnLo, protHi, protLo).
   */
  pfn_pmd_hi?: Word4;
  pfn_pmd_lo?: Word4;
  mk_huge_pmd_hi?: Word4;
  mk_huge_pmd_lo?: Word4;
  pmd_pfn_hi?: Word2;
  pmd_pfn_lo?: Word2;
  pmd_mkhuge_hi?: Word2;
  pmd_mkhuge_lo?: Word2;
  pmd_trans_huge?(hi: number, lo: number): boolean;
  /** pmd_present of a pmd (x86: also true for _PAGE_PSE alone, a pmd invalidated for a split) */
  pmd_present?(hi: number, lo: number): boolean;
  pte_none(hi: number, lo: number): boolean;
  pte_present(hi: number, lo: number): boolean;
  /** false on variants without nonlinear file ptes */
  pte_file(hi: number, lo: number): boolean;
  /** false where the variant has no protnone state */
  pte_protnone(hi: number, lo: number): boolean;
  is_swap_pte(hi: number, lo: number): boolean;
  /** one of PteClassCode */
  classify(hi: number, lo: number): number;

  // --- Reg conveniences (one call, results in `out`) ---
  swp_entry_to_pte(type: number, offHi: number, offLo: number, out: Reg): void;
  /** out.type, and the offset in out.hi/out.lo */
  pte_to_swp_entry(hi: number, lo: number, out: Reg): void;
  pgoff_to_pte?(pgHi: number, pgLo: number, out: Reg): void;
  pte_to_pgoff?(hi: number, lo: number, out: Reg): void;
  pfn_pte(pfnHi: number, pfnLo: number, protHi: number, protLo: number, out: Reg): void;
  pte_pfn(hi: number, lo: number, out: Reg): void;
  pfn_pmd?(pfnHi: number, pfnLo: number, protHi: number, protLo: number, out: Reg): void;
  mk_huge_pmd?(pfnHi: number, pfnLo: number, protHi: number, protLo: number, out: Reg): void;
  pmd_pfn?(hi: number, lo: number, out: Reg): void;
  pmd_mkhuge?(hi: number, lo: number, out: Reg): void;
}

/** A compiled bit modifier: out = (pte | set) & ~clear. */
export type FastModifier = (hi: number, lo: number, out: Reg) => void;
