/**
 * PMD-mapped transparent huge pages (6.18), after mm/debug_vm_pgtable.c
 * pmd_basic_tests / pmd_huge_tests / pmd_thp_tests: a huge pmd built by
 * pmd_mkhuge(pfn_pmd(pfn, prot)) is pmd_trans_huge and pmd_present and gives
 * its pfn back; a pte-table pmd is not huge. Only for variants with THP
 * (constants.hasThp); the others skip these checks, needing THP.
 */
import { encodeFieldBig, fieldMask, maskBig, PteRangeError, type Variant } from '@mmsim/core';
import fc from 'fast-check';
import { uint, upTo } from '../arbitraries.js';
import { expectEqual, expectTrue, fail, property } from '../assert.js';
import { THP } from '../requirements.js';
import type { ConformanceCheck } from '../types.js';

/** HPAGE_PMD-aligned pfns the huge pmd can hold, ends weighted. */
export function alignedPfns(v: Variant): fc.Arbitrary<bigint> {
  const order = BigInt(v.constants.HPAGE_PMD_ORDER!);
  return upTo(maskBig(v.constants.hugePfnBits!) >> order).map((index) => index << order);
}

/** A pmd as pmd_populate writes it, for a page-table frame number of any width. */
export function tablePmd(v: Variant, frame: bigint): bigint {
  const t = v.spec.huge!.table;
  return (encodeFieldBig(t.pfn, frame) | t.set) & maskBig(v.constants.pteBits);
}

export const HUGE_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'huge.layout',
    group: 'huge',
    title: 'HPAGE_PMD_SHIFT is the shift of the level above the ptes, and the huge pfn, the pmd_mkhuge bits and the table pmd lie inside the pmd without overlapping',
    needs: [THP],
    run(v) {
      const h = v.spec.huge!;
      const levels = v.spec.levels;
      const above = levels[levels.length - 2];
      expectTrue(v, 'a variant with THP has a level above the ptes', above !== undefined);
      expectEqual(v, `HPAGE_PMD_SHIFT against the ${above!.name} level shift (PMD_SHIFT)`, above!.shift, h.HPAGE_PMD_SHIFT);
      expectEqual(v, 'HPAGE_PMD_ORDER', h.HPAGE_PMD_SHIFT - v.constants.PAGE_SHIFT, v.constants.HPAGE_PMD_ORDER!);
      const P = maskBig(v.constants.pteBits);
      const pfnBits = fieldMask(h.pfn.field) & (h.pfn.maskToHpage ? ~maskBig(h.HPAGE_PMD_SHIFT) : ~0n);
      expectEqual(v, 'huge pfn field bits outside the pmd', 0n, pfnBits & ~P);
      expectEqual(v, 'table pfn field bits outside the pmd', 0n, fieldMask(h.table.pfn) & ~P);
      // a bit pmd_mkhuge clears marks a huge pmd by its absence (arm64: bit 1, which a table pmd has)
      const clears = h.mkhuge.clear ?? 0n;
      const marks = h.mkhuge.set | (h.pfn.set ?? 0n) | clears;
      expectTrue(v, 'pmd_mkhuge / pfn_pmd set, or pmd_mkhuge clears, at least one bit marking the pmd huge', marks !== 0n);
      expectEqual(v, 'bits pmd_mkhuge clears that the table pmd does not set', 0n, clears & ~h.table.set);
      expectEqual(v, 'huge marks outside the pmd', 0n, marks & ~P);
      expectEqual(v, 'huge marks overlapping the huge pfn bits', 0n, marks & pfnBits);
      expectEqual(v, 'table pmd bits overlapping its frame field', 0n, h.table.set & fieldMask(h.table.pfn));
      expectTrue(v, 'a huge pmd holds at least one aligned pfn bit', v.constants.hugePfnBits! > v.constants.HPAGE_PMD_ORDER!);
    },
  },
  {
    id: 'huge.pfn-roundtrip',
    group: 'huge',
    title: 'pmd_pfn(pmd_mkhuge(pfn_pmd(pfn, prot))) == pfn for every HPAGE_PMD-aligned pfn the pmd can hold, every named prot (debug_vm_pgtable.c pmd_basic_tests)',
    needs: [THP],
    run(v, ctx) {
      const prots = Object.entries(v.spec.prots);
      property(v, ctx, alignedPfns(v), (pfn) => {
        for (const [name, prot] of prots) {
          const pmd = v.kernel.mk_huge_pmd(pfn, prot);
          expectEqual(v, `pmd_pfn(mk_huge_pmd(0x${pfn.toString(16)}, ${name})) (pmd 0x${pmd.toString(16)})`, pfn, v.kernel.pmd_pfn(pmd), v.constants.wordBits);
        }
      });
    },
  },
  {
    id: 'huge.trans-huge',
    group: 'huge',
    title: 'pmd_mkhuge(pfn_pmd(pfn, prot)) is pmd_trans_huge and pmd_present for every named prot, PROT_NONE included (debug_vm_pgtable.c pmd_thp_tests, pmd_protnone_tests)',
    needs: [THP],
    run(v, ctx) {
      const prots = Object.entries(v.spec.prots);
      property(v, ctx, alignedPfns(v), (pfn) => {
        for (const [name, prot] of prots) {
          const pmd = v.kernel.mk_huge_pmd(pfn, prot);
          const what = `mk_huge_pmd(0x${pfn.toString(16)}, ${name}) = 0x${pmd.toString(16)}`;
          expectTrue(v, `pmd_trans_huge(${what})`, v.kernel.pmd_trans_huge(pmd));
          expectTrue(v, `pmd_present(${what})`, v.kernel.pmd_present(pmd));
          expectEqual(v, `pmd_mkhuge is idempotent on ${what}`, pmd, v.kernel.pmd_mkhuge(pmd));
        }
      });
    },
  },
  {
    id: 'huge.not-huge',
    group: 'huge',
    title: 'a none pmd and a pte-table pmd (pmd_populate) are not pmd_trans_huge; a table pmd is pmd_present',
    needs: [THP],
    run(v, ctx) {
      expectTrue(v, 'pmd_trans_huge(0) must be false', !v.kernel.pmd_trans_huge(0n));
      expectTrue(v, 'pmd_present(0) must be false', !v.kernel.pmd_present(0n));
      property(v, ctx, uint(64), (frame) => {
        const pmd = tablePmd(v, frame);
        expectTrue(v, `pmd_trans_huge(table pmd 0x${pmd.toString(16)}) must be false`, !v.kernel.pmd_trans_huge(pmd));
        expectTrue(v, `pmd_present(table pmd 0x${pmd.toString(16)}) must be true`, v.kernel.pmd_present(pmd));
      });
    },
  },
  {
    id: 'huge.checked',
    group: 'huge',
    title: 'the checked layer accepts aligned pfns up to the largest the pmd holds (equal to the kernel) and refuses unaligned or too-large ones',
    needs: [THP],
    run(v, ctx) {
      const c = v.constants;
      const order = BigInt(c.HPAGE_PMD_ORDER!);
      const max = maskBig(c.hugePfnBits!) & ~maskBig(Number(order));
      const prot = Object.keys(v.spec.prots)[0]!;
      const refused = (pfn: bigint, why: string) => {
        try {
          v.checked.mk_huge_pmd(pfn, prot);
        } catch (error) {
          if (!(error instanceof PteRangeError)) throw error;
          if (/[\r\n]/.test(error.message)) fail(v, `the refusal of pfn 0x${pfn.toString(16)} is not one line`);
          return;
        }
        fail(v, `checked.mk_huge_pmd(0x${pfn.toString(16)}, ${prot}) must refuse a pfn that is ${why}`);
      };
      expectEqual(v, 'checked.mk_huge_pmd(largest aligned pfn)', v.kernel.mk_huge_pmd(max, v.spec.prots[prot]!), v.checked.mk_huge_pmd(max, prot));
      if (c.hugePfnBits! < c.wordBits) refused(max + (1n << order), 'too large for the pmd');
      property(v, ctx, fc.tuple(alignedPfns(v), fc.bigInt({ min: 1n, max: maskBig(Number(order)) })), ([pfn, offset]) => {
        const pmd = v.checked.mk_huge_pmd(pfn, prot);
        expectEqual(v, `checked.pmd_pfn(checked.mk_huge_pmd(0x${pfn.toString(16)}))`, pfn, v.checked.pmd_pfn(pmd), c.wordBits);
        refused(pfn + offset, 'not HPAGE_PMD-aligned');
      });
    },
  },
];
