/** generic/special-entries.ts: migration, device, hwpoison and marker entries on the x86 variants. */
import { describe, expect, test } from 'vitest';
import { UnsupportedOperationError } from '../src/errors.js';
import {
  make_device_entry,
  make_hwpoison_entry,
  make_migration_entry,
  make_migration_entry_dirty,
  make_migration_entry_young,
  make_pte_marker_entry,
  migrationEntrySupportsAd,
  migrationKind,
  non_swap_entry,
  pte_marker_get,
  swp_offset_pfn,
  swpPfnBits,
  type MigrationKind,
} from '../src/generic/special-entries.js';
import { PTE_MARKER } from '../src/generic/swap-types.js';
import { DEFAULT_CONFIG } from '../src/spec/config.js';
import { DEFAULT_VARIANTS, fc, mask, prop, u64, variant } from './helpers.js';

const KINDS_618: readonly MigrationKind[] = ['read', 'read-exclusive', 'write'];

describe('SWP_PFN_BITS and migration A/D support', () => {
  test('2.6.21: the whole offset; 6.18: MAX_PHYSMEM_BITS - PAGE_SHIFT', () => {
    expect(swpPfnBits(variant('i386', '2.6.21'))).toBe(27);
    expect(swpPfnBits(variant('x86_64', '2.6.21'))).toBe(59);
    expect(swpPfnBits(variant('i386', '6.18'))).toBe(20);
    expect(swpPfnBits(variant('i386-pae', '6.18'))).toBe(24);
    expect(swpPfnBits(variant('x86_64', '6.18'))).toBe(34);
  });

  test('A/D bits ride in migration entries when the swap size limit holds SWP_PFN_BITS + 2 bits (6.18 only)', () => {
    for (const v of DEFAULT_VARIANTS) expect(migrationEntrySupportsAd(v)).toBe(v.era === '6.18');
    expect(migrationEntrySupportsAd(variant('x86_64', '6.18', { ...DEFAULT_CONFIG, MIGRATION: false }))).toBe(false);
  });
});

describe('migration entries', () => {
  test('6.18 x86_64: read 25, read-exclusive 26, write 27', () => {
    const v = variant('x86_64', '6.18');
    expect(KINDS_618.map((kind) => v.kernel.swp_type(make_migration_entry(v, 0x1234n, kind)))).toEqual([25, 26, 27]);
    expect(make_migration_entry(v, 0x1234n, 'write')).toBe((27n << 58n) | 0x1234n);
    expect(v.classify(v.kernel.swp_entry_to_pte(make_migration_entry(v, 0x1234n, 'read')))).toBe('migration');
  });

  test('2.6.21: read 30, write 31; no read-exclusive', () => {
    const v = variant('i386', '2.6.21');
    expect(make_migration_entry(v, 0x1234n, 'read')).toBe((30n << 27n) | 0x1234n);
    expect(make_migration_entry(v, 0x1234n, 'write')).toBe((31n << 27n) | 0x1234n);
    expect(() => make_migration_entry(v, 1n, 'read-exclusive')).toThrow(UnsupportedOperationError);
  });

  test('CONFIG_MIGRATION=n: the kernel stub returns swp_entry(0, 0)', () => {
    for (const era of ['2.6.21', '6.18']) {
      const v = variant('x86_64', era, { ...DEFAULT_CONFIG, MIGRATION: false });
      expect(make_migration_entry(v, 0x1234n, 'write')).toBe(0n);
      expect(migrationKind(v, (31n << BigInt(v.constants.SWP_TYPE_SHIFT)) | 1n)).toBeUndefined();
    }
  });

  for (const v of DEFAULT_VARIANTS) {
    const kinds: MigrationKind[] = v.era === '6.18' ? [...KINDS_618] : ['read', 'write'];
    prop([fc.constantFrom(...kinds), u64], { numRuns: 100 })(`${v.key}: kind and pfn survive make -> entry -> pte -> entry`, (kind, raw) => {
      const pfn = raw & mask(swpPfnBits(v)) & v.constants.maxSwapOffset;
      const entry = make_migration_entry(v, pfn, kind);
      expect(migrationKind(v, entry)).toBe(kind);
      expect(non_swap_entry(v, entry)).toBe(true);
      const back = v.kernel.pte_to_swp_entry(v.kernel.swp_entry_to_pte(entry));
      expect(back).toBe(entry);
      expect(swp_offset_pfn(v, back)).toBe(pfn);
    });
  }

  prop([fc.constantFrom(...KINDS_618), u64], { numRuns: 100 })('6.18 x86_64: young / dirty set bits SWP_PFN_BITS and +1, the pfn is untouched', (kind, raw) => {
    const v = variant('x86_64', '6.18');
    const pfn = raw & mask(34);
    const entry = make_migration_entry(v, pfn, kind);
    const young = make_migration_entry_young(v, entry);
    const both = make_migration_entry_dirty(v, young);
    expect(young).toBe(entry | (1n << 34n));
    expect(both).toBe(entry | (3n << 34n));
    expect(swp_offset_pfn(v, both)).toBe(pfn);
    expect(migrationKind(v, both)).toBe(kind);
  });

  test('2.6.21: young / dirty are no-ops', () => {
    const v = variant('x86_64', '2.6.21');
    const e = make_migration_entry(v, 5n, 'write');
    expect(make_migration_entry_dirty(v, make_migration_entry_young(v, e))).toBe(e);
  });
});

describe('device, hwpoison and marker entries (6.18)', () => {
  test('types and stubs', () => {
    const v = variant('x86_64', '6.18');
    expect(v.kernel.swp_type(make_device_entry(v, 7n, 'write'))).toBe(28);
    expect(v.kernel.swp_type(make_device_entry(v, 7n, 'read'))).toBe(29);
    expect(v.kernel.swp_type(make_device_entry(v, 7n, 'exclusive'))).toBe(30);
    expect(v.kernel.swp_type(make_hwpoison_entry(v, 7n))).toBe(24);
    expect(swp_offset_pfn(v, make_hwpoison_entry(v, 7n))).toBe(7n);
    const noDevice = variant('x86_64', '6.18', { ...DEFAULT_CONFIG, DEVICE_PRIVATE: false });
    expect(make_device_entry(noDevice, 7n, 'write')).toBe(0n);
    const noPoison = variant('x86_64', '6.18', { ...DEFAULT_CONFIG, MEMORY_FAILURE: false });
    expect(make_hwpoison_entry(noPoison, 7n)).toBe(0n);
  });

  test('markers: type 31, the marker bits are the offset', () => {
    for (const id of ['i386', 'i386-pae', 'x86_64']) {
      const v = variant(id, '6.18');
      const e = make_pte_marker_entry(v, PTE_MARKER.UFFD_WP | PTE_MARKER.GUARD);
      expect(v.kernel.swp_type(e)).toBe(31);
      expect(pte_marker_get(v, e)).toBe(5);
      expect(v.classify(v.kernel.swp_entry_to_pte(e))).toBe('marker');
    }
  });

  test('non_swap_entry is type >= MAX_SWAPFILES', () => {
    const v = variant('x86_64', '6.18');
    expect(non_swap_entry(v, v.kernel.swp_entry(23, 1n))).toBe(false);
    expect(non_swap_entry(v, v.kernel.swp_entry(24, 1n))).toBe(true);
  });

  test('none of them exist in 2.6.21', () => {
    const v = variant('x86_64', '2.6.21');
    expect(() => make_device_entry(v, 1n, 'read')).toThrow(/HMM came in 4.14/);
    expect(() => make_hwpoison_entry(v, 1n)).toThrow(/2.6.32/);
    expect(() => make_pte_marker_entry(v, 1)).toThrow(/5.19/);
  });
});
