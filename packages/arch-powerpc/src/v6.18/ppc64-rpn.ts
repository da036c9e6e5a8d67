/**
 * The ppc64 book3s 6.18 layouts that hang off PTE_RPN_MASK, shared by 4K and
 * 64K pages: pfn and swap offset share the RPN field, bits PAGE_SHIFT..52
 * (_PAGE_PA_MAX = 53). arch/powerpc/include/asm/book3s/64/pgtable.h (v6.18.2).
 */
import { field, type PfnSpec, type SwapSpec } from '@mmsim/core';
import { V618 } from '../sources.js';
import { PTE } from './ppc64-bits.js';

const PGTABLE = 'arch/powerpc/include/asm/book3s/64/pgtable.h';

/** pgtable.h 87–104: _PAGE_PA_MAX; the RPN mask keeps pte bits PAGE_SHIFT..52. */
const PAGE_PA_MAX = 53;

/**
 * 549–555: pfn_pte = pfn << PAGE_SHIFT | prot | _PAGE_PTE with no mask, guarded only by
 * VM_BUG_ONs; asm/pgtable.h 47–50: pte_pfn = (pte & PTE_RPN_MASK) >> PAGE_SHIFT.
 */
export function ppc64Pfn618(pageShift: number): PfnSpec {
  return {
    field: field('pfn', pageShift, PAGE_PA_MAX - pageShift, { encodeWidth: 64 - pageShift }),
    set: PTE,
    bugUnlessFits: true,
    source: { file: PGTABLE, version: V618, lines: '549–555' },
  };
}

/**
 * 618–653: val = type | ((offset << PAGE_SHIFT) & PTE_RPN_MASK), the type not masked;
 * pte = val | _PAGE_PTE; back: clear _PAGE_PTE, type = val & 0x1f, offset from the RPN
 * field. Exclusive is _PAGE_NON_IDEMPOTENT (bit 5), swap soft-dirty _PAGE_SOFT_DIRTY (bit 9).
 */
export function ppc64Swap618(pageShift: number): SwapSpec {
  return {
    arch: {
      type: field('type', 0, 5, { encodeWidth: 64 }),
      offset: field('offset', pageShift, PAGE_PA_MAX - pageShift),
    },
    toPte: { kind: 'shift', shift: 0, set: PTE },
    flags: { exclusive: 5, softDirty: 9 },
    source: { file: PGTABLE, version: V618, lines: '618–653' },
  };
}
