/**
 * The u32-pair fast path against the kernel-faithful BigInt layer, for
 * arbitrary inputs including out-of-range ones (both truncate alike).
 */
import { newReg, toBig, maskBig, type FastModifier, type ModifierName, type Variant } from '@mmsim/core';
import fc from 'fast-check';
import { hi, lo, uint } from '../arbitraries.js';
import { alignedPfns, tablePmd } from './huge.js';
import { expectEqual, property } from '../assert.js';
import { FAST_FILE_PTES, THP } from '../requirements.js';
import type { ConformanceCheck } from '../types.js';

export const ORACLE_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'oracle.swap',
    group: 'oracle',
    title: 'fast swp_entry_to_pte / pte_to_swp_entry equal the BigInt layer, out-of-range input included',
    run(v, ctx) {
      const reg = newReg();
      const W = v.constants.wordBits;
      property(v, ctx, fc.tuple(fc.integer({ min: 0, max: 63 }), uint(W)), ([type, offset]) => {
        const pte = v.kernel.swp_entry_to_pte(v.kernel.swp_entry(type, offset));
        v.fast.swp_entry_to_pte(type, hi(offset), lo(offset), reg);
        expectEqual(v, `fast swp_entry_to_pte(${type}, 0x${offset.toString(16)})`, pte, toBig(reg.hi, reg.lo));
      });
      property(v, ctx, uint(v.constants.pteBits), (pte) => {
        if (v.kernel.pte_file(pte) !== 0n) return; // the kernel BUG()s there
        const e = v.kernel.pte_to_swp_entry(pte);
        v.fast.pte_to_swp_entry(hi(pte), lo(pte), reg);
        expectEqual(v, `fast pte_to_swp_entry(0x${pte.toString(16)}).type`, v.kernel.swp_type(e), reg.type);
        expectEqual(v, `fast pte_to_swp_entry(0x${pte.toString(16)}).offset`, v.kernel.swp_offset(e), toBig(reg.hi, reg.lo), W);
      });
    },
  },
  {
    id: 'oracle.file',
    group: 'oracle',
    title: 'fast pgoff_to_pte / pte_to_pgoff equal the BigInt layer',
    needs: [FAST_FILE_PTES],
    run(v, ctx) {
      const reg = newReg();
      property(v, ctx, uint(64), (x) => {
        const pgoff = x & maskBig(v.constants.wordBits);
        v.fast.pgoff_to_pte!(hi(x), lo(x), reg);
        expectEqual(v, `fast pgoff_to_pte(0x${pgoff.toString(16)})`, v.kernel.pgoff_to_pte(pgoff), toBig(reg.hi, reg.lo));
        const pte = x & maskBig(v.constants.pteBits);
        v.fast.pte_to_pgoff!(hi(pte), lo(pte), reg);
        expectEqual(v, `fast pte_to_pgoff(0x${pte.toString(16)})`, v.kernel.pte_to_pgoff(pte), toBig(reg.hi, reg.lo), v.constants.wordBits);
      });
    },
  },
  {
    id: 'oracle.pfn',
    group: 'oracle',
    title: 'fast pfn_pte / pte_pfn equal the BigInt layer for any pfn and prot',
    run(v, ctx) {
      const reg = newReg();
      const prots = [...Object.values(v.spec.prots)];
      const prot = fc.oneof(fc.constantFrom(...prots), uint(v.constants.pteBits));
      property(v, ctx, fc.tuple(uint(v.constants.wordBits), prot), ([pfn, p]) => {
        const pte = v.kernel.pfn_pte(pfn, p);
        v.fast.pfn_pte(hi(pfn), lo(pfn), hi(p), lo(p), reg);
        expectEqual(v, `fast pfn_pte(0x${pfn.toString(16)}, 0x${p.toString(16)})`, pte, toBig(reg.hi, reg.lo));
        v.fast.pte_pfn(hi(pte), lo(pte), reg);
        expectEqual(v, `fast pte_pfn(0x${pte.toString(16)})`, v.kernel.pte_pfn(pte), toBig(reg.hi, reg.lo), v.constants.wordBits);
      });
    },
  },
  {
    id: 'oracle.predicates-modifiers',
    group: 'oracle',
    title: 'fast predicates and pte_mk* modifiers equal the BigInt layer',
    run(v: Variant, ctx) {
      const reg = newReg();
      const k = v.kernel;
      const f = v.fast;
      property(v, ctx, uint(v.constants.pteBits), (pte) => {
        const h = hi(pte);
        const l = lo(pte);
        expectEqual(v, `pte_none(0x${pte.toString(16)})`, k.pte_none(pte), f.pte_none(h, l));
        expectEqual(v, `pte_present(0x${pte.toString(16)})`, k.pte_present(pte), f.pte_present(h, l));
        expectEqual(v, `pte_file(0x${pte.toString(16)})`, k.pte_file(pte) !== 0n, f.pte_file(h, l));
        expectEqual(v, `pte_protnone(0x${pte.toString(16)})`, k.pte_protnone(pte), f.pte_protnone(h, l));
        expectEqual(v, `is_swap_pte(0x${pte.toString(16)})`, k.is_swap_pte(pte), f.is_swap_pte(h, l));
        for (const [name, modifier] of Object.entries(v.fastModifiers) as [ModifierName, FastModifier][]) {
          modifier(h, l, reg);
          expectEqual(v, `${name}(0x${pte.toString(16)})`, k.modify(name, pte), toBig(reg.hi, reg.lo));
        }
      });
    },
  },
  {
    id: 'oracle.huge',
    group: 'oracle',
    title: 'fast pfn_pmd / mk_huge_pmd / pmd_pfn / pmd_mkhuge / pmd_trans_huge / pmd_present equal the BigInt layer on any input',
    needs: [THP],
    run(v, ctx) {
      const reg = newReg();
      const f = v.fast;
      const k = v.kernel;
      const P = v.constants.pteBits;
      const prot = fc.oneof(fc.constantFrom(...Object.values(v.spec.prots)), uint(P));
      property(v, ctx, fc.tuple(uint(v.constants.wordBits), prot), ([pfn, p]) => {
        f.pfn_pmd!(hi(pfn), lo(pfn), hi(p), lo(p), reg);
        expectEqual(v, `fast pfn_pmd(0x${pfn.toString(16)}, 0x${p.toString(16)})`, k.pfn_pmd(pfn, p), toBig(reg.hi, reg.lo));
        const w = [f.pfn_pmd_hi!(hi(pfn), lo(pfn), hi(p), lo(p)), f.pfn_pmd_lo!(hi(pfn), lo(pfn), hi(p), lo(p))] as const;
        expectEqual(v, `fast pfn_pmd_hi/lo(0x${pfn.toString(16)}, 0x${p.toString(16)})`, k.pfn_pmd(pfn, p), toBig(w[0], w[1]));
        f.mk_huge_pmd!(hi(pfn), lo(pfn), hi(p), lo(p), reg);
        expectEqual(v, `fast mk_huge_pmd(0x${pfn.toString(16)}, 0x${p.toString(16)})`, k.mk_huge_pmd(pfn, p), toBig(reg.hi, reg.lo));
      });
      const pmds = fc.oneof(
        uint(P),
        alignedPfns(v).chain((pfn) => fc.constantFrom(...Object.values(v.spec.prots)).map((p) => k.mk_huge_pmd(pfn, p))),
        uint(64).map((frame) => tablePmd(v, frame)),
      );
      property(v, ctx, pmds, (pmd) => {
        const [h, l] = [hi(pmd), lo(pmd)];
        f.pmd_pfn!(h, l, reg);
        expectEqual(v, `fast pmd_pfn(0x${pmd.toString(16)})`, k.pmd_pfn(pmd), toBig(reg.hi, reg.lo), v.constants.wordBits);
        expectEqual(v, `fast pmd_pfn_hi/lo(0x${pmd.toString(16)})`, k.pmd_pfn(pmd), toBig(f.pmd_pfn_hi!(h, l), f.pmd_pfn_lo!(h, l)), v.constants.wordBits);
        f.pmd_mkhuge!(h, l, reg);
        expectEqual(v, `fast pmd_mkhuge(0x${pmd.toString(16)})`, k.pmd_mkhuge(pmd), toBig(reg.hi, reg.lo));
        expectEqual(v, `fast pmd_trans_huge(0x${pmd.toString(16)})`, k.pmd_trans_huge(pmd), f.pmd_trans_huge!(h, l));
        expectEqual(v, `fast pmd_present(0x${pmd.toString(16)})`, k.pmd_present(pmd), f.pmd_present!(h, l));
      });
    },
  },
];
