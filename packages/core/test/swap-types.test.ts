/** generic/swap-types.ts: MAX_SWAPFILES and the reserved swap types, both eras, every config. */
import { describe, expect, test } from 'vitest';
import { PTE_MARKER, PTE_MARKER_MASK, swapTypes } from '../src/generic/swap-types.js';
import { DEFAULT_CONFIG, type KernelConfig } from '../src/spec/config.js';

const cfg = (over: Partial<KernelConfig>): KernelConfig => ({ ...DEFAULT_CONFIG, ...over });

/** The reserved types plus 0..MAX_SWAPFILES-1 are exactly 0..31, each once. */
function expectPartition(max: number, special: readonly { type: number }[]) {
  const all = [...Array.from({ length: max }, (_, i) => i), ...special.map((s) => s.type)];
  expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
}

describe('2.6.21', () => {
  test('CONFIG_MIGRATION=y: MAX_SWAPFILES 30, SWP_MIGRATION_READ 30, SWP_MIGRATION_WRITE 31', () => {
    const t = swapTypes('2.6.21', DEFAULT_CONFIG);
    expect(t.MAX_SWAPFILES).toBe(30);
    expect(t.special.map((s) => [s.name, s.type, s.kind])).toEqual([
      ['SWP_MIGRATION_READ', 30, 'migration'],
      ['SWP_MIGRATION_WRITE', 31, 'migration'],
    ]);
    expect(t.byType(31)?.write).toBe(true);
    expect(t.byType(30)?.write).toBeFalsy();
    expect(t.byType(29)).toBeUndefined();
    expect(t.byName('SWP_MIGRATION_WRITE')?.type).toBe(31);
    expectPartition(t.MAX_SWAPFILES, t.special);
  });

  test('CONFIG_MIGRATION=n: MAX_SWAPFILES 32, nothing reserved', () => {
    const t = swapTypes('2.6.21', cfg({ MIGRATION: false }));
    expect(t.MAX_SWAPFILES).toBe(32);
    expect(t.special).toEqual([]);
    expect(t.byType(31)).toBeUndefined();
    expect(t.byName('SWP_MIGRATION_READ')).toBeUndefined();
  });

  test('6.18-only options and NONLINEAR do not change 2.6.21', () => {
    for (const over of [{ MEMORY_FAILURE: false }, { DEVICE_PRIVATE: false }, { NONLINEAR: false }, { X86_NX: false }]) {
      expect(swapTypes('2.6.21', cfg(over)).MAX_SWAPFILES).toBe(30);
    }
  });
});

describe('6.18', () => {
  test('all options on: MAX_SWAPFILES 24 and the full reserved table', () => {
    const t = swapTypes('6.18', DEFAULT_CONFIG);
    expect(t.MAX_SWAPFILES).toBe(24);
    expect(t.special.map((s) => [s.type, s.name, s.kind])).toEqual([
      [24, 'SWP_HWPOISON', 'hwpoison'],
      [25, 'SWP_MIGRATION_READ', 'migration'],
      [26, 'SWP_MIGRATION_READ_EXCLUSIVE', 'migration'],
      [27, 'SWP_MIGRATION_WRITE', 'migration'],
      [28, 'SWP_DEVICE_WRITE', 'device'],
      [29, 'SWP_DEVICE_READ', 'device'],
      [30, 'SWP_DEVICE_EXCLUSIVE', 'device'],
      [31, 'SWP_PTE_MARKER', 'marker'],
    ]);
    expect(t.byType(26)?.exclusive).toBe(true);
    expect(t.byType(27)?.write).toBe(true);
    expect(t.byType(28)?.write).toBe(true);
    expect(t.byType(30)?.exclusive).toBe(true);
    expect(t.byType(29)?.write).toBeFalsy();
    expect(t.byType(23)).toBeUndefined();
    for (const s of t.special) {
      expect(t.byType(s.type)).toBe(s);
      expect(t.byName(s.name)).toBe(s);
    }
  });

  // every combination of the three options
  const combos = [false, true].flatMap((m) => [false, true].flatMap((h) => [false, true].map((d) => ({ MIGRATION: m, MEMORY_FAILURE: h, DEVICE_PRIVATE: d }))));
  for (const over of combos) {
    const label = Object.entries(over).map(([k, v]) => `${k}=${v ? 'y' : 'n'}`).join(' ');
    test(label, () => {
      const t = swapTypes('6.18', cfg(over));
      const expectedMax = 31 - (over.MIGRATION ? 3 : 0) - (over.MEMORY_FAILURE ? 1 : 0) - (over.DEVICE_PRIVATE ? 3 : 0);
      expect(t.MAX_SWAPFILES).toBe(expectedMax);
      // the marker is always there, always 31
      expect(t.byName('SWP_PTE_MARKER')?.type).toBe(31);
      expect(t.byType(31)?.kind).toBe('marker');
      expect(t.special.filter((s) => s.kind === 'migration')).toHaveLength(over.MIGRATION ? 3 : 0);
      expect(t.special.filter((s) => s.kind === 'hwpoison')).toHaveLength(over.MEMORY_FAILURE ? 1 : 0);
      expect(t.special.filter((s) => s.kind === 'device')).toHaveLength(over.DEVICE_PRIVATE ? 3 : 0);
      // numbered upwards from MAX_SWAPFILES in the kernel's order
      const order = ['hwpoison', 'migration', 'device', 'marker'];
      const kinds = t.special.map((s) => order.indexOf(s.kind));
      expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
      expect(t.special.map((s) => s.type)).toEqual(Array.from({ length: t.special.length }, (_, i) => expectedMax + i));
      expectPartition(t.MAX_SWAPFILES, t.special);
      for (let type = 0; type < 32; type++) expect(t.byType(type) === undefined).toBe(type < t.MAX_SWAPFILES);
    });
  }

  test('each option off raises MAX_SWAPFILES by its count', () => {
    const base = swapTypes('6.18', DEFAULT_CONFIG).MAX_SWAPFILES;
    expect(swapTypes('6.18', cfg({ MEMORY_FAILURE: false })).MAX_SWAPFILES).toBe(base + 1);
    expect(swapTypes('6.18', cfg({ MIGRATION: false })).MAX_SWAPFILES).toBe(base + 3);
    expect(swapTypes('6.18', cfg({ DEVICE_PRIVATE: false })).MAX_SWAPFILES).toBe(base + 3);
    expect(swapTypes('6.18', cfg({ MIGRATION: false, MEMORY_FAILURE: false, DEVICE_PRIVATE: false })).MAX_SWAPFILES).toBe(31);
  });

  test('pte marker bits', () => {
    expect(PTE_MARKER).toEqual({ UFFD_WP: 1, POISONED: 2, GUARD: 4 });
    expect(PTE_MARKER_MASK).toBe(PTE_MARKER.UFFD_WP | PTE_MARKER.POISONED | PTE_MARKER.GUARD);
  });
});
