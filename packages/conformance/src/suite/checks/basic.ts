/**
 * pte basics, after mm/debug_vm_pgtable.c pte_basic_tests (6.18 lines
 * 79–105): for every named protection, the make/clear pairs behave.
 */
import { fieldWidth, maskBig, type ModifierName, type PteRoles, type Variant } from '@mmsim/core';
import { upTo } from '../arbitraries.js';
import { expectEqual, expectTrue, property } from '../assert.js';
import { capability, modifier, predicate, prot, role, type RoleName } from '../requirements.js';
import type { ConformanceCheck } from '../types.js';

/** The mask of a pte role the spec declares (spec.roles), 0 where it is null. */
function roleMask(v: Variant, name: RoleName): bigint {
  const bit: PteRoles[RoleName] = v.spec.roles[name];
  return bit === null ? 0n : 1n << BigInt(bit);
}

const set = (v: Variant, name: ModifierName, pte: bigint) => v.kernel.modify(name, pte);
const has = (pte: bigint, mask: bigint) => mask !== 0n && (pte & mask) !== 0n;

function eachProtPte(v: Variant, body: (pte: bigint, protName: string) => void): void {
  const pfnMax = maskBig(v.constants.pfnBits);
  for (const [name, prot] of Object.entries(v.spec.prots)) {
    for (const pfn of [0n, 1n, 0x1234n & pfnMax, pfnMax]) body(v.kernel.pfn_pte(pfn, prot), name);
  }
}

function pair(id: string, title: string, bit: RoleName, mk: ModifierName, clear: ModifierName): ConformanceCheck {
  return {
    id,
    group: 'basic',
    title,
    needs: [modifier(mk), modifier(clear), role(bit)],
    run(v) {
      const mask = roleMask(v, bit);
      eachProtPte(v, (pte, prot) => {
        expectTrue(v, `${mk}(${clear}(pfn_pte(_, ${prot}))) must set ${bit}`, has(set(v, mk, set(v, clear, pte)), mask));
        expectTrue(v, `${clear}(${mk}(pfn_pte(_, ${prot}))) must clear ${bit}`, !has(set(v, clear, set(v, mk, pte)), mask));
      });
    },
  };
}

export const BASIC_CHECKS: readonly ConformanceCheck[] = [
  pair('basic.young-old', 'pte_mkyoung/pte_mkold toggle young (debug_vm_pgtable.c pte_basic_tests)', 'young', 'pte_mkyoung', 'pte_mkold'),
  pair('basic.dirty-clean', 'pte_mkdirty/pte_mkclean toggle dirty (debug_vm_pgtable.c pte_basic_tests)', 'dirty', 'pte_mkdirty', 'pte_mkclean'),
  pair('basic.write-wrprotect', 'pte_mkwrite/pte_wrprotect toggle write (debug_vm_pgtable.c pte_basic_tests)', 'write', 'pte_mkwrite', 'pte_wrprotect'),
  {
    id: 'basic.wrprotect-dirty',
    group: 'basic',
    title: 'pte_wrprotect never makes a pte dirty, and keeps it dirty after pte_mkdirty (debug_vm_pgtable.c pte_basic_tests)',
    needs: [modifier('pte_wrprotect'), modifier('pte_mkdirty'), role('dirty')],
    run(v) {
      const dirty = roleMask(v, 'dirty');
      eachProtPte(v, (pte, prot) => {
        expectTrue(v, `pte_wrprotect(pte_mkclean(pfn_pte(_, ${prot}))) must not be dirty`, !has(set(v, 'pte_wrprotect', set(v, 'pte_mkclean', pte)), dirty));
        expectTrue(v, `pte_wrprotect(pte_mkdirty(pfn_pte(_, ${prot}))) must stay dirty`, has(set(v, 'pte_wrprotect', set(v, 'pte_mkdirty', pte)), dirty));
      });
    },
  },
  {
    id: 'basic.pte-clear',
    group: 'basic',
    title: 'pte_clear (writing 0) gives a pte_none entry that classifies as none (debug_vm_pgtable.c pte_clear_tests)',
    run(v) {
      expectTrue(v, 'pte_none(0) must hold', v.kernel.pte_none(0n));
      expectEqual(v, 'classify(0)', 'none', v.classify(0n));
    },
  },
  {
    id: 'basic.prot-present',
    group: 'basic',
    title: 'pfn_pte with every named protection gives a present pte',
    run(v) {
      eachProtPte(v, (pte, prot) => expectTrue(v, `pfn_pte(_, ${prot}) = ${pte.toString(16)} must be pte_present`, v.kernel.pte_present(pte)));
    },
  },
  {
    id: 'basic.pfn-bits',
    group: 'pfn',
    title: 'every bit of the pfn field survives pfn_pte → pte_pfn (up to the unsigned long), for a present prot',
    run(v) {
      const expected = Math.min(fieldWidth(v.spec.pfn.field), v.constants.wordBits);
      expectEqual(v, 'pfn bits that survive pfn_pte → pte_pfn', expected, v.constants.pfnBits);
    },
  },
  {
    id: 'basic.pfn-roundtrip',
    group: 'pfn',
    title: 'pte_pfn(pfn_pte(pfn, prot)) == pfn for every pfn the pte can hold, every named prot',
    run(v, ctx) {
      const prots = Object.entries(v.spec.prots);
      property(v, ctx, upTo(maskBig(v.constants.pfnBits)), (pfn) => {
        for (const [name, prot] of prots) {
          expectEqual(v, `pte_pfn(pfn_pte(${pfn.toString(16)}, ${name}))`, pfn, v.kernel.pte_pfn(v.kernel.pfn_pte(pfn, prot)), v.constants.wordBits);
        }
      });
    },
  },
  {
    id: 'basic.protnone',
    group: 'basic',
    title: 'pfn_pte(pfn, PAGE_NONE) is both pte_protnone and pte_present (debug_vm_pgtable.c pte_protnone_tests)',
    needs: [predicate('protnone'), prot('PAGE_NONE')],
    run(v) {
      const pte = v.kernel.pfn_pte(0x1234n, v.spec.prots['PAGE_NONE']!);
      expectTrue(v, 'pte_protnone(pfn_pte(0x1234, PAGE_NONE))', v.kernel.pte_protnone(pte));
      expectTrue(v, 'pte_present(pfn_pte(0x1234, PAGE_NONE))', v.kernel.pte_present(pte));
      expectEqual(v, 'classify(pfn_pte(0x1234, PAGE_NONE))', 'protnone', v.classify(pte));
    },
  },
  {
    id: 'basic.special',
    group: 'basic',
    title: 'pte_mkspecial sets the special bit (debug_vm_pgtable.c pte_special_tests)',
    needs: [capability('pteSpecial', 'ARCH_HAS_PTE_SPECIAL'), modifier('pte_mkspecial')],
    run(v) {
      const special = roleMask(v, 'special');
      expectTrue(v, 'the variant declares a special bit (spec.roles.special)', special !== 0n);
      eachProtPte(v, (pte, prot) => expectTrue(v, `pte_mkspecial(pfn_pte(_, ${prot}))`, has(set(v, 'pte_mkspecial', pte), special)));
    },
  },
  {
    id: 'basic.soft-dirty',
    group: 'basic',
    title: 'pte_mksoft_dirty/pte_clear_soft_dirty toggle soft-dirty (debug_vm_pgtable.c pte_soft_dirty_tests)',
    needs: [capability('softDirty', 'HAVE_ARCH_SOFT_DIRTY'), modifier('pte_mksoft_dirty')],
    run(v) {
      const sd = roleMask(v, 'softDirty');
      expectEqual(v, 'pte_soft_dirty(pte_mksoft_dirty(0)) (the kernel layer, from spec.roles)', true, v.kernel.pte_soft_dirty(set(v, 'pte_mksoft_dirty', 0n)));
      expectTrue(v, 'the variant declares a soft-dirty bit (spec.roles.softDirty)', sd !== 0n);
      eachProtPte(v, (pte, prot) => {
        expectTrue(v, `pte_mksoft_dirty(pfn_pte(_, ${prot}))`, has(set(v, 'pte_mksoft_dirty', pte), sd));
        expectTrue(v, `pte_clear_soft_dirty(pte_mksoft_dirty(pfn_pte(_, ${prot})))`, !has(set(v, 'pte_clear_soft_dirty', set(v, 'pte_mksoft_dirty', pte)), sd));
      });
    },
  },
];
