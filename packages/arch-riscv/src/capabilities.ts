/**
 * What generic mm asks of riscv64 6.18 beyond the pte layout, as the typed
 * fields of the VariantSpec: the pte-bit roles, _PAGE_CHG_MASK (what
 * pte_modify keeps), the Kconfig symbols config RISCV selects, and the
 * protection_map. Values are riscv64 6.18.2 (mirror gfunkmonk/linux-6.18.2
 * @ 062668f4d); every fact cites its file and lines.
 */
import type { ArchSelects, ProtectionMap, PteChgMask, PteRoles } from '@mmsim/core';
import { V618 } from './sources.js';
import { EXEC, GLOBAL, PRESENT, READ, USER, WRITE } from './v6.18/bits.js';

const PGTABLE = 'arch/riscv/include/asm/pgtable.h';
const KCONFIG = 'arch/riscv/Kconfig';

/**
 * pte_present: PRESENT or PROT_NONE (pgtable.h 355–358); pte_write tests W
 * (378–381); pte_user U (388–391); pte_dirty D (398–401); pte_young A
 * (403–406); pte_special the RSW bit 8 (408–411); pte_protnone
 * (CONFIG_NUMA_BALANCING, 465–472) PROT_NONE = G (bit 5) with PRESENT clear.
 * No _PAGE_SOFT_DIRTY, no _PAGE_UFFD_WP and no saved-dirty bit in 6.18
 * (pgtable-bits.h 9–39): the asm-generic stubs apply.
 */
export const RISCV_ROLES_618: PteRoles = {
  present: 0,
  write: 2,
  user: 4,
  dirty: 7,
  young: 6,
  special: 8,
  protnone: 5,
  softDirty: null,
  uffdWp: null,
  savedDirty: null,
  source: { file: PGTABLE, version: V618, lines: '355–358, 378–411, 465–472', what: 'bits in arch/riscv/include/asm/pgtable-bits.h 9–39' },
};

/**
 * _PAGE_CHG_MASK = ~(PRESENT | READ | WRITE | EXEC | USER | GLOBAL |
 * _PAGE_MTMASK) (pgtable-64.h 171–175; pte_modify, pgtable.h 480–488).
 * _PAGE_MTMASK is 0 without Svpbmt, the configuration modelled (bits 61–62
 * with it).
 */
export const RISCV_CHG_MASK_618: PteChgMask = {
  flags: ((1n << 64n) - 1n) & ~(PRESENT | READ | WRITE | EXEC | USER | GLOBAL),
  source: { file: 'arch/riscv/include/asm/pgtable-64.h', version: V618, lines: '171–175', what: 'pte_modify in pgtable.h 480–488' },
};

/**
 * config RISCV (arch/riscv/Kconfig 13–228) selects ARCH_HAS_PTE_SPECIAL (48)
 * and ARCH_WANTS_THP_SWAP if HAVE_ARCH_TRANSPARENT_HUGEPAGE (92; that one
 * if 64BIT && MMU, 147). It selects none of HAVE_ARCH_USERFAULTFD_WP (only
 * HAVE_ARCH_USERFAULTFD_MINOR, 149), HAVE_ARCH_SOFT_DIRTY or
 * ARCH_SUPPORTS_PT_RECLAIM (in 6.18 only x86 selects it, arch/x86/Kconfig 330).
 * Not asked by mm here: ARCH_SUPPORTS_MEMORY_FAILURE is not selected either
 * (SWP_HWPOISON cannot really be configured), ARCH_SUPPORTS_NUMA_BALANCING is
 * (482–485).
 */
export const RISCV_SELECTS_618: ArchSelects = {
  ARCH_WANTS_THP_SWAP: true,
  ARCH_SUPPORTS_PT_RECLAIM: false,
  HAVE_ARCH_USERFAULTFD_WP: false,
  HAVE_ARCH_SOFT_DIRTY: false,
  ARCH_HAS_PTE_SPECIAL: true,
  source: { file: KCONFIG, version: V618, lines: '13–228, 48, 92, 147, 149' },
};

/**
 * protection_map[16] (arch/riscv/mm/init.c 376–393, looked up as is by
 * DECLARE_VM_GET_PAGE_PROT, 394): riscv names read-only PAGE_READ and has an
 * exec-only PAGE_EXEC; private writable is PAGE_COPY (= PAGE_READ).
 */
export const RISCV_PROTECTION_MAP_618: ProtectionMap = {
  names: [
    'PAGE_NONE',
    'PAGE_READ',
    'PAGE_COPY',
    'PAGE_COPY',
    'PAGE_EXEC',
    'PAGE_READ_EXEC',
    'PAGE_COPY_EXEC',
    'PAGE_COPY_EXEC',
    'PAGE_NONE',
    'PAGE_READ',
    'PAGE_SHARED',
    'PAGE_SHARED',
    'PAGE_EXEC',
    'PAGE_READ_EXEC',
    'PAGE_SHARED_EXEC',
    'PAGE_SHARED_EXEC',
  ],
  source: { file: 'arch/riscv/mm/init.c', version: V618, lines: '376–394' },
};
