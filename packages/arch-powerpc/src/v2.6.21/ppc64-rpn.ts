/**
 * The ppc64 2.6.21 layouts that hang off PTE_RPN_SHIFT, shared by 4K and 64K
 * pages: pfn, swap and nonlinear file ptes all live above that shift.
 * include/asm-powerpc/pgtable.h (v2.6.20 lines).
 */
import { field, type FileSpec, type PfnSpec, type SwapSpec } from '@mmsim/core';
import { V2621 } from '../sources.js';
import { FILE } from './ppc64-bits.js';

const PGTABLE = 'include/asm-powerpc/pgtable.h';

/**
 * 170–187: pfn_pte = pfn << PTE_RPN_SHIFT | prot and pte_pfn = pte >> PTE_RPN_SHIFT,
 * in u64 with no mask: everything from the shift up is pfn, not PAGE_SHIFT up.
 */
export function ppc64Pfn2621(rpnShift: number): PfnSpec {
  return {
    field: field('pfn', rpnShift, 64 - rpnShift),
    source: { file: PGTABLE, version: V2621, lines: '170–187' },
  };
}

/**
 * 480–488: val = type << 1 | offset << 8 and pte = val << PTE_RPN_SHIFT (u64), back by
 * >> PTE_RPN_SHIFT. __swp_type reads 6 bits (0x3f) though only 5 are ever stored; the
 * type is not masked on the way in.
 */
export function ppc64Swap2621(rpnShift: number): SwapSpec {
  return {
    arch: {
      type: field('type', 1, 6, { encodeWidth: 63 }),
      offset: field('offset', 8, 56),
    },
    toPte: { kind: 'shift', shift: rpnShift },
    source: { file: PGTABLE, version: V2621, lines: '480–488' },
  };
}

/**
 * 480–488: pgoff_to_pte = pgoff << PTE_RPN_SHIFT | _PAGE_FILE, pte_to_pgoff = pte >>
 * PTE_RPN_SHIFT, PTE_FILE_MAX_BITS = BITS_PER_LONG - PTE_RPN_SHIFT: a round trip that
 * keeps exactly what the limit promises.
 */
export function ppc64File2621(rpnShift: number): FileSpec {
  return {
    pgoff: field('pgoff', rpnShift, 64 - rpnShift),
    set: FILE,
    PTE_FILE_MAX_BITS: 64 - rpnShift,
    source: { file: PGTABLE, version: V2621, lines: '480–488' },
  };
}
