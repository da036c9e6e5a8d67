/**
 * The four encodings `mmsim encode` offers, each through core's checked
 * layer (which refuses what the kernel would silently truncate), plus what
 * reading the pte back gives.
 */
import { swp_offset_pfn, type Variant } from '@mmsim/core';
import { shortHex } from './render/units.js';

export interface Encoded {
  readonly pte: bigint;
  /** the inputs as the kernel's decoders return them */
  readonly readBack: Readonly<Record<string, string | number>>;
}

export function encodeSwap(v: Variant, type: number, offset: bigint): Encoded {
  const pte = v.checked.swp_entry_to_pte(type, offset);
  const back = v.checked.pte_to_swp_entry(pte);
  return { pte, readBack: { type: back.type, offset: shortHex(back.offset) } };
}

export function encodeFile(v: Variant, pgoff: bigint): Encoded {
  const pte = v.checked.pgoff_to_pte(pgoff);
  return { pte, readBack: { pgoff: shortHex(v.checked.pte_to_pgoff(pte)) } };
}

export function encodePfn(v: Variant, pfn: bigint, prot: bigint | string): Encoded {
  const pte = v.checked.pfn_pte(pfn, prot);
  // kernel layer: pte_pfn of a PAGE_NONE pte is still what the kernel computes (the checked one refuses non-present ptes)
  return { pte, readBack: { pfn: shortHex(v.kernel.pte_pfn(pte)) } };
}

/** swp_entry_to_pte(make_migration_entry(pfn, write)) through core's checked layer, which refuses pfns the entry cannot carry. */
export function encodeMigration(v: Variant, pfn: bigint, write: boolean): Encoded {
  const pte = v.checked.migration_entry_pte(pfn, write ? 'write' : 'read');
  const entry = v.kernel.pte_to_swp_entry(pte);
  return { pte, readBack: { type: v.kernel.swp_type(entry), pfn: shortHex(swp_offset_pfn(v, entry)) } };
}
