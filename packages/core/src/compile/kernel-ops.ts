/**
 * The kernel-faithful layer, in BigInt: each function restates one kernel
 * macro literally, in the kernel's order of composition (generic
 * swp_entry → arch __swp_entry → __swp_entry_to_pte, and back), with the C
 * operand widths, silent truncation included. It is the readable reference
 * and the oracle for the generated u32-pair fast path, which takes a
 * different route (fused, pre-derived fields) to the same bits.
 */
import { decodeFieldBig, encodeFieldBig } from '../layout/reference.js';
import type { Field } from '../layout/field.js';
import { swp_entry, swp_offset, swp_type, type SwpEntryLayout } from '../generic/swp-entry.js';
import type { KernelConfig } from '../spec/config.js';
import { noThpReason } from '../spec/thp.js';
import { modifierSteps, type ModifierName, type ModifierStep, type VariantSpec } from '../spec/variant-spec.js';
import { maskBig, truncate } from '../u64/pair.js';
import type { DerivedRoles } from './roles.js';

/** A kernel BUG()/VM_BUG_ON the model refuses to run past. */
export class KernelBugError extends Error {
  override readonly name = 'KernelBugError';
}

export interface KernelOps {
  swp_entry(type: bigint | number, offset: bigint): bigint;
  swp_type(entry: bigint): number;
  swp_offset(entry: bigint): bigint;
  /** arch swp_entry_t from (type, offset) */
  __swp_entry(type: bigint | number, offset: bigint): bigint;
  __swp_type(arch: bigint): number;
  __swp_offset(arch: bigint): bigint;
  __swp_entry_to_pte(arch: bigint): bigint;
  __pte_to_swp_entry(pte: bigint): bigint;
  /** 2.6.21: BUG()s on a file pte (swapops.h); 6.18: clears the swap-pte flag bits first */
  pte_to_swp_entry(pte: bigint): bigint;
  swp_entry_to_pte(entry: bigint): bigint;
  /** throws KernelBugError where the kernel has a BUG() stub (CONFIG_NONLINEAR=n) or no such macro (6.18) */
  pgoff_to_pte(pgoff: bigint): bigint;
  pte_to_pgoff(pte: bigint): bigint;
  /** the masked value the C function returns */
  pte_file(pte: bigint): bigint;
  pte_none(pte: bigint): boolean;
  pte_present(pte: bigint): boolean;
  pte_protnone(pte: bigint): boolean;
  /** 6.18 ppc64 radix-MMU pte_none; the hash one elsewhere */
  pte_none_radix(pte: bigint): boolean;
  is_swap_pte(pte: bigint): boolean;
  pfn_pte(pfn: bigint, prot: bigint): bigint;
  pte_pfn(pte: bigint): bigint;
  /** pte_mkwrite, pte_wrprotect, … by name, as the variant defines them */
  modify(name: ModifierName, pte: bigint): bigint;
  pte_swp_mkexclusive(pte: bigint): bigint;
  pte_swp_exclusive(pte: bigint): boolean;
  pte_swp_clear_exclusive(pte: bigint): bigint;
  pte_swp_mksoft_dirty(pte: bigint): bigint;
  pte_swp_soft_dirty(pte: bigint): boolean;
  pte_swp_clear_soft_dirty(pte: bigint): bigint;
  pte_swp_mkuffd_wp(pte: bigint): bigint;
  pte_swp_uffd_wp(pte: bigint): boolean;
  pte_swp_clear_uffd_wp(pte: bigint): bigint;
  // --- the generic pte helpers, from the spec's roles; each is the asm-generic stub where the role is null ---
  /** pte_dirty(): the dirty bit, or the saved-dirty one (x86 _PAGE_DIRTY_BITS) */
  pte_dirty(pte: bigint): boolean;
  pte_young(pte: bigint): boolean;
  pte_write(pte: bigint): boolean;
  /** false without ARCH_HAS_PTE_SPECIAL */
  pte_special(pte: bigint): boolean;
  /** false without CONFIG_MEM_SOFT_DIRTY (HAVE_ARCH_SOFT_DIRTY) */
  pte_soft_dirty(pte: bigint): boolean;
  /** the pte unchanged without CONFIG_MEM_SOFT_DIRTY */
  pte_mksoft_dirty(pte: bigint): bigint;
  pte_clear_soft_dirty(pte: bigint): bigint;
  /** false without CONFIG_HAVE_ARCH_USERFAULTFD_WP */
  pte_uffd_wp(pte: bigint): boolean;
  /** sets _PAGE_UFFD_WP and write-protects (x86 pgtable.h pte_mkuffd_wp); the pte unchanged without the capability */
  pte_mkuffd_wp(pte: bigint): bigint;
  pte_clear_uffd_wp(pte: bigint): bigint;
  /** _PAGE_CHG_MASK: the bits pte_modify keeps, pfn field included */
  readonly PAGE_CHG_MASK: bigint;
  // --- PMD-mapped THP (6.18); each throws KernelBugError where the variant has no THP ---
  /** the arch pfn_pmd: x86 masks the pfn to PHYSICAL_PMD_PAGE_MASK and sets no _PAGE_PSE; ppc64 book3s sets the huge bits itself */
  pfn_pmd(pfn: bigint, prot: bigint): bigint;
  /** pmd_pfn: x86 reads through pmd_pfn_mask (the huge mask only when _PAGE_PSE is set), L1TF-inverted like pte_pfn */
  pmd_pfn(pmd: bigint): bigint;
  pmd_mkhuge(pmd: bigint): bigint;
  /** pmd_mkhuge(pfn_pmd(pfn, prot)): what folio_mk_pmd / the THP fault path install */
  mk_huge_pmd(pfn: bigint, prot: bigint): bigint;
  pmd_trans_huge(pmd: bigint): boolean;
  pmd_present(pmd: bigint): boolean;
}

const bit = (n: number | undefined): bigint => (n === undefined ? 0n : 1n << BigInt(n));

export function kernelOps(spec: VariantSpec, config: KernelConfig, generic: SwpEntryLayout, supportedMask: bigint, roles: DerivedRoles): KernelOps {
  const W = spec.wordBits;
  const P = spec.pteBits;
  const { arch, toPte, flags } = spec.swap;
  const flagMask = bit(flags?.exclusive) | bit(flags?.softDirty) | bit(flags?.uffdWp);
  const nonlinear = spec.era === '2.6.21' && config.NONLINEAR && spec.file !== undefined;
  const pred = spec.predicates;
  const fileMask = nonlinear ? (pred.file ?? 0n) : 0n;

  const __swp_entry = (type: bigint | number, offset: bigint): bigint =>
    truncate(encodeFieldBig(arch.type, BigInt(type)) | encodeFieldBig(arch.offset, offset), W);
  const __swp_type = (a: bigint): number => Number(decodeFieldBig(arch.type, truncate(a, W)));
  const __swp_offset = (a: bigint): bigint => decodeFieldBig(arch.offset, truncate(a, W));
  const __swp_entry_to_pte = (a: bigint): bigint => {
    if (toPte.kind === 'shift') return truncate((truncate(a, W) << BigInt(toPte.shift)) | (toPte.set ?? 0n), P);
    return truncate(encodeFieldBig(toPte.type, BigInt(__swp_type(a))) | encodeFieldBig(toPte.offset, __swp_offset(a)), P);
  };
  const __pte_to_swp_entry = (pte: bigint): bigint => {
    const p = truncate(pte, P);
    if (toPte.kind === 'shift') return truncate((p & ~(toPte.set ?? 0n)) >> BigInt(toPte.shift), W);
    return __swp_entry(decodeFieldBig(toPte.type, p), decodeFieldBig(toPte.offset, p));
  };
  const pte_file = (pte: bigint): bigint => truncate(pte, P) & fileMask;
  const pte_none = (pte: bigint): boolean => (truncate(pte, P) & ~pred.none.ignore) === 0n;
  const matchesAny = (ms: readonly { mask: bigint; value: bigint }[], v: bigint) => ms.some((m) => (v & m.mask) === m.value);
  const pte_present = (pte: bigint): boolean => matchesAny(pred.present, truncate(pte, P));
  const needsInvert = (v: bigint): boolean => v !== 0n && (v & 1n) === 0n;
  /** The pfn field as pfn_pte/pte_pfn (and the pmd forms) see it: inverted for a non-zero non-present word under L1TF (pgtable-invert.h). */
  const pfnField = (pf: { readonly field: Field; readonly l1tfInvert?: boolean }, word: bigint): Field =>
    pf.l1tfInvert === true && needsInvert(word) ? { ...pf.field, invert: !pf.field.invert } : pf.field;
  /** check_pgprot(): __supported_pte_mask applied to a present prot (6.18 x86) */
  const checkedProt = (pf: { readonly supportedMask?: 'result' | 'present-prot' }, prot: bigint): bigint =>
    pf.supportedMask === 'present-prot' && (prot & 1n) !== 0n ? prot & supportedMask : prot;

  const requireFile = (what: string) => {
    if (spec.era !== '2.6.21' || !spec.file) throw new KernelBugError(`${what}: ${spec.id} ${spec.era} has no nonlinear file ptes`);
    if (!config.NONLINEAR) throw new KernelBugError(`${what}: BUG() — CONFIG_NONLINEAR=n stubs it out`);
    return spec.file;
  };
  /** a modifier's steps in order: each sets then clears, when its matcher (if any) matches the pte so far */
  const applySteps = (steps: readonly ModifierStep[], pte: bigint): bigint => {
    let p = truncate(pte, P);
    for (const st of steps) if (!st.when || (p & st.when.mask) === st.when.value) p = truncate((p | (st.set ?? 0n)) & ~(st.clear ?? 0n), P);
    return p;
  };

  const rm = roles.masks;

  const huge = spec.huge; // compileVariant refuses huge on a 2.6.21 spec
  const requireHuge = (what: string) => {
    if (!huge) {
      throw new KernelBugError(`${what}: ${spec.id} ${spec.era} has no PMD-mapped transparent huge pages: ${noThpReason(spec.era)}`);
    }
    return huge;
  };
  const pfn_pmd = (pfn: bigint, prot: bigint): bigint => {
    const h = requireHuge('pfn_pmd').pfn;
    let placed = encodeFieldBig(pfnField(h, prot), truncate(pfn, W));
    // pfn &= PHYSICAL_PMD_PAGE_MASK
    if (h.maskToHpage) placed &= ~maskBig(huge!.HPAGE_PMD_SHIFT);
    return truncate(placed | checkedProt(h, prot) | (h.set ?? 0n), P);
  };
  const pmd_mkhuge = (pmd: bigint): bigint => {
    const mk = requireHuge('pmd_mkhuge').mkhuge;
    return truncate((pmd & ~(mk.clear ?? 0n)) | mk.set, P);
  };

  return {
    swp_entry: (type, offset) => swp_entry(generic, BigInt(type), offset),
    swp_type: (e) => swp_type(generic, e),
    swp_offset: (e) => swp_offset(generic, e),
    __swp_entry,
    __swp_type,
    __swp_offset,
    __swp_entry_to_pte,
    __pte_to_swp_entry,
    pte_to_swp_entry(pte) {
      if (spec.era === '2.6.21' && pte_file(pte) !== 0n) {
        throw new KernelBugError('pte_to_swp_entry: BUG_ON(pte_file(pte)) — a nonlinear file pte is not a swap entry');
      }
      const a = __pte_to_swp_entry(truncate(pte, P) & ~flagMask);
      return swp_entry(generic, BigInt(__swp_type(a)), __swp_offset(a));
    },
    swp_entry_to_pte(entry) {
      const pte = __swp_entry_to_pte(__swp_entry(swp_type(generic, entry), swp_offset(generic, entry)));
      if (spec.era === '2.6.21' && pte_file(pte) !== 0n) {
        throw new KernelBugError('swp_entry_to_pte: BUG_ON(pte_file(pte)) — the arch packing produced a file pte');
      }
      return pte;
    },
    pgoff_to_pte(pgoff) {
      const file = requireFile('pgoff_to_pte');
      return truncate(encodeFieldBig(file.pgoff, truncate(pgoff, W)) | file.set, P);
    },
    pte_to_pgoff(pte) {
      const file = requireFile('pte_to_pgoff');
      return truncate(decodeFieldBig(file.pgoff, truncate(pte, P)), W);
    },
    pte_file,
    pte_none,
    pte_present,
    pte_protnone: (pte) => pred.protnone !== undefined && (truncate(pte, P) & pred.protnone.mask) === pred.protnone.value,
    pte_none_radix: (pte) => (truncate(pte, P) & ~(pred.noneRadix ?? pred.none).ignore) === 0n,
    is_swap_pte: (pte) => !pte_none(pte) && !pte_present(pte) && pte_file(pte) === 0n,
    pfn_pte(pfn, prot) {
      const pf = spec.pfn;
      let pte = encodeFieldBig(pfnField(pf, prot), truncate(pfn, W)) | checkedProt(pf, prot) | (pf.set ?? 0n);
      if (pf.supportedMask === 'result') pte &= supportedMask;
      return truncate(pte, P);
    },
    pte_pfn(pte) {
      const p = truncate(pte, P);
      return truncate(decodeFieldBig(pfnField(spec.pfn, p), p), W);
    },
    modify(name, pte) {
      const m = spec.modifiers[name];
      if (!m) throw new Error(`${spec.id} ${spec.era} has no modifier '${name}' (has: ${Object.keys(spec.modifiers).join(', ')})`);
      return applySteps(modifierSteps(m), pte);
    },
    pte_swp_mkexclusive: (pte) => truncate(pte | bit(flags?.exclusive), P),
    pte_swp_exclusive: (pte) => (pte & bit(flags?.exclusive)) !== 0n,
    pte_swp_clear_exclusive: (pte) => pte & ~bit(flags?.exclusive),
    pte_swp_mksoft_dirty: (pte) => truncate(pte | bit(flags?.softDirty), P),
    pte_swp_soft_dirty: (pte) => (pte & bit(flags?.softDirty)) !== 0n,
    pte_swp_clear_soft_dirty: (pte) => pte & ~bit(flags?.softDirty),
    pte_swp_mkuffd_wp: (pte) => truncate(pte | bit(flags?.uffdWp), P),
    pte_swp_uffd_wp: (pte) => (pte & bit(flags?.uffdWp)) !== 0n,
    pte_swp_clear_uffd_wp: (pte) => pte & ~bit(flags?.uffdWp),
    pte_dirty: (pte) => (pte & rm.dirty) !== 0n,
    pte_young: (pte) => (pte & rm.young) !== 0n,
    pte_write: (pte) => (pte & rm.write) !== 0n,
    pte_special: (pte) => (pte & rm.special) !== 0n,
    pte_soft_dirty: (pte) => (pte & rm.softDirty) !== 0n,
    pte_mksoft_dirty: (pte) => truncate(pte | rm.softDirty, P),
    pte_clear_soft_dirty: (pte) => truncate(pte & ~rm.softDirty, P),
    pte_uffd_wp: (pte) => (pte & rm.uffdWp) !== 0n,
    pte_mkuffd_wp(pte) {
      if (rm.uffdWp === 0n) return truncate(pte, P);
      // pte_mkuffd_wp = pte_wrprotect(pte with the bit set), the arch's pte_wrprotect whole
      const wp = spec.modifiers.pte_wrprotect;
      return applySteps(wp ? modifierSteps(wp) : [], truncate(pte | rm.uffdWp, P));
    },
    pte_clear_uffd_wp: (pte) => truncate(pte & ~rm.uffdWp, P),
    PAGE_CHG_MASK: roles.PAGE_CHG_MASK,
    pfn_pmd,
    pmd_pfn(pmd) {
      const hg = requireHuge('pmd_pfn');
      const h = hg.pfn;
      const p = truncate(pmd, P);
      let pfn = decodeFieldBig(pfnField(h, p), p);
      // pmd_pfn_mask: PHYSICAL_PMD_PAGE_MASK for a huge pmd, PTE_PFN_MASK otherwise
      if (h.maskToHpage && (!h.maskWhen || (p & h.maskWhen.mask) === h.maskWhen.value)) {
        pfn &= ~maskBig(hg.HPAGE_PMD_SHIFT - h.field.spans[0]!.lsb);
      }
      return truncate(pfn, W);
    },
    pmd_mkhuge,
    mk_huge_pmd: (pfn, prot) => pmd_mkhuge(pfn_pmd(pfn, prot)),
    pmd_trans_huge: (pmd) => matchesAny(requireHuge('pmd_trans_huge').transHuge.match, truncate(pmd, P)),
    pmd_present: (pmd) => matchesAny(requireHuge('pmd_present').present.match, truncate(pmd, P)),
  };
}

