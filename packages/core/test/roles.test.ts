/**
 * What core derives from a spec's roles, _PAGE_CHG_MASK and Kconfig selects:
 * the capabilities, the fast-path words, the kernel-faithful helpers (with
 * the asm-generic stubs where a role is null) and the checked refusals.
 */
import { describe, expect, test } from 'vitest';
import { VARIANTS as POWERPC } from '../../arch-powerpc/src/index.js';
import { compileVariant } from '../src/compile/variant.js';
import { PteRangeError, UnsupportedOperationError } from '../src/errors.js';
import { PTE_MARKER } from '../src/generic/swap-types.js';
import { make_pte_marker_entry, swpPfnBits } from '../src/generic/special-entries.js';
import { resolveBackend, UnsupportedBackendVersionError } from '../src/spec/backend.js';
import { DEFAULT_CONFIG } from '../src/spec/config.js';
import type { ArchSelects, PteRoles, VariantSpec } from '../src/spec/variant-spec.js';
import { hi32, lo32 } from '../src/u64/pair.js';
import { fieldMask } from '../src/layout/field.js';
import { VARIANTS as X86, x86_64_618, i386_618 } from './helpers.js';

const ALL: readonly VariantSpec[] = [...X86, ...POWERPC];
const words = (m: bigint) => ({ hi: hi32(m), lo: lo32(m) });

describe('capabilities from the Kconfig selects', () => {
  // mm/Kconfig: THP_SWAP needs THP, ARCH_WANTS_THP_SWAP and 64BIT; x86 selects the
  // 6.18 capabilities for X86_64 only, powerpc HAVE_ARCH_SOFT_DIRTY for book3s64 only.
  const expected: Record<string, string> = {
    'x86_64@6.18': 'thpSwap ptReclaim uffdWp softDirty pteSpecial',
    'i386-pae@6.18': 'pteSpecial',
    'i386@6.18': 'pteSpecial',
    'ppc64@6.18': 'softDirty pteSpecial',
    'ppc64-64k@6.18': 'softDirty pteSpecial',
    'ppc32@6.18': 'pteSpecial',
  };
  for (const spec of ALL) {
    test(`${spec.id}@${spec.era}`, () => {
      const v = compileVariant(spec);
      const have = Object.entries(v.caps).filter(([, on]) => on).map(([k]) => k).join(' ');
      expect(have).toBe(expected[v.key] ?? '');
    });
  }
});

describe('roles, as the three layers see them', () => {
  for (const spec of ALL) {
    const v = compileVariant(spec);
    const k = v.kernel;
    const prot = Object.values(spec.prots).find((p) => k.pte_present(k.pfn_pte(1n, p)))!;
    const pte = k.pfn_pte(0x12n, prot);
    test(`${v.key}: pte_dirty / pte_young / pte_write follow the modifiers`, () => {
      expect(k.pte_dirty(k.modify('pte_mkdirty', k.modify('pte_mkclean', pte)))).toBe(true);
      expect(k.pte_young(k.modify('pte_mkyoung', pte))).toBe(true);
      expect(k.pte_young(k.modify('pte_mkold', pte))).toBe(false);
      expect(k.pte_write(k.modify('pte_mkwrite', pte))).toBe(true);
      expect(k.pte_write(k.modify('pte_wrprotect', pte))).toBe(false);
      // the fast words test the same bits
      const d = k.modify('pte_mkdirty', pte);
      expect(((hi32(d) & v.roleWords.dirty.hi) | (lo32(d) & v.roleWords.dirty.lo)) !== 0).toBe(true);
    });
    test(`${v.key}: _PAGE_CHG_MASK keeps every role mprotect must carry, and no pfn bit in chgKeep`, () => {
      for (const role of ['dirty', 'young', 'special', 'softDirty', 'uffdWp'] as const) {
        const w = v.roleWords[role];
        expect([(w.hi & ~v.roleWords.chgKeep.hi) >>> 0, (w.lo & ~v.roleWords.chgKeep.lo) >>> 0]).toEqual([0, 0]);
      }
      const pfnField = fieldMask(spec.pfn.field) & ((1n << BigInt(v.constants.pteBits)) - 1n);
      expect([hi32(pfnField) & v.roleWords.chgKeep.hi, lo32(pfnField) & v.roleWords.chgKeep.lo]).toEqual([0, 0]);
      // the whole _PAGE_CHG_MASK: the pfn field plus the flags
      expect(k.PAGE_CHG_MASK & pfnField).toBe(pfnField);
    });
    test(`${v.key}: uffd-wp and soft-dirty are the generic stubs without the capability`, () => {
      if (v.caps.uffdWp) {
        const wp = k.pte_mkuffd_wp(k.modify('pte_mkwrite', pte));
        expect(k.pte_uffd_wp(wp)).toBe(true);
        expect(k.pte_write(wp)).toBe(false); // x86 pte_mkuffd_wp write-protects
        expect(k.pte_uffd_wp(k.pte_clear_uffd_wp(wp))).toBe(false);
        expect(v.checked.pte_mkuffd_wp(pte)).toBe(k.pte_mkuffd_wp(pte));
      } else {
        expect(k.pte_mkuffd_wp(pte)).toBe(pte);
        expect(k.pte_uffd_wp(~0n & ((1n << BigInt(v.constants.pteBits)) - 1n))).toBe(false);
        expect(v.roleWords.uffdWp).toEqual({ hi: 0, lo: 0 });
        expect(v.roleWords.swpUffdWp).toEqual({ hi: 0, lo: 0 });
        expect(() => v.checked.pte_mkuffd_wp(pte)).toThrow(UnsupportedOperationError);
      }
      if (v.caps.softDirty) {
        expect(k.pte_soft_dirty(k.pte_mksoft_dirty(pte))).toBe(true);
        expect(k.pte_soft_dirty(k.pte_clear_soft_dirty(k.pte_mksoft_dirty(pte)))).toBe(false);
      } else {
        expect(k.pte_mksoft_dirty(pte)).toBe(pte);
        expect(v.roleBits.softDirty).toBeNull();
        expect(() => v.checked.pte_mksoft_dirty(pte)).toThrow(UnsupportedOperationError);
      }
    });
  }
});

describe('migration entries and pte markers from the compile step', () => {
  test('Variant.migration is swpPfnBits and the A/D rule', () => {
    for (const spec of ALL) {
      const v = compileVariant(spec);
      expect(v.migration.pfnBits).toBe(swpPfnBits(v));
    }
  });

  test('markerPte gives the words of swp_entry_to_pte(make_pte_marker_entry()), once per marker', () => {
    const v = compileVariant(x86_64_618);
    const w = v.markerPte(PTE_MARKER.UFFD_WP);
    expect(w).toEqual(Object.values(words(v.kernel.swp_entry_to_pte(make_pte_marker_entry(v, PTE_MARKER.UFFD_WP)))));
    expect(v.markerPte(PTE_MARKER.UFFD_WP)).toBe(w);
    expect(v.checked.pte_marker_pte(PTE_MARKER.GUARD)).toBe(v.kernel.swp_entry_to_pte(make_pte_marker_entry(v, PTE_MARKER.GUARD)));
    expect(() => v.checked.pte_marker_pte(8)).toThrow(PteRangeError);
  });

  test('checked.migration_entry_pte refuses a pfn above SWP_PFN_BITS, and a variant without CONFIG_MIGRATION', () => {
    const v = compileVariant(i386_618);
    const max = (1n << BigInt(v.migration.pfnBits)) - 1n;
    expect(v.checked.migration_entry_pte(max, 'write')).toBe(v.checked.swp_entry_to_pte(v.swapTypes.byName('SWP_MIGRATION_WRITE')!.type, max, { special: true }));
    expect(() => v.checked.migration_entry_pte(max + 1n, 'write')).toThrow(/SWP_PFN_BITS is/);
    const off = compileVariant(i386_618, { ...DEFAULT_CONFIG, MIGRATION: false });
    expect(() => off.checked.migration_entry_pte(1n, 'read')).toThrow(/CONFIG_MIGRATION=n/);
  });
});

describe('a spec that promises more than it declares is refused', () => {
  test('a select without its bits', () => {
    const bad: VariantSpec = { ...i386_618, selects: { ...i386_618.selects, HAVE_ARCH_USERFAULTFD_WP: true } };
    expect(() => compileVariant(bad)).toThrow(/HAVE_ARCH_USERFAULTFD_WP but declares no roles.uffdWp/);
  });

  test('a backend written for an older core: resolveBackend names the missing fields', () => {
    const { roles: _r, selects: _s, ...old } = i386_618;
    expect(() => resolveBackend({ specificationVersion: 'v1', name: 'old', variants: [old] }, 'old-backend')).toThrow(UnsupportedBackendVersionError);
    expect(() => resolveBackend({ specificationVersion: 'v1', name: 'old', variants: [old] }, 'old-backend')).toThrow(/declares no roles, selects/);
  });
});

describe('the types refuse a missing or misspelt role, select or modifier (checked by typecheck)', () => {
  const source = { file: 'arch/toy/include/asm/pgtable.h', version: 'v6.18.2' };
  test('roles, selects, modifiers', () => {
    // @ts-expect-error savedDirty is left out: every role must be given (null is the asm-generic default)
    const missing: PteRoles = { present: 0, write: 1, user: null, dirty: 2, young: 3, special: null, protnone: null, softDirty: null, uffdWp: null, source };
    // @ts-expect-error softdirty is not a role (softDirty is)
    const misspelt: PteRoles = { present: 0, write: 1, user: null, dirty: 2, young: 3, special: null, protnone: null, softdirty: null, uffdWp: null, savedDirty: null, source };
    // @ts-expect-error ARCH_HAS_PTE_SPECIAL is left out
    const selects: ArchSelects = { ARCH_WANTS_THP_SWAP: false, ARCH_SUPPORTS_PT_RECLAIM: false, HAVE_ARCH_USERFAULTFD_WP: false, HAVE_ARCH_SOFT_DIRTY: false, source };
    // @ts-expect-error pte_mkdirt is not a modifier
    const modifiers: VariantSpec['modifiers'] = { pte_mkdirt: { set: 1n } };
    expect([missing, misspelt, selects, modifiers].length).toBe(4);
  });
});
