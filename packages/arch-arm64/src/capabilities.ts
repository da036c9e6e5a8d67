/**
 * CAPABILITIES, PENDING WIRING. What mm asks of an arch beyond today's
 * VariantSpec (v1): the typed pte-bit roles, the swap-pte flag roles, what
 * pte_modify keeps (arm64 has no _PAGE_CHG_MASK: it replaces a fixed mask),
 * the Kconfig options the arch selects, and the PMD-mapped THP facts the v1
 * HugePmdSpec cannot express. Recorded with citations so that they can be
 * wired into the typed fields of the spec (issue 11 point 1) once those
 * exist; nothing reads this file yet. Values are arm64 6.18.2, 4K pages,
 * 48-bit VA and PA (mirror gfunkmonk/linux-6.18.2 @ 062668f4d).
 */
import { V618 } from './sources.js';
import {
  AF,
  ATTRINDX_MASK,
  DIRTY,
  GP,
  NG,
  PO_IDX_MASK,
  PRESENT_INVALID,
  PXN,
  RDONLY,
  SPECIAL,
  SWP_EXCLUSIVE,
  SWP_UFFD_WP,
  TABLE_BIT,
  UFFD_WP,
  USER,
  UXN,
  VALID,
  WRITE,
} from './v6.18/bits.js';

/** One pte-bit role: the mask that carries it, or `null` where the arch has none (the asm-generic default applies). */
export interface PteRole {
  readonly mask: bigint | null;
  readonly how: string;
  readonly source: { readonly file: string; readonly version: string; readonly lines: string };
}

const PGTABLE = 'arch/arm64/include/asm/pgtable.h';
const PROT = 'arch/arm64/include/asm/pgtable-prot.h';
const KCONFIG = 'arch/arm64/Kconfig';

export const ARM64_PTE_ROLES_618 = {
  present: { mask: VALID, how: 'pte_present = PTE_VALID, or PTE_VALID clear with PTE_PRESENT_INVALID (PTE_NG, bit 11) set', source: { file: PGTABLE, version: V618, lines: '185, 210–212' } },
  write: { mask: WRITE, how: 'pte_write tests PTE_WRITE = PTE_DBM (bit 51); writable-clean ptes keep PTE_RDONLY set, hardware clears it on the first write', source: { file: PGTABLE, version: V618, lines: '188, 293–299' } },
  rdonly: { mask: RDONLY, how: 'PTE_RDONLY (AP[2]): set in every clean or read-only pte; pte_mkclean and pte_wrprotect set it, pte_mkdirty / pte_mkwrite clear it when the pte is then writable and dirty', source: { file: PGTABLE, version: V618, lines: '189, 293–331' } },
  user: { mask: USER, how: 'pte_user tests PTE_USER (AP[1]); execute-only user ptes lack it', source: { file: PGTABLE, version: V618, lines: '190, 213–218' } },
  dirty: {
    mask: DIRTY,
    how: 'pte_dirty = PTE_DIRTY (software, bit 55) || (PTE_WRITE && !PTE_RDONLY) (hardware dirty). pte_mkdirty sets PTE_DIRTY and clears PTE_RDONLY if PTE_WRITE; pte_mkclean clears PTE_DIRTY and sets PTE_RDONLY; pte_wrprotect turns hardware-dirty into PTE_DIRTY, clears PTE_WRITE and sets PTE_RDONLY; pte_mkwrite_novma sets PTE_WRITE and clears PTE_RDONLY if PTE_DIRTY',
    source: { file: PGTABLE, version: V618, lines: '206–208, 293–331, 426–440' },
  },
  young: { mask: AF, how: 'pte_young tests PTE_AF (bit 10)', source: { file: PGTABLE, version: V618, lines: '186, 333–341' } },
  special: { mask: SPECIAL, how: 'pte_special tests PTE_SPECIAL (bit 56, ARCH_HAS_PTE_SPECIAL)', source: { file: PGTABLE, version: V618, lines: '187, 343–346' } },
  protnone: { mask: PRESENT_INVALID, how: 'pte_protnone: (pte & (VALID | PRESENT_INVALID | USER | UXN)) == PRESENT_INVALID | UXN, only with CONFIG_NUMA_BALANCING', source: { file: PGTABLE, version: V618, lines: '593–609' } },
  softDirty: { mask: null, how: 'none: HAVE_ARCH_SOFT_DIRTY not selected; asm-generic pte_soft_dirty stubs', source: { file: KCONFIG, version: V618, lines: '2–287' } },
  uffdWp: { mask: UFFD_WP, how: 'PTE_UFFD_WP, bit 58 (CONFIG_HAVE_ARCH_USERFAULTFD_WP, else 0); pte_mkuffd_wp also write-protects (pte_wrprotect)', source: { file: PROT, version: V618, lines: '28–34' } },
  savedDirty: { mask: null, how: 'none as a separate bit: the software PTE_DIRTY is what keeps dirtiness when pte_wrprotect removes hardware-dirty (the role x86 gives _PAGE_SAVED_DIRTY)', source: { file: PGTABLE, version: V618, lines: '319–331' } },
} as const satisfies Record<string, PteRole>;

/** Swap-pte flag roles: the bit of each, or null for the asm-generic no-op. */
export const ARM64_SWAP_FLAG_ROLES_618 = {
  exclusive: { mask: SWP_EXCLUSIVE, how: 'PTE_SWP_EXCLUSIVE, bit 2', source: { file: PGTABLE, version: V618, lines: '561–574' } },
  softDirty: { mask: null, how: 'none (HAVE_ARCH_SOFT_DIRTY not selected)', source: { file: KCONFIG, version: V618, lines: '2–287' } },
  uffdWp: { mask: SWP_UFFD_WP, how: 'PTE_SWP_UFFD_WP, bit 3, with CONFIG_HAVE_ARCH_USERFAULTFD_WP (USERFAULTFD=y)', source: { file: PGTABLE, version: V618, lines: '576–591' } },
} as const satisfies Record<string, PteRole>;

/**
 * pte_modify (pgtable.h 1255–1277). arm64 has no _PAGE_CHG_MASK: it takes
 * `replace` from the new prot and keeps the rest; before that it turns
 * hardware-dirty into PTE_DIRTY, and after it re-applies pte_mkdirty to a
 * software-dirty pte (so PTE_RDONLY is cleared again if the new prot writes).
 */
const REPLACE = USER | PXN | UXN | RDONLY | PRESENT_INVALID | VALID | WRITE | GP | ATTRINDX_MASK | PO_IDX_MASK;
export const ARM64_PTE_MODIFY_618 = {
  replace: REPLACE,
  keep: ((1n << 64n) - 1n) & ~REPLACE,
  source: { file: PGTABLE, version: V618, lines: '1255–1277' },
} as const;

/** Kconfig options mm asks about, as arm64 6.18 (4K pages) selects them. */
export const ARM64_KCONFIG_618 = {
  HAVE_ARCH_TRANSPARENT_HUGEPAGE: { selected: true, when: 'always', source: { file: KCONFIG, version: V618, lines: '199' } },
  ARCH_WANTS_THP_SWAP: { selected: true, when: 'ARM64_4K_PAGES (THP_SWAP needs it, mm/Kconfig 865–867)', source: { file: KCONFIG, version: V618, lines: '123' } },
  ARCH_ENABLE_THP_MIGRATION: { selected: true, when: 'TRANSPARENT_HUGEPAGE', source: { file: KCONFIG, version: V618, lines: '21' } },
  HAVE_ARCH_USERFAULTFD_WP: { selected: true, when: 'USERFAULTFD', source: { file: KCONFIG, version: V618, lines: '279' } },
  HAVE_ARCH_SOFT_DIRTY: { selected: false, when: 'never (MEM_SOFT_DIRTY depends on it, mm/Kconfig 1033–1035)', source: { file: KCONFIG, version: V618, lines: '2–287' } },
  ARCH_HAS_PTE_SPECIAL: { selected: true, when: 'always', source: { file: KCONFIG, version: V618, lines: '45' } },
  ARCH_SUPPORTS_PT_RECLAIM: { selected: false, when: 'never (mm/Kconfig 1365–1371; in 6.18 only x86_64 selects it)', source: { file: 'mm/Kconfig', version: V618, lines: '1365–1371' } },
  ARCH_SUPPORTS_MEMORY_FAILURE: { selected: true, when: 'always', source: { file: KCONFIG, version: V618, lines: '99' } },
  ARCH_SUPPORTS_NUMA_BALANCING: { selected: true, when: 'always', source: { file: KCONFIG, version: V618, lines: '106' } },
  NX: { selected: false, when: 'no NX bit to drop from a supported mask: execute permission is PTE_PXN / PTE_UXN in every prot', source: { file: PROT, version: V618, lines: '59–63' } },
  THP_PMD_ORDER: { selected: true, when: 'HPAGE_PMD_ORDER 9 (PMD_SHIFT 21 − PAGE_SHIFT 12); contiguous-pte mTHP and PUD THP not modelled', source: { file: 'arch/arm64/include/asm/pgtable-hwdef.h', version: V618, lines: '47, 54–59' } },
} as const;

/**
 * PMD-mapped THP, ready for a HugePmdSpec that can clear bits in pmd_mkhuge
 * and mask the pfn on read only:
 * - pfn_pmd = (phys_addr_t)pfn << 12 | prot, unmasked (pgtable.h 665–667);
 *   pmd_pfn = ((pmd & PTE_ADDR_LOW) & PMD_MASK) >> 12: the pfn field of a pte,
 *   its low 9 bits dropped on read only (664–666);
 * - pmd_mkhuge clears bit 1 (PMD_TYPE_MASK & ~PTE_VALID) and sets nothing
 *   (PMD_TYPE_SECT & ~PTE_VALID = 0), keeping PTE_VALID (643–654);
 * - pmd_trans_huge = pmd_present && bit 1 clear (825–832, with PTE_VALID forced
 *   on for the table test); pmd_present = pte_present (617);
 * - pmd_populate writes the table's phys | PMD_TYPE_TABLE | PMD_TABLE_AF |
 *   PMD_TABLE_PXN (pgalloc.h 98–122; pgtable-hwdef.h 136–153).
 */
export const ARM64_HUGE_PMD_618 = {
  HPAGE_PMD_SHIFT: 21,
  pfn: { lsb: 12, width: 38, encodeWidth: 52, maskOnReadOnly: true },
  mkhuge: { set: 0n, clear: TABLE_BIT },
  transHuge: [
    { mask: VALID | TABLE_BIT, value: VALID },
    { mask: VALID | NG | TABLE_BIT, value: NG },
  ],
  present: [
    { mask: VALID, value: VALID },
    { mask: VALID | NG, value: NG },
  ],
  table: { set: 3n | (1n << 10n) | (1n << 59n), pfn: { lsb: 12, width: 38 } },
  source: { file: PGTABLE, version: V618, lines: '617, 643–667, 825–832' },
  config: { file: KCONFIG, version: V618, lines: '199' },
} as const;

/**
 * protection_map[16] (arch/arm64/mm/mmap.c 16–35): the prot name
 * vm_get_page_prot picks, indexed by VM_READ 1 | VM_WRITE 2 | VM_EXEC 4 |
 * VM_SHARED 8. With Enhanced PAN the exec-only entries become PAGE_EXECONLY
 * (65–82); arm64 has no PAGE_COPY (private writable is PAGE_READONLY until
 * the COW fault). vm_get_page_prot (84–110) also adds PTE_GP for VM_ARM64_BTI
 * and the MTE / POE bits.
 */
export const ARM64_PROTECTION_MAP_618 = {
  names: [
    'PAGE_NONE', 'PAGE_READONLY', 'PAGE_READONLY', 'PAGE_READONLY',
    'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC',
    'PAGE_NONE', 'PAGE_READONLY', 'PAGE_SHARED', 'PAGE_SHARED',
    'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_SHARED_EXEC', 'PAGE_SHARED_EXEC',
  ],
  withEnhancedPan: { 4: 'PAGE_EXECONLY', 12: 'PAGE_EXECONLY' },
  source: { file: 'arch/arm64/mm/mmap.c', version: V618, lines: '16–35, 65–79' },
} as const;
