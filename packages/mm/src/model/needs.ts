/**
 * What the simulator needs from a variant's data before it can run on it:
 * the pte_mk* modifiers the fault, fork, reclaim and madvise paths apply,
 * and a protection_map whose every entry is a protection the variant
 * declares (vm_get_page_prot). A variant whose spec lacks one is refused with
 * the list, rather than run with a silent no-op in place of the missing piece.
 */
import type { VariantSpec } from '@mmsim/core';

/** The modifiers the simulator applies (memory.fault, memory.copy, madvise, vmscan, migrate). */
export const SIMULATOR_MODIFIERS = ['pte_mkwrite', 'pte_wrprotect', 'pte_mkdirty', 'pte_mkclean', 'pte_mkyoung', 'pte_mkold'] as const;

/** What `spec` lacks for the simulator, in words (empty: it can run). */
export function simulatorNeeds(spec: Pick<VariantSpec, 'modifiers' | 'prots' | 'protectionMap'>): string[] {
  const out: string[] = [];
  const missing = SIMULATOR_MODIFIERS.filter((name) => spec.modifiers[name] === undefined);
  if (missing.length) out.push(`the ${missing.join(', ')} modifier${missing.length === 1 ? '' : 's'}`);
  const names = spec.protectionMap?.names ?? [];
  const absent = [...new Set(names.filter((n) => !Object.hasOwn(spec.prots, n)))];
  if (names.length !== 16) out.push('a protection_map of 16 entries (vm_get_page_prot)');
  else if (absent.length) out.push(`the protection${absent.length === 1 ? '' : 's'} ${absent.join(', ')} its protection_map names (vm_get_page_prot)`);
  return out;
}
