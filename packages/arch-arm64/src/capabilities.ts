/**
 * What generic mm asks of arm64 6.18 (4K pages, 48-bit VA and PA) beyond the
 * pte layout, as the typed fields of the VariantSpec: the pte-bit roles,
 * what pte_modify keeps, and the Kconfig symbols config ARM64 selects.
 * Values are arm64 6.18.2 (mirror gfunkmonk/linux-6.18.2 @ 062668f4d);
 * every fact cites its file and lines.
 */
import type { ArchSelects, ProtectionMap, PteChgMask, PteRoles } from '@mmsim/core';
import { V618 } from './sources.js';
import { ATTRINDX_MASK, GP, PO_IDX_MASK, PRESENT_INVALID, PXN, RDONLY, USER, UXN, VALID, WRITE } from './v6.18/bits.js';

const PGTABLE = 'arch/arm64/include/asm/pgtable.h';

/**
 * pgtable.h 185–212: pte_present = PTE_VALID or present-invalid (PTE_NG,
 * bit 11, with PTE_VALID clear); pte_young PTE_AF; pte_special PTE_SPECIAL;
 * pte_write PTE_WRITE (= PTE_DBM, bit 51); pte_user PTE_USER (AP[1]).
 * pte_dirty (206–208) is the software PTE_DIRTY (bit 55) or hardware-dirty
 * (PTE_WRITE set, PTE_RDONLY clear): the role is PTE_DIRTY, the bit
 * pte_mkdirty always sets (310–317) and pte_wrprotect / pte_modify set from
 * hardware-dirty (319–331, 1266–1267), so every pte the simulator dirties
 * carries it. protnone: pte_protnone (593–609) is present-invalid with
 * PTE_USER clear and PTE_UXN set; its bit of its own is PTE_PRESENT_INVALID.
 * PTE_UFFD_WP is bit 58 with CONFIG_HAVE_ARCH_USERFAULTFD_WP
 * (pgtable-prot.h 28–34). No soft-dirty bit (HAVE_ARCH_SOFT_DIRTY is not
 * selected), and no separate saved-dirty bit: the software PTE_DIRTY keeps
 * dirtiness across pte_wrprotect.
 */
export const ARM64_ROLES_618: PteRoles = {
  present: 0,
  write: 51,
  user: 6,
  dirty: 55,
  young: 10,
  special: 56,
  protnone: 11,
  softDirty: null,
  uffdWp: 58,
  savedDirty: null,
  source: { file: PGTABLE, version: V618, lines: '185–212, 293–346, 593–609', what: 'PTE_UFFD_WP in arch/arm64/include/asm/pgtable-prot.h 28–34' },
};

/**
 * pte_modify (pgtable.h 1255–1277) has no _PAGE_CHG_MASK: it replaces
 * PTE_USER | PTE_PXN | PTE_UXN | PTE_RDONLY | PTE_PRESENT_INVALID |
 * PTE_VALID | PTE_WRITE | PTE_GP | PTE_ATTRINDX_MASK | PTE_PO_IDX_MASK from
 * the new prot and keeps every other bit of the old pte, so what it keeps is
 * the complement. (It also turns hardware-dirty into PTE_DIRTY before, and
 * re-applies pte_mkdirty to a software-dirty pte after, 1266–1275.)
 */
export const ARM64_CHG_MASK_618: PteChgMask = {
  flags: ((1n << 64n) - 1n) & ~(USER | PXN | UXN | RDONLY | PRESENT_INVALID | VALID | WRITE | GP | ATTRINDX_MASK | PO_IDX_MASK),
  source: { file: PGTABLE, version: V618, lines: '1255–1277' },
};

/**
 * config ARM64 (arch/arm64/Kconfig 2–287) selects ARCH_HAS_PTE_SPECIAL (45),
 * ARCH_WANTS_THP_SWAP if ARM64_4K_PAGES (123; 4K pages here),
 * HAVE_ARCH_USERFAULTFD_WP if USERFAULTFD (279; CONFIG_USERFAULTFD=y
 * assumed). It selects neither HAVE_ARCH_SOFT_DIRTY nor
 * ARCH_SUPPORTS_PT_RECLAIM (in 6.18 only x86 selects it, arch/x86/Kconfig 330).
 */
export const ARM64_SELECTS_618: ArchSelects = {
  ARCH_WANTS_THP_SWAP: true,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: true,
  HAVE_ARCH_SOFT_DIRTY: false,
  ARCH_HAS_PTE_SPECIAL: true,
  source: { file: 'arch/arm64/Kconfig', version: V618, lines: '2–287, 45, 123, 279' },
};

/**
 * protection_map[16] (arch/arm64/mm/mmap.c 16–35; vm_get_page_prot 84–110
 * indexes it by VM_READ | VM_WRITE | VM_EXEC | VM_SHARED). arm64 has no
 * PAGE_COPY: private writable is PAGE_READONLY until the COW fault. A CPU
 * with Enhanced PAN turns the two exec-only entries into PAGE_EXECONLY at
 * boot (65–79); the CPU modelled has none. vm_get_page_prot's PTE_GP (BTI),
 * MTE and POE bits need VM flags the simulator does not set.
 */
export const ARM64_PROTECTION_MAP_618: ProtectionMap = {
  names: [
    'PAGE_NONE',
    'PAGE_READONLY',
    'PAGE_READONLY',
    'PAGE_READONLY',
    'PAGE_READONLY_EXEC',
    'PAGE_READONLY_EXEC',
    'PAGE_READONLY_EXEC',
    'PAGE_READONLY_EXEC',
    'PAGE_NONE',
    'PAGE_READONLY',
    'PAGE_SHARED',
    'PAGE_SHARED',
    'PAGE_READONLY_EXEC',
    'PAGE_READONLY_EXEC',
    'PAGE_SHARED_EXEC',
    'PAGE_SHARED_EXEC',
  ],
  source: { file: 'arch/arm64/mm/mmap.c', version: V618, lines: '16–35, 65–79' },
};
