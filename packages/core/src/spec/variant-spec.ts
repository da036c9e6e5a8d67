/**
 * What an architecture backend provides for one variant in one era: the
 * facts of its asm/pgtable.h, as data. Everything callable (encoders,
 * predicates, the classifier, the checked layer) is derived by core.
 *
 * This is the backend contract, version v1. It changes only with a major
 * release; a new contract gets a new `specificationVersion`.
 */
import type { Field, PteBit } from '../layout/field.js';
import type { Era } from './era.js';

/** (pte & mask) === value */
export interface Matcher {
  readonly mask: bigint;
  readonly value: bigint;
}

/** Where a fact comes from: kernel file, version, line range. */
export interface Source {
  readonly file: string;
  readonly version: string;
  readonly lines?: string;
  readonly what?: string;
}

export type LevelName = 'pgd' | 'p4d' | 'pud' | 'pmd' | 'pte';

/** One page-table level: its name, the VA shift it indexes from, and the index width. */
export interface LevelSpec {
  readonly name: LevelName;
  readonly shift: number;
  readonly bits: number;
}

/** The arch swp_entry_t (`__swp_entry`): a wordBits-wide value with type and offset fields. */
export interface ArchSwapSpec {
  readonly type: Field;
  readonly offset: Field;
}

/**
 * How `__swp_entry_to_pte` turns the arch value into a pte:
 * shifted left (ppc: `<< 3`, `<< PTE_RPN_SHIFT`; PAE 2.6.20: into pte_high)
 * with constant bits set (ppc64 6.18: _PAGE_PTE), or re-laid out field by
 * field (6.18 PAE builds the x86_64-style pte from the unpacked entry).
 */
export type SwapToPte =
  | { readonly kind: 'shift'; readonly shift: number; readonly set?: bigint }
  | { readonly kind: 'relayout'; readonly type: Field; readonly offset: Field };

/** Swap-pte flag bits (6.18): kept outside the entry, cleared by pte_swp_clear_flags. */
export interface SwapFlagBits {
  readonly exclusive?: number;
  readonly softDirty?: number;
  readonly uffdWp?: number;
}

export interface SwapSpec {
  readonly arch: ArchSwapSpec;
  readonly toPte: SwapToPte;
  readonly flags?: SwapFlagBits;
  readonly source: Source;
}

/** Nonlinear file ptes (2.6.21): pgoff_to_pte / pte_to_pgoff / PTE_FILE_MAX_BITS. */
export interface FileSpec {
  readonly pgoff: Field;
  /** bits pgoff_to_pte sets: _PAGE_FILE */
  readonly set: bigint;
  readonly PTE_FILE_MAX_BITS: number;
  readonly source: Source;
}

export interface PfnSpec {
  /** pte bits of the pfn; `encodeWidth` where pfn_pte does not mask */
  readonly field: Field;
  /** 6.18 x86 L1TF: pfn stored inverted in non-zero non-present ptes (asm/pgtable-invert.h) */
  readonly l1tfInvert?: boolean;
  /** bits pfn_pte always sets (ppc64 6.18: _PAGE_PTE) */
  readonly set?: bigint;
  /**
   * How __supported_pte_mask applies: to the whole result (2.6.21 x86),
   * to the prot only when it is present (6.18 check_pgprot), or not at all.
   */
  readonly supportedMask?: 'result' | 'present-prot';
  /** VM_BUG_ON in pfn_pte when the pfn does not fit the field (6.18 ppc64). */
  readonly bugUnlessFits?: boolean;
  readonly source: Source;
}

/**
 * pfn_pmd / pmd_pfn of a huge pmd. The pfn is placed as pfn_pte places it;
 * where the kernel masks with a huge-page mask (x86 PHYSICAL_PMD_PAGE_MASK),
 * the pfn bits below HPAGE_PMD_ORDER are silently dropped.
 */
export interface HugePfnSpec {
  /** pmd bits of the pfn, placed as in a pte (x86: bits 12–51); no `encodeWidth` where pfn_pmd masks (ppc64: PTE_RPN_MASK) */
  readonly field: Field;
  /**
   * pfn_pmd keeps only the pmd bits at and above HPAGE_PMD_SHIFT (x86:
   * `pfn &= PHYSICAL_PMD_PAGE_MASK`), so an unaligned pfn loses its low
   * HPAGE_PMD_ORDER bits; absent where the whole field is kept (ppc64: an
   * unaligned pfn survives). Needs a single-span field.
   */
  readonly maskToHpage?: boolean;
  /** pmd_pfn reads through the huge-page mask only when this matches (x86 pmd_pfn_mask: _PAGE_PSE set), the whole field otherwise */
  readonly maskWhen?: Matcher;
  /** 6.18 x86 L1TF: pfn stored inverted when the prot (pfn_pmd) or the pmd (pmd_pfn) is non-zero and not present */
  readonly l1tfInvert?: boolean;
  /** __supported_pte_mask applied to a present prot (x86 check_pgprot) */
  readonly supportedMask?: 'present-prot';
  /** bits pfn_pmd itself sets (ppc64 book3s: __pmd_mkhuge inside pfn_pmd) */
  readonly set?: bigint;
  readonly source: Source;
}

/**
 * PMD-mapped transparent huge pages (THP, 6.18 era only: THP came in
 * 2.6.38). Present only where the variant's kernel config can have
 * CONFIG_TRANSPARENT_HUGEPAGE (the arch selects HAVE_ARCH_TRANSPARENT_HUGEPAGE)
 * for its page-table format; a variant without it says why in `quirks`.
 * Core derives pfn_pmd, pmd_pfn, pmd_mkhuge, mk_huge_pmd (= pmd_mkhuge(pfn_pmd()),
 * what folio_mk_pmd does), pmd_trans_huge and pmd_present from it.
 */
export interface HugePmdSpec {
  /** HPAGE_PMD_SHIFT (= PMD_SHIFT): a huge pmd maps 2^HPAGE_PMD_SHIFT bytes; HPAGE_PMD_ORDER is HPAGE_PMD_SHIFT − PAGE_SHIFT */
  readonly HPAGE_PMD_SHIFT: number;
  readonly shiftSource: Source;
  readonly pfn: HugePfnSpec;
  /**
   * pmd_mkhuge: bits it clears, then bits it sets — (pmd & ~clear) | set.
   * x86 sets _PAGE_PSE; ppc64 book3s sets nothing (pfn_pmd already made the
   * pmd huge); arm64 clears bit 1, the table bit of the descriptor type.
   */
  readonly mkhuge: { readonly set: bigint; readonly clear?: bigint; readonly source: Source };
  /** pmd_trans_huge: any matcher matches */
  readonly transHuge: { readonly match: readonly Matcher[]; readonly source: Source };
  /** pmd_present: any matcher matches (x86 also counts _PAGE_PSE, ppc64 needs no _PAGE_PTE) */
  readonly present: { readonly match: readonly Matcher[]; readonly source: Source };
  /** a pmd pointing to a pte table as pmd_populate writes it: `set` bits plus the table's frame in `pfn` */
  readonly table: { readonly set: bigint; readonly pfn: Field; readonly source: Source };
  /** where the arch makes CONFIG_TRANSPARENT_HUGEPAGE possible (selects HAVE_ARCH_TRANSPARENT_HUGEPAGE) */
  readonly config: Source;
  /** bits with a pmd-only meaning, for docs (ppc64 hash-64K: bit 13 is H_PAGE_THP_HUGE) */
  readonly bits?: readonly PteBit[];
}

export interface PredicateSpec {
  /** pte_none: all bits outside `ignore` are zero */
  readonly none: { readonly ignore: bigint };
  /** pte_none under the radix MMU, where it differs (6.18 ppc64) */
  readonly noneRadix?: { readonly ignore: bigint };
  /** pte_present: any matcher matches */
  readonly present: readonly Matcher[];
  /** pte_protnone, where the kernel has it */
  readonly protnone?: Matcher;
  /** pte_file: the _PAGE_FILE mask (2.6.21) */
  readonly file?: bigint;
  readonly source: Source;
}

/** The pte modifiers a spec may define (include/linux/pgtable.h and the arch pgtable.h): a misspelt one is a type error. */
export const MODIFIER_NAMES = [
  'pte_mkwrite',
  'pte_wrprotect',
  'pte_mkdirty',
  'pte_mkclean',
  'pte_mkyoung',
  'pte_mkold',
  'pte_mkspecial',
  'pte_mksoft_dirty',
  'pte_clear_soft_dirty',
] as const;
export type ModifierName = (typeof MODIFIER_NAMES)[number];

/** One step of a modifier: when the pte matches `when` (always, without it), set `set` then clear `clear`. */
export interface ModifierStep {
  readonly when?: Matcher;
  readonly set?: bigint;
  readonly clear?: bigint;
}

/**
 * pte_mk* / pte_wrprotect style modifiers: bits set then cleared; or, where
 * the arch's helper depends on the pte it is given (arm64 pte_mkdirty clears
 * PTE_RDONLY only in a writable pte), an ordered list of steps, each applied
 * to the result of the one before.
 */
export type ModifierSpec =
  | { readonly set?: bigint; readonly clear?: bigint; readonly steps?: undefined }
  | { readonly steps: readonly ModifierStep[]; readonly set?: undefined; readonly clear?: undefined };

/** A modifier as its ordered steps (a plain set/clear is one unconditional step). */
export function modifierSteps(m: ModifierSpec): readonly ModifierStep[] {
  return m.steps ?? [{ set: m.set ?? 0n, clear: m.clear ?? 0n }];
}

/**
 * The user address-space limit (TASK_SIZE): user mappings lie in
 * [0, TASK_SIZE). The value of a native task of the variant's word size
 * (not a compat 32-bit task on a 64-bit kernel) under the kernel config
 * `config` names — e.g. the 3G/1G split on i386, 4-level paging on x86_64.
 */
export interface TaskSizeSpec {
  /** TASK_SIZE in bytes; page-aligned, at most what the page-table levels translate */
  readonly bytes: bigint;
  /** the config choices the value assumes, in words (`VMSPLIT_3G (the default)`) */
  readonly config?: string;
  readonly source: Source;
}

/**
 * Where mmap places a mapping given no address, when the arch does not use
 * the default: the legacy bottom-up layout, searching up from
 * TASK_UNMAPPED_BASE (2.6.21 x86_64 and powerpc; arch_pick_mmap_layout).
 * Absent, the layout is top-down below mmap_base = TASK_SIZE − 128 MiB
 * (6.18 mm/util.c 431–461 and arch/x86/mm/mmap.c 82–98 for a stack rlimit
 * of 8 MiB without ASLR; 2.6.21 arch/i386/mm/mmap.c 36–53).
 */
export interface MmapLayoutSpec {
  /** TASK_UNMAPPED_BASE in bytes, page-aligned: the bottom-up search starts here */
  readonly bottomUpFrom: bigint;
  readonly source: Source;
}

/**
 * A check in the conformance suite this variant is known to fail, with the
 * kernel's reason and the failure the quirk produces: the check counts as an
 * expected failure only when it fails with that message, any other failure
 * (a TypeError in the check, another input) is a real failure.
 */
export interface ExpectedFailure {
  readonly check: string;
  readonly reason: string;
  /** the quirk's own failure: text the check's message contains, or a RegExp it matches */
  readonly message: string | RegExp;
}

/**
 * The pte bits generic mm code gives a role to, as bit numbers in a present
 * pte — what the kernel's generic helpers (pte_dirty, pte_young, pte_write,
 * pte_special, pte_soft_dirty, pte_uffd_wp, …) test on this variant under
 * its config. `null` is the asm-generic default: the arch has no such bit,
 * the macro is 0 and its helpers are constant (include/linux/pgtable.h stubs).
 * Every role is required, so a missing or misspelt one is a type error.
 */
export interface PteRoles {
  /** _PAGE_PRESENT: the hardware-valid bit */
  readonly present: number;
  /** the bit pte_write() tests (x86 _PAGE_RW; powerpc 6.18 _PAGE_WRITE) */
  readonly write: number;
  /** _PAGE_USER where the arch marks user pages; null where it marks kernel ones instead (book3s64 _PAGE_PRIVILEGED) */
  readonly user: number | null;
  /** the hardware dirty bit pte_mkdirty sets and pte_dirty() tests */
  readonly dirty: number;
  /** the accessed bit pte_mkyoung sets and pte_young() tests */
  readonly young: number;
  /** _PAGE_SPECIAL (pte_special, ARCH_HAS_PTE_SPECIAL); null before 2.6.25 or where the arch has none */
  readonly special: number | null;
  /** _PAGE_PROTNONE, where PROT_NONE is a bit of its own (x86); null where it is a prot combination (powerpc) */
  readonly protnone: number | null;
  /** _PAGE_SOFT_DIRTY under CONFIG_MEM_SOFT_DIRTY (needs HAVE_ARCH_SOFT_DIRTY); null where it is 0 */
  readonly softDirty: number | null;
  /** _PAGE_UFFD_WP under CONFIG_HAVE_ARCH_USERFAULTFD_WP; null where it is 0 */
  readonly uffdWp: number | null;
  /** _PAGE_SAVED_DIRTY: a second dirty bit pte_dirty() also tests (x86 _PAGE_DIRTY_BITS); null where there is none */
  readonly savedDirty: number | null;
  readonly source: Source;
}

/**
 * _PAGE_CHG_MASK: the bits pte_modify() (mprotect's change_pte_range) keeps
 * from the old pte. `flags` is the mask without the pfn field, which
 * pte_modify always keeps (PTE_PFN_MASK / PTE_RPN_MASK). An arch fact: x86
 * keeps its cache bits (_PAGE_PCD, _PAGE_PWT, _PAGE_PAT), powerpc its own.
 */
export interface PteChgMask {
  readonly flags: bigint;
  readonly source: Source;
}

/** The Kconfig capabilities generic mm asks of an arch: symbols the arch `select`s (mm/Kconfig declares them `def_bool n`). */
export const ARCH_SELECTS = ['ARCH_WANTS_THP_SWAP', 'ARCH_SUPPORTS_PT_RECLAIM', 'HAVE_ARCH_USERFAULTFD_WP', 'HAVE_ARCH_SOFT_DIRTY', 'ARCH_HAS_PTE_SPECIAL'] as const;
export type ArchSelect = (typeof ARCH_SELECTS)[number];

/**
 * Which of ARCH_SELECTS the arch selects for this variant's config (true)
 * or not (false, the mm/Kconfig default): all five required. A symbol the
 * era does not have yet is false. `source` cites the arch Kconfig lines.
 */
export type ArchSelects = Readonly<Record<ArchSelect, boolean>> & { readonly source: Source };

/** Sixteen of a thing: one per VM_READ | VM_WRITE | VM_EXEC | VM_SHARED combination. */
export type Sixteen<T> = readonly [T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T];

/**
 * protection_map[16] (mm/mmap.c in 2.6.21 from the arch's __P000..__S111;
 * the arch's own table behind vm_get_page_prot in 6.18): the name, a key of
 * `prots`, of the protection a VMA gets, indexed by its flags & (VM_READ 1 |
 * VM_WRITE 2 | VM_EXEC 4 | VM_SHARED 8). Where the arch's vm_get_page_prot
 * rewrites the index before the lookup (book3s64 hash: exec-only reads as
 * read-exec), the entry is the one it ends up with.
 */
export interface ProtectionMap {
  readonly names: Sixteen<string>;
  readonly source: Source;
}

export interface VariantSpec {
  readonly specificationVersion: 'v1';
  /** stable id shared by the variant across eras: `x86_64`, `i386-pae`, `ppc64-64k` */
  readonly id: string;
  readonly era: Era;
  /** architecture family, the backend's name: `x86`, `powerpc` */
  readonly arch: string;
  readonly title: string;
  /** other names, e.g. the reference-vector variant name `v2.6.20-i386-2level` */
  readonly aliases?: readonly string[];
  readonly wordBits: 32 | 64;
  readonly pteBits: 32 | 64;
  readonly PAGE_SHIFT: number;
  /** page-table levels, top first */
  readonly levels: readonly LevelSpec[];
  /**
   * TASK_SIZE, the user address-space limit. Every built-in variant declares
   * it; a third-party backend that does not gets the page tables' reach
   * (2^vaBits, clamped to the word) — the most a user mapping could ever use.
   */
  readonly TASK_SIZE?: TaskSizeSpec;
  /** where mmap places a mapping given no address, when not top-down below TASK_SIZE − 128 MiB */
  readonly mmapLayout?: MmapLayoutSpec;
  /** MAX_PHYSMEM_BITS: physical address bits the kernel supports */
  readonly physBits: number;
  /** in-memory byte order of a pte (6.18 ppc64: big-endian); values here are logical */
  readonly byteOrder?: 'little' | 'big';
  readonly bits: readonly PteBit[];
  readonly prots: Readonly<Record<string, bigint>>;
  /** vm_get_page_prot's table: the prot each VM_READ/WRITE/EXEC/SHARED combination gets */
  readonly protectionMap: ProtectionMap;
  readonly predicates: PredicateSpec;
  /** the modifiers the arch defines; one it lacks is absent (pte_mkspecial before 2.6.25, soft-dirty without MEM_SOFT_DIRTY) */
  readonly modifiers: Readonly<Partial<Record<ModifierName, ModifierSpec>>>;
  readonly pfn: PfnSpec;
  readonly swap: SwapSpec;
  readonly file?: FileSpec;
  /** PMD-mapped THP (6.18 only); absent where CONFIG_TRANSPARENT_HUGEPAGE cannot be set for this format */
  readonly huge?: HugePmdSpec;
  /** x86: the NX bit, dropped from __supported_pte_mask when CONFIG X86_NX=n */
  readonly nxBit?: number;
  /** the pte bits generic mm gives a role to (pte_dirty, pte_uffd_wp, …) */
  readonly roles: PteRoles;
  /** _PAGE_CHG_MASK without the pfn: what mprotect keeps */
  readonly chgMask: PteChgMask;
  /** the Kconfig capabilities the arch selects for this variant */
  readonly selects: ArchSelects;
  readonly sources: readonly Source[];
  /** kernel quirks worth telling a reader, one sentence each */
  readonly quirks?: readonly string[];
  readonly expectedFailures?: readonly ExpectedFailure[];
}
