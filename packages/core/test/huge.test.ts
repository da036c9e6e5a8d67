/**
 * PMD-mapped THP (6.18): the generated u32-pair fast layer against the
 * kernel-faithful BigInt layer for every encode/decode pair, the round trip
 * of aligned pfns, worked examples restated independently, the derived
 * constants, and the checked layer's refusals — on the x86 variants and the
 * powerpc hash-64K one (imported by relative path, like the x86 specs).
 */
import { describe, expect, test } from 'vitest';
import { ppc32_618, ppc64_618, ppc64_64k_618, ppc64_64k_2621 } from '../../arch-powerpc/src/index.js';
import { KernelBugError } from '../src/compile/kernel-ops.js';
import { compileVariant } from '../src/compile/variant.js';
import type { Variant } from '../src/compile/variant.js';
import { PteRangeError, UnsupportedOperationError } from '../src/errors.js';
import { hugePmdFormat } from '../src/layout/describe.js';
import { variantMarkdown } from '../src/layout/markdown.js';
import type { VariantSpec } from '../src/spec/variant-spec.js';
import { hi32, lo32 } from '../src/u64/pair.js';
import { ALL_VARIANTS, fastBig, fc, isU32, mask, oneLine, prop, thrown, u64, u64Bits, variant, VARIANTS } from './helpers.js';

const RUNS = { numRuns: 200 };
const THP_VARIANTS: readonly Variant[] = [...ALL_VARIANTS.filter((v) => v.constants.hasThp), compileVariant(ppc64_64k_618)];

/** Aligned pfns a huge pmd holds. */
const aligned = (v: Variant) => {
  const order = BigInt(v.constants.HPAGE_PMD_ORDER!);
  return fc.bigInt({ min: 0n, max: mask(v.constants.hugePfnBits!) >> order }).map((i) => i << order);
};

const word = (h: number, l: number) => {
  expect(isU32(h) && isU32(l), `u32 words ${h}, ${l}`).toBe(true);
  return (BigInt(h) << 32n) | BigInt(l);
};

for (const v of THP_VARIANTS) {
  const k = v.kernel;
  const f = v.fast;
  const P = v.constants.pteBits;
  const prots = Object.values(v.spec.prots);
  const anyProt = fc.oneof(fc.constantFrom(...prots), u64.map((x) => x & mask(P)));
  const pmds = fc.oneof(
    u64.map((x) => x & mask(P)),
    u64Bits.map((x) => x & mask(P)),
    fc.tuple(aligned(v), fc.constantFrom(...prots)).map(([pfn, p]) => k.mk_huge_pmd(pfn, p)),
  );

  describe(`${v.key} huge pmds`, () => {
    prop([u64, anyProt], RUNS)('pfn_pmd / mk_huge_pmd: fast words and Reg forms == kernel, any pfn and prot', (pfn, prot) => {
      const args = [hi32(pfn), lo32(pfn), hi32(prot), lo32(prot)] as const;
      expect(word(f.pfn_pmd_hi!(...args), f.pfn_pmd_lo!(...args))).toBe(k.pfn_pmd(pfn, prot));
      expect(word(f.mk_huge_pmd_hi!(...args), f.mk_huge_pmd_lo!(...args))).toBe(k.mk_huge_pmd(pfn, prot));
      expect(fastBig((out) => f.pfn_pmd!(...args, out))).toBe(k.pfn_pmd(pfn, prot));
      expect(fastBig((out) => f.mk_huge_pmd!(...args, out))).toBe(k.mk_huge_pmd(pfn, prot));
      // signed words in (straight from bitwise ops), same answer
      expect(fastBig((out) => f.mk_huge_pmd!(args[0] | 0, args[1] | 0, args[2] | 0, args[3] | 0, out))).toBe(k.mk_huge_pmd(pfn, prot));
    });

    prop([pmds], RUNS)('pmd_pfn / pmd_mkhuge / pmd_trans_huge / pmd_present: fast == kernel on any pmd', (pmd) => {
      const [h, l] = [hi32(pmd), lo32(pmd)];
      expect(word(f.pmd_pfn_hi!(h, l), f.pmd_pfn_lo!(h, l))).toBe(k.pmd_pfn(pmd));
      expect(fastBig((out) => f.pmd_pfn!(h, l, out))).toBe(k.pmd_pfn(pmd));
      expect(word(f.pmd_mkhuge_hi!(h, l), f.pmd_mkhuge_lo!(h, l))).toBe(k.pmd_mkhuge(pmd));
      expect(fastBig((out) => f.pmd_mkhuge!(h, l, out))).toBe(k.pmd_mkhuge(pmd));
      expect(f.pmd_trans_huge!(h, l)).toBe(k.pmd_trans_huge(pmd));
      expect(f.pmd_present!(h, l)).toBe(k.pmd_present(pmd));
      expect(f.pmd_trans_huge!(h | 0, l | 0)).toBe(k.pmd_trans_huge(pmd));
    });

    prop([aligned(v), fc.constantFrom(...Object.keys(v.spec.prots))], RUNS)('aligned pfns round-trip through mk_huge_pmd → pmd_pfn and stay trans-huge', (pfn, name) => {
      const pmd = k.mk_huge_pmd(pfn, v.spec.prots[name]!);
      expect(k.pmd_pfn(pmd)).toBe(pfn);
      expect(k.pmd_trans_huge(pmd)).toBe(true);
      expect(k.pmd_present(pmd)).toBe(true);
      expect(v.checked.mk_huge_pmd(pfn, name)).toBe(pmd);
      expect(v.checked.pmd_pfn(pmd)).toBe(pfn);
    });

    prop([aligned(v), fc.integer({ min: 1, max: 2 ** v.constants.HPAGE_PMD_ORDER! - 1 })], RUNS)(
      'the checked layer refuses an unaligned pfn in one line, naming the pmd the kernel would store',
      (base, offset) => {
        const pfn = base + BigInt(offset);
        const e = thrown(() => v.checked.mk_huge_pmd(pfn, prots[0]!)) as PteRangeError;
        expect(e).toBeInstanceOf(PteRangeError);
        expect(e.kernelResult).toBe(k.mk_huge_pmd(pfn, prots[0]!));
        expect(oneLine(e)).toMatch(pfn > (mask(v.constants.hugePfnBits!) & ~mask(v.constants.HPAGE_PMD_ORDER!)) ? /does not fit a huge pmd/ : /is not HPAGE_PMD-aligned/);
      },
    );

    test('a table pmd is not huge; checked.pmd_pfn refuses it', () => {
      const t = v.spec.huge!.table;
      const table = t.set | (0x1234n << BigInt(t.pfn.spans[0]!.lsb));
      expect(k.pmd_trans_huge(table)).toBe(false);
      expect(k.pmd_present(table)).toBe(true);
      expect(oneLine(thrown(() => v.checked.pmd_pfn(table)))).toMatch(/is not a huge pmd .* pmd_trans_huge is false/);
      expect(k.pmd_trans_huge(0n)).toBe(false);
    });
  });
}

describe('worked examples, restated from the kernel macros', () => {
  test('x86_64: pmd_mkhuge(pfn_pmd(0x246800, PAGE_SHARED)), and PAGE_NONE stores the pfn inverted (L1TF)', () => {
    const v = variant('x86_64', '6.18');
    const pfn = 0x1234n << 9n;
    expect(v.kernel.mk_huge_pmd(pfn, v.spec.prots['PAGE_SHARED']!)).toBe(0x80000002468000a7n);
    // (~(pfn << 12)) & PHYSICAL_PMD_PAGE_MASK | PAGE_NONE | _PAGE_PSE
    const inverted = (~(pfn << 12n) & mask(52) & ~mask(21)) | 0x120n | 0x80n;
    expect(v.kernel.mk_huge_pmd(pfn, 0x120n)).toBe(inverted);
    expect(v.kernel.pmd_pfn(inverted)).toBe(pfn);
    // pfn_pmd itself sets no _PAGE_PSE on x86, and drops the low 9 pfn bits
    expect(v.kernel.pfn_pmd(pfn | 0x1ffn, 0x27n) & 0x80n).toBe(0n);
    expect(v.kernel.pmd_pfn(v.kernel.mk_huge_pmd(pfn | 0x1ffn, 0x27n))).toBe(pfn);
    // without _PAGE_PSE, pmd_pfn reads the whole PTE_PFN_MASK (a pte-table pmd)
    expect(v.kernel.pmd_pfn(0x0000000123456067n)).toBe(0x123456n);
  });

  test('i386 (no PAE): 4 MiB pmds, the pfn keeps bits 10–19', () => {
    const v = variant('i386', '6.18');
    expect([v.constants.HPAGE_PMD_SHIFT, v.constants.HPAGE_PMD_ORDER, v.constants.hugePfnBits]).toEqual([22, 10, 20]);
    expect(v.kernel.mk_huge_pmd(0x8d000n, 0x27n)).toBe(0x8d0000a7n);
    expect(v.kernel.mk_huge_pmd(0x8d3ffn, 0x27n)).toBe(0x8d0000a7n);
    expect(fastBig((out) => v.fast.mk_huge_pmd!(0, 0x8d000, 0, 0x27, out))).toBe(0x8d0000a7n);
  });

  test('ppc64 64K hash: pfn_pmd sets _PAGE_PTE | H_PAGE_THP_HUGE, pmd_mkhuge is a no-op, unaligned pfns survive', () => {
    const v = compileVariant(ppc64_64k_618);
    const shared = v.spec.prots['PAGE_SHARED']!;
    expect(v.kernel.pfn_pmd(0x123400n, shared)).toBe(0xc000001234002106n);
    expect(v.kernel.pmd_mkhuge(0xc000001234002106n)).toBe(0xc000001234002106n);
    expect(v.kernel.pmd_pfn(v.kernel.pfn_pmd(0x123401n, shared))).toBe(0x123401n);
    // a pmd invalidated for a split (_PAGE_INVALID, no _PAGE_PRESENT) is still present and trans-huge
    const invalidated = (0xc000001234002106n & ~(1n << 63n)) | (1n << 61n);
    expect([v.kernel.pmd_present(invalidated), v.kernel.pmd_trans_huge(invalidated)]).toEqual([true, true]);
    expect(oneLine(thrown(() => v.checked.mk_huge_pmd(0x123401n, 'PAGE_SHARED')))).toContain('does not start on a 16 MiB boundary');
  });
});

describe('constants and variants without THP', () => {
  test('hasThp, HPAGE_PMD_SHIFT, HPAGE_PMD_ORDER and hugePfnBits per variant', () => {
    const table = Object.fromEntries(
      [...VARIANTS, ppc32_618, ppc64_618, ppc64_64k_618, ppc64_64k_2621].map((s) => {
        const c = compileVariant(s).constants;
        return [`${s.id}@${s.era}`, [c.hasThp, c.HPAGE_PMD_SHIFT, c.HPAGE_PMD_ORDER, c.hugePfnBits]];
      }),
    );
    expect(table).toEqual({
      'i386@2.6.21': [false, null, null, null],
      'i386-pae@2.6.21': [false, null, null, null],
      'x86_64@2.6.21': [false, null, null, null],
      'i386@6.18': [true, 22, 10, 20],
      'i386-pae@6.18': [true, 21, 9, 32],
      'x86_64@6.18': [true, 21, 9, 40],
      'ppc32@6.18': [false, null, null, null],
      'ppc64@6.18': [false, null, null, null],
      'ppc64-64k@6.18': [true, 24, 8, 37],
      'ppc64-64k@2.6.21': [false, null, null, null],
    });
  });

  for (const spec of [ppc32_618, ppc64_618, ppc64_64k_2621] as VariantSpec[]) {
    test(`${spec.id}@${spec.era}: no fast huge functions, the kernel layer BUGs, the checked layer says why in one line`, () => {
      const v = compileVariant(spec);
      expect([v.fast.pfn_pmd_hi, v.fast.mk_huge_pmd, v.fast.pmd_pfn, v.fast.pmd_trans_huge, v.fast.pmd_present]).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(() => v.kernel.mk_huge_pmd(0n, 0n)).toThrow(KernelBugError);
      const e = thrown(() => v.checked.mk_huge_pmd(0n, Object.keys(spec.prots)[0]!));
      expect(e).toBeInstanceOf(UnsupportedOperationError);
      expect(oneLine(e)).toMatch(spec.era === '2.6.21' ? /THP came in 2\.6\.38/ : /CONFIG_TRANSPARENT_HUGEPAGE cannot be set/);
      expect(hugePmdFormat(v)).toBeUndefined();
      expect(variantMarkdown(v)).toMatch(/\| PMD-mapped THP \| — \(/);
    });
  }

  test('a 2.6.21 spec declaring huge is refused at compile time', () => {
    const bad: VariantSpec = { ...ppc64_64k_2621, huge: ppc64_64k_618.huge! };
    expect(() => compileVariant(bad)).toThrow(/THP came in 2\.6\.38/);
  });

  test('the huge-pmd format documents the kept pfn bits and the huge marks', () => {
    const x = hugePmdFormat(variant('x86_64', '6.18'))!;
    expect(x.ranges.find((r) => r.name === 'pfn')).toMatchObject({ msb: 51, lsb: 21, detail: 'pfn[39:9] (~ when not present, L1TF)' });
    expect(x.ranges.find((r) => r.lsb === 7)).toMatchObject({ name: '_PAGE_PSE', kind: 'constant' });
    const p = hugePmdFormat(compileVariant(ppc64_64k_618))!;
    expect(p.ranges.find((r) => r.lsb === 13)).toMatchObject({ name: 'H_PAGE_THP_HUGE', kind: 'constant' });
    expect(p.ranges.find((r) => r.lsb === 62)).toMatchObject({ name: '_PAGE_PTE', kind: 'constant' });
    expect(variantMarkdown(variant('x86_64', '6.18'))).toContain('| PMD-mapped THP | HPAGE_PMD_SHIFT 21 (2 MiB), HPAGE_PMD_ORDER 9; huge pmds hold 40 pfn bits |');
  });

  test('the generated huge-pmd source uses no BigInt', () => {
    for (const v of THP_VARIANTS) {
      expect(v.fastSource).toContain('function pmd_trans_huge(hi, lo)');
      expect(v.fastSource).not.toMatch(/\bBigInt\b|\d+n\b/);
    }
  });
});
