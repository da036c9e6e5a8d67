/**
 * Swap entries: the generic and arch round trips, the limits, and the
 * 6.18 swap-pte flag bits (debug_vm_pgtable.c 689–796).
 */
import { maskBig, type Variant } from '@mmsim/core';
import fc from 'fast-check';
import { upTo } from '../arbitraries.js';
import { expectEqual, expectTrue, property } from '../assert.js';
import { configOn, era, swapFlag } from '../requirements.js';
import type { ConformanceCheck } from '../types.js';

const swapPte = (v: Variant, type: number, offset: bigint) => v.kernel.swp_entry_to_pte(v.kernel.swp_entry(type, offset));

const FLAG_OPS = [
  { flag: 'exclusive', key: 'exclusive', mk: 'pte_swp_mkexclusive', test: 'pte_swp_exclusive', clear: 'pte_swp_clear_exclusive' },
  { flag: 'soft-dirty', key: 'softDirty', mk: 'pte_swp_mksoft_dirty', test: 'pte_swp_soft_dirty', clear: 'pte_swp_clear_soft_dirty' },
  { flag: 'uffd-wp', key: 'uffdWp', mk: 'pte_swp_mkuffd_wp', test: 'pte_swp_uffd_wp', clear: 'pte_swp_clear_uffd_wp' },
] as const;

export const SWAP_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'swap.roundtrip',
    group: 'swap',
    title: 'pte_to_swp_entry(swp_entry_to_pte(e)) == e for every type and every offset up to the probed maximum',
    run(v, ctx) {
      const arb = fc.tuple(fc.integer({ min: 0, max: 31 }), upTo(v.constants.maxSwapOffset));
      property(v, ctx, arb, ([type, offset]) => {
        const e = v.kernel.swp_entry(type, offset);
        const pte = v.kernel.swp_entry_to_pte(e);
        expectEqual(v, `pte_to_swp_entry(swp_entry_to_pte(swp_entry(${type}, 0x${offset.toString(16)})))`, e, v.kernel.pte_to_swp_entry(pte), v.constants.wordBits);
        expectTrue(v, `swap pte 0x${pte.toString(16)} must not be pte_present`, !v.kernel.pte_present(pte));
      });
    },
  },
  {
    id: 'swap.max-entry-arch-roundtrip',
    group: 'swap',
    title: 'type 31 with the maximum offset survives __swp_entry_to_pte(__pte_to_swp_entry(pte)) (debug_vm_pgtable.c 784–796, 1206–1209)',
    run(v) {
      const pte = swapPte(v, 31, v.constants.maxSwapOffset);
      expectEqual(v, '__swp_entry_to_pte(__pte_to_swp_entry(pte))', pte, v.kernel.__swp_entry_to_pte(v.kernel.__pte_to_swp_entry(pte)));
      const back = v.kernel.pte_to_swp_entry(pte);
      expectEqual(v, 'swp_type of the decoded maximum entry', 31, v.kernel.swp_type(back));
      expectEqual(v, 'swp_offset of the decoded maximum entry', v.constants.maxSwapOffset, v.kernel.swp_offset(back), v.constants.wordBits);
    },
  },
  {
    id: 'swap.max-offset-is-maximal',
    group: 'swap',
    title: 'the probed maximum offset is all ones, and one more bit does not survive',
    run(v) {
      const max = v.constants.maxSwapOffset;
      expectEqual(v, 'maxSwapOffset is 2^bits - 1', maskBig(v.constants.maxSwapOffsetBits), max, v.constants.wordBits);
      const next = 1n << BigInt(v.constants.maxSwapOffsetBits);
      if (next <= maskBig(v.constants.wordBits)) {
        const back = v.kernel.swp_offset(v.kernel.pte_to_swp_entry(swapPte(v, 0, next)));
        expectTrue(v, `offset 0x${next.toString(16)} must not round-trip (it read back as itself)`, back !== next);
      }
    },
  },
  {
    id: 'swap.never-none',
    group: 'swap',
    title: 'no swap entry encodes to a pte_none pte (else the fault path would see an empty pte)',
    run(v) {
      const max = v.constants.maxSwapOffset;
      for (let type = 0; type < 32; type++) {
        // offset 0 is the swap header, never handed out
        for (const offset of [1n, 2n, max - 1n, max]) {
          const pte = swapPte(v, type, offset);
          expectTrue(v, `swap entry (${type}, 0x${offset.toString(16)}) encodes to pte 0x${pte.toString(16)}, which is pte_none`, !v.kernel.pte_none(pte));
        }
      }
    },
  },
  {
    id: 'swap.not-file',
    group: 'swap',
    title: 'no swap pte tests as pte_file (swp_entry_to_pte BUG_ON, 2.6.21 swapops.h)',
    needs: [era('2.6.21'), configOn('NONLINEAR')],
    run(v, ctx) {
      property(v, ctx, fc.tuple(fc.integer({ min: 0, max: 31 }), upTo(maskBig(v.constants.wordBits))), ([type, offset]) => {
        const pte = swapPte(v, type, offset); // throws KernelBugError where the kernel would BUG
        expectTrue(v, `swap pte 0x${pte.toString(16)} (type ${type}) must not be pte_file`, v.kernel.pte_file(pte) === 0n);
      });
    },
  },
  {
    id: 'swap.is-swap-pte',
    group: 'swap',
    title: 'every encoded swap entry passes is_swap_pte (not none, not present, not file)',
    run(v, ctx) {
      // offset 0 is the swap header, never handed out; start at 1
      property(v, ctx, fc.tuple(fc.integer({ min: 0, max: 31 }), upTo(v.constants.maxSwapOffset - 1n).map((o) => o + 1n)), ([type, offset]) => {
        const pte = swapPte(v, type, offset);
        if (v.kernel.pte_none(pte)) return; // reported by swap.never-none
        expectTrue(v, `is_swap_pte(0x${pte.toString(16)}) for entry (${type}, 0x${offset.toString(16)})`, v.kernel.is_swap_pte(pte));
      });
    },
  },
  ...FLAG_OPS.map(
    (op): ConformanceCheck => ({
      id: `swap.flag-${op.flag}`,
      group: 'swap',
      title: `pte_swp_mk/clear ${op.flag} keep the entry and is_swap_pte, and a fresh swap pte has it clear (debug_vm_pgtable.c 689–782)`,
      needs: [swapFlag(op.key, op.flag)],
      run(v, ctx) {
        const k = v.kernel as unknown as Record<string, (pte: bigint) => bigint & boolean>;
        property(v, ctx, fc.tuple(fc.integer({ min: 0, max: 31 }), upTo(v.constants.maxSwapOffset - 1n).map((o) => o + 1n)), ([type, offset]) => {
          const pte = swapPte(v, type, offset);
          const e = v.kernel.pte_to_swp_entry(pte);
          expectTrue(v, `a fresh swap pte must not be ${op.flag}`, !k[op.test]!(pte));
          const marked = k[op.mk]!(pte);
          expectTrue(v, `${op.mk} must make it ${op.flag}`, Boolean(k[op.test]!(marked)));
          expectTrue(v, `${op.mk} must keep is_swap_pte`, v.kernel.is_swap_pte(marked));
          expectEqual(v, `pte_to_swp_entry(${op.mk}(pte))`, e, v.kernel.pte_to_swp_entry(marked), v.constants.wordBits);
          if (op.flag === 'exclusive' && v.spec.swap.flags?.softDirty !== undefined) {
            expectTrue(v, 'pte_swp_mkexclusive must not make the pte soft-dirty', !v.kernel.pte_swp_soft_dirty(marked));
          }
          const cleared = k[op.clear]!(marked);
          expectTrue(v, `${op.clear} must clear ${op.flag}`, !k[op.test]!(cleared));
          expectEqual(v, `${op.clear}(${op.mk}(pte))`, pte, cleared);
        });
      },
    }),
  ),
];
