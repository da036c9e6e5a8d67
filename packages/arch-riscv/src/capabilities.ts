/**
 * CAPABILITIES, PENDING WIRING. What mm asks of an arch beyond today's
 * VariantSpec (v1): the typed pte-bit roles, the swap-pte flag roles, the mask
 * mprotect keeps (_PAGE_CHG_MASK), and the Kconfig options the arch selects.
 * These facts are recorded here, with citations, so that they can be wired
 * into the typed fields of the spec (issue 11 point 1) once those exist;
 * nothing reads this file yet. Values are riscv64 6.18.2 (mirror
 * gfunkmonk/linux-6.18.2 @ 062668f4d).
 */
import { V618 } from './sources.js';
import { ACCESSED, DIRTY, EXEC, GLOBAL, PRESENT, PROT_NONE, READ, SPECIAL, SWP_EXCLUSIVE, USER, WRITE } from './v6.18/bits.js';

/** One pte-bit role: the mask that carries it, or `null` where the arch has none (the asm-generic default applies). */
export interface PteRole {
  readonly mask: bigint | null;
  readonly how: string;
  readonly source: { readonly file: string; readonly version: string; readonly lines: string };
}

const PGTABLE = 'arch/riscv/include/asm/pgtable.h';
const BITS = 'arch/riscv/include/asm/pgtable-bits.h';
const KCONFIG = 'arch/riscv/Kconfig';
const MM_KCONFIG = 'mm/Kconfig';

export const RISCV_PTE_ROLES_618 = {
  present: { mask: PRESENT, how: 'pte_present: PRESENT or PROT_NONE set (either bit)', source: { file: PGTABLE, version: V618, lines: '355–358' } },
  write: { mask: WRITE, how: 'pte_write tests W; pte_mkwrite_novma / pte_wrprotect set / clear it', source: { file: PGTABLE, version: V618, lines: '378–381, 415–425' } },
  user: { mask: USER, how: 'pte_user tests U', source: { file: PGTABLE, version: V618, lines: '388–391' } },
  dirty: { mask: DIRTY, how: 'pte_dirty tests D; pte_mkdirty / pte_mkclean set / clear it, nothing else', source: { file: PGTABLE, version: V618, lines: '398–401, 429–437' } },
  young: { mask: ACCESSED, how: 'pte_young tests A', source: { file: PGTABLE, version: V618, lines: '403–406, 439–447' } },
  special: { mask: SPECIAL, how: 'pte_special tests RSW bit 8 (ARCH_HAS_PTE_SPECIAL)', source: { file: PGTABLE, version: V618, lines: '408–411, 449–452' } },
  protnone: { mask: PROT_NONE, how: 'pte_protnone: (pte & (PRESENT | PROT_NONE)) == PROT_NONE, only with CONFIG_NUMA_BALANCING', source: { file: PGTABLE, version: V618, lines: '465–472' } },
  softDirty: { mask: null, how: 'none: no _PAGE_SOFT_DIRTY in 6.18, HAVE_ARCH_SOFT_DIRTY not selected; asm-generic pte_soft_dirty stubs', source: { file: BITS, version: V618, lines: '9–39' } },
  uffdWp: { mask: null, how: 'none: no _PAGE_UFFD_WP in 6.18, HAVE_ARCH_USERFAULTFD_WP not selected (only HAVE_ARCH_USERFAULTFD_MINOR, Kconfig 149)', source: { file: BITS, version: V618, lines: '9–39' } },
  savedDirty: { mask: null, how: 'none: riscv has no shadow-stack saved-dirty bit', source: { file: BITS, version: V618, lines: '9–39' } },
} as const satisfies Record<string, PteRole>;

/** Swap-pte flag roles: the bit of each, or null for the asm-generic no-op. */
export const RISCV_SWAP_FLAG_ROLES_618 = {
  exclusive: { mask: SWP_EXCLUSIVE, how: '_PAGE_SWP_EXCLUSIVE = _PAGE_ACCESSED, bit 6', source: { file: PGTABLE, version: V618, lines: '1029–1042' } },
  softDirty: { mask: null, how: 'none (HAVE_ARCH_SOFT_DIRTY not selected)', source: { file: KCONFIG, version: V618, lines: '13–228' } },
  uffdWp: { mask: null, how: 'none (HAVE_ARCH_USERFAULTFD_WP not selected)', source: { file: KCONFIG, version: V618, lines: '13–228' } },
} as const satisfies Record<string, PteRole>;

/**
 * _PAGE_CHG_MASK, the bits pte_modify keeps (mprotect): everything but
 * PRESENT, R, W, X, U, G and _PAGE_MTMASK (pgtable-64.h 171–175; pte_modify,
 * pgtable.h 480–488). _PAGE_MTMASK is 0 without Svpbmt (the configuration
 * modelled) and bits 61–62 with it.
 */
export const RISCV_PAGE_CHG_MASK_618 = {
  mask: ((1n << 64n) - 1n) & ~(PRESENT | READ | WRITE | EXEC | USER | GLOBAL),
  withSvpbmt: ((1n << 64n) - 1n) & ~(PRESENT | READ | WRITE | EXEC | USER | GLOBAL | (3n << 61n)),
  source: { file: 'arch/riscv/include/asm/pgtable-64.h', version: V618, lines: '171–175' },
} as const;

/** Kconfig options mm asks about, as riscv64 6.18 selects them. */
export const RISCV_KCONFIG_618 = {
  HAVE_ARCH_TRANSPARENT_HUGEPAGE: { selected: true, when: '64BIT && MMU', source: { file: KCONFIG, version: V618, lines: '147' } },
  ARCH_WANTS_THP_SWAP: { selected: true, when: 'HAVE_ARCH_TRANSPARENT_HUGEPAGE (THP_SWAP needs it, mm/Kconfig 865–867)', source: { file: KCONFIG, version: V618, lines: '92' } },
  ARCH_ENABLE_THP_MIGRATION: { selected: true, when: 'TRANSPARENT_HUGEPAGE', source: { file: KCONFIG, version: V618, lines: '26' } },
  HAVE_ARCH_USERFAULTFD_WP: { selected: false, when: 'never (mm/Kconfig 1266; only HAVE_ARCH_USERFAULTFD_MINOR, Kconfig 149)', source: { file: KCONFIG, version: V618, lines: '13–228' } },
  HAVE_ARCH_SOFT_DIRTY: { selected: false, when: 'never (MEM_SOFT_DIRTY depends on it, mm/Kconfig 1033–1035)', source: { file: KCONFIG, version: V618, lines: '13–228' } },
  ARCH_HAS_PTE_SPECIAL: { selected: true, when: 'always', source: { file: KCONFIG, version: V618, lines: '48' } },
  ARCH_SUPPORTS_PT_RECLAIM: { selected: false, when: 'never (mm/Kconfig 1365–1371; in 6.18 only x86_64 selects it)', source: { file: MM_KCONFIG, version: V618, lines: '1365–1371' } },
  ARCH_SUPPORTS_MEMORY_FAILURE: { selected: false, when: 'never: CONFIG_MEMORY_FAILURE (SWP_HWPOISON) cannot be set on riscv', source: { file: KCONFIG, version: V618, lines: '13–228' } },
  ARCH_SUPPORTS_NUMA_BALANCING: { selected: true, when: 'NUMA (pte_protnone exists only with NUMA_BALANCING)', source: { file: KCONFIG, version: V618, lines: '482–485' } },
  NX: { selected: false, when: 'no NX bit to drop: execute permission is the X bit (_PAGE_EXEC) in every prot', source: { file: BITS, version: V618, lines: '14' } },
  THP_PMD_ORDER: { selected: true, when: 'HPAGE_PMD_ORDER 9 (PMD_SHIFT 21 − PAGE_SHIFT 12); PUD THP too (HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD, Kconfig 148), not modelled', source: { file: 'arch/riscv/include/asm/pgtable-64.h', version: V618, lines: '39' } },
} as const;

/**
 * protection_map[16] (arch/riscv/mm/init.c 376–394, DECLARE_VM_GET_PAGE_PROT):
 * the prot name vm_get_page_prot picks, indexed by VM_READ 1 | VM_WRITE 2 |
 * VM_EXEC 4 | VM_SHARED 8. riscv names read-only PAGE_READ and has an
 * exec-only PAGE_EXEC; mm's name-based vm_get_page_prot (model/prot.ts)
 * looks for PAGE_READONLY, so the simulator cannot run riscv64 until it takes
 * this table from the spec.
 */
export const RISCV_PROTECTION_MAP_618 = {
  names: [
    'PAGE_NONE', 'PAGE_READ', 'PAGE_COPY', 'PAGE_COPY',
    'PAGE_EXEC', 'PAGE_READ_EXEC', 'PAGE_COPY_EXEC', 'PAGE_COPY_EXEC',
    'PAGE_NONE', 'PAGE_READ', 'PAGE_SHARED', 'PAGE_SHARED',
    'PAGE_EXEC', 'PAGE_READ_EXEC', 'PAGE_SHARED_EXEC', 'PAGE_SHARED_EXEC',
  ],
  source: { file: 'arch/riscv/mm/init.c', version: V618, lines: '376–394' },
} as const;
