/**
 * The suite and the vector checker must be able to fail: plant a bug in a
 * copy of a real layout and check that it is caught, by the right check.
 */
import { readFileSync } from 'node:fs';
import { compileVariant, field, type VariantSpec } from '@mmsim/core';
// Relative import: a package dependency on arch-x86 would make a cycle (arch-x86 tests use this package).
import { i386_2621, i386_618, x86, x86_64_618 } from '../../arch-x86/src/index.js';
import { ppc64_64k_618 } from '../../arch-powerpc/src/index.js';
import { describe, expect, test } from 'vitest';
import { bundledVectorFiles, checkVectorFile, parseVectorFile, runConformance, variantForVectors } from '../src/index.js';

function failing(spec: VariantSpec): string[] {
  const results = runConformance([compileVariant(spec)], { numRuns: 100, seed: 1 });
  return results.filter((r) => r.status === 'fail' || r.status === 'unexpected-pass').map((r) => r.check);
}

describe('planted bugs are caught', () => {
  test('the unmodified layouts pass', () => {
    expect(failing(x86_64_618)).toEqual([]);
    expect(failing(i386_2621)).toEqual([]);
    expect(failing(ppc64_64k_618)).toEqual([]);
  });

  test('the huge-pmd checks run only where the variant has THP', () => {
    const huge = (spec: VariantSpec) =>
      runConformance([compileVariant(spec)], { numRuns: 20, only: ['huge.', 'oracle.huge'] }).map((r) => r.status);
    expect(huge(x86_64_618)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(huge(i386_2621)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip', 'skip']);
  });

  test('pmd_mkhuge setting the wrong bit', () => {
    const bad: VariantSpec = { ...x86_64_618, huge: { ...x86_64_618.huge!, mkhuge: { ...x86_64_618.huge!.mkhuge, set: 0x200n } } };
    expect(failing(bad)).toContain('huge.trans-huge');
  });

  test('a HPAGE_PMD_SHIFT that is not the pmd level shift', () => {
    const bad: VariantSpec = { ...i386_618, huge: { ...i386_618.huge!, HPAGE_PMD_SHIFT: 21 } };
    expect(failing(bad)).toContain('huge.layout');
  });

  test('pmd_pfn reading the huge mask on the wrong condition (breaks the L1TF-inverted PROT_NONE pmd)', () => {
    const h = x86_64_618.huge!;
    const bad: VariantSpec = { ...x86_64_618, huge: { ...h, pfn: { ...h.pfn, maskWhen: { mask: 0x80n, value: 0n } } } };
    expect(failing(bad)).toContain('huge.pfn-roundtrip');
  });

  test('a pmd_trans_huge matcher that also matches pte-table pmds', () => {
    const h = ppc64_64k_618.huge!;
    const bad: VariantSpec = { ...ppc64_64k_618, huge: { ...h, transHuge: { ...h.transHuge, match: [{ mask: 1n << 63n, value: 1n << 63n }] } } };
    expect(failing(bad)).toContain('huge.not-huge');
  });

  test('a huge pfn field that keeps the pfn bits below HPAGE_PMD_ORDER on ppc64 overlapping H_PAGE_THP_HUGE', () => {
    const h = ppc64_64k_618.huge!;
    const bad: VariantSpec = { ...ppc64_64k_618, huge: { ...h, pfn: { ...h.pfn, field: field('pfn', 13, 40) } } };
    expect(failing(bad)).toContain('huge.layout');
  });

  test('pte_wrprotect clearing the wrong bit', () => {
    const bad: VariantSpec = { ...i386_2621, modifiers: { ...i386_2621.modifiers, pte_wrprotect: { clear: 0x004n } } };
    expect(failing(bad)).toContain('basic.write-wrprotect');
  });

  test('a swap flag bit inside the offset field', () => {
    const bad: VariantSpec = { ...x86_64_618, swap: { ...x86_64_618.swap, flags: { ...x86_64_618.swap.flags, exclusive: 9 } } };
    const checks = failing(bad);
    expect(checks).toContain('layout.fields');
    expect(checks).toContain('swap.flag-exclusive');
  });

  test('a pfn field that spills out of a 32-bit pte', () => {
    const bad: VariantSpec = { ...i386_2621, pfn: { ...i386_2621.pfn, field: field('pfn', 12, 21) } };
    expect(failing(bad)).toContain('layout.fields');
  });

  test('a file pgoff field overlapping _PAGE_FILE', () => {
    const bad: VariantSpec = {
      ...i386_2621,
      file: { ...i386_2621.file!, pgoff: { name: 'pgoff', spans: [{ lsb: 1, width: 6 }, { lsb: 8, width: 24 }] } },
    };
    expect(failing(bad)).toContain('layout.fields');
  });

  test('an expected failure that no longer fails is reported', () => {
    const bad: VariantSpec = { ...i386_2621, expectedFailures: [{ check: 'swap.roundtrip', reason: 'planted', message: 'planted' }] };
    const result = runConformance([compileVariant(bad)], { numRuns: 20, only: ['swap.roundtrip'] });
    expect(result.map((r) => r.status)).toEqual(['unexpected-pass']);
  });

  test('a declared expected failure is not a failure', () => {
    const result = runConformance([compileVariant(x86_64_618)], { numRuns: 20, only: ['swap.never-none'] });
    expect(result[0]!.status).toBe('expected-fail');
    expect(result[0]!.message).toMatch(/L1TF/);
  });
});

describe('the vector checker catches corrupted vectors', () => {
  const path = bundledVectorFiles().find((p) => p.endsWith('v6.18-x86_64.json'))!;
  const pristine = parseVectorFile(readFileSync(path, 'utf8'), path);

  test('one flipped bit in an expected pte', () => {
    const vectors = pristine.vectors.map((v) => ({ ...v }));
    const index = vectors.findIndex((v) => v.op === 'swp_entry');
    const pte = BigInt(vectors[index]!['pte'] as string) ^ 0x200n;
    vectors[index] = { ...vectors[index]!, pte: `0x${pte.toString(16).padStart(16, '0')}` };
    const report = checkVectorFile(variantForVectors(pristine, [x86]), { ...pristine, vectors }, 'corrupt.json');
    expect(report.failed).toBe(1);
    expect(report.failures[0]).toMatchObject({ index, op: 'swp_entry', field: 'pte' });
  });

  test('a wrong constant', () => {
    const constants = { ...pristine.constants, max_offset_roundtrip: '0x0001ffffffffffff' };
    const report = checkVectorFile(variantForVectors(pristine, [x86]), { ...pristine, constants }, 'corrupt.json');
    expect(report.failures.map((f) => f.field)).toEqual(['constants.max_offset_roundtrip']);
  });

  test('a layout one bit too narrow fails the real vectors', () => {
    const narrow: VariantSpec = {
      ...x86_64_618,
      swap: { ...x86_64_618.swap, arch: { ...x86_64_618.swap.arch, offset: field('offset', 9, 49, { invert: true }) } },
    };
    const report = checkVectorFile(compileVariant(narrow), pristine, 'v6.18-x86_64.json');
    expect(report.failed).toBeGreaterThan(10);
  });
});
