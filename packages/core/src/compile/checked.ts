/**
 * The checked layer: what the CLI and the simulator use. Same encodings as
 * the kernel-faithful layer, but a value that the kernel would silently
 * truncate is refused, and the error says what the kernel would have made
 * of it. The kernel's own limits (PTE_FILE_MAX_BITS, swap offset bits) are
 * errors here, never masks.
 */
import { PteRangeError, UnsupportedOperationError } from '../errors.js';
import { fieldMask } from '../layout/field.js';
import { noThpReason, sizeText } from '../spec/thp.js';
import { hex, maskBig } from '../u64/pair.js';
import type { PteClass } from './fast-ops.js';
import type { Variant } from './variant.js';
import { make_migration_entry, make_pte_marker_entry, swp_offset_pfn, type MigrationKind } from '../generic/special-entries.js';
import { PTE_MARKER_MASK } from '../generic/swap-types.js';

export interface SwapEntryParts {
  readonly type: number;
  readonly offset: bigint;
  /** the arch-independent swp_entry_t value */
  readonly val: bigint;
  /** 6.18 swap-pte flag bits found set (and ignored by the decode) */
  readonly exclusive: boolean;
  readonly softDirty: boolean;
  readonly uffdWp: boolean;
}

export interface CheckedOps {
  /** swp_entry_to_pte(swp_entry(type, offset)); special types only with `special: true` */
  swp_entry_to_pte(type: number, offset: bigint, options?: { special?: boolean }): bigint;
  /** refuses ptes that are not swap-format (none, present, file) */
  pte_to_swp_entry(pte: bigint): SwapEntryParts;
  pgoff_to_pte(pgoff: bigint): bigint;
  pte_to_pgoff(pte: bigint): bigint;
  /**
   * Refuses a raw prot with bits inside the pfn field (pfn_pte ORs the prot
   * over the pfn: the pte would name another frame) or bits the kernel drops
   * (__supported_pte_mask, where check_pgprot would warn). A named prot is
   * the kernel's own, filtered as vm_get_page_prot filters it.
   */
  pfn_pte(pfn: bigint, prot: bigint | string): bigint;
  pte_pfn(pte: bigint): bigint;
  /**
   * PMD-mapped THP (6.18). Refuse a variant without THP, a pfn that is not
   * HPAGE_PMD-aligned (the kernel would silently drop or mis-map its low
   * HPAGE_PMD_ORDER bits) and one the pmd cannot hold.
   */
  pfn_pmd(pfn: bigint, prot: bigint | string): bigint;
  /** pmd_mkhuge(pfn_pmd(pfn, prot)), with the checks of pfn_pmd */
  mk_huge_pmd(pfn: bigint, prot: bigint | string): bigint;
  /** refuses a pmd that is not pmd_trans_huge */
  pmd_pfn(pmd: bigint): bigint;
  pmd_trans_huge(pmd: bigint): boolean;
  /** resolve a named protection (`PAGE_SHARED`) of this variant */
  prot(name: string): bigint;
  /**
   * swp_entry_to_pte(make_migration_entry(pfn, kind)): refuses a variant
   * without migration entries (CONFIG_MIGRATION=n: the kernel's stub returns
   * swp_entry(0, 0)) and a pfn above SWP_PFN_BITS, which the kernel would
   * silently store with its high bits in the entry's young/dirty bits or lost.
   */
  migration_entry_pte(pfn: bigint, kind: MigrationKind): bigint;
  /** swp_entry_to_pte(make_pte_marker(marker)): refuses 2.6.21 (markers came in 5.19) and bits outside PTE_MARKER_MASK */
  pte_marker_pte(marker: number): bigint;
  /** pte_mkuffd_wp(pte) of a present pte: refuses a variant without HAVE_ARCH_USERFAULTFD_WP, where the kernel's stub leaves the pte as it is */
  pte_mkuffd_wp(pte: bigint): bigint;
  /** pte_mksoft_dirty(pte) of a present pte: refuses a variant without HAVE_ARCH_SOFT_DIRTY (no CONFIG_MEM_SOFT_DIRTY) */
  pte_mksoft_dirty(pte: bigint): bigint;
}

function bitCount(value: bigint): number {
  let n = 0;
  for (let x = value; x !== 0n; x &= x - 1n) n++;
  return n;
}

/** The set bits of a mask as runs, high first: `12`, `51–12`, `63, 12–9`. */
function bitsText(mask: bigint): string {
  const runs: string[] = [];
  for (let bit = 0; mask >> BigInt(bit) !== 0n; ) {
    if (((mask >> BigInt(bit)) & 1n) === 0n) {
      bit++;
      continue;
    }
    let top = bit;
    while (((mask >> BigInt(top + 1)) & 1n) !== 0n) top++;
    runs.unshift(top === bit ? `${bit}` : `${top}–${bit}`);
    bit = top + 1;
  }
  return runs.join(', ');
}

export function checkedOps(v: Variant): CheckedOps {
  const k = v.kernel;
  const c = v.constants;
  const P = c.pteBits;
  const W = c.wordBits;
  const name = v.key;

  const show = (value: bigint) => (value < 0n ? value.toString() : hex(value, 64));
  const requireWord = (what: string, value: bigint) => {
    if (value < 0n || value > maskBig(W)) {
      throw new PteRangeError(
        `${what} ${show(value)} is not an unsigned long on ${name} (0..${hex(maskBig(W), W)})`,
        what,
        value,
        maskBig(W),
      );
    }
  };
  const requirePte = (value: bigint, what = 'pte') => {
    if (value < 0n || value > maskBig(P)) {
      throw new PteRangeError(`${what} ${show(value)} does not fit a ${P}-bit ${what === 'pmd' ? 'pmd' : 'pte'} on ${name} (0..${hex(maskBig(P), P)})`, what, value, maskBig(P));
    }
  };

  const requireThp = (what: string) => {
    if (c.hasThp) return;
    throw new UnsupportedOperationError(`${what}: ${name} has no PMD-mapped transparent huge pages: ${noThpReason(v.era)}`);
  };

  const hugePmd = (op: 'pfn_pmd' | 'mk_huge_pmd', pfn: bigint, protArg: bigint | string): bigint => {
    requireThp(op);
    const protVal = typeof protArg === 'string' ? prot(protArg) : protArg;
    requireWord('pfn', pfn);
    requirePte(protVal, 'prot');
    const kernelOf = op === 'pfn_pmd' ? k.pfn_pmd : k.mk_huge_pmd;
    // where pfn_pmd keeps only the bits from HPAGE_PMD_SHIFT up (x86 PHYSICAL_PMD_PAGE_MASK), the bits below are the prot's (x86 _PAGE_PAT_LARGE)
    const hugePfn = v.spec.huge!.pfn;
    const hugeMask = fieldMask(hugePfn.field) & maskBig(P) & (hugePfn.maskToHpage ? ~maskBig(c.HPAGE_PMD_SHIFT!) : maskBig(P));
    requireProt(op, protVal, typeof protArg === 'string', hugeMask, kernelOf, k.pmd_pfn, pfn);
    const kernelPmd = kernelOf(pfn, protVal);
    const order = c.HPAGE_PMD_ORDER!;
    const orderMask = maskBig(order);
    const limit = maskBig(c.hugePfnBits!) & ~orderMask;
    // what the kernel would have done, for a refusal only: read the pmd back
    const silently = (): string => {
      const back = k.pmd_pfn(kernelPmd);
      return back === pfn
        ? `the kernel would store pmd ${hex(kernelPmd, P)} as asked, a huge mapping that does not start on a ${sizeText(c.HPAGE_PMD_SHIFT!)} boundary`
        : `the kernel would silently store pmd ${hex(kernelPmd, P)}, whose pmd_pfn is ${hex(back, W)}`;
    };
    if (pfn > limit) {
      throw new PteRangeError(
        `pfn ${hex(pfn, W)} does not fit a huge pmd on ${name}: it holds ${c.hugePfnBits} pfn bits (largest aligned pfn ${hex(limit, W)}); ${silently()}`,
        'pfn',
        pfn,
        limit,
        kernelPmd,
      );
    }
    if ((pfn & orderMask) !== 0n) {
      throw new PteRangeError(
        `pfn ${hex(pfn, W)} is not HPAGE_PMD-aligned on ${name}: a PMD-mapped THP starts at a multiple of ${1n << BigInt(order)} pages ` +
          `(HPAGE_PMD_ORDER ${order}, HPAGE_PMD_SHIFT ${c.HPAGE_PMD_SHIFT}); ${silently()}`,
        'pfn',
        pfn,
        limit,
        kernelPmd,
      );
    }
    return kernelPmd;
  };

  const prot = (protName: string): bigint => {
    // own names only: 'constructor' or '__proto__' is not a protection of any variant
    const value = Object.hasOwn(v.spec.prots, protName) ? v.spec.prots[protName] : undefined;
    if (typeof value !== 'bigint') {
      throw new UnsupportedOperationError(`${name} has no protection '${protName}' (valid: ${Object.keys(v.spec.prots).join(', ')})`);
    }
    return value;
  };

  /**
   * A raw prot must keep out of the pfn field and must not carry bits the
   * kernel drops. x86 6.18 pfn_pte/pfn_pmd (arch/x86/include/asm/pgtable.h
   * 737–754) mask the pfn to PTE_PFN_MASK but OR in check_pgprot(prot)
   * unmasked, so prot bits inside the pfn field change the frame; check_pgprot
   * (720–735) WARNs (CONFIG_DEBUG_VM) when __supported_pte_mask drops a bit of
   * a present prot (massage_pgprot, 710–718). 2.6.21 x86 and powerpc OR the
   * prot over the pfn the same way. A named prot is exempt from the dropped-bit
   * check: it is the kernel's own, and vm_get_page_prot filters it through
   * __supported_pte_mask (arch/x86/mm/pgprot.c 35–63, line 60) before any
   * pfn_pte sees it.
   */
  const requireProt = (
    op: 'pfn_pte' | 'pfn_pmd' | 'mk_huge_pmd',
    protVal: bigint,
    named: boolean,
    pfnMask: bigint,
    kernelOf: (pfn: bigint, prot: bigint) => bigint,
    readBack: (entry: bigint) => bigint,
    pfn: bigint,
  ): void => {
    // bits the kernel keeps out of a prot: pfn_pte(0, prot) with the pfn field ignored (L1TF fills it with ones)
    const lost = named ? 0n : protVal & ~pfnMask & ~kernelOf(0n, protVal);
    const outside = maskBig(P) & ~pfnMask;
    const valid = named ? outside : outside & kernelOf(0n, outside);
    const entry = op === 'pfn_pte' ? 'pte' : 'pmd';
    const overlap = protVal & pfnMask;
    if (overlap !== 0n) {
      const stored = kernelOf(pfn, protVal);
      throw new PteRangeError(
        `prot ${hex(protVal, P)} has bit${bitCount(overlap) === 1 ? '' : 's'} ${bitsText(overlap)} inside the pfn field (bits ${bitsText(pfnMask)}) on ${name}: ` +
          `${op} ORs the prot over the pfn, so the kernel would silently store ${entry} ${hex(stored, P)}, whose ${entry}_pfn is ${hex(readBack(stored), W)}; ` +
          `a prot may use only ${hex(valid, P)}`,
        'prot',
        protVal,
        valid,
        stored,
      );
    }
    if (lost !== 0n) {
      const stored = kernelOf(pfn, protVal);
      throw new PteRangeError(
        `prot ${hex(protVal, P)} has bit${bitCount(lost) === 1 ? '' : 's'} ${bitsText(lost)} outside __supported_pte_mask (${hex(v.supportedMask, P)}) on ${name}: ` +
          `the kernel would silently store ${entry} ${hex(stored, P)} without ${bitCount(lost) === 1 ? 'it' : 'them'} (6.18's check_pgprot warns); a prot may use only ${hex(valid, P)}`,
        'prot',
        protVal,
        valid,
        stored,
      );
    }
  };

  const ops: CheckedOps = {
    swp_entry_to_pte(type, offset, options = {}) {
      const special = v.swapTypes.byType(type);
      if (!Number.isInteger(type) || type < 0 || type > 31) {
        throw new PteRangeError(
          `swap type ${type} is out of range on ${name} (0..31, MAX_SWAPFILES_SHIFT is 5)`,
          'swap type',
          Number.isInteger(type) ? BigInt(type) : -1n,
          31n,
        );
      }
      if (type >= c.MAX_SWAPFILES && !(options.special && special)) {
        const what = special ? `reserved for ${special.name}` : 'not a swap file';
        throw new PteRangeError(
          `swap type ${type} is ${what} on ${name}: swap files use types 0..${c.MAX_SWAPFILES - 1} (MAX_SWAPFILES ${c.MAX_SWAPFILES})`,
          'swap type',
          BigInt(type),
          BigInt(c.MAX_SWAPFILES - 1),
        );
      }
      requireWord('swap offset', offset);
      const kernelPte = k.swp_entry_to_pte(k.swp_entry(type, offset));
      if (offset > c.maxSwapOffset) {
        const back = k.swp_offset(k.pte_to_swp_entry(kernelPte));
        throw new PteRangeError(
          `swap offset ${hex(offset, W)} does not fit ${name}: the largest is ${hex(c.maxSwapOffset, W)} (${c.maxSwapOffsetBits} bits); ` +
            `the kernel would silently store pte ${hex(kernelPte, P)}, which reads back as offset ${hex(back, W)}`,
          'swap offset',
          offset,
          c.maxSwapOffset,
          kernelPte,
        );
      }
      return kernelPte;
    },

    pte_to_swp_entry(pte) {
      requirePte(pte);
      const cls: PteClass = v.classify(pte);
      if (cls === 'none' || cls === 'present' || cls === 'protnone' || cls === 'file') {
        const why =
          cls === 'file'
            ? 'the kernel would BUG_ON(pte_file(pte)) in pte_to_swp_entry'
            : `is_swap_pte() is false, so the kernel never decodes it`;
        throw new UnsupportedOperationError(`pte ${hex(pte, P)} is a ${cls} pte on ${name}, not a swap entry: ${why}`);
      }
      const val = k.pte_to_swp_entry(pte);
      const flags = v.spec.swap.flags;
      return {
        type: k.swp_type(val),
        offset: k.swp_offset(val),
        val,
        exclusive: flags?.exclusive !== undefined && k.pte_swp_exclusive(pte),
        softDirty: flags?.softDirty !== undefined && k.pte_swp_soft_dirty(pte),
        uffdWp: flags?.uffdWp !== undefined && k.pte_swp_uffd_wp(pte),
      };
    },

    pgoff_to_pte(pgoff) {
      const maxBits = c.PTE_FILE_MAX_BITS;
      if (maxBits === null) {
        throw new UnsupportedOperationError(`${name} has no nonlinear file ptes (removed in v4.0; remap_file_pages is emulated with VMAs)`);
      }
      if (maxBits === 0) {
        throw new UnsupportedOperationError(`pgoff_to_pte is a BUG() stub on ${name}: CONFIG_NONLINEAR=n (PTE_FILE_MAX_BITS is 0)`);
      }
      requireWord('pgoff', pgoff);
      const kernelPte = k.pgoff_to_pte(pgoff);
      const limit = maskBig(Math.min(maxBits, W));
      if (pgoff > limit) {
        throw new PteRangeError(
          `pgoff ${hex(pgoff, W)} does not fit ${name}: PTE_FILE_MAX_BITS is ${maxBits} (largest ${hex(limit, W)}), so remap_file_pages returns -EINVAL; ` +
            `pgoff_to_pte alone would silently store ${hex(kernelPte, P)}, read back as ${hex(k.pte_to_pgoff(kernelPte), W)}`,
          'pgoff',
          pgoff,
          limit,
          kernelPte,
        );
      }
      const real = maskBig(c.fileRoundtripBits ?? 0);
      if (pgoff > real) {
        throw new PteRangeError(
          `pgoff ${hex(pgoff, W)} is within PTE_FILE_MAX_BITS (${maxBits}) on ${name} but only ${c.fileRoundtripBits} bits survive pte_to_pgoff: ` +
            `the kernel accepts it and silently reads back ${hex(k.pte_to_pgoff(kernelPte), W)} (pte ${hex(kernelPte, P)})`,
          'pgoff',
          pgoff,
          real,
          kernelPte,
        );
      }
      return kernelPte;
    },

    pte_to_pgoff(pte) {
      requirePte(pte);
      if (c.PTE_FILE_MAX_BITS === null || c.PTE_FILE_MAX_BITS === 0) {
        throw new UnsupportedOperationError(`${name} has no nonlinear file ptes to decode (${c.PTE_FILE_MAX_BITS === 0 ? 'CONFIG_NONLINEAR=n' : 'removed in v4.0'})`);
      }
      const cls = v.classify(pte);
      if (cls !== 'file') {
        throw new UnsupportedOperationError(`pte ${hex(pte, P)} is a ${cls} pte on ${name}, not a file pte: pte_to_pgoff is only meaningful when pte_file() and !pte_present()`);
      }
      return k.pte_to_pgoff(pte);
    },

    pfn_pte(pfn, protArg) {
      const protVal = typeof protArg === 'string' ? prot(protArg) : protArg;
      requireWord('pfn', pfn);
      requirePte(protVal, 'prot');
      requireProt('pfn_pte', protVal, typeof protArg === 'string', fieldMask(v.spec.pfn.field) & maskBig(P), k.pfn_pte, k.pte_pfn, pfn & maskBig(W));
      const kernelPte = k.pfn_pte(pfn, protVal);
      const limit = maskBig(c.pfnBits);
      if (pfn > limit) {
        throw new PteRangeError(
          `pfn ${hex(pfn, W)} does not fit ${name}: the pte holds ${c.pfnBits} pfn bits (largest ${hex(limit, W)}); ` +
            `the kernel would silently store ${hex(kernelPte, P)}, whose pte_pfn is ${hex(k.pte_pfn(kernelPte), W)}`,
          'pfn',
          pfn,
          limit,
          kernelPte,
        );
      }
      return kernelPte;
    },

    pte_pfn(pte) {
      requirePte(pte);
      const cls = v.classify(pte);
      if (cls !== 'present' && cls !== 'protnone') {
        throw new UnsupportedOperationError(`pte ${hex(pte, P)} is a ${cls} pte on ${name}: pte_pfn is only meaningful for present ptes`);
      }
      return k.pte_pfn(pte);
    },

    pfn_pmd: (pfn, protArg) => hugePmd('pfn_pmd', pfn, protArg),
    mk_huge_pmd: (pfn, protArg) => hugePmd('mk_huge_pmd', pfn, protArg),

    pmd_pfn(pmd) {
      requireThp('pmd_pfn');
      requirePte(pmd, 'pmd');
      if (!k.pmd_trans_huge(pmd)) {
        throw new UnsupportedOperationError(
          `pmd ${hex(pmd, P)} is not a huge pmd on ${name}: pmd_trans_huge is false, so it is none, a pte-table pointer or a swap/migration pmd, not a PMD-mapped THP`,
        );
      }
      return k.pmd_pfn(pmd);
    },

    pmd_trans_huge(pmd) {
      requireThp('pmd_trans_huge');
      requirePte(pmd, 'pmd');
      return k.pmd_trans_huge(pmd);
    },

    prot,

    migration_entry_pte(pfn, kind) {
      if (v.era === '2.6.21' && kind === 'read-exclusive') {
        throw new UnsupportedOperationError(`readable-exclusive migration entries do not exist in 2.6.21 (they came with anon-exclusive pages in 5.19)`);
      }
      const typeName = kind === 'write' ? 'SWP_MIGRATION_WRITE' : kind === 'read-exclusive' ? 'SWP_MIGRATION_READ_EXCLUSIVE' : 'SWP_MIGRATION_READ';
      const special = v.swapTypes.byName(typeName);
      if (!special) {
        throw new UnsupportedOperationError(`${name} has no migration entries: with CONFIG_MIGRATION=n make_migration_entry is a stub that returns swp_entry(0, 0)`);
      }
      const pfnBits = v.migration.pfnBits;
      // a pfn wider than an unsigned long is refused below as the swap offset it would be
      if (pfn <= maskBig(W) && pfn > maskBig(pfnBits)) {
        const kernelPte = k.swp_entry_to_pte(make_migration_entry(v, pfn, kind));
        const back = swp_offset_pfn(v, k.pte_to_swp_entry(kernelPte));
        throw new PteRangeError(
          `pfn ${hex(pfn, W)} does not fit a migration entry on ${name}: SWP_PFN_BITS is ${pfnBits} (largest ${hex(maskBig(pfnBits), W)}); ` +
            `the kernel would silently store pte ${hex(kernelPte, P)}, whose migration pfn reads back as ${hex(back, W)}`,
          'pfn',
          pfn,
          maskBig(pfnBits),
          kernelPte,
        );
      }
      return ops.swp_entry_to_pte(special.type, pfn, { special: true });
    },

    pte_marker_pte(marker) {
      if (v.era === '2.6.21') throw new UnsupportedOperationError(`${name} has no pte markers (they came in 5.19)`);
      if (!Number.isInteger(marker) || marker < 0 || (marker & ~PTE_MARKER_MASK) !== 0) {
        throw new PteRangeError(`pte marker ${marker} has bits outside PTE_MARKER_MASK on ${name} (0..${PTE_MARKER_MASK})`, 'pte marker', Number.isInteger(marker) && marker >= 0 ? BigInt(marker) : -1n, BigInt(PTE_MARKER_MASK));
      }
      return k.swp_entry_to_pte(make_pte_marker_entry(v, marker));
    },

    pte_mkuffd_wp(pte) {
      requirePte(pte);
      if (!v.caps.uffdWp) {
        throw new UnsupportedOperationError(`${name} has no uffd-wp pte bit: the arch does not select HAVE_ARCH_USERFAULTFD_WP, so pte_mkuffd_wp is the generic stub that leaves the pte as it is`);
      }
      return k.pte_mkuffd_wp(pte);
    },

    pte_mksoft_dirty(pte) {
      requirePte(pte);
      if (!v.caps.softDirty) {
        throw new UnsupportedOperationError(`${name} has no soft-dirty pte bit: the arch does not select HAVE_ARCH_SOFT_DIRTY, so CONFIG_MEM_SOFT_DIRTY cannot be set and pte_mksoft_dirty leaves the pte as it is`);
      }
      return k.pte_mksoft_dirty(pte);
    },
  };
  return ops;
}
