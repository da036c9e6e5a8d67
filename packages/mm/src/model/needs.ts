/**
 * What the simulator needs from a variant's data before it can run on it: the
 * pte_mk* modifiers the fault, fork, reclaim and madvise paths apply, and a
 * protection for every VM_READ/WRITE/EXEC/SHARED combination
 * (vm_get_page_prot). A variant whose spec lacks one (a modifier the arch
 * makes conditional, as arm64's pte_mkdirty; a protection_map the names here
 * do not cover, as riscv's PAGE_READ) is refused with the list, rather than
 * run with a silent no-op in place of the missing piece.
 */
import type { VariantSpec } from '@mmsim/core';
import { VM_EXEC, VM_READ, VM_SHARED, VM_WRITE } from '../kernel/vma.js';
import { protNames } from './prot.js';

/** The modifiers the simulator applies (memory.fault, memory.copy, madvise, vmscan, migrate). */
export const SIMULATOR_MODIFIERS = ['pte_mkwrite', 'pte_wrprotect', 'pte_mkdirty', 'pte_mkclean', 'pte_mkyoung', 'pte_mkold'] as const;

/** What `spec` lacks for the simulator, in words (empty: it can run). */
export function simulatorNeeds(spec: Pick<VariantSpec, 'modifiers' | 'prots'>): string[] {
  const out: string[] = [];
  const missing = SIMULATOR_MODIFIERS.filter((name) => spec.modifiers[name] === undefined);
  if (missing.length) out.push(`the ${missing.join(', ')} modifier${missing.length === 1 ? '' : 's'}`);
  const prots = new Set<string>();
  for (let flags = 0; flags < 16; flags++) {
    const names = protNames(flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED));
    if (!names.some((n) => spec.prots[n] !== undefined)) prots.add(names.join(' or '));
  }
  if (prots.size) out.push(`a protection ${[...prots].join(', ')} (vm_get_page_prot)`);
  return out;
}
