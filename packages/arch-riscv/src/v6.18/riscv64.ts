/**
 * riscv64, 6.18, 4K pages, Sv48 geometry (4 levels). The leaf pte and swap
 * pte layouts are the same under Sv39, Sv48 and Sv57 (the paging mode is
 * chosen at boot; CONFIG_PGTABLE_LEVELS is 5, arch/riscv/Kconfig 347–350);
 * only the level count and TASK_SIZE differ.
 *
 * Configuration assumed (as the reference vectors do): no Svpbmt
 * (_PAGE_MTMASK 0), a CPU without Svnapot (pte_pfn keeps bit 10 of a NAPOT
 * pte), no T-Head MAE erratum (ALT_THEAD_PMA a no-op), CONFIG_NUMA_BALANCING=y
 * (so pte_protnone is the riscv one, not the generic constant 0).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { RISCV_CHG_MASK_618, RISCV_PROTECTION_MAP_618, RISCV_ROLES_618, RISCV_SELECTS_618 } from '../capabilities.js';
import { V618 } from '../sources.js';
import { ACCESSED, DIRTY, EXEC, GLOBAL, LEAF, PAGE_TABLE, PFN_SHIFT, PRESENT, PROT_NONE, READ, RISCV_BITS_618, SPECIAL, USER, WRITE } from './bits.js';

const PGTABLE = 'arch/riscv/include/asm/pgtable.h';

/** _PAGE_BASE, pgtable.h 176 */
const BASE = PRESENT | ACCESSED | USER;
/** _PAGE_KERNEL, pgtable.h 191–196 */
const KERNEL = READ | WRITE | PRESENT | ACCESSED | DIRTY | GLOBAL;

/**
 * pfn_pte (pgtable.h 337–345): (pfn << _PAGE_PFN_SHIFT) | prot in unsigned long,
 * the pfn not masked, so 54 pfn bits are written and those above bit 43 spill
 * into bits 54–63 (Svpbmt, N). pte_pfn (324–333 with __page_val_to_pfn, 122):
 * (pte & _PAGE_PFN_MASK) >> 10, _PAGE_PFN_MASK = GENMASK(53, 10) (pgtable-64.h 79).
 */
const pfnField = field('pfn', PFN_SHIFT, 44, { encodeWidth: 64 - PFN_SHIFT });

export const riscv64_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'riscv64',
  era: '6.18',
  arch: 'riscv',
  title: 'riscv64, Sv48 (4 levels; Sv39/Sv57 share the pte layout)',
  aliases: ['v6.18-riscv64-sv48', 'v6.18-riscv64', 'riscv64-sv48'],
  wordBits: 64,
  pteBits: 64,
  // 4K pages only: arch/riscv/Kconfig 186 selects HAVE_PAGE_SIZE_4KB alone; PAGE_SHIFT 12 (include/vdso/page.h)
  PAGE_SHIFT: 12,
  // Sv48: PGDIR_SHIFT_L4 39 (pgtable-64.h 16–20), p4d folded (25–30, mm_p4d_folded 233–240),
  // PUD_SHIFT 30 (35), PMD_SHIFT 21 (39); PTRS_PER_* = PAGE_SIZE / 8 = 512 at every level
  // (pgtable.h 33–35, pgtable-64.h 51, 60, 70).
  levels: [
    { name: 'pgd', shift: 39, bits: 9 },
    { name: 'pud', shift: 30, bits: 9 },
    { name: 'pmd', shift: 21, bits: 9 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  // TASK_SIZE = TASK_SIZE_64 = PGDIR_SIZE * PTRS_PER_PGD / 2 = 2^39 * 512 / 2 for a native
  // 64-bit task (pgtable.h 1074–1082; the comment at 1059–1066 gives 0x800000000000 for Sv48)
  TASK_SIZE: {
    bytes: 1n << 47n,
    config: 'Sv48 paging (Sv39: 2^38, Sv57: 2^56)',
    source: { file: PGTABLE, version: V618, lines: '1059–1082', what: 'TASK_SIZE_64 = PGDIR_SIZE * PTRS_PER_PGD / 2' },
  },
  // MAX_PHYSMEM_BITS 56 on 64-bit (arch/riscv/include/asm/sparsemem.h 6–8)
  physBits: 56,
  bits: RISCV_BITS_618,
  // pgtable.h 175–202
  prots: {
    PAGE_NONE: PROT_NONE | READ,
    PAGE_READ: BASE | READ,
    PAGE_WRITE: BASE | READ | WRITE,
    PAGE_EXEC: BASE | EXEC,
    PAGE_READ_EXEC: BASE | READ | EXEC,
    PAGE_WRITE_EXEC: BASE | READ | EXEC | WRITE,
    PAGE_COPY: BASE | READ, // = PAGE_READ (186)
    PAGE_COPY_EXEC: BASE | READ | EXEC, // = PAGE_READ_EXEC (187)
    PAGE_SHARED: BASE | READ | WRITE, // = PAGE_WRITE (188)
    PAGE_SHARED_EXEC: BASE | READ | EXEC | WRITE, // = PAGE_WRITE_EXEC (189)
    PAGE_KERNEL: KERNEL,
    PAGE_KERNEL_READ: KERNEL & ~WRITE,
    PAGE_KERNEL_EXEC: KERNEL | EXEC,
    PAGE_KERNEL_READ_EXEC: (KERNEL & ~WRITE) | EXEC,
  },
  protectionMap: RISCV_PROTECTION_MAP_618,
  predicates: {
    // pte_none: pte == 0 (373–376); pte_present: _PAGE_PRESENT or _PAGE_PROT_NONE (355–358);
    // pte_protnone (CONFIG_NUMA_BALANCING, 465–472): PROT_NONE set, PRESENT clear
    none: { ignore: 0n },
    present: [
      { mask: PRESENT, value: PRESENT },
      { mask: PROT_NONE, value: PROT_NONE },
    ],
    protnone: { mask: PRESENT | PROT_NONE, value: PROT_NONE },
    source: { file: PGTABLE, version: V618, lines: '355–358, 373–376, 465–472' },
  },
  // pgtable.h 413–452: each sets or clears its one bit; pte_mkdirty sets no soft-dirty bit
  // (riscv 6.18 has none). pte_mkwrite is pte_mkwrite_novma (422–425).
  modifiers: {
    pte_mkwrite: { set: WRITE },
    pte_wrprotect: { clear: WRITE },
    pte_mkdirty: { set: DIRTY },
    pte_mkclean: { clear: DIRTY },
    pte_mkyoung: { set: ACCESSED },
    pte_mkold: { clear: ACCESSED },
    pte_mkspecial: { set: SPECIAL },
  },
  // the pte-bit roles, _PAGE_CHG_MASK and Kconfig selects (capabilities.ts, cited there)
  roles: RISCV_ROLES_618,
  chgMask: RISCV_CHG_MASK_618,
  selects: RISCV_SELECTS_618,
  pfn: {
    field: pfnField,
    source: { file: PGTABLE, version: V618, lines: '122, 324–345', what: 'pte_pfn, pfn_pte; _PAGE_PFN_MASK GENMASK(53, 10) in pgtable-64.h 79' },
  },
  swap: {
    // pgtable.h 1000–1027: __swp_entry = (type & 0x1f) << 7 | offset << 12 (unsigned long);
    // __swp_type = (val >> 7) & 0x1f, __swp_offset = val >> 12; the pte is the value.
    arch: {
      type: field('type', 7, 5),
      offset: field('offset', 12, 52),
    },
    toPte: { kind: 'shift', shift: 0 },
    // pte_swp_*exclusive (1029–1042): _PAGE_SWP_EXCLUSIVE, bit 6. No swap soft-dirty and no
    // swap uffd-wp: riscv 6.18 selects neither HAVE_ARCH_SOFT_DIRTY nor HAVE_ARCH_USERFAULTFD_WP
    // (config RISCV, arch/riscv/Kconfig 13–228; nothing under arch/riscv selects them), so the
    // no-op stubs of include/linux/pgtable.h apply.
    flags: { exclusive: 6 },
    source: { file: PGTABLE, version: V618, lines: '1000–1042' },
  },
  // PMD-mapped THP: config RISCV selects HAVE_ARCH_TRANSPARENT_HUGEPAGE if 64BIT && MMU (Kconfig 147).
  huge: {
    HPAGE_PMD_SHIFT: 21,
    shiftSource: { file: 'arch/riscv/include/asm/pgtable-64.h', version: V618, lines: '39', what: 'PMD_SHIFT 21; HPAGE_PMD_SHIFT = PMD_SHIFT (include/linux/huge_mm.h)' },
    pfn: {
      // pfn_pmd (pgtable-64.h 253–260): pfn << 10 | prot, unmasked, as pfn_pte. pmd_pfn (pgtable.h
      // 693–698) reads the same field, then masks the address with PMD_MASK: see the quirk below.
      field: pfnField,
      source: { file: 'arch/riscv/include/asm/pgtable-64.h', version: V618, lines: '253–260', what: 'pfn_pmd; pmd_pfn in pgtable.h 693–698' },
    },
    // pmd_mkhuge returns the pmd unchanged (pgtable.h 683–686): a pmd is a leaf by its R/W/X bits
    mkhuge: { set: 0n, source: { file: PGTABLE, version: V618, lines: '683–686' } },
    // pmd_trans_huge = pmd_leaf = pmd_present && (pmd & _PAGE_LEAF) (839–843, 242–246); any leaf bit
    // makes the THP pmd_present true too, so pmd_trans_huge is "any of R, W, X"
    transHuge: {
      match: [
        { mask: READ, value: READ },
        { mask: WRITE, value: WRITE },
        { mask: EXEC, value: EXEC },
      ],
      source: { file: PGTABLE, version: V618, lines: '242–246, 839–843' },
    },
    // pmd_present with CONFIG_TRANSPARENT_HUGEPAGE (214–224): PRESENT, PROT_NONE or any leaf bit,
    // so a pmd that split_huge_page made not-present stays present
    present: {
      match: [
        { mask: PRESENT, value: PRESENT },
        { mask: PROT_NONE, value: PROT_NONE },
        { mask: READ, value: READ },
        { mask: WRITE, value: WRITE },
        { mask: EXEC, value: EXEC },
      ],
      source: { file: PGTABLE, version: V618, lines: '214–224' },
    },
    // pmd_populate (arch/riscv/include/asm/pgalloc.h 26–32): pfn << _PAGE_PFN_SHIFT | _PAGE_TABLE
    table: {
      set: PAGE_TABLE,
      pfn: pfnField,
      source: { file: 'arch/riscv/include/asm/pgalloc.h', version: V618, lines: '26–32' },
    },
    config: {
      file: 'arch/riscv/Kconfig',
      version: V618,
      lines: '147',
      what: 'config RISCV selects HAVE_ARCH_TRANSPARENT_HUGEPAGE if 64BIT && MMU; mm/Kconfig 817: TRANSPARENT_HUGEPAGE depends on it',
    },
  },
  sources: [
    { file: 'arch/riscv/include/asm/pgtable-bits.h', version: V618, lines: '9–39' },
    { file: 'arch/riscv/include/asm/pgtable-64.h', version: V618, lines: '16–87, 115–175, 253–265' },
    { file: PGTABLE, version: V618, lines: '33–35, 122, 175–230, 242–246, 324–478, 683–698, 839–843, 1000–1082' },
    { file: 'arch/riscv/include/asm/pgalloc.h', version: V618, lines: '26–32', what: 'pmd_populate' },
    { file: 'arch/riscv/include/asm/sparsemem.h', version: V618, lines: '6–8', what: 'MAX_PHYSMEM_BITS' },
    { file: 'arch/riscv/include/asm/page.h', version: V618, lines: '17–20', what: 'HPAGE_SHIFT = PMD_SHIFT' },
    { file: 'arch/riscv/Kconfig', version: V618, lines: '26, 48, 92, 147–149, 186, 347–350', what: 'what config RISCV selects' },
    { file: 'include/linux/swapops.h', version: V618, what: 'the generic swp_entry_t, migration, device, hwpoison and marker entries' },
  ],
  expectedFailures: [
    {
      check: 'huge.layout',
      reason:
        'riscv marks a leaf (huge) pmd by the R/W/X permission bits its prot carries (_PAGE_LEAF, pgtable-bits.h 35–39; pmd_leaf, pgtable.h 242–246): pmd_mkhuge returns the pmd unchanged (pgtable.h 683–686) and pfn_pmd adds nothing to the prot (pgtable-64.h 253–260), so no bit they set or clear marks the pmd huge; huge.trans-huge shows every named prot, PAGE_NONE included, still gives a trans-huge pmd',
      message: 'pmd_mkhuge / pfn_pmd set, or pmd_mkhuge clears, at least one bit marking the pmd huge',
    },
  ],
  quirks: [
    'pmd_mkhuge is the identity and pfn_pmd sets no bit of its own: a pmd is huge because its prot has R, W or X (a table pmd has none of them).',
    'pfn_pte does not mask the pfn: a pfn of 2^44 or more spills into bits 54–63 (Svpbmt memory type, Svnapot N) and pte_pfn drops it (pgtable.h 122, 337–345).',
    'The swap exclusive marker is _PAGE_ACCESSED (bit 6), and PROT_NONE is _PAGE_GLOBAL (bit 5): the bits mean something else in a present pte.',
    'A swap entry keeps 52 offset bits (bits 12–63), fewer than the generic entry\'s 58: generic_max_swapfile_size is 2^52 pages.',
    'riscv 6.18 has neither soft-dirty nor uffd-wp (arch/riscv/Kconfig selects neither HAVE_ARCH_SOFT_DIRTY nor HAVE_ARCH_USERFAULTFD_WP): the swap soft-dirty and uffd-wp helpers are the generic no-ops.',
    'Nor does it select ARCH_SUPPORTS_MEMORY_FAILURE, so CONFIG_MEMORY_FAILURE (SWP_HWPOISON) cannot really be set; the default configuration keeps it on, as the reference vectors do.',
    'pmd_pfn masks the address with PMD_MASK (pgtable.h 693–698) though pfn_pmd keeps every pfn bit: a pmd holding an unaligned pfn, which the kernel never builds, reads back aligned in the kernel but not in this model (HugePfnSpec cannot say "mask on read only").',
  ],
};
