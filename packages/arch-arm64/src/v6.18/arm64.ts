/**
 * arm64, 6.18: 4K pages, 48-bit VA (4 levels), 48-bit PA, no LPA2.
 *
 * Configuration assumed (as the reference vectors do): arm64_use_ng_mappings
 * false (its initial value; KPTI or KASLR sets it at boot and PAGE_KERNEL then
 * gains PTE_NG), CONFIG_ARM64_HW_AFDBM=y, CONFIG_USERFAULTFD=y (so
 * HAVE_ARCH_USERFAULTFD_WP, arch/arm64/Kconfig 279), CONFIG_NUMA_BALANCING=y
 * (so pte_protnone is arm64's, pgtable.h 593–609).
 */
import { field, type VariantSpec } from '@mmsim/core';
import { ARM64_CHG_MASK_618, ARM64_PROTECTION_MAP_618, ARM64_ROLES_618, ARM64_SELECTS_618 } from '../capabilities.js';
import { V618 } from '../sources.js';
import { AF, ARM64_BITS_618, DIRTY, NG, PRESENT_INVALID, PXN, RDONLY, SHARED, SPECIAL, TABLE_BIT, TYPE_PAGE, USER, UXN, VALID, WRITE } from './bits.js';

const PGTABLE = 'arch/arm64/include/asm/pgtable.h';
const PROT = 'arch/arm64/include/asm/pgtable-prot.h';

// pgtable-prot.h 36–63: _PAGE_DEFAULT = PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_ATTRINDX(MT_NORMAL = 0);
// PROT_NORMAL = PROT_DEFAULT (PTE_MAYBE_NG = 0, PTE_MAYBE_SHARED = PTE_SHARED without LPA2, 76–81)
// | PXN | UXN | PTE_WRITE
const PAGE_DEFAULT = TYPE_PAGE | AF | SHARED;

/** bits 12–49 (PTE_ADDR_LOW) read, 52 pfn bits written (pfn_pte unmasked): see pfn below */
const PFN_FIELD = field('pfn', 12, 38, { encodeWidth: 52 });
const PROT_NORMAL = TYPE_PAGE | SHARED | AF | PXN | UXN | WRITE;

export const arm64_618: VariantSpec = {
  specificationVersion: 'v1',
  id: 'arm64',
  era: '6.18',
  arch: 'arm64',
  title: 'arm64, 4K pages, 48-bit VA and PA (4 levels, no LPA2)',
  aliases: ['v6.18-arm64-4k', 'v6.18-arm64', 'arm64-4k'],
  wordBits: 64,
  pteBits: 64,
  PAGE_SHIFT: 12, // CONFIG_ARM64_4K_PAGES (arch/arm64/Kconfig 1364)
  // pgtable-hwdef.h 10–85: PTDESC_TABLE_SHIFT = PAGE_SHIFT − 3 = 9 index bits per level;
  // ARM64_HW_PGTABLE_LEVEL_SHIFT(n) = 9 * (4 − n) + 3: PMD 21, PUD 30, PGDIR (level 0 with
  // CONFIG_PGTABLE_LEVELS=4, Kconfig 394–402) 39; PTRS_PER_PGD = 1 << (VA_BITS 48 − 39) = 512.
  levels: [
    { name: 'pgd', shift: 39, bits: 9 },
    { name: 'pud', shift: 30, bits: 9 },
    { name: 'pmd', shift: 21, bits: 9 },
    { name: 'pte', shift: 12, bits: 9 },
  ],
  // TASK_SIZE = TASK_SIZE_64 = 1 << vabits_actual for a native 64-bit task (processor.h 50–78);
  // vabits_actual is VA_BITS when VA_BITS <= 48 (memory.h 230–235)
  TASK_SIZE: {
    bytes: 1n << 48n,
    config: 'ARM64_VA_BITS_48',
    source: { file: 'arch/arm64/include/asm/processor.h', version: V618, lines: '50–78', what: 'TASK_SIZE_64 = 1 << vabits_actual; vabits_actual = VA_BITS (memory.h 230–235)' },
  },
  // MAX_PHYSMEM_BITS = PHYS_MASK_SHIFT (sparsemem.h 10) = CONFIG_ARM64_PA_BITS = 48 without LPA2
  // (pgtable-prot.h 79–83; Kconfig 1455–1482)
  physBits: 48,
  bits: ARM64_BITS_618,
  // pgtable-prot.h 53–63, 106–128 (the user prots are what protection_map uses, arch/arm64/mm/mmap.c)
  prots: {
    PAGE_NONE: (PAGE_DEFAULT & ~VALID) | PRESENT_INVALID | RDONLY | NG | PXN | UXN,
    PAGE_SHARED: PAGE_DEFAULT | USER | RDONLY | NG | PXN | UXN | WRITE,
    PAGE_SHARED_EXEC: PAGE_DEFAULT | USER | RDONLY | NG | PXN | WRITE,
    PAGE_READONLY: PAGE_DEFAULT | USER | RDONLY | NG | PXN | UXN,
    PAGE_READONLY_EXEC: PAGE_DEFAULT | USER | RDONLY | NG | PXN,
    PAGE_EXECONLY: PAGE_DEFAULT | RDONLY | NG | PXN,
    PAGE_KERNEL: PROT_NORMAL,
    PAGE_KERNEL_RO: (PROT_NORMAL & ~WRITE) | RDONLY,
    PAGE_KERNEL_ROX: (PROT_NORMAL & ~(WRITE | PXN)) | RDONLY,
    PAGE_KERNEL_EXEC: PROT_NORMAL & ~PXN,
  },
  protectionMap: ARM64_PROTECTION_MAP_618,
  predicates: {
    // pte_none: pte == 0 (177); pte_present = pte_valid || pte_present_invalid (185, 210–212):
    // PTE_VALID set, or PTE_VALID clear and PTE_PRESENT_INVALID (PTE_NG) set.
    // pte_protnone (593–609): present-invalid, PTE_USER clear, PTE_UXN set.
    none: { ignore: 0n },
    present: [
      { mask: VALID, value: VALID },
      { mask: VALID | PRESENT_INVALID, value: PRESENT_INVALID },
    ],
    protnone: { mask: VALID | PRESENT_INVALID | USER | UXN, value: PRESENT_INVALID | UXN },
    source: { file: PGTABLE, version: V618, lines: '177, 185, 210–212, 593–609' },
  },
  // pgtable.h 293–346. pte_mkwrite_novma, pte_mkdirty and pte_wrprotect depend on the pte (dirty is
  // PTE_DIRTY or hardware-dirty, PTE_WRITE with PTE_RDONLY clear, 206–208), so they are steps:
  modifiers: {
    // 293–299: set PTE_WRITE; then, if software-dirty, clear PTE_RDONLY
    pte_mkwrite: { steps: [{ set: WRITE }, { when: { mask: DIRTY, value: DIRTY }, clear: RDONLY }] },
    // 319–331: hardware-dirty (PTE_WRITE set, PTE_RDONLY clear) first becomes PTE_DIRTY; then clear PTE_WRITE, set PTE_RDONLY
    pte_wrprotect: { steps: [{ when: { mask: WRITE | RDONLY, value: WRITE }, set: DIRTY }, { set: RDONLY, clear: WRITE }] },
    // 309–317: set PTE_DIRTY; then, if writable, clear PTE_RDONLY
    pte_mkdirty: { steps: [{ set: DIRTY }, { when: { mask: WRITE, value: WRITE }, clear: RDONLY }] },
    // 301–307: clear PTE_DIRTY, set PTE_RDONLY
    pte_mkclean: { set: RDONLY, clear: DIRTY },
    pte_mkyoung: { set: AF }, // 338–341
    pte_mkold: { clear: AF }, // 333–336
    pte_mkspecial: { set: SPECIAL }, // 343–346
  },
  // the pte-bit roles, what pte_modify keeps and the Kconfig selects (capabilities.ts, cited there)
  roles: ARM64_ROLES_618,
  chgMask: ARM64_CHG_MASK_618,
  selects: ARM64_SELECTS_618,
  pfn: {
    // pfn_pte (pgtable.h 174–175): (phys_addr_t)pfn << PAGE_SHIFT | prot, and __phys_to_pte_val is
    // the identity without PA_BITS_52 (167–170): 52 pfn bits written, unmasked. pte_pfn (162–165,
    // 173): (pte & PTE_ADDR_LOW) >> PAGE_SHIFT, PTE_ADDR_LOW = bits 12–49 (pgtable-hwdef.h 179),
    // so 38 pfn bits survive although the PA is 48 bits.
    field: PFN_FIELD,
    source: { file: PGTABLE, version: V618, lines: '150–175', what: 'pte_pfn, pfn_pte; PTE_ADDR_LOW in pgtable-hwdef.h 179' },
  },
  swap: {
    // pgtable.h 1529–1550: __swp_entry = type << 6 | offset << 12, the type shifted unmasked
    // (as unsigned int: 26 bits written) and the offset in unsigned long (52 bits written);
    // __swp_type = (val >> 6) & 0x1f, __swp_offset = (val >> 12) & (2^50 − 1); the pte is the value.
    arch: {
      type: field('type', 6, 5, { encodeWidth: 26 }),
      offset: field('offset', 12, 50, { encodeWidth: 52 }),
    },
    toPte: { kind: 'shift', shift: 0 },
    // pte_swp_*exclusive: PTE_SWP_EXCLUSIVE bit 2 (pgtable.h 561–574, pgtable-prot.h 17);
    // pte_swp_*uffd_wp: PTE_SWP_UFFD_WP bit 3 (pgtable.h 576–591, pgtable-prot.h 28–34).
    // No swap soft-dirty: arm64 6.18 does not select HAVE_ARCH_SOFT_DIRTY (config ARM64, Kconfig 2–287).
    flags: { exclusive: 2, uffdWp: 3 },
    source: { file: PGTABLE, version: V618, lines: '561–591, 1529–1561' },
  },
  // PMD-mapped THP: config ARM64 selects HAVE_ARCH_TRANSPARENT_HUGEPAGE (Kconfig 199), 2 MiB blocks with 4K pages.
  huge: {
    HPAGE_PMD_SHIFT: 21,
    shiftSource: { file: 'arch/arm64/include/asm/pgtable-hwdef.h', version: V618, lines: '55', what: 'PMD_SHIFT = ARM64_HW_PGTABLE_LEVEL_SHIFT(2) = 21; HPAGE_PMD_SHIFT = PMD_SHIFT (include/linux/huge_mm.h)' },
    pfn: {
      // pfn_pmd (pgtable.h 667): pfn << PAGE_SHIFT | prot, unmasked, as pfn_pte. pmd_pfn (666) reads the pte's
      // field and masks the address with PMD_MASK: see the quirk below.
      field: PFN_FIELD,
      source: { file: PGTABLE, version: V618, lines: '666–667', what: 'pmd_pfn, pfn_pmd' },
    },
    // pmd_mkhuge (643–654): clears PMD_TYPE_MASK & ~PTE_VALID (bit 1, the table bit) and sets
    // PMD_TYPE_SECT & ~PTE_VALID (nothing), so PTE_VALID, or present-invalid, survives
    mkhuge: { set: 0n, clear: TABLE_BIT, source: { file: PGTABLE, version: V618, lines: '643–654' } },
    // pmd_trans_huge (825–832) = pmd_present && !pmd_table(pmd | PTE_VALID): present, bit 1 clear
    transHuge: {
      match: [
        { mask: VALID | TABLE_BIT, value: VALID },
        { mask: VALID | NG | TABLE_BIT, value: NG },
      ],
      source: { file: PGTABLE, version: V618, lines: '617, 812–832' },
    },
    // pmd_present = pte_present(pmd_pte(pmd)) (617): PTE_VALID, or present-invalid (210–212)
    present: {
      match: [
        { mask: VALID, value: VALID },
        { mask: VALID | NG, value: NG },
      ],
      source: { file: PGTABLE, version: V618, lines: '185, 210–212, 617' },
    },
    // pmd_populate (pgalloc.h 114–120): the table's phys | PMD_TYPE_TABLE | PMD_TABLE_AF | PMD_TABLE_PXN
    // (pgtable-hwdef.h 137, 139, 152)
    table: {
      set: TYPE_PAGE | AF | (1n << 59n),
      pfn: PFN_FIELD,
      source: { file: 'arch/arm64/include/asm/pgalloc.h', version: V618, lines: '98–120', what: 'PMD_TYPE_TABLE, PMD_TABLE_AF, PMD_TABLE_PXN in pgtable-hwdef.h 136–153' },
    },
    config: { file: 'arch/arm64/Kconfig', version: V618, lines: '199', what: 'config ARM64 selects HAVE_ARCH_TRANSPARENT_HUGEPAGE; mm/Kconfig 817: TRANSPARENT_HUGEPAGE depends on it' },
  },
  sources: [
    { file: 'arch/arm64/include/asm/pgtable-hwdef.h', version: V618, lines: '10–85, 133–213' },
    { file: PROT, version: V618, lines: '13–128' },
    { file: PGTABLE, version: V618, lines: '150–212, 293–346, 561–667, 812–833, 1255–1277, 1529–1561' },
    { file: 'arch/arm64/include/asm/pgalloc.h', version: V618, lines: '98–122', what: 'pmd_populate' },
    { file: 'arch/arm64/include/asm/sparsemem.h', version: V618, lines: '10–11', what: 'MAX_PHYSMEM_BITS = PHYS_MASK_SHIFT' },
    { file: 'arch/arm64/include/asm/processor.h', version: V618, lines: '50–78', what: 'TASK_SIZE' },
    { file: 'arch/arm64/include/asm/memory.h', version: V618, lines: '41–63, 230–235', what: 'VA_BITS, vabits_actual' },
    { file: 'arch/arm64/Kconfig', version: V618, lines: '21, 45, 99, 106, 123, 199, 279, 394–402, 1364, 1446–1486', what: 'what config ARM64 selects; page size, VA and PA bits' },
    { file: 'include/linux/swapops.h', version: V618, what: 'the generic swp_entry_t, migration, device, hwpoison and marker entries' },
  ],
  quirks: [
    'pte_pfn keeps bits 12–49 (PTE_ADDR_LOW): only pfns below 2^38 survive although the physical address is 48 bits; pfn_pte does not mask, so a larger pfn spills into PTE_GP, DBM, CONT, PXN, UXN and the software bits (pgtable.h 162–175).',
    'The swap type is shifted in unmasked (pgtable.h 1547): a generic type of 32–63 sets bit 11, PTE_PRESENT_INVALID, and the pte reads as present.',
    'A swap entry keeps 50 offset bits (bits 12–61); bits 62–63 take offset bits 50–51 on the way in and are dropped on the way out.',
    'PROT_NONE is a present-invalid pte (PTE_VALID clear, PTE_NG set) with PTE_USER clear and PTE_UXN set; pte_present() is true for every present-invalid pte, pte_protnone() only for that combination (pgtable.h 210–212, 593–609).',
    'Dirty is two things: the software PTE_DIRTY (bit 55), or hardware-dirty, PTE_WRITE (DBM, bit 51) set with PTE_RDONLY clear (pgtable.h 206–208, 426–440). pte_mkwrite_novma, pte_mkdirty and pte_wrprotect move PTE_RDONLY and PTE_DIRTY according to the pte they are given (293–331): they are declared as conditional steps. The dirty role is PTE_DIRTY, so pte_dirty() of a pte that is only hardware-dirty (which the simulator never makes: its pte_mkdirty always sets PTE_DIRTY) reads clean.',
    'No swap soft-dirty: arm64 6.18 does not select HAVE_ARCH_SOFT_DIRTY. Swap uffd-wp (bit 3) exists only with CONFIG_USERFAULTFD (HAVE_ARCH_USERFAULTFD_WP if USERFAULTFD, Kconfig 279); without it PTE_SWP_UFFD_WP is 0.',
    'A huge pmd is a block descriptor: pmd_mkhuge clears bit 1, the bit that makes a pmd a table (pgtable.h 643–654), and leaves PTE_VALID as it was, so a present-invalid (PROT_NONE) huge pmd stays present-invalid.',
    'pmd_pfn masks the address with PMD_MASK (pgtable.h 666) though pfn_pmd keeps every pfn bit: a pmd holding an unaligned pfn, which the kernel never builds, reads back aligned in the kernel but not in this model (HugePfnSpec cannot say "mask on read only").',
  ],
};
