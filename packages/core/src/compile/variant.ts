/**
 * compileVariant(spec, config): one backend variant in one era under one
 * configuration, with everything derived from its data — the fast pair API,
 * the kernel-faithful BigInt layer, the checked layer, limits, classifier.
 */
import { swapTypes, type SwapTypes } from '../generic/swap-types.js';
import { swpEntryLayout, type SwpEntryLayout } from '../generic/swp-entry.js';
import { fieldWidth } from '../layout/field.js';
import { DEFAULT_CONFIG, describeConfig, type KernelConfig } from '../spec/config.js';
import type { Era } from '../spec/era.js';
import { noThpReason } from '../spec/thp.js';
import { modifierSteps, type HugePmdSpec, type ModifierName, type ModifierSpec, type VariantSpec } from '../spec/variant-spec.js';
import { hi32, lo32, maskBig } from '../u64/pair.js';
import { checkedOps, type CheckedOps } from './checked.js';
import { deriveSwap, type DerivedSwap } from './derive-swap.js';
import { PteClassCode, PTE_CLASSES, type FastModifier, type FastOps, type PteClass } from './fast-ops.js';
import { compileFast, compileModifier, fastSource, type FastHugeInputs } from './generate.js';
import { kernelOps, type KernelOps } from './kernel-ops.js';
import { deriveRoles, type RoleBits, type RoleWords, type VariantCaps } from './roles.js';
import { make_pte_marker_entry, migrationEntrySupportsAd, swpPfnBits } from '../generic/special-entries.js';

export interface SwapSizeLimit {
  /** the kernel's name for the limit: kernel_swapon_maxpages (2.6.21) or generic_max_swapfile_size (6.18) */
  readonly name: 'kernel_swapon_maxpages' | 'generic_max_swapfile_size';
  /** in pages */
  readonly pages: bigint;
}

export interface VariantConstants {
  readonly PAGE_SHIFT: number;
  readonly PAGE_SIZE: number;
  readonly wordBits: 32 | 64;
  readonly pteBits: 32 | 64;
  /** bits of virtual address the levels translate */
  readonly vaBits: number;
  readonly SWP_TYPE_SHIFT: number;
  readonly SWP_OFFSET_MASK: bigint;
  readonly MAX_SWAPFILES: number;
  /** width of the arch's type decode mask (6 on 2.6.21 x86_64/ppc64, of which 5 are used) */
  readonly archSwapTypeFieldBits: number;
  /** largest offset that survives swp_entry(0, offset) → pte → back, probed as the kernel does */
  readonly maxSwapOffset: bigint;
  readonly maxSwapOffsetBits: number;
  readonly swapSizeLimit: SwapSizeLimit;
  /** null in 6.18 (no nonlinear mappings); 0 with CONFIG_NONLINEAR=n */
  readonly PTE_FILE_MAX_BITS: number | null;
  /** low pgoff bits that really survive pgoff_to_pte → pte_to_pgoff (can be fewer than PTE_FILE_MAX_BITS) */
  readonly fileRoundtripBits: number | null;
  /** pfn bits that survive pfn_pte → pte_pfn */
  readonly pfnBits: number;
  /** MAX_PHYSMEM_BITS */
  readonly physBits: number;
  /** PMD-mapped transparent huge pages: false in 2.6.21 and where the variant's config cannot have CONFIG_TRANSPARENT_HUGEPAGE */
  readonly hasThp: boolean;
  /** HPAGE_PMD_SHIFT (= PMD_SHIFT); null without THP */
  readonly HPAGE_PMD_SHIFT: number | null;
  /** HPAGE_PMD_ORDER = HPAGE_PMD_SHIFT − PAGE_SHIFT; null without THP */
  readonly HPAGE_PMD_ORDER: number | null;
  /**
   * pfn bits a huge pmd holds: the largest HPAGE_PMD-aligned pfn that survives
   * mk_huge_pmd → pmd_pfn is 2^hugePfnBits − 2^HPAGE_PMD_ORDER; null without THP
   */
  readonly hugePfnBits: number | null;
  /**
   * TASK_SIZE in bytes: user mappings lie in [0, TASK_SIZE) (spec.TASK_SIZE;
   * without it, the page tables' reach — see taskSizeDeclared)
   */
  readonly TASK_SIZE: bigint;
  /** TASK_SIZE in pages (TASK_SIZE >> PAGE_SHIFT): a safe integer the simulator's page-number checks use */
  readonly TASK_SIZE_PAGES: number;
  /** whether the backend declared TASK_SIZE (false: the generic default, 2^vaBits clamped to the word) */
  readonly taskSizeDeclared: boolean;
}

/** One conditional step as words: when (pte & when) === value, pte = (pte | set) & keep. */
export interface ModifierStepWords {
  readonly whenHi: number;
  readonly whenLo: number;
  readonly valueHi: number;
  readonly valueLo: number;
  readonly setHi: number;
  readonly setLo: number;
  readonly keepHi: number;
  readonly keepLo: number;
}

/**
 * A modifier as words. A plain set/clear modifier is `(pte | set) & keep`;
 * one whose result depends on the pte (arm64 pte_mkdirty, pte_mkwrite,
 * pte_wrprotect) has `steps`, applied in order, and then set 0 / keep all
 * here so nobody folds it by mistake into a fixed mask.
 */
export interface ModifierWords {
  readonly setHi: number;
  readonly setLo: number;
  readonly keepHi: number;
  readonly keepLo: number;
  readonly steps?: readonly ModifierStepWords[];
}

export interface Variant {
  readonly spec: VariantSpec;
  readonly id: string;
  readonly era: Era;
  readonly arch: string;
  readonly config: KernelConfig;
  /** `x86_64@6.18`, plus `+CONFIG_X=n` for non-default configs */
  readonly key: string;
  readonly constants: VariantConstants;
  readonly generic: SwpEntryLayout;
  readonly swapTypes: SwapTypes;
  readonly derivedSwap: DerivedSwap;
  /** __supported_pte_mask as configured */
  readonly supportedMask: bigint;
  /** the u32-pair API: no allocation, no BigInt */
  readonly fast: FastOps;
  /** pte_mk* / pte_wrprotect / … on pairs */
  readonly fastModifiers: Readonly<Partial<Record<ModifierName, FastModifier>>>;
  /** the same modifiers as words to apply inline: pte = ((pte | set) & keep) per word */
  readonly modifierWords: Readonly<Partial<Record<ModifierName, ModifierWords>>>;
  /** the generated JavaScript behind `fast` */
  readonly fastSource: string;
  /** the kernel-faithful layer: C macros bit for bit, truncation included */
  readonly kernel: KernelOps;
  /** the checked layer: refuses what does not fit, says what the kernel would do */
  readonly checked: CheckedOps;
  /** the Kconfig capabilities mm/Kconfig derives from what the arch selects (THP_SWAP, PT_RECLAIM, …) */
  readonly caps: VariantCaps;
  /** each pte role and swap-pte flag as fast-layer words (0 where the arch has none) */
  readonly roleWords: RoleWords;
  /** the roles as bit numbers after the config (null where the variant has none) */
  readonly roleBits: RoleBits;
  /** migration entries (include/linux/swapops.h): SWP_PFN_BITS, and whether young/dirty ride above them (6.18 SWP_MIG_YOUNG/DIRTY) */
  readonly migration: { readonly pfnBits: number; readonly ad: boolean };
  /** make_pte_marker(marker) as the pte's words (hi, lo), computed once per marker value; throws in 2.6.21 (no markers) */
  markerPte(marker: number): readonly [number, number];
  /** total classifier, the kernel's order */
  classify(pte: bigint): PteClass;
}

/**
 * TASK_SIZE as declared, checked against what the levels translate; absent,
 * the levels' whole reach (2^vaBits, at most 2^wordBits): no user address
 * can then alias another in the page tables, though the real kernel's limit
 * is usually lower (x86_64 keeps the upper half for itself).
 */
function taskSize(spec: VariantSpec, vaBits: number): bigint {
  const reach = 1n << BigInt(Math.min(vaBits, spec.wordBits));
  const declared = spec.TASK_SIZE?.bytes;
  if (declared === undefined) return reach;
  const page = 1n << BigInt(spec.PAGE_SHIFT);
  if (declared <= 0n || declared > reach || declared % page !== 0n) {
    throw new RangeError(
      `${spec.id}@${spec.era}: TASK_SIZE 0x${declared.toString(16)} must be a positive multiple of the page size (0x${page.toString(16)}) and at most the page tables' reach 0x${reach.toString(16)}`,
    );
  }
  return declared;
}

function countLowOnes(value: bigint): number {
  let n = 0;
  while ((value >> BigInt(n)) & 1n) n++;
  return n;
}

function typeClassTable(types: SwapTypes): number[] {
  const table: number[] = [];
  for (let t = 0; t < 64; t++) {
    const special = types.byType(t);
    table.push(special ? PteClassCode[special.kind] : PteClassCode.swap);
  }
  return table;
}

function fastHugeInputs(h: HugePmdSpec): FastHugeInputs {
  if (h.pfn.maskToHpage && h.pfn.field.spans.length !== 1) throw new Error(`huge pmd pfn field ${h.pfn.field.name}: maskToHpage needs a single span`);
  return {
    hpageShift: h.HPAGE_PMD_SHIFT,
    pfn: h.pfn.field,
    maskToHpage: h.pfn.maskToHpage === true,
    ...(h.pfn.maskWhen ? { maskWhen: h.pfn.maskWhen } : {}),
    l1tf: h.pfn.l1tfInvert === true,
    supportedMode: h.pfn.supportedMask ?? 'none',
    set: h.pfn.set ?? 0n,
    mkhuge: h.mkhuge.set,
    mkhugeClear: h.mkhuge.clear ?? 0n,
    transHuge: h.transHuge.match,
    present: h.present.match,
  };
}

const cache = new WeakMap<VariantSpec, Map<string, Variant>>();

export function compileVariant(spec: VariantSpec, config: KernelConfig = DEFAULT_CONFIG): Variant {
  const cfgKey = describeConfig(spec.era, config);
  let perSpec = cache.get(spec);
  if (!perSpec) cache.set(spec, (perSpec = new Map()));
  const hit = perSpec.get(cfgKey);
  if (hit) return hit;

  if (spec.huge && spec.era !== '6.18') {
    throw new Error(`${spec.id}@${spec.era} declares huge (PMD-mapped THP), but ${noThpReason('2.6.21')}: only 6.18-era variants can have it`);
  }
  const huge = spec.huge;
  const generic = swpEntryLayout(spec.era, spec.wordBits);
  const types = swapTypes(spec.era, config);
  const derived = deriveSwap(spec, generic);
  const nx = spec.nxBit !== undefined && !config.X86_NX ? 1n << BigInt(spec.nxBit) : 0n;
  const supportedMask = maskBig(spec.pteBits) & ~nx;
  const nonlinear = spec.era === '2.6.21' && config.NONLINEAR && spec.file !== undefined;
  const fileMask = nonlinear ? (spec.predicates.file ?? 0n) : 0n;

  const source = fastSource({
    pteBits: spec.pteBits,
    wordBits: spec.wordBits,
    pteType: derived.pteType,
    pteOffset: derived.pteOffset,
    swapSet: derived.set,
    swapFlagMask: derived.flagMask,
    typeBits: derived.typeBits,
    offsetBits: derived.offsetBits,
    ...(nonlinear && spec.file ? { file: { pgoff: spec.file.pgoff, set: spec.file.set } } : {}),
    fileMask,
    pfn: spec.pfn.field,
    pfnSet: spec.pfn.set ?? 0n,
    pfnL1tf: spec.pfn.l1tfInvert === true,
    supportedMask,
    supportedMode: spec.pfn.supportedMask ?? 'none',
    noneIgnore: spec.predicates.none.ignore,
    present: spec.predicates.present,
    ...(spec.predicates.protnone ? { protnone: spec.predicates.protnone } : {}),
    typeClass: typeClassTable(types),
    ...(huge ? { huge: fastHugeInputs(huge) } : {}),
  });
  const fast = compileFast(source);
  // Modifiers are compiled on first use: most callers (the CLI) never touch them.
  const fastModifiers: Partial<Record<ModifierName, FastModifier>> = {};
  const modifierWords: Partial<Record<ModifierName, ModifierWords>> = {};
  for (const [name, m] of Object.entries(spec.modifiers) as [ModifierName, ModifierSpec][]) {
    let compiled: FastModifier | undefined;
    const steps = modifierSteps(m);
    Object.defineProperty(fastModifiers, name, {
      enumerable: true,
      get: () => (compiled ??= compileModifier(steps, spec.pteBits)),
    });
    const P = maskBig(spec.pteBits);
    if (m.steps === undefined) {
      const keep = ~(m.clear ?? 0n) & P;
      modifierWords[name] = { setHi: hi32(m.set ?? 0n), setLo: lo32(m.set ?? 0n), keepHi: hi32(keep), keepLo: lo32(keep) };
    } else {
      const words = steps.map((st) => {
        const keep = ~(st.clear ?? 0n) & P;
        const when = st.when ?? { mask: 0n, value: 0n };
        return { whenHi: hi32(when.mask), whenLo: lo32(when.mask), valueHi: hi32(when.value), valueLo: lo32(when.value), setHi: hi32(st.set ?? 0n), setLo: lo32(st.set ?? 0n), keepHi: hi32(keep), keepLo: lo32(keep) };
      });
      modifierWords[name] = { setHi: 0, setLo: 0, keepHi: hi32(P), keepLo: lo32(P), steps: words };
    }
  }
  const roles = deriveRoles(spec, config);
  const kernel = kernelOps(spec, config, generic, supportedMask, roles);

  // Limits, probed through the faithful layer the way the kernel probes them.
  const probe = kernel.swp_offset(kernel.pte_to_swp_entry(kernel.swp_entry_to_pte(kernel.swp_entry(0, maskBig(spec.wordBits)))));
  const maxSwapOffset = probe;
  const swapSizeLimit: SwapSizeLimit =
    spec.era === '2.6.21'
      ? { name: 'kernel_swapon_maxpages', pages: maxSwapOffset - 1n }
      : { name: 'generic_max_swapfile_size', pages: maxSwapOffset + 1n };
  let fileRoundtripBits: number | null = null;
  let fileMaxBits: number | null = null;
  if (spec.era === '2.6.21' && spec.file) {
    fileMaxBits = nonlinear ? spec.file.PTE_FILE_MAX_BITS : 0;
    fileRoundtripBits = nonlinear ? countLowOnes(kernel.pte_to_pgoff(kernel.pgoff_to_pte(maskBig(spec.wordBits)))) : 0;
  }
  // Probe with a present prot: a non-present one would be L1TF-inverted by pte_pfn on 6.18 x86.
  const presentProt = spec.predicates.present[0]?.value ?? 0n;
  const pfnBits = countLowOnes(kernel.pte_pfn(kernel.pfn_pte(maskBig(spec.wordBits), presentProt)));
  // The largest aligned pfn that survives mk_huge_pmd → pmd_pfn, probed the same way.
  let hugePfnBits: number | null = null;
  if (huge) {
    const order = huge.HPAGE_PMD_SHIFT - spec.PAGE_SHIFT;
    const back = kernel.pmd_pfn(kernel.mk_huge_pmd(maskBig(spec.wordBits) & ~maskBig(order), presentProt));
    hugePfnBits = back === 0n ? 0 : back.toString(2).length;
  }
  const top = spec.levels[0]!;
  const TASK_SIZE = taskSize(spec, top.shift + top.bits);
  const constants: VariantConstants = {
    PAGE_SHIFT: spec.PAGE_SHIFT,
    PAGE_SIZE: 2 ** spec.PAGE_SHIFT,
    wordBits: spec.wordBits,
    pteBits: spec.pteBits,
    vaBits: top.shift + top.bits,
    SWP_TYPE_SHIFT: generic.SWP_TYPE_SHIFT,
    SWP_OFFSET_MASK: generic.SWP_OFFSET_MASK,
    MAX_SWAPFILES: types.MAX_SWAPFILES,
    archSwapTypeFieldBits: fieldWidth(spec.swap.arch.type),
    maxSwapOffset,
    maxSwapOffsetBits: countLowOnes(maxSwapOffset),
    swapSizeLimit,
    PTE_FILE_MAX_BITS: fileMaxBits,
    fileRoundtripBits,
    pfnBits,
    physBits: spec.physBits,
    hasThp: huge !== undefined,
    HPAGE_PMD_SHIFT: huge ? huge.HPAGE_PMD_SHIFT : null,
    HPAGE_PMD_ORDER: huge ? huge.HPAGE_PMD_SHIFT - spec.PAGE_SHIFT : null,
    hugePfnBits,
    TASK_SIZE,
    TASK_SIZE_PAGES: Number(TASK_SIZE >> BigInt(spec.PAGE_SHIFT)),
    taskSizeDeclared: spec.TASK_SIZE !== undefined,
  };

  const cfgSuffix = cfgKey ? `+${cfgKey}` : '';
  const markers = new Map<number, readonly [number, number]>();
  const variant: Variant = {
    spec,
    id: spec.id,
    era: spec.era,
    arch: spec.arch,
    config,
    key: `${spec.id}@${spec.era}${cfgSuffix}`,
    constants,
    generic,
    swapTypes: types,
    derivedSwap: derived,
    supportedMask,
    fast,
    fastModifiers,
    modifierWords,
    fastSource: source,
    kernel,
    checked: undefined as unknown as CheckedOps,
    caps: roles.caps,
    roleWords: roles.words,
    roleBits: roles.bits,
    migration: undefined as unknown as Variant['migration'],
    markerPte(marker) {
      let w = markers.get(marker);
      if (!w) {
        const pte = kernel.swp_entry_to_pte(make_pte_marker_entry(variant, marker));
        markers.set(marker, (w = [hi32(pte), lo32(pte)]));
      }
      return w;
    },
    classify(pte) {
      return PTE_CLASSES[fast.classify(Number((pte >> 32n) & 0xffffffffn), Number(pte & 0xffffffffn))]!;
    },
  };
  (variant as { migration: Variant['migration'] }).migration = { pfnBits: swpPfnBits(variant), ad: migrationEntrySupportsAd(variant) };
  (variant as { checked: CheckedOps }).checked = checkedOps(variant);
  perSpec.set(cfgKey, variant);
  return variant;
}
