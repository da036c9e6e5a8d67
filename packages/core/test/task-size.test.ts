/**
 * TASK_SIZE, the user address-space limit: every built-in variant declares
 * it (with its kernel citation) and it fits what the page tables translate;
 * a backend without it gets the levels' reach; a bad one is refused.
 */
import { describe, expect, test } from 'vitest';
import { VARIANTS as PPC } from '../../arch-powerpc/src/index.js';
import { compileVariant } from '../src/compile/variant.js';
import { VARIANTS as X86 } from './helpers.js';

/** TASK_SIZE per variant and era, as the kernel headers give it (see each spec's citation). */
const EXPECTED: Record<string, bigint> = {
  'i386@2.6.21': 0xc0000000n,
  'i386-pae@2.6.21': 0xc0000000n,
  'x86_64@2.6.21': 0x7ffffffff000n,
  'i386@6.18': 0xc0000000n,
  'i386-pae@6.18': 0xc0000000n,
  'x86_64@6.18': 0x7ffffffff000n,
  'ppc32@2.6.21': 0x80000000n,
  'ppc64@2.6.21': 0x100000000000n,
  'ppc64-64k@2.6.21': 0x100000000000n,
  'ppc32@6.18': 0xb0000000n,
  'ppc64@6.18': 0x400000000000n,
  'ppc64-64k@6.18': 0x10000000000000n,
};

describe('TASK_SIZE', () => {
  const all = [...X86, ...PPC];
  test('every built-in variant is covered here', () => {
    expect(all.map((s) => `${s.id}@${s.era}`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const spec of all) {
    const key = `${spec.id}@${spec.era}`;
    test(`${key}: declared, cited, within the levels' reach`, () => {
      expect(spec.TASK_SIZE, `${key} declares TASK_SIZE`).toBeDefined();
      expect(spec.TASK_SIZE!.source.lines, `${key} cites lines`).toMatch(/\d/);
      const c = compileVariant(spec).constants;
      expect(c.TASK_SIZE).toBe(EXPECTED[key]);
      expect(c.taskSizeDeclared).toBe(true);
      expect(BigInt(c.TASK_SIZE_PAGES) << BigInt(c.PAGE_SHIFT)).toBe(c.TASK_SIZE);
      expect(c.TASK_SIZE <= 1n << BigInt(c.vaBits)).toBe(true);
      expect(Number.isSafeInteger(c.TASK_SIZE_PAGES)).toBe(true);
    });
  }
  test('absent: the page tables\' reach, clamped to the word', () => {
    const { TASK_SIZE: _drop, ...x86_64 } = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const c = compileVariant({ ...x86_64, id: 'x86_64-undeclared' }).constants;
    expect(c.taskSizeDeclared).toBe(false);
    expect(c.TASK_SIZE).toBe(1n << 48n);
    const { TASK_SIZE: _drop2, ...i386 } = X86.find((s) => s.id === 'i386' && s.era === '6.18')!;
    expect(compileVariant({ ...i386, id: 'i386-undeclared' }).constants.TASK_SIZE).toBe(1n << 32n);
  });
  test('a TASK_SIZE beyond the levels\' reach or not page-aligned is refused', () => {
    const i386 = X86.find((s) => s.id === 'i386' && s.era === '6.18')!;
    const source = i386.TASK_SIZE!.source;
    expect(() => compileVariant({ ...i386, id: 'i386-big', TASK_SIZE: { bytes: 1n << 33n, source } })).toThrow(/at most the page tables' reach 0x100000000/);
    expect(() => compileVariant({ ...i386, id: 'i386-odd', TASK_SIZE: { bytes: 0xc0000001n, source } })).toThrow(/multiple of the page size/);
    expect(() => compileVariant({ ...i386, id: 'i386-zero', TASK_SIZE: { bytes: 0n, source } })).toThrow(/positive/);
  });
});
