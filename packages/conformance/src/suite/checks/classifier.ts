/**
 * The total classifier: every pte value is exactly one of none / present /
 * protnone / file / swap / migration / device / hwpoison / marker, decided in
 * the kernel's order (pte_none, pte_present, pte_file, then the swap type),
 * and consistent with the predicates.
 */
import { PTE_CLASSES, type PteClass, type Variant } from '@mmsim/core';
import { uint } from '../arbitraries.js';
import { expectEqual, property } from '../assert.js';
import type { ConformanceCheck } from '../types.js';

/** The classification re-derived from the BigInt predicates, independent of the generated code. */
export function referenceClass(v: Variant, pte: bigint): PteClass {
  const k = v.kernel;
  if (k.pte_none(pte)) return 'none';
  if (k.pte_present(pte)) return k.pte_protnone(pte) ? 'protnone' : 'present';
  if (k.pte_file(pte) !== 0n) return 'file';
  const type = k.swp_type(k.pte_to_swp_entry(pte));
  return v.swapTypes.byType(type)?.kind ?? 'swap';
}

export const CLASSIFIER_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'classifier.total',
    group: 'classifier',
    title: 'every pte value gets exactly one class, the same from the fast path and from the BigInt predicates',
    run(v, ctx) {
      property(v, ctx, uint(v.constants.pteBits), (pte) => {
        const cls = v.classify(pte);
        expectEqual(v, `classify(0x${pte.toString(16)}) is a known class`, true, PTE_CLASSES.includes(cls));
        expectEqual(v, `classify(0x${pte.toString(16)})`, referenceClass(v, pte), cls);
      });
    },
  },
  {
    id: 'classifier.predicates',
    group: 'classifier',
    title: 'the class agrees with pte_none, pte_present, pte_protnone, pte_file and is_swap_pte',
    run(v, ctx) {
      const k = v.kernel;
      property(v, ctx, uint(v.constants.pteBits), (pte) => {
        const cls = v.classify(pte);
        const where = `pte 0x${pte.toString(16)} (${cls})`;
        expectEqual(v, `${where}: pte_none`, cls === 'none', k.pte_none(pte));
        expectEqual(v, `${where}: pte_present`, cls === 'present' || cls === 'protnone', k.pte_present(pte));
        if (cls === 'protnone') expectEqual(v, `${where}: protnone implies present`, true, k.pte_present(pte));
        const swapish = cls === 'swap' || cls === 'migration' || cls === 'device' || cls === 'hwpoison' || cls === 'marker';
        expectEqual(v, `${where}: is_swap_pte`, swapish, k.is_swap_pte(pte));
      });
    },
  },
];
