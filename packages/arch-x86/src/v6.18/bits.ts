/**
 * x86 pte bits in 6.18: arch/x86/include/asm/pgtable_types.h 10–49 (v6.18.2).
 * _PAGE_PROTNONE moved to bit 8 (the global bit); PAGE_NONE is accessed|global.
 */
import { field, type ArchSelects, type HugePmdSpec, type PfnSpec, type ProtectionMap, type PteBit, type PteChgMask, type PteRoles, type Source, type TaskSizeSpec } from '@mmsim/core';
import { V618 } from '../sources.js';

export const PRESENT = 0x001n;
export const RW = 0x002n;
export const USER = 0x004n;
export const ACCESSED = 0x020n;
export const DIRTY = 0x040n;
export const PSE = 0x080n;
export const PROTNONE = 0x100n;
export const SPECIAL = 0x200n;
export const SOFT_DIRTY = 0x800n;
export const NX = 1n << 63n;
export const PWT = 0x008n;
export const PCD = 0x010n;
export const PAT = 0x080n;
export const SOFTW2 = 0x400n;
export const SAVED_DIRTY_64 = 1n << 58n;

const TYPES = 'arch/x86/include/asm/pgtable_types.h';

/**
 * The roles generic mm gives x86 pte bits (pgtable_types.h 10–49, 91–95,
 * 113–119, 128–139; pgtable.h pte_dirty 155–158, pte_young 166–169,
 * pte_write 212, pte_special 252–255, pte_uffd_wp 420–436, pte_soft_dirty
 * 658–662). _PAGE_SOFT_DIRTY is 0 without CONFIG_MEM_SOFT_DIRTY and
 * _PAGE_UFFD_WP without CONFIG_HAVE_ARCH_USERFAULTFD_WP, both x86_64-only
 * (x86Selects618); _PAGE_SAVED_DIRTY is _PAGE_SOFTW5 (bit 58) on x86_64 and
 * _PAGE_SOFTW2 (bit 10, free there because 32-bit has no uffd-wp) on 32-bit
 * (38–45), and pte_dirty tests both (_PAGE_DIRTY_BITS, 139).
 */
export function x86Roles618(x86_64: boolean): PteRoles {
  return {
    present: 0,
    write: 1,
    user: 2,
    dirty: 6,
    young: 5,
    special: 9,
    protnone: 8,
    softDirty: x86_64 ? 11 : null,
    uffdWp: x86_64 ? 10 : null,
    savedDirty: x86_64 ? 58 : 10,
    source: { file: TYPES, version: V618, lines: '10–49, 91–95, 113–119, 128–139', what: 'pte_dirty/young/write/special/uffd_wp/soft_dirty in pgtable.h 155–169, 212, 252–255, 420–436, 658–662' },
  };
}

/**
 * _PAGE_CHG_MASK (pgtable_types.h 145–155): PTE_PFN_MASK plus the cache bits
 * _PAGE_PCD, _PAGE_PWT and _PAGE_PAT (bit 7 in a 4K pte), _PAGE_SPECIAL,
 * _PAGE_ACCESSED, _PAGE_DIRTY_BITS, _PAGE_SOFT_DIRTY and _PAGE_UFFD_WP (0 on
 * 32-bit), and _PAGE_CC (the memory-encryption bit, 0 without SME/TDX: not modelled).
 */
export function x86ChgMask618(x86_64: boolean): PteChgMask {
  const dirtyBits = DIRTY | (x86_64 ? SAVED_DIRTY_64 : SOFTW2);
  return {
    flags: PCD | PWT | PAT | SPECIAL | ACCESSED | dirtyBits | (x86_64 ? SOFT_DIRTY | SOFTW2 : 0n),
    source: { file: TYPES, version: V618, lines: '145–155' },
  };
}

/**
 * What arch/x86/Kconfig selects (v6.18.2): ARCH_HAS_PTE_SPECIAL for all
 * (101); for X86_64 only: HAVE_ARCH_SOFT_DIRTY (config X86_64, 32),
 * ARCH_WANTS_THP_SWAP (152), HAVE_ARCH_USERFAULTFD_WP (212, with
 * USERFAULTFD), ARCH_SUPPORTS_PT_RECLAIM (330).
 */
export function x86Selects618(x86_64: boolean): ArchSelects {
  return {
    ARCH_WANTS_THP_SWAP: x86_64,
    ARCH_SUPPORTS_PT_RECLAIM: x86_64,
    HAVE_ARCH_USERFAULTFD_WP: x86_64,
    HAVE_ARCH_SOFT_DIRTY: x86_64,
    ARCH_HAS_PTE_SPECIAL: true,
    source: { file: 'arch/x86/Kconfig', version: V618, lines: '32, 101, 152, 212, 330' },
  };
}

export const X86_BITS_618: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'rw', bit: 1, macro: '_PAGE_RW', when: 'present' },
  { name: 'user', bit: 2, macro: '_PAGE_USER', when: 'present' },
  { name: 'pwt', bit: 3, macro: '_PAGE_PWT', when: 'present' },
  { name: 'pcd', bit: 4, macro: '_PAGE_PCD', when: 'present' },
  { name: 'accessed', bit: 5, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'dirty', bit: 6, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'pse', bit: 7, macro: '_PAGE_PSE', when: 'present', doc: '_PAGE_PAT in a 4K pte' },
  { name: 'global', bit: 8, macro: '_PAGE_GLOBAL', when: 'present' },
  { name: 'protnone', bit: 8, macro: '_PAGE_PROTNONE', when: 'not-present', doc: 'same bit as global; pte_present() is true for it' },
  { name: 'special', bit: 9, macro: '_PAGE_SPECIAL', when: 'present', doc: '_PAGE_SOFTW1' },
  { name: 'uffd_wp', bit: 10, macro: '_PAGE_UFFD_WP', when: 'present', doc: '_PAGE_SOFTW2' },
  { name: 'soft_dirty', bit: 11, macro: '_PAGE_SOFT_DIRTY', when: 'present', doc: '_PAGE_SOFTW3' },
];

/** 64-bit-pte-only bits (PAE, x86_64) */
export const X86_HIGH_BITS_618: readonly PteBit[] = [
  { name: 'softw4', bit: 57, macro: '_PAGE_SOFTW4', when: 'present' },
  { name: 'saved_dirty', bit: 58, macro: '_PAGE_SAVED_DIRTY', when: 'present', doc: '_PAGE_SOFTW5, shadow-stack bookkeeping' },
  { name: 'pkey', bit: 59, width: 4, macro: '_PAGE_PKEY_BIT0..3', when: 'present' },
  { name: 'nx', bit: 63, macro: '_PAGE_NX', when: 'present' },
];

/**
 * pte_mk* of arch/x86/include/asm/pgtable.h, without user shadow stacks
 * (with X86_FEATURE_USER_SHSTK, pte_wrprotect also moves Dirty to SavedDirty).
 * pte_mkdirty sets _PAGE_SOFT_DIRTY too (CONFIG_MEM_SOFT_DIRTY on 64-bit).
 */
export function x86Modifiers618(softDirty: boolean) {
  return {
    pte_mkwrite: { set: RW },
    pte_wrprotect: { clear: RW },
    pte_mkdirty: { set: softDirty ? DIRTY | SOFT_DIRTY : DIRTY },
    pte_mkclean: { clear: DIRTY },
    pte_mkyoung: { set: ACCESSED },
    pte_mkold: { clear: ACCESSED },
    pte_mkspecial: { set: SPECIAL },
    ...(softDirty ? { pte_mksoft_dirty: { set: SOFT_DIRTY }, pte_clear_soft_dirty: { clear: SOFT_DIRTY } } : {}),
  };
}

/** pgtable.h 966–969: present or protnone. */
export const X86_PRESENT_618 = [
  { mask: PRESENT, value: PRESENT },
  { mask: PROTNONE, value: PROTNONE },
] as const;

/** pgtable.h 995–1004: protnone set, present clear. */
export const X86_PROTNONE_618 = { mask: PRESENT | PROTNONE, value: PROTNONE } as const;

/** pgtable_types.h 85–89: pte_none() ignores A/D on 64-bit ptes (the KNL erratum mask). */
export const KNL_ERRATUM_MASK = ACCESSED | DIRTY;

/** pgtable_types.h 205–225 */
export function x86Prots618(nx: bigint) {
  return {
    PAGE_NONE: 0x120n,
    PAGE_SHARED: nx | 0x027n,
    PAGE_SHARED_EXEC: 0x027n,
    PAGE_COPY: nx | 0x025n,
    PAGE_COPY_EXEC: 0x025n, // 209
    PAGE_READONLY: nx | 0x025n,
    PAGE_READONLY_EXEC: 0x025n,
    __PAGE_KERNEL: nx | 0x163n,
  };
}

/**
 * protection_map[16] (arch/x86/mm/pgprot.c 8–25): private writable is
 * PAGE_COPY (read-only until the COW fault), exec adds the _EXEC prot.
 */
export const X86_PROTECTION_MAP_618: ProtectionMap = {
  names: ['PAGE_NONE', 'PAGE_READONLY', 'PAGE_COPY', 'PAGE_COPY', 'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_COPY_EXEC', 'PAGE_COPY_EXEC',
    'PAGE_NONE', 'PAGE_READONLY', 'PAGE_SHARED', 'PAGE_SHARED', 'PAGE_READONLY_EXEC', 'PAGE_READONLY_EXEC', 'PAGE_SHARED_EXEC', 'PAGE_SHARED_EXEC'],
  source: { file: 'arch/x86/mm/pgprot.c', version: V618, lines: '8–25' },
};

/** pgtable_types.h 214–221: _PAGE_TABLE = present | rw | user | accessed | dirty (| _ENC, 0 without SME). */
export const PAGE_TABLE = PRESENT | RW | USER | ACCESSED | DIRTY;

const PGTABLE = 'arch/x86/include/asm/pgtable.h';

/**
 * pfn_pte / pte_pfn (pgtable.h 257–268, 710–746): the pfn from bit 12 up to
 * __PHYSICAL_MASK_SHIFT (PTE_PFN_MASK); check_pgprot masks a present prot
 * with __supported_pte_mask; where protnone_mask inverts (L1TF: PAE and
 * x86_64), a non-zero non-present pte holds the pfn inverted. pfn_pmd
 * places it the same way (x86Huge618).
 */
export function x86Pfn618(physicalMaskShift: number, l1tfInvert: boolean): PfnSpec {
  return {
    field: field('pfn', 12, physicalMaskShift - 12),
    ...(l1tfInvert ? { l1tfInvert: true } : {}),
    supportedMask: 'present-prot',
    source: { file: PGTABLE, version: V618, lines: '257–268, 710–746' },
  };
}

/**
 * PMD-mapped THP on x86, 6.18. All three variants can have it: config X86
 * selects HAVE_ARCH_TRANSPARENT_HUGEPAGE unconditionally (Kconfig 58, 210),
 * and mm/Kconfig's TRANSPARENT_HUGEPAGE needs only that and !PREEMPT_RT.
 * What differs is the pmd width, the pfn field and HPAGE_PMD_SHIFT:
 * the pmd is folded into the pgd on 2-level i386 (4 MiB pages).
 */
export function x86Huge618(options: {
  readonly HPAGE_PMD_SHIFT: number;
  readonly shiftSource: Source;
  /** the variant's pfn_pte: pfn_pmd places the pfn in the same field (PTE_PFN_MASK), L1TF-inverted where a pte's is, then masks it to PHYSICAL_PMD_PAGE_MASK */
  readonly pte: PfnSpec;
}): HugePmdSpec {
  return {
    HPAGE_PMD_SHIFT: options.HPAGE_PMD_SHIFT,
    shiftSource: options.shiftSource,
    pfn: {
      // pgtable.h 748–754: pfn_pmd = ((phys_addr_t)pfn << PAGE_SHIFT, inverted for a non-present
      // non-zero prot) & PHYSICAL_PMD_PAGE_MASK (page_types.h 13–17: P*D_MASK sign-extended, then
      // __PHYSICAL_MASK), | check_pgprot(prot); no _PAGE_PSE. pmd_pfn (270–275) un-inverts and masks
      // with pmd_pfn_mask (pgtable_types.h 451–457): PHYSICAL_PMD_PAGE_MASK only when _PAGE_PSE is set.
      field: options.pte.field,
      maskToHpage: true,
      maskWhen: { mask: PSE, value: PSE },
      ...(options.pte.l1tfInvert ? { l1tfInvert: true } : {}),
      supportedMask: 'present-prot',
      source: { file: PGTABLE, version: V618, lines: '270–275, 748–754', what: 'pfn_pmd / pmd_pfn; pmd_pfn_mask in pgtable_types.h 451–457' },
    },
    // pgtable.h 576–579: pmd_mkhuge sets _PAGE_PSE (bit 7, pgtable_types.h 17)
    mkhuge: { set: PSE, source: { file: PGTABLE, version: V618, lines: '576–579' } },
    // pgtable.h 303–307: (pmd & _PAGE_PSE) == _PAGE_PSE (no _PAGE_DEVMAP test since devmap went in 6.17)
    transHuge: { match: [{ mask: PSE, value: PSE }], source: { file: PGTABLE, version: V618, lines: '303–307' } },
    // pgtable.h 984–993: present, protnone or PSE: a split clears present but keeps PSE
    present: {
      match: [
        { mask: PRESENT, value: PRESENT },
        { mask: PROTNONE, value: PROTNONE },
        { mask: PSE, value: PSE },
      ],
      source: { file: PGTABLE, version: V618, lines: '984–993' },
    },
    // pgalloc.h 76–83: pmd_populate = (pteval_t)pfn << PAGE_SHIFT | _PAGE_TABLE
    table: {
      set: PAGE_TABLE,
      pfn: options.pte.field,
      source: { file: 'arch/x86/include/asm/pgalloc.h', version: V618, lines: '76–83', what: 'pmd_populate; _PAGE_TABLE in pgtable_types.h 214–221' },
    },
    config: {
      file: 'arch/x86/Kconfig',
      version: V618,
      lines: '58, 210',
      what: 'config X86 selects HAVE_ARCH_TRANSPARENT_HUGEPAGE for 32- and 64-bit; mm/Kconfig: TRANSPARENT_HUGEPAGE depends on it && !PREEMPT_RT',
    },
  };
}

/**
 * i386 and i386-pae TASK_SIZE: __PAGE_OFFSET (arch/x86/include/asm/page_32_types.h
 * 17–18, 48), CONFIG_PAGE_OFFSET, 0xC0000000 under the default VMSPLIT_3G
 * (arch/x86/Kconfig 1431–1433, 1465–1471).
 */
export const I386_TASK_SIZE_618: TaskSizeSpec = {
  bytes: 0xc0000000n,
  config: 'VMSPLIT_3G (the default 3G/1G split)',
  source: { file: 'arch/x86/include/asm/page_32_types.h', version: V618, lines: '17–18, 48', what: 'TASK_SIZE = __PAGE_OFFSET = CONFIG_PAGE_OFFSET (arch/x86/Kconfig 1465–1471)' },
};
