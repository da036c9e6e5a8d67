/**
 * What the simulator needs from a variant's data before it can run on it:
 * the pte_mk* modifiers the fault, fork, reclaim and madvise paths apply
 * (a spec may leave any modifier out). A variant whose spec lacks one is
 * refused with the list, rather than run with a silent no-op in place of the
 * missing piece. (Its protection_map needs no check here: core's
 * resolveBackend refuses a map that is not 16 of the variant's own prots.)
 */
import type { VariantSpec } from '@mmsim/core';

/** The modifiers the simulator applies (memory.fault, memory.copy, madvise, vmscan, migrate). */
export const SIMULATOR_MODIFIERS = ['pte_mkwrite', 'pte_wrprotect', 'pte_mkdirty', 'pte_mkclean', 'pte_mkyoung', 'pte_mkold'] as const;

/** What `spec` lacks for the simulator, in words (empty: it can run). */
export function simulatorNeeds(spec: Pick<VariantSpec, 'modifiers'>): string[] {
  const missing = SIMULATOR_MODIFIERS.filter((name) => spec.modifiers[name] === undefined);
  return missing.length ? [`the ${missing.join(', ')} modifier${missing.length === 1 ? '' : 's'}`] : [];
}
