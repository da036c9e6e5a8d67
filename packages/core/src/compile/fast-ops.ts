/**
 * The fast API: every operation on (hi, lo) u32 pairs, results written to a
 * caller-owned Reg, no allocation and no BigInt. Generated per variant from
 * the layout data (see layout/codegen.ts), so each function is straight-line
 * code with literal masks.
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

export interface FastOps {
  /** swp_entry_to_pte(swp_entry(type, offset)): pte into out.hi/out.lo */
  swp_entry_to_pte(type: number, offHi: number, offLo: number, out: Reg): void;
  /** pte_to_swp_entry(pte) unpacked: out.type, out.hi/out.lo = offset. No pte_file BUG check. */
  pte_to_swp_entry(hi: number, lo: number, out: Reg): void;
  /** pgoff_to_pte; absent when the variant has no nonlinear file ptes */
  pgoff_to_pte?(pgHi: number, pgLo: number, out: Reg): void;
  /** pte_to_pgoff; absent with pgoff_to_pte */
  pte_to_pgoff?(hi: number, lo: number, out: Reg): void;
  pfn_pte(pfnHi: number, pfnLo: number, protHi: number, protLo: number, out: Reg): void;
  pte_pfn(hi: number, lo: number, out: Reg): void;
  pte_none(hi: number, lo: number): boolean;
  pte_present(hi: number, lo: number): boolean;
  /** false on variants without nonlinear file ptes */
  pte_file(hi: number, lo: number): boolean;
  /** false where the kernel has no pte_protnone */
  pte_protnone(hi: number, lo: number): boolean;
  is_swap_pte(hi: number, lo: number): boolean;
  /** one of PteClassCode */
  classify(hi: number, lo: number): number;
}

/** A compiled bit modifier: out = (pte | set) & ~clear. */
export type FastModifier = (hi: number, lo: number, out: Reg) => void;
