/**
 * What generic mm asks of a pte format, derived once per compiled variant
 * from the spec's typed roles, swap flags, _PAGE_CHG_MASK and Kconfig
 * selects: the capabilities mm/Kconfig builds from them, and each role as
 * a pair of u32 words the simulator tests and sets inline (the fast
 * layer's view). A role the arch does not have is 0 — the asm-generic
 * default, where the kernel's helper is a constant.
 */
import { fieldMask } from '../layout/field.js';
import type { KernelConfig } from '../spec/config.js';
import type { VariantSpec } from '../spec/variant-spec.js';
import { hi32, lo32, maskBig } from '../u64/pair.js';

/** A pte mask as the two u32 words of the fast layer: `(hi & w.hi) | (lo & w.lo)` tests it. */
export interface PteWords {
  readonly hi: number;
  readonly lo: number;
}

/**
 * The capabilities mm/Kconfig derives from what the arch selects, for this
 * variant (6.18 mm/Kconfig; none exists in 2.6.21, where every select is false).
 */
export interface VariantCaps {
  /** CONFIG_THP_SWAP: TRANSPARENT_HUGEPAGE && ARCH_WANTS_THP_SWAP && SWAP && 64BIT (mm/Kconfig 865–867) */
  readonly thpSwap: boolean;
  /** CONFIG_PT_RECLAIM: ARCH_SUPPORTS_PT_RECLAIM && MMU && SMP, default y (mm/Kconfig 1368–1371) */
  readonly ptReclaim: boolean;
  /** CONFIG_HAVE_ARCH_USERFAULTFD_WP, and so PTE_MARKER_UFFD_WP (mm/Kconfig 1266, 1284–1287): _PAGE_UFFD_WP and _PAGE_SWP_UFFD_WP exist */
  readonly uffdWp: boolean;
  /** CONFIG_MEM_SOFT_DIRTY can be set: HAVE_ARCH_SOFT_DIRTY (mm/Kconfig 1033–1035) */
  readonly softDirty: boolean;
  /** ARCH_HAS_PTE_SPECIAL: pte_special() is a real bit, not the generic `false` */
  readonly pteSpecial: boolean;
}

/** Each role of a present pte, and each swap-pte flag, as words; 0 where the arch has none. */
export interface RoleWords {
  /** pte_dirty(): the dirty bit and, where there is one, the saved-dirty bit (x86 _PAGE_DIRTY_BITS) */
  readonly dirty: PteWords;
  /** pte_young() */
  readonly young: PteWords;
  /** pte_write() */
  readonly write: PteWords;
  /** pte_special() (0 without ARCH_HAS_PTE_SPECIAL) */
  readonly special: PteWords;
  /** pte_soft_dirty() (0 without CONFIG_MEM_SOFT_DIRTY) */
  readonly softDirty: PteWords;
  /** pte_uffd_wp() (0 without CONFIG_HAVE_ARCH_USERFAULTFD_WP) */
  readonly uffdWp: PteWords;
  /** pte_swp_exclusive() */
  readonly swpExclusive: PteWords;
  /** pte_swp_soft_dirty() (0 without CONFIG_MEM_SOFT_DIRTY) */
  readonly swpSoftDirty: PteWords;
  /** pte_swp_uffd_wp() (0 without CONFIG_HAVE_ARCH_USERFAULTFD_WP) */
  readonly swpUffdWp: PteWords;
  /** _PAGE_CHG_MASK without the pfn: what pte_modify keeps from the old pte (mprotect) */
  readonly chgKeep: PteWords;
}

/** The roles as bit numbers, after the config: null where the variant has no such bit. */
export interface RoleBits {
  readonly softDirty: number | null;
  readonly swpSoftDirty: number | null;
  readonly uffdWp: number | null;
  readonly swpUffdWp: number | null;
  readonly swpExclusive: number | null;
}

export interface DerivedRoles {
  readonly caps: VariantCaps;
  readonly words: RoleWords;
  readonly bits: RoleBits;
  /** the same masks as BigInt, for the kernel-faithful and checked layers */
  readonly masks: { readonly [K in keyof RoleWords]: bigint };
  /** _PAGE_CHG_MASK whole: the flags kept plus the pfn field */
  readonly PAGE_CHG_MASK: bigint;
}

const bitOf = (n: number | null | undefined): bigint => (n === null || n === undefined ? 0n : 1n << BigInt(n));
const words = (mask: bigint): PteWords => ({ hi: hi32(mask), lo: lo32(mask) });

export function deriveRoles(spec: VariantSpec, _config: KernelConfig): DerivedRoles {
  const r = spec.roles;
  const sel = spec.selects;
  const flags = spec.swap.flags ?? {};
  const where = `${spec.id}@${spec.era}`;
  // A select without the bits it promises is a backend mistake: refuse it rather than switch the feature off.
  if (sel.HAVE_ARCH_USERFAULTFD_WP && (r.uffdWp === null || flags.uffdWp === undefined)) {
    throw new Error(`${where} selects HAVE_ARCH_USERFAULTFD_WP but declares no ${r.uffdWp === null ? 'roles.uffdWp (_PAGE_UFFD_WP)' : 'swap.flags.uffdWp (_PAGE_SWP_UFFD_WP)'}`);
  }
  if (sel.HAVE_ARCH_SOFT_DIRTY && r.softDirty === null) throw new Error(`${where} selects HAVE_ARCH_SOFT_DIRTY but declares no roles.softDirty (_PAGE_SOFT_DIRTY)`);
  if (sel.ARCH_HAS_PTE_SPECIAL && r.special === null) throw new Error(`${where} selects ARCH_HAS_PTE_SPECIAL but declares no roles.special (_PAGE_SPECIAL)`);
  const caps: VariantCaps = {
    thpSwap: spec.huge !== undefined && sel.ARCH_WANTS_THP_SWAP && spec.wordBits === 64,
    ptReclaim: sel.ARCH_SUPPORTS_PT_RECLAIM,
    uffdWp: sel.HAVE_ARCH_USERFAULTFD_WP,
    softDirty: sel.HAVE_ARCH_SOFT_DIRTY,
    pteSpecial: sel.ARCH_HAS_PTE_SPECIAL,
  };
  // Under a config without the feature the kernel's macro is 0 (pgtable_types.h: _PAGE_SOFT_DIRTY, _PAGE_UFFD_WP).
  const bits: RoleBits = {
    softDirty: caps.softDirty ? r.softDirty : null,
    swpSoftDirty: caps.softDirty ? (flags.softDirty ?? null) : null,
    uffdWp: caps.uffdWp ? r.uffdWp : null,
    swpUffdWp: caps.uffdWp ? (flags.uffdWp ?? null) : null,
    swpExclusive: flags.exclusive ?? null,
  };
  const P = maskBig(spec.pteBits);
  const masks = {
    dirty: bitOf(r.dirty) | bitOf(r.savedDirty),
    young: bitOf(r.young),
    write: bitOf(r.write),
    special: caps.pteSpecial ? bitOf(r.special) : 0n,
    softDirty: bitOf(bits.softDirty),
    uffdWp: bitOf(bits.uffdWp),
    swpExclusive: bitOf(bits.swpExclusive),
    swpSoftDirty: bitOf(bits.swpSoftDirty),
    swpUffdWp: bitOf(bits.swpUffdWp),
    chgKeep: spec.chgMask.flags & P & ~fieldMask(spec.pfn.field),
  };
  const out = {} as Record<keyof RoleWords, PteWords>;
  for (const [k, m] of Object.entries(masks)) out[k as keyof RoleWords] = words(m);
  return { caps, words: out, bits, masks, PAGE_CHG_MASK: (spec.chgMask.flags | fieldMask(spec.pfn.field)) & P };
}
