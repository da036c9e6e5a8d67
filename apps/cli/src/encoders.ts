/**
 * The four encodings `mmsim encode` offers, each through core's checked
 * layer (which refuses what the kernel would silently truncate), plus what
 * reading the pte back gives.
 *
 * Migration entries have no checked helper in core: encodeMigration adds
 * the SWP_PFN_BITS check locally (a candidate for core's checked layer).
 */
import {
  PteRangeError,
  UnsupportedOperationError,
  hex,
  make_migration_entry,
  maskBig,
  swpPfnBits,
  swp_offset_pfn,
  type Variant,
} from '@mmsim/core';
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

/** make_migration_entry(pfn, write) then swp_entry_to_pte, refusing pfns the entry cannot carry. */
export function encodeMigration(v: Variant, pfn: bigint, write: boolean): Encoded {
  const typeName = write ? 'SWP_MIGRATION_WRITE' : 'SWP_MIGRATION_READ';
  const special = v.swapTypes.byName(typeName);
  if (!special) {
    throw new UnsupportedOperationError(
      `${v.key} has no migration entries: with CONFIG_MIGRATION=n make_migration_entry is a stub that returns swp_entry(0, 0)`,
    );
  }
  const W = v.constants.wordBits;
  const pfnBits = swpPfnBits(v);
  if (pfn <= maskBig(W) && pfn > maskBig(pfnBits)) {
    const entry = make_migration_entry(v, pfn, write ? 'write' : 'read');
    const kernelPte = v.kernel.swp_entry_to_pte(entry);
    const back = swp_offset_pfn(v, v.kernel.pte_to_swp_entry(kernelPte));
    throw new PteRangeError(
      `pfn ${hex(pfn, W)} does not fit a migration entry on ${v.key}: SWP_PFN_BITS is ${pfnBits} (largest ${hex(maskBig(pfnBits), W)}); ` +
        `the kernel would silently store pte ${hex(kernelPte, v.constants.pteBits)}, whose migration pfn reads back as ${hex(back, W)}`,
      'pfn',
      pfn,
      maskBig(pfnBits),
      kernelPte,
    );
  }
  const pte = v.checked.swp_entry_to_pte(special.type, pfn, { special: true });
  const entry = v.kernel.pte_to_swp_entry(pte);
  return { pte, readBack: { type: v.kernel.swp_type(entry), pfn: shortHex(swp_offset_pfn(v, entry)) } };
}
