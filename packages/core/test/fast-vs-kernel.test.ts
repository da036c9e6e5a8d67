/**
 * Every encode/decode pair of the generated u32-pair fast layer against the
 * kernel-faithful BigInt layer (the oracle), on every x86 variant under
 * every interesting config, plus the round-trip laws of the kernel layer.
 */
import { describe, expect, test } from 'vitest';
import { hi32, lo32, toBig } from '../src/u64/pair.js';
import type { ModifierName } from '../src/spec/variant-spec.js';
import { ALL_VARIANTS, DEFAULT_VARIANTS, fastBig, fc, isU32, mask, newReg, prop, pteArb, regBig, u64, u64Bits } from './helpers.js';

const RUNS = { numRuns: 200 };

for (const v of ALL_VARIANTS) {
  const P = v.constants.pteBits;
  const W = v.constants.wordBits;
  const k = v.kernel;
  const f = v.fast;
  const ptes = pteArb(v);
  const isFileEra = k.pte_file(0x40n) !== 0n; // only 2.6.21 with CONFIG_NONLINEAR=y

  describe(v.key, () => {
    prop([fc.integer({ min: 0, max: 255 }), u64], RUNS)('swp_entry_to_pte: fast == kernel, any type, any offset', (type, offset) => {
      const kernel = k.swp_entry_to_pte(k.swp_entry(type, offset));
      expect(fastBig((out) => f.swp_entry_to_pte(type, hi32(offset), lo32(offset), out))).toBe(kernel);
      expect(kernel).toBeLessThanOrEqual(mask(P));
    });

    prop([ptes], RUNS)('pte_to_swp_entry: fast == kernel on any non-file pte', (pte) => {
      fc.pre(k.pte_file(pte) === 0n);
      const e = k.pte_to_swp_entry(pte);
      const out = newReg();
      f.pte_to_swp_entry(hi32(pte), lo32(pte), out);
      expect(out.type).toBe(k.swp_type(e));
      expect(regBig(out)).toBe(k.swp_offset(e));
      // signed words in, same answer
      const out2 = newReg();
      f.pte_to_swp_entry(hi32(pte) | 0, lo32(pte) | 0, out2);
      expect(out2).toEqual(out);
    });

    prop([fc.integer({ min: 0, max: 31 }), u64], RUNS)('swap round trip for every type 0..31 and offsets up to maxSwapOffset', (type, raw) => {
      const offset = raw % (v.constants.maxSwapOffset + 1n);
      const pte = k.swp_entry_to_pte(k.swp_entry(type, offset));
      const e = k.pte_to_swp_entry(pte);
      expect([k.swp_type(e), k.swp_offset(e)]).toEqual([type, offset]);
      // a swap pte is never a file pte (the kernel BUG_ON would fire)
      expect(k.pte_file(pte)).toBe(0n);
      const out = newReg();
      f.pte_to_swp_entry(hi32(pte), lo32(pte), out);
      expect([out.type, regBig(out)]).toEqual([type, offset]);
    });

    prop([fc.integer({ min: 0, max: 255 }), u64, ptes, u64, u64], RUNS)('pure word functions == kernel (the hot-path API)', (type, offset, pte, pfn, rawProt) => {
      const word = (hi: number, lo: number) => {
        expect(isU32(hi) && isU32(lo), `u32 words ${hi}, ${lo}`).toBe(true);
        return toBig(hi, lo);
      };
      const [oh, ol] = [hi32(offset), lo32(offset)];
      expect(word(f.swp_entry_to_pte_hi(type, oh, ol), f.swp_entry_to_pte_lo(type, oh, ol))).toBe(k.swp_entry_to_pte(k.swp_entry(type, offset)));
      const [h, l] = [hi32(pte), lo32(pte)];
      if (k.pte_file(pte) === 0n) {
        const e = k.pte_to_swp_entry(pte);
        expect(f.pte_to_swp_type(h, l)).toBe(k.swp_type(e));
        expect(word(f.pte_to_swp_offset_hi(h, l), f.pte_to_swp_offset_lo(h, l))).toBe(k.swp_offset(e));
      }
      const prot = rawProt & mask(P);
      const [ph, pl, qh, ql] = [hi32(pfn), lo32(pfn), hi32(prot), lo32(prot)];
      expect(word(f.pfn_pte_hi(ph, pl, qh, ql), f.pfn_pte_lo(ph, pl, qh, ql))).toBe(k.pfn_pte(pfn, prot));
      expect(word(f.pte_pfn_hi(h, l), f.pte_pfn_lo(h, l))).toBe(k.pte_pfn(pte));
      if (isFileEra) {
        expect(word(f.pgoff_to_pte_hi!(oh, ol), f.pgoff_to_pte_lo!(oh, ol))).toBe(k.pgoff_to_pte(offset));
        expect(word(f.pte_to_pgoff_hi!(h, l), f.pte_to_pgoff_lo!(h, l))).toBe(k.pte_to_pgoff(pte));
      } else {
        expect([f.pgoff_to_pte_hi, f.pgoff_to_pte_lo, f.pte_to_pgoff_hi, f.pte_to_pgoff_lo]).toEqual([undefined, undefined, undefined, undefined]);
      }
    });

    prop([ptes], RUNS)('arch round trip: __swp_entry_to_pte(__pte_to_swp_entry(pte)) is stable', (pte) => {
      fc.pre(k.is_swap_pte(pte));
      const once = k.__swp_entry_to_pte(k.__pte_to_swp_entry(pte));
      expect(k.__swp_entry_to_pte(k.__pte_to_swp_entry(once))).toBe(once);
    });

    prop([u64, fc.oneof(u64, fc.constantFrom(...Object.values(v.spec.prots)))], RUNS)('pfn_pte: fast == kernel', (pfn, prot) => {
      const p = prot & mask(P);
      const kernel = k.pfn_pte(pfn, p);
      expect(fastBig((out) => f.pfn_pte(hi32(pfn), lo32(pfn), hi32(p), lo32(p), out))).toBe(kernel);
    });

    prop([ptes], RUNS)('pte_pfn: fast == kernel', (pte) => {
      expect(fastBig((out) => f.pte_pfn(hi32(pte), lo32(pte), out))).toBe(k.pte_pfn(pte));
    });

    prop([u64, fc.constantFrom(...Object.keys(v.spec.prots))], RUNS)('pfn round trip for pfns that fit, every named prot', (raw, protName) => {
      // the width of the pfn field (an unsigned long pfn on 32-bit), independent of constants.pfnBits
      const fieldBits = Math.min(v.spec.pfn.field.spans.reduce((n, s) => n + s.width, 0), W);
      const pfn = raw & mask(fieldBits);
      const pte = k.pfn_pte(pfn, v.spec.prots[protName]!);
      expect(k.pte_pfn(pte)).toBe(pfn);
    });

    prop([ptes], RUNS)('predicates: fast == kernel', (pte) => {
      const [hi, lo] = [hi32(pte), lo32(pte)];
      expect(f.pte_none(hi, lo)).toBe(k.pte_none(pte));
      expect(f.pte_present(hi, lo)).toBe(k.pte_present(pte));
      expect(f.pte_file(hi, lo)).toBe(k.pte_file(pte) !== 0n);
      expect(f.pte_protnone(hi, lo)).toBe(k.pte_protnone(pte));
      expect(f.is_swap_pte(hi, lo)).toBe(k.is_swap_pte(pte));
    });

    prop([ptes, fc.constantFrom(...(Object.keys(v.spec.modifiers) as ModifierName[]))], RUNS)('modifiers: fast == kernel', (pte, name) => {
      expect(fastBig((out) => v.fastModifiers[name]!(hi32(pte), lo32(pte), out))).toBe(k.modify(name, pte));
    });

    if (isFileEra) {
      prop([u64Bits], RUNS)('pgoff_to_pte / pte_to_pgoff: fast == kernel, round trip within fileRoundtripBits', (pgoff) => {
        const pte = k.pgoff_to_pte(pgoff);
        expect(fastBig((out) => f.pgoff_to_pte!(hi32(pgoff), lo32(pgoff), out))).toBe(pte);
        expect(k.pte_file(pte)).not.toBe(0n);
        expect(k.pte_present(pte)).toBe(false);
        expect(fastBig((out) => f.pte_to_pgoff!(hi32(pte), lo32(pte), out))).toBe(k.pte_to_pgoff(pte));
        expect(k.pte_to_pgoff(pte)).toBe(pgoff & mask(Math.min(W, v.constants.fileRoundtripBits!)));
      });
      prop([ptes], RUNS)('pte_to_pgoff: fast == kernel on any pte', (pte) => {
        expect(fastBig((out) => f.pte_to_pgoff!(hi32(pte), lo32(pte), out))).toBe(k.pte_to_pgoff(pte));
      });
    } else {
      test('no nonlinear file ptes: no fast pgoff functions, pte_file always false', () => {
        expect(f.pgoff_to_pte).toBeUndefined();
        expect(f.pte_to_pgoff).toBeUndefined();
        expect(f.pte_file(0, 0x40)).toBe(false);
        expect(k.pte_file(0x40n)).toBe(0n);
      });
    }
  });
}

describe('fast-layer hygiene', () => {
  prop([fc.constantFrom(...ALL_VARIANTS), u64, u64, fc.integer({ min: 0, max: 31 })], { numRuns: 300 })(
    'signed int32 input words (straight from bitwise ops) give the same results as unsigned ones',
    (v, a, b, type) => {
      const [ah, al] = [hi32(a), lo32(a)];
      const [bh, bl] = [hi32(b), lo32(b)];
      const s = (n: number) => n | 0;
      expect(v.fast.classify(s(ah), s(al))).toBe(v.fast.classify(ah, al));
      expect(v.fast.is_swap_pte(s(ah), s(al))).toBe(v.fast.is_swap_pte(ah, al));
      expect(fastBig((o) => v.fast.swp_entry_to_pte(type, s(ah), s(al), o))).toBe(fastBig((o) => v.fast.swp_entry_to_pte(type, ah, al, o)));
      expect(fastBig((o) => v.fast.pfn_pte(s(ah), s(al), s(bh), s(bl), o))).toBe(fastBig((o) => v.fast.pfn_pte(ah, al, bh, bl, o)));
      expect(fastBig((o) => v.fast.pte_pfn(s(ah), s(al), o))).toBe(fastBig((o) => v.fast.pte_pfn(ah, al, o)));
      if (v.fast.pgoff_to_pte) {
        expect(fastBig((o) => v.fast.pgoff_to_pte!(s(ah), s(al), o))).toBe(fastBig((o) => v.fast.pgoff_to_pte!(ah, al, o)));
        expect(fastBig((o) => v.fast.pte_to_pgoff!(s(ah), s(al), o))).toBe(fastBig((o) => v.fast.pte_to_pgoff!(ah, al, o)));
      }
    },
  );

  prop([fc.constantFrom(...DEFAULT_VARIANTS), u64], { numRuns: 200 })('32-bit ptes ignore the high input word', (v, pte) => {
    fc.pre(v.constants.pteBits === 32);
    expect(v.fast.classify(hi32(pte), lo32(pte))).toBe(v.fast.classify(0, lo32(pte)));
    expect(fastBig((out) => v.fast.pte_pfn(hi32(pte), lo32(pte), out))).toBe(fastBig((out) => v.fast.pte_pfn(0, lo32(pte), out)));
  });

  test('fastSource is the strict-mode source the fast layer was compiled from', () => {
    for (const v of DEFAULT_VARIANTS) {
      expect(v.fastSource.startsWith('"use strict";')).toBe(true);
      expect(v.fastSource).toContain('function classify(hi, lo)');
      expect(v.fastSource).not.toMatch(/\bBigInt\b|\d+n\b/);
    }
  });
});
