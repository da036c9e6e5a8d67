/**
 * Special swap types: migration entries keep their pfn (debug_vm_pgtable.c
 * 819–857), and in 6.18 device, hwpoison and marker entries classify as
 * what they are; the reserved types and MAX_SWAPFILES partition 0..31.
 */
import {
  make_device_entry,
  make_hwpoison_entry,
  make_migration_entry,
  make_pte_marker_entry,
  maskBig,
  migrationKind,
  pte_marker_get,
  PTE_MARKER,
  swp_offset_pfn,
  swpPfnBits,
  type MigrationKind,
  type Variant,
} from '@mmsim/core';
import { upTo } from '../arbitraries.js';
import { expectEqual, expectTrue, property } from '../assert.js';
import { configOff, configOn, era } from '../requirements.js';
import type { ConformanceCheck } from '../types.js';

/** pfns a pfn-carrying entry can hold on this variant: the pfn bits and the swap pte's offset bits. */
function pfnLimit(v: Variant): bigint {
  return maskBig(Math.min(swpPfnBits(v), v.constants.maxSwapOffsetBits, v.constants.pfnBits));
}

function kinds(v: Variant): MigrationKind[] {
  return v.era === '2.6.21' ? ['read', 'write'] : ['read', 'read-exclusive', 'write'];
}

export const SPECIAL_CHECKS: readonly ConformanceCheck[] = [
  {
    id: 'special.types-partition',
    group: 'special',
    title: 'MAX_SWAPFILES and the reserved special types cover the 32 types exactly once (linux/swap.h)',
    run(v) {
      const seen = new Set<number>();
      for (let t = 0; t < v.constants.MAX_SWAPFILES; t++) seen.add(t);
      for (const s of v.swapTypes.special) {
        expectTrue(v, `special type ${s.name} = ${s.type} collides`, !seen.has(s.type));
        seen.add(s.type);
      }
      expectEqual(v, 'number of types covered', 32, seen.size);
      if (v.era === '6.18') expectEqual(v, 'SWP_PTE_MARKER', 31, v.swapTypes.byName('SWP_PTE_MARKER')?.type ?? -1);
    },
  },
  {
    id: 'special.migration-keeps-pfn',
    group: 'special',
    title: 'migration entries round-trip through the pte with their pfn and kind, and classify as migration',
    needs: [configOn('MIGRATION')],
    run(v, ctx) {
      property(v, ctx, upTo(pfnLimit(v)), (pfn) => {
        for (const kind of kinds(v)) {
          const entry = make_migration_entry(v, pfn, kind);
          const pte = v.kernel.swp_entry_to_pte(entry);
          const back = v.kernel.pte_to_swp_entry(pte);
          expectEqual(v, `pfn of a ${kind} migration entry for pfn 0x${pfn.toString(16)}`, pfn, swp_offset_pfn(v, back), v.constants.wordBits);
          expectEqual(v, `kind of a ${kind} migration entry`, kind, migrationKind(v, back) ?? 'none');
          expectEqual(v, `classify(${kind} migration pte)`, 'migration', v.classify(pte));
        }
      });
    },
  },
  {
    id: 'special.migration-off',
    group: 'special',
    title: 'without CONFIG_MIGRATION the make_*_migration_entry stubs return swp_entry(0, 0) and no pte classifies as migration',
    needs: [configOff('MIGRATION')],
    run(v) {
      expectEqual(v, 'make_migration_entry stub', v.kernel.swp_entry(0, 0n), make_migration_entry(v, 0x1234n, 'write'));
      expectEqual(v, 'classify(swap type 31)', v.era === '6.18' ? 'marker' : 'swap', v.classify(v.kernel.swp_entry_to_pte(v.kernel.swp_entry(31, 1n))));
    },
  },
  {
    id: 'special.device-hwpoison-marker',
    group: 'special',
    title: 'device-private/exclusive, hwpoison and pte-marker entries classify as such and keep their payload (6.18 swapops.h)',
    needs: [era('6.18')],
    run(v) {
      const pfn = 0x1234n & pfnLimit(v);
      if (v.config.DEVICE_PRIVATE) {
        for (const kind of ['read', 'write', 'exclusive'] as const) {
          const pte = v.kernel.swp_entry_to_pte(make_device_entry(v, pfn, kind));
          expectEqual(v, `classify(device ${kind} pte)`, 'device', v.classify(pte));
          expectEqual(v, `pfn of a device ${kind} entry`, pfn, swp_offset_pfn(v, v.kernel.pte_to_swp_entry(pte)), v.constants.wordBits);
        }
      }
      if (v.config.MEMORY_FAILURE) {
        const pte = v.kernel.swp_entry_to_pte(make_hwpoison_entry(v, pfn));
        expectEqual(v, 'classify(hwpoison pte)', 'hwpoison', v.classify(pte));
      }
      for (const marker of Object.values(PTE_MARKER)) {
        const pte = v.kernel.swp_entry_to_pte(make_pte_marker_entry(v, marker));
        expectEqual(v, `classify(pte marker ${marker})`, 'marker', v.classify(pte));
        expectEqual(v, `pte_marker_get of marker ${marker}`, marker, pte_marker_get(v, v.kernel.pte_to_swp_entry(pte)));
      }
    },
  },
];
