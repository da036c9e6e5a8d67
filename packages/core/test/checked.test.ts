/**
 * compile/checked.ts through the real x86 variants: what the kernel would
 * silently truncate is refused with a one-line PteRangeError naming the
 * value, the limit and the pte the kernel would produce; what the kernel
 * would BUG() on, or does not have, is an UnsupportedOperationError.
 */
import { describe, expect, test } from 'vitest';
import { KernelBugError } from '../src/compile/kernel-ops.js';
import { MmsimError, PteRangeError, UnsupportedOperationError } from '../src/errors.js';
import { DEFAULT_CONFIG } from '../src/spec/config.js';
import { compileVariant, type Variant } from '../src/compile/variant.js';
import { fieldMask } from '../src/layout/field.js';
import { VARIANTS as PPC_VARIANTS } from '../../arch-powerpc/src/index.js';
import { hex, hi32, lo32 } from '../src/u64/pair.js';
import { DEFAULT_VARIANTS, fastBig, fc, mask, oneLine, prop, thrown, u64, variant, VARIANTS } from './helpers.js';

const NONLINEAR_OFF = { ...DEFAULT_CONFIG, NONLINEAR: false };

describe('swp_entry_to_pte', () => {
  test('i386 2.6.21: offset 0x1000000 is refused, naming the value, the limit 0xffffff and the silent kernel pte', () => {
    const v = variant('i386', '2.6.21');
    const kernelPte = v.kernel.swp_entry_to_pte(v.kernel.swp_entry(0, 0x1000000n));
    expect(kernelPte).toBe(0n); // offset << 8 falls off the u32
    const e = thrown(() => v.checked.swp_entry_to_pte(0, 0x1000000n));
    expect(e).toBeInstanceOf(PteRangeError);
    expect(e).toBeInstanceOf(MmsimError);
    expect(e.name).toBe('PteRangeError');
    const message = oneLine(e);
    expect(message).toBe(
      'swap offset 0x01000000 does not fit i386@2.6.21: the largest is 0x00ffffff (24 bits); ' +
        'the kernel would silently store pte 0x00000000, which reads back as offset 0x00000000',
    );
    const r = e as PteRangeError;
    expect([r.what, r.value, r.limit, r.kernelResult]).toEqual(['swap offset', 0x1000000n, 0xffffffn, kernelPte]);
  });

  test('the largest offset is accepted, and equals the kernel pte', () => {
    for (const v of DEFAULT_VARIANTS) {
      const max = v.constants.maxSwapOffset;
      expect(v.checked.swp_entry_to_pte(1, max)).toBe(v.kernel.swp_entry_to_pte(v.kernel.swp_entry(1, max)));
      const e = thrown(() => v.checked.swp_entry_to_pte(1, max + 1n));
      expect(e).toBeInstanceOf(PteRangeError);
      const message = oneLine(e);
      expect(message).toContain(hex(max + 1n, v.constants.wordBits));
      expect(message).toContain(`the largest is ${hex(max, v.constants.wordBits)} (${v.constants.maxSwapOffsetBits} bits)`);
      expect(message).toContain(`pte ${hex((e as PteRangeError).kernelResult!, v.constants.pteBits)}`);
    }
  });

  for (const v of DEFAULT_VARIANTS) {
    prop([fc.integer({ min: 0, max: v.constants.MAX_SWAPFILES - 1 }), u64], { numRuns: 200 })(
      `${v.key}: accepted iff offset <= maxSwapOffset; accepted ptes equal the kernel and fast layers`,
      (type, offset) => {
        const W = v.constants.wordBits;
        const kernel = () => v.kernel.swp_entry_to_pte(v.kernel.swp_entry(type, offset));
        if (offset > mask(W)) {
          const e = thrown(() => v.checked.swp_entry_to_pte(type, offset));
          expect(e).toBeInstanceOf(PteRangeError);
          expect(oneLine(e)).toContain('is not an unsigned long');
        } else if (offset > v.constants.maxSwapOffset) {
          const e = thrown(() => v.checked.swp_entry_to_pte(type, offset)) as PteRangeError;
          expect(e).toBeInstanceOf(PteRangeError);
          expect(e.kernelResult).toBe(kernel());
          expect(oneLine(e)).toContain(hex(offset, W));
        } else {
          const pte = v.checked.swp_entry_to_pte(type, offset);
          expect(pte).toBe(kernel());
          expect(fastBig((out) => v.fast.swp_entry_to_pte(type, hi32(offset), lo32(offset), out))).toBe(pte);
          if (v.kernel.pte_none(pte)) {
            // swap(0, 0) on i386 / PAE 2.6.21, swap(0, max) on 6.18 x86_64 / PAE: a none pte
            expect(type).toBe(0);
            expect(() => v.checked.pte_to_swp_entry(pte)).toThrow(UnsupportedOperationError);
          } else {
            const parts = v.checked.pte_to_swp_entry(pte);
            expect([parts.type, parts.offset]).toEqual([type, offset]);
          }
        }
      },
    );
  }

  test('types >= MAX_SWAPFILES are refused unless { special: true }', () => {
    for (const v of DEFAULT_VARIANTS) {
      const max = v.constants.MAX_SWAPFILES;
      for (let type = max; type < 32; type++) {
        const special = v.swapTypes.byType(type)!;
        const e = thrown(() => v.checked.swp_entry_to_pte(type, 1n));
        expect(e).toBeInstanceOf(PteRangeError);
        expect(oneLine(e)).toBe(
          `swap type ${type} is reserved for ${special.name} on ${v.key}: swap files use types 0..${max - 1} (MAX_SWAPFILES ${max})`,
        );
        expect((e as PteRangeError).limit).toBe(BigInt(max - 1));
        expect(() => v.checked.swp_entry_to_pte(type, 1n, { special: false })).toThrow(PteRangeError);
        expect(v.checked.swp_entry_to_pte(type, 1n, { special: true })).toBe(v.kernel.swp_entry_to_pte(v.kernel.swp_entry(type, 1n)));
      }
      expect(v.checked.swp_entry_to_pte(max - 1, 1n)).toBe(v.kernel.swp_entry_to_pte(v.kernel.swp_entry(max - 1, 1n)));
    }
  });

  test('2.6.21 with CONFIG_MIGRATION=n: types 30 and 31 are ordinary swap files', () => {
    const v = variant('x86_64', '2.6.21', { ...DEFAULT_CONFIG, MIGRATION: false });
    expect(v.checked.swp_entry_to_pte(31, 1n)).toBe(0x13en);
  });

  test('types outside 0..31 are refused even with { special: true }', () => {
    const v = variant('x86_64', '6.18');
    for (const type of [32, 63, -1, 1.5, Number.NaN]) {
      const e = thrown(() => v.checked.swp_entry_to_pte(type, 1n, { special: true }));
      expect(e).toBeInstanceOf(PteRangeError);
      expect(oneLine(e)).toBe(`swap type ${type} is out of range on x86_64@6.18 (0..31, MAX_SWAPFILES_SHIFT is 5)`);
    }
  });

  test('an offset wider than an unsigned long is refused', () => {
    const v = variant('i386-pae', '2.6.21');
    const e = thrown(() => v.checked.swp_entry_to_pte(0, 1n << 32n));
    expect(e).toBeInstanceOf(PteRangeError);
    expect(oneLine(e)).toBe('swap offset 0x0000000100000000 is not an unsigned long on i386-pae@2.6.21 (0..0xffffffff)');
  });
});

describe('pte_to_swp_entry', () => {
  test('2.6.21 file pte: kernel layer BUG()s, checked layer refuses mentioning BUG_ON(pte_file)', () => {
    for (const id of ['i386', 'i386-pae', 'x86_64']) {
      const v = variant(id, '2.6.21');
      const filePte = v.kernel.pgoff_to_pte(5n);
      expect(() => v.kernel.pte_to_swp_entry(filePte)).toThrow(KernelBugError);
      const kbug = thrown(() => v.kernel.pte_to_swp_entry(filePte));
      expect(kbug.name).toBe('KernelBugError');
      expect(oneLine(kbug)).toContain('BUG_ON(pte_file(pte))');
      const e = thrown(() => v.checked.pte_to_swp_entry(filePte));
      expect(e).toBeInstanceOf(UnsupportedOperationError);
      expect(oneLine(e)).toBe(
        `pte ${hex(filePte, v.constants.pteBits)} is a file pte on ${v.key}, not a swap entry: the kernel would BUG_ON(pte_file(pte)) in pte_to_swp_entry`,
      );
    }
  });

  test('none, present and protnone ptes are refused: is_swap_pte() is false', () => {
    const v = variant('x86_64', '6.18');
    for (const [pte, cls] of [
      [0n, 'none'],
      [0x60n, 'none'],
      [0x1234067n, 'present'],
      [0x120n, 'protnone'],
    ] as const) {
      const e = thrown(() => v.checked.pte_to_swp_entry(pte));
      expect(e).toBeInstanceOf(UnsupportedOperationError);
      expect(oneLine(e)).toBe(`pte ${hex(pte, 64)} is a ${cls} pte on x86_64@6.18, not a swap entry: is_swap_pte() is false, so the kernel never decodes it`);
    }
  });

  test('6.18 swap-pte flags are reported and do not disturb the decode', () => {
    const v = variant('x86_64', '6.18');
    const pte = v.checked.swp_entry_to_pte(3, 0x1234n);
    expect(v.checked.pte_to_swp_entry(pte)).toEqual({
      type: 3,
      offset: 0x1234n,
      val: 0x0c00000000001234n,
      exclusive: false,
      softDirty: false,
      uffdWp: false,
    });
    expect(v.checked.pte_to_swp_entry(pte | 0b1110n)).toMatchObject({ type: 3, offset: 0x1234n, exclusive: true, softDirty: true, uffdWp: true });
    // i386 6.18 has only the exclusive flag (bit 7)
    const i = variant('i386', '6.18');
    const ip = i.checked.swp_entry_to_pte(3, 0x1234n);
    expect(i.checked.pte_to_swp_entry(ip | 0x80n)).toMatchObject({ type: 3, offset: 0x1234n, exclusive: true, softDirty: false, uffdWp: false });
  });

  test('a value wider than the pte is refused', () => {
    const v = variant('i386', '2.6.21');
    const e = thrown(() => v.checked.pte_to_swp_entry(1n << 32n));
    expect(e).toBeInstanceOf(PteRangeError);
    expect(oneLine(e)).toBe('pte 0x0000000100000000 does not fit a 32-bit pte on i386@2.6.21 (0..0xffffffff)');
  });
});

describe('pgoff_to_pte / pte_to_pgoff', () => {
  test('pgoff >= 2^PTE_FILE_MAX_BITS is refused with -EINVAL wording (i386 2.6.21: 29 bits)', () => {
    const v = variant('i386', '2.6.21');
    expect(v.constants.PTE_FILE_MAX_BITS).toBe(29);
    expect(v.checked.pgoff_to_pte(mask(29))).toBe(v.kernel.pgoff_to_pte(mask(29)));
    const e = thrown(() => v.checked.pgoff_to_pte(1n << 29n)) as PteRangeError;
    expect(e).toBeInstanceOf(PteRangeError);
    expect(oneLine(e)).toBe(
      'pgoff 0x20000000 does not fit i386@2.6.21: PTE_FILE_MAX_BITS is 29 (largest 0x1fffffff), so remap_file_pages returns -EINVAL; ' +
        'pgoff_to_pte alone would silently store 0x00000040, read back as 0x00000000',
    );
    expect([e.what, e.value, e.limit, e.kernelResult]).toEqual(['pgoff', 1n << 29n, mask(29), 0x40n]);
  });

  test('x86_64 2.6.21: pgoff >= 2^46 is -EINVAL', () => {
    const v = variant('x86_64', '2.6.21');
    const e = thrown(() => v.checked.pgoff_to_pte(1n << 46n));
    expect(e).toBeInstanceOf(PteRangeError);
    expect(oneLine(e)).toContain('PTE_FILE_MAX_BITS is 46 (largest 0x00003fffffffffff), so remap_file_pages returns -EINVAL');
  });

  test('x86_64 2.6.21: pgoff 2^34 is within PTE_FILE_MAX_BITS 46 but refused as silent corruption (34 bits survive)', () => {
    const v = variant('x86_64', '2.6.21');
    expect(v.constants.PTE_FILE_MAX_BITS).toBe(46);
    expect(v.constants.fileRoundtripBits).toBe(34);
    expect(v.checked.pgoff_to_pte(mask(34))).toBe((mask(34) << 12n) | 0x40n);
    const e = thrown(() => v.checked.pgoff_to_pte(1n << 34n)) as PteRangeError;
    expect(e).toBeInstanceOf(PteRangeError);
    expect(oneLine(e)).toBe(
      'pgoff 0x0000000400000000 is within PTE_FILE_MAX_BITS (46) on x86_64@2.6.21 but only 34 bits survive pte_to_pgoff: ' +
        'the kernel accepts it and silently reads back 0x0000000000000000 (pte 0x0000400000000040)',
    );
    expect([e.value, e.limit, e.kernelResult]).toEqual([1n << 34n, mask(34), 0x0000400000000040n]);
    expect(v.kernel.pgoff_to_pte(1n << 34n)).toBe(0x0000400000000040n); // the kernel itself is silent
  });

  test('PAE 2.6.21: the whole 32-bit pgoff fits; wider is not an unsigned long', () => {
    const v = variant('i386-pae', '2.6.21');
    expect(v.checked.pgoff_to_pte(0xffffffffn)).toBe(0xffffffff00000040n);
    expect(oneLine(thrown(() => v.checked.pgoff_to_pte(1n << 32n)))).toContain('pgoff 0x0000000100000000 is not an unsigned long');
  });

  for (const id of ['i386', 'i386-pae', 'x86_64']) {
    const v = variant(id, '2.6.21');
    const bits = v.constants.fileRoundtripBits!;
    prop([u64], { numRuns: 200 })(`${v.key}: pgoff accepted iff it round-trips; then pte_to_pgoff gives it back`, (raw) => {
      const pgoff = raw & mask(Math.min(64, bits + 2));
      if (pgoff <= mask(bits)) {
        const pte = v.checked.pgoff_to_pte(pgoff);
        expect(v.classify(pte)).toBe('file');
        expect(v.checked.pte_to_pgoff(pte)).toBe(pgoff);
      } else {
        expect(() => v.checked.pgoff_to_pte(pgoff)).toThrow(PteRangeError);
      }
    });
  }

  test('pte_to_pgoff refuses non-file ptes', () => {
    const v = variant('i386', '2.6.21');
    const e = thrown(() => v.checked.pte_to_pgoff(0x13en));
    expect(e).toBeInstanceOf(UnsupportedOperationError);
    expect(oneLine(e)).toBe(
      'pte 0x0000013e is a migration pte on i386@2.6.21, not a file pte: pte_to_pgoff is only meaningful when pte_file() and !pte_present()',
    );
  });

  test('6.18: no pgoff_to_pte at all (PTE_FILE_MAX_BITS null)', () => {
    for (const id of ['i386', 'i386-pae', 'x86_64']) {
      const v = variant(id, '6.18');
      expect(v.constants.PTE_FILE_MAX_BITS).toBeNull();
      expect(v.constants.fileRoundtripBits).toBeNull();
      expect(v.fast.pgoff_to_pte).toBeUndefined();
      const e = thrown(() => v.checked.pgoff_to_pte(1n));
      expect(e).toBeInstanceOf(UnsupportedOperationError);
      expect(oneLine(e)).toBe(`${v.key} has no nonlinear file ptes (removed in v4.0; remap_file_pages is emulated with VMAs)`);
      expect(oneLine(thrown(() => v.checked.pte_to_pgoff(0x40n)))).toBe(`${v.key} has no nonlinear file ptes to decode (removed in v4.0)`);
      expect(() => v.kernel.pgoff_to_pte(1n)).toThrow(KernelBugError);
      expect(() => v.kernel.pte_to_pgoff(0x40n)).toThrow(KernelBugError);
    }
  });
});

describe('CONFIG_NONLINEAR=n (2.6.21)', () => {
  for (const s of VARIANTS.filter((x) => x.era === '2.6.21')) {
    const on = compileVariant(s);
    const off = compileVariant(s, NONLINEAR_OFF);

    test(`${off.key}: pgoff_to_pte refused, PTE_FILE_MAX_BITS 0, no fast pgoff functions`, () => {
      expect(off.key).toBe(`${s.id}@2.6.21+CONFIG_NONLINEAR=n`);
      expect(off.constants.PTE_FILE_MAX_BITS).toBe(0);
      expect(off.constants.fileRoundtripBits).toBe(0);
      expect(off.fast.pgoff_to_pte).toBeUndefined();
      const e = thrown(() => off.checked.pgoff_to_pte(1n));
      expect(e).toBeInstanceOf(UnsupportedOperationError);
      expect(oneLine(e)).toBe(`pgoff_to_pte is a BUG() stub on ${off.key}: CONFIG_NONLINEAR=n (PTE_FILE_MAX_BITS is 0)`);
      expect(oneLine(thrown(() => off.checked.pte_to_pgoff(0x40n)))).toBe(`${off.key} has no nonlinear file ptes to decode (CONFIG_NONLINEAR=n)`);
      expect(() => off.kernel.pgoff_to_pte(1n)).toThrow(KernelBugError);
      expect(oneLine(thrown(() => off.kernel.pgoff_to_pte(1n)))).toContain('CONFIG_NONLINEAR=n');
      // the swap limits do not move
      expect(off.constants.maxSwapOffset).toBe(on.constants.maxSwapOffset);
      expect(off.constants.swapSizeLimit).toEqual(on.constants.swapSizeLimit);
      expect(off.constants.MAX_SWAPFILES).toBe(on.constants.MAX_SWAPFILES);
    });

    prop([u64], { numRuns: 200 })(`${off.key}: pte_file is always false`, (raw) => {
      const pte = raw & mask(off.constants.pteBits);
      expect(off.kernel.pte_file(pte)).toBe(0n);
      expect(off.fast.pte_file(hi32(pte), lo32(pte))).toBe(false);
      expect(off.classify(pte)).not.toBe('file');
    });

    prop([fc.integer({ min: 0, max: 31 }), u64, u64], { numRuns: 200 })(`${off.key}: swap encodings unchanged`, (type, offset, rawPte) => {
      expect(off.kernel.swp_entry_to_pte(off.kernel.swp_entry(type, offset))).toBe(on.kernel.swp_entry_to_pte(on.kernel.swp_entry(type, offset)));
      expect(fastBig((o) => off.fast.swp_entry_to_pte(type, hi32(offset), lo32(offset), o))).toBe(
        fastBig((o) => on.fast.swp_entry_to_pte(type, hi32(offset), lo32(offset), o)),
      );
      const pte = rawPte & mask(off.constants.pteBits);
      if (on.kernel.pte_file(pte) === 0n) {
        expect(off.kernel.pte_to_swp_entry(pte)).toBe(on.kernel.pte_to_swp_entry(pte));
      } else {
        // what was a file pte is now decoded as swap instead of BUG()ing
        expect(() => on.kernel.pte_to_swp_entry(pte)).toThrow(KernelBugError);
        expect(() => off.kernel.pte_to_swp_entry(pte)).not.toThrow();
      }
    });
  }
});

describe('pfn_pte / pte_pfn / prot', () => {
  test('i386 2.6.21: a pfn wider than 20 bits is refused naming the silent pte', () => {
    const v = variant('i386', '2.6.21');
    expect(v.checked.pfn_pte(0xfffffn, 'PAGE_SHARED')).toBe(0xfffff027n);
    const e = thrown(() => v.checked.pfn_pte(0x100000n, 'PAGE_SHARED')) as PteRangeError;
    expect(e).toBeInstanceOf(PteRangeError);
    expect(oneLine(e)).toBe(
      'pfn 0x00100000 does not fit i386@2.6.21: the pte holds 20 pfn bits (largest 0x000fffff); the kernel would silently store 0x00000027, whose pte_pfn is 0x00000000',
    );
  });

  test('an unknown protection name is refused, listing the valid ones', () => {
    const v = variant('i386', '2.6.21');
    const e = thrown(() => v.checked.pfn_pte(1n, 'PAGE_EXECUTE'));
    expect(e).toBeInstanceOf(UnsupportedOperationError);
    expect(oneLine(e)).toBe(`i386@2.6.21 has no protection 'PAGE_EXECUTE' (valid: ${Object.keys(v.spec.prots).join(', ')})`);
    expect(v.checked.prot('PAGE_NONE')).toBe(0xa0n);
  });

  test('pte_pfn refuses swap and none ptes', () => {
    const v = variant('x86_64', '2.6.21');
    expect(oneLine(thrown(() => v.checked.pte_pfn(0x13an)))).toBe(
      'pte 0x000000000000013a is a swap pte on x86_64@2.6.21: pte_pfn is only meaningful for present ptes',
    );
    expect(() => v.checked.pte_pfn(0n)).toThrow(UnsupportedOperationError);
    expect(v.checked.pte_pfn(v.checked.pfn_pte(0x1234n, 'PAGE_SHARED'))).toBe(0x1234n);
  });

  test('x86_64 2.6.21 with X86_NX=n: pfn_pte drops NX from PAGE_SHARED', () => {
    const nx = variant('x86_64', '2.6.21');
    const noNx = variant('x86_64', '2.6.21', { ...DEFAULT_CONFIG, X86_NX: false });
    expect(nx.checked.pfn_pte(1n, 'PAGE_SHARED')).toBe((1n << 63n) | 0x1027n);
    expect(noNx.checked.pfn_pte(1n, 'PAGE_SHARED')).toBe(0x1027n);
    expect(noNx.supportedMask).toBe(mask(63));
  });
});

describe('every checked error message is one line', () => {
  prop([fc.constantFrom(...DEFAULT_VARIANTS), fc.integer({ min: -2, max: 40 }), u64, u64], { numRuns: 300 })(
    'swp_entry_to_pte / pte_to_swp_entry / pgoff_to_pte / pte_pfn',
    (v, type, a, b) => {
      for (const call of [
        () => v.checked.swp_entry_to_pte(type, a),
        () => v.checked.pte_to_swp_entry(b),
        () => v.checked.pgoff_to_pte(a),
        () => v.checked.pte_to_pgoff(b),
        () => v.checked.pte_pfn(b),
      ]) {
        try {
          call();
        } catch (e) {
          expect(e).toBeInstanceOf(MmsimError);
          oneLine(e);
        }
      }
    },
  );
});

describe('edge input found by review', () => {
  test('pfnBits is probed with a present prot (L1TF would invert a non-present one)', () => {
    expect(variant('x86_64', '6.18').constants.pfnBits).toBe(40);
    expect(variant('i386-pae', '6.18').constants.pfnBits).toBe(32);
    expect(variant('x86_64', '6.18').checked.pfn_pte(0x1234n, 'PAGE_NONE')).toBe(0x000ffffffedcb120n);
  });
  test('a negative offset is named in decimal', () => {
    const e = thrown(() => variant('i386', '2.6.21').checked.swp_entry_to_pte(0, -5n));
    expect(oneLine(e)).toBe('swap offset -5 is not an unsigned long on i386@2.6.21 (0..0xffffffff)');
  });
  test('an over-wide prot is named as a prot', () => {
    const e = thrown(() => variant('i386', '2.6.21').checked.pfn_pte(1n, 1n << 33n));
    expect(oneLine(e)).toBe('prot 0x0000000200000000 does not fit a 32-bit pte on i386@2.6.21 (0..0xffffffff)');
  });
});

describe('pfn_pte / pfn_pmd refuse a prot that overlaps the pfn field (issue 9)', () => {
  // every backend's variants, under the defaults and with NX off: the rule comes from the layout data alone
  const EVERY = [...VARIANTS, ...PPC_VARIANTS].flatMap((s) => [compileVariant(s), compileVariant(s, { ...DEFAULT_CONFIG, X86_NX: false })]);
  const pfnMask = (v: Variant) => fieldMask(v.spec.pfn.field) & mask(v.constants.pteBits);

  test('x86_64@6.18: --prot 0x1067 with pfn 4 is refused naming the overlapping bit, the silent pte and the valid mask', () => {
    const v = variant('x86_64', '6.18');
    expect(v.kernel.pfn_pte(4n, 0x1067n)).toBe(0x5067n); // the kernel-faithful layer keeps the silent OR
    const e = thrown(() => v.checked.pfn_pte(4n, 0x1067n)) as PteRangeError;
    expect(e).toBeInstanceOf(PteRangeError);
    expect(e.what).toBe('prot');
    expect(e.kernelResult).toBe(0x5067n);
    expect(e.limit).toBe(0xfff0000000000fffn);
    expect(oneLine(e)).toBe(
      'prot 0x0000000000001067 has bit 12 inside the pfn field (bits 51–12) on x86_64@6.18: pfn_pte ORs the prot over the pfn, ' +
        'so the kernel would silently store pte 0x0000000000005067, whose pte_pfn is 0x0000000000000005; a prot may use only 0xfff0000000000fff',
    );
  });

  test('NX off: a raw present prot with NX is refused (check_pgprot), a named one is filtered as vm_get_page_prot does', () => {
    const v = variant('x86_64', '6.18', { ...DEFAULT_CONFIG, X86_NX: false });
    const e = thrown(() => v.checked.pfn_pte(4n, 0x8000000000000067n)) as PteRangeError;
    expect(oneLine(e)).toBe(
      'prot 0x8000000000000067 has bit 63 outside __supported_pte_mask (0x7fffffffffffffff) on x86_64@6.18+CONFIG_X86_NX=n: ' +
        "the kernel would silently store pte 0x0000000000004067 without it (6.18's check_pgprot warns); a prot may use only 0x7ff0000000000fff",
    );
    // a non-present prot keeps NX (massage_pgprot masks only present prots), so nothing is lost
    expect(v.checked.pfn_pte(4n, 0x8000000000000100n)).toBe(v.kernel.pfn_pte(4n, 0x8000000000000100n));
    expect(v.checked.pfn_pte(4n, 'PAGE_SHARED')).toBe(v.kernel.pfn_pte(4n, v.spec.prots['PAGE_SHARED']!));
  });

  test('no named prot of any variant touches its pfn field', () => {
    for (const v of EVERY) for (const [name, value] of Object.entries(v.spec.prots)) expect(value & pfnMask(v), `${v.key} ${name}`).toBe(0n);
  });

  for (const v of EVERY) {
    const P = v.constants.pteBits;
    prop([u64, u64], { numRuns: 150 })(`${v.key}: a raw prot is accepted iff it keeps out of the pfn field and loses no bit; then the pfn round-trips`, (rawPfn, rawProt) => {
      const prot = rawProt & mask(P);
      const pfn = rawPfn & mask(v.constants.pfnBits);
      const kernelPte = v.kernel.pfn_pte(pfn, prot);
      const lost = prot & ~pfnMask(v) & ~v.kernel.pfn_pte(0n, prot);
      // with NX on, no variant drops a prot bit: acceptance is exactly (prot & pfnMask) === 0
      if (v.config.X86_NX) expect(lost).toBe(0n);
      if ((prot & pfnMask(v)) === 0n && lost === 0n) {
        const pte = v.checked.pfn_pte(pfn, prot);
        expect(pte).toBe(kernelPte);
        const cls = v.classify(pte);
        if (cls === 'present' || cls === 'protnone') expect(v.checked.pte_pfn(pte)).toBe(pfn);
      } else {
        const e = thrown(() => v.checked.pfn_pte(pfn, prot)) as PteRangeError;
        expect(e).toBeInstanceOf(PteRangeError);
        expect(e.what).toBe('prot');
        expect(e.kernelResult).toBe(kernelPte);
        oneLine(e);
      }
    });
    // a prot made to overlap the pfn field, so the refusal path is exercised on every variant
    prop([u64, fc.integer({ min: 0, max: 63 })], { numRuns: 50 })(`${v.key}: a prot with a pfn-field bit is refused`, (rawProt, bit) => {
      const inField = [...Array(P).keys()].filter((b) => ((pfnMask(v) >> BigInt(b)) & 1n) !== 0n);
      const prot = (rawProt & mask(P)) | (1n << BigInt(inField[bit % inField.length]!));
      expect(() => v.checked.pfn_pte(1n, prot)).toThrow(/inside the pfn field/);
    });
  }

  test('a huge pmd prot may use the bits below HPAGE_PMD_SHIFT where pfn_pmd masks them off (x86 _PAGE_PAT_LARGE), not the pfn bits above', () => {
    const v = variant('x86_64', '6.18');
    const prot = v.spec.prots['PAGE_SHARED']! | (1n << 12n);
    expect(v.checked.mk_huge_pmd(0x200n, prot)).toBe(v.kernel.mk_huge_pmd(0x200n, prot));
    const e = thrown(() => v.checked.mk_huge_pmd(0x200n, v.spec.prots['PAGE_SHARED']! | (1n << 21n)));
    expect(oneLine(e)).toMatch(/^prot 0x[0-9a-f]+ has bit 21 inside the pfn field \(bits 51–21\) on x86_64@6\.18: mk_huge_pmd ORs the prot over the pfn/);
  });
});
