/**
 * Nonlinear file ptes (2.6.21), which mm/debug_vm_pgtable.c never tested
 * because it post-dates their removal: pgoff_to_pte/pte_to_pgoff round
 * trips up to PTE_FILE_MAX_BITS, file ptes are neither swap nor present,
 * and CONFIG_NONLINEAR=n removes them (Nick Piggin's March 2007 patch).
 */
import { KernelBugError, maskBig } from '@mmsim/core';
import { uint, upTo } from '../arbitraries.js';
import { expectEqual, expectTrue, fail, property } from '../assert.js';
import { configOff, era, FILE_PTE_LAYOUT, NONLINEAR_FILE_PTES } from '../requirements.js';
import type { ConformanceCheck } from '../types.js';

export const FILE_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'file.roundtrip',
    group: 'file',
    title: 'pte_to_pgoff(pgoff_to_pte(pgoff)) == pgoff for every pgoff whose bits survive, and the pte is a file pte',
    needs: [NONLINEAR_FILE_PTES],
    run(v, ctx) {
      property(v, ctx, upTo(maskBig(v.constants.fileRoundtripBits!)), (pgoff) => {
        const pte = v.kernel.pgoff_to_pte(pgoff);
        expectEqual(v, `pte_to_pgoff(pgoff_to_pte(0x${pgoff.toString(16)}))`, pgoff, v.kernel.pte_to_pgoff(pte), v.constants.wordBits);
        expectEqual(v, `classify(pgoff_to_pte(0x${pgoff.toString(16)}))`, 'file', v.classify(pte));
      });
    },
  },
  {
    id: 'file.max-bits-roundtrip',
    group: 'file',
    title: 'every pgoff below 2^PTE_FILE_MAX_BITS (what remap_file_pages accepts) survives the round trip',
    needs: [NONLINEAR_FILE_PTES],
    run(v) {
      const maxBits = Math.min(v.constants.PTE_FILE_MAX_BITS!, v.constants.wordBits);
      const largest = maskBig(maxBits);
      const back = v.kernel.pte_to_pgoff(v.kernel.pgoff_to_pte(largest));
      expectEqual(v, `pte_to_pgoff(pgoff_to_pte(2^${maxBits} - 1))`, largest, back, v.constants.wordBits);
    },
  },
  {
    id: 'file.never-swap-or-present',
    group: 'file',
    title: 'a file pte is never pte_none, pte_present or is_swap_pte, whatever the pgoff',
    needs: [NONLINEAR_FILE_PTES],
    run(v, ctx) {
      property(v, ctx, uint(v.constants.wordBits), (pgoff) => {
        const pte = v.kernel.pgoff_to_pte(pgoff);
        expectTrue(v, `pgoff_to_pte(0x${pgoff.toString(16)}) must be pte_file`, v.kernel.pte_file(pte) !== 0n);
        expectTrue(v, `pgoff_to_pte(0x${pgoff.toString(16)}) must not be pte_present`, !v.kernel.pte_present(pte));
        expectTrue(v, `pgoff_to_pte(0x${pgoff.toString(16)}) must not be pte_none`, !v.kernel.pte_none(pte));
        expectTrue(v, `pgoff_to_pte(0x${pgoff.toString(16)}) must not be is_swap_pte`, !v.kernel.is_swap_pte(pte));
      });
    },
  },
  {
    id: 'file.nonlinear-off',
    group: 'file',
    title: 'CONFIG_NONLINEAR=n: pte_file is always 0, PTE_FILE_MAX_BITS is 0, pgoff_to_pte is a BUG() stub, swap unchanged',
    needs: [era('2.6.21'), FILE_PTE_LAYOUT, configOff('NONLINEAR')],
    run(v, ctx) {
      expectEqual(v, 'PTE_FILE_MAX_BITS', 0, v.constants.PTE_FILE_MAX_BITS ?? -1);
      expectTrue(v, 'no fast pgoff_to_pte', v.fast.pgoff_to_pte === undefined);
      try {
        v.kernel.pgoff_to_pte(1n);
        fail(v, 'pgoff_to_pte must BUG() with CONFIG_NONLINEAR=n');
      } catch (error) {
        if (!(error instanceof KernelBugError) && (error as Error).name !== 'KernelBugError') throw error;
      }
      property(v, ctx, uint(v.constants.pteBits), (pte) => {
        expectTrue(v, `pte_file(0x${pte.toString(16)}) must be 0`, v.kernel.pte_file(pte) === 0n);
        expectTrue(v, `classify(0x${pte.toString(16)}) must not be file`, v.classify(pte) !== 'file');
      });
    },
  },
];
