/**
 * layout/codegen.ts against the BigInt reference (layout/reference.ts):
 * generated u32-pair expressions are compiled with `new Function` and must
 * agree bit for bit with encodeFieldBig / decodeFieldBig on random fields
 * and random u64 values.
 */
import { describe, expect, test } from 'vitest';
import { emitDecode, emitEncode, emitMove, joinWord, wordLiteral, type WordExprs } from '../src/layout/codegen.js';
import { field, fieldEncodeWidth, fieldMask, fieldWidth, splitField, type Field, type Span } from '../src/layout/field.js';
import { decodeFieldBig, encodeFieldBig } from '../src/layout/reference.js';
import { fc, isU32, mask, pair, prop, u64, U64, u64Bits } from './helpers.js';
import { toBig } from '../src/u64/pair.js';

type PairFn = (hi: number, lo: number) => { hi: number; lo: number };

/** Compile a WordExprs the way generate.ts does: OR each word's list (joinWord, an int32), then make it unsigned once. */
function compile(exprs: WordExprs, hiName: string, loName: string): PairFn {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(hiName, loName, `"use strict"; return { hi: (${joinWord(exprs.hi)}) >>> 0, lo: (${joinWord(exprs.lo)}) >>> 0 };`) as PairFn;
}

function run(fn: PairFn, value: bigint, signed = false): bigint {
  let [hi, lo] = pair(value);
  if (signed) {
    hi |= 0; // the fast API receives words straight from bitwise ops: often negative int32
    lo |= 0;
  }
  const r = fn(hi, lo);
  expect(isU32(r.hi) && isU32(r.lo), `words ${r.hi}, ${r.lo} are u32`).toBe(true);
  return toBig(r.hi, r.lo);
}

const encoder = (f: Field): PairFn => {
  const out: WordExprs = { hi: [], lo: [] };
  emitEncode(f, { hi: 'vh', lo: 'vl' }, out);
  return compile(out, 'vh', 'vl');
};
const decoder = (f: Field): PairFn => {
  const out: WordExprs = { hi: [], lo: [] };
  emitDecode(f, { hi: 'ch', lo: 'cl' }, out);
  return compile(out, 'ch', 'cl');
};

// ---- field arbitraries -------------------------------------------------------

/** Spans an implementer is likely to get wrong. */
const EDGE_SPANS: readonly Span[] = [
  { lsb: 0, width: 32 }, // exactly the low word
  { lsb: 32, width: 32 }, // exactly the high word
  { lsb: 16, width: 32 }, // width 32, crossing bit 32
  { lsb: 31, width: 2 }, // smallest span crossing bit 32
  { lsb: 30, width: 5 },
  { lsb: 0, width: 1 }, // lsb 0
  { lsb: 63, width: 1 }, // lsb 63
  { lsb: 0, width: 64 }, // width 64
  { lsb: 1, width: 63 },
  { lsb: 0, width: 63 },
  { lsb: 32, width: 1 },
  { lsb: 31, width: 1 },
  { lsb: 9, width: 50 }, // 6.18 x86_64 swap offset
  { lsb: 59, width: 5 }, // 6.18 x86_64 swap type
  { lsb: 12, width: 40 }, // 6.18 x86_64 pfn
];

const randomSpan: fc.Arbitrary<Span> = fc
  .integer({ min: 0, max: 63 })
  .chain((lsb) => fc.record({ lsb: fc.constant(lsb), width: fc.integer({ min: 1, max: 64 - lsb }) }));
const spanArb = fc.oneof(randomSpan, fc.constantFrom(...EDGE_SPANS));

/** Single-span fields, with random invert and (sometimes) an encodeWidth wider or narrower than the span. */
const singleField: fc.Arbitrary<Field> = fc
  .record({
    span: spanArb,
    invert: fc.boolean(),
    encodeWidth: fc.option(fc.oneof(fc.integer({ min: 0, max: 72 }), fc.constantFrom(31, 32, 33, 52, 64)), { nil: undefined }),
  })
  .map(({ span, invert, encodeWidth }) =>
    field('f', span.lsb, span.width, { invert, ...(encodeWidth !== undefined ? { encodeWidth } : {}) }),
  );

/**
 * Split fields: disjoint spans within bits 0..63 (so their widths sum to at
 * most 64), in any container order, value bits continuing span to span.
 */
const splitFieldArb: fc.Arbitrary<Field> = fc
  .record({
    cuts: fc.uniqueArray(fc.integer({ min: 0, max: 64 }), { minLength: 3, maxLength: 10 }),
    invert: fc.boolean(),
    seed: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    order: fc.integer(),
  })
  .map(({ cuts, invert, seed, order }) => {
    const sorted = [...cuts].sort((a, b) => a - b);
    let spans: Span[] = [];
    for (let i = 0; i + 1 < sorted.length; i++) {
      if (seed[i] !== false || spans.length === 0) spans.push({ lsb: sorted[i]!, width: sorted[i + 1]! - sorted[i]! });
    }
    // rotate / reverse so value order and container order differ
    const k = Math.abs(order) % spans.length;
    spans = [...spans.slice(k), ...spans.slice(0, k)];
    if (order < 0) spans.reverse();
    return splitField('s', spans, { invert });
  });

const anyField = fc.oneof(singleField, splitFieldArb);

// ---- emitMove ---------------------------------------------------------------

/** The documented meaning of emitMove, in BigInt. */
function moveBig(src: bigint, from: number, width: number, to: number, invert: boolean): bigint {
  const s = invert ? ~src & U64 : src;
  return (((s >> BigInt(from)) & mask(width)) << BigInt(to)) & U64;
}

describe('emitMove', () => {
  const moveArgs = fc.record({
    from: fc.integer({ min: 0, max: 63 }),
    width: fc.integer({ min: 1, max: 64 }),
    to: fc.integer({ min: 0, max: 63 }),
    invert: fc.boolean(),
  });

  prop([moveArgs, u64], { numRuns: 1000 })('moves width bits from `from` to `to`, dropping bits at 64 and above', (m, value) => {
    const out: WordExprs = { hi: [], lo: [] };
    emitMove({ hi: 'h', lo: 'l' }, m.from, m.width, m.to, m.invert, out);
    const fn = compile(out, 'h', 'l');
    expect(run(fn, value)).toBe(moveBig(value, m.from, m.width, m.to, m.invert));
    expect(run(fn, value, true)).toBe(moveBig(value, m.from, m.width, m.to, m.invert));
  });

  test('a 32-bit aligned move is the bare word, no shift or mask', () => {
    const out: WordExprs = { hi: [], lo: [] };
    emitMove({ hi: 'h', lo: 'l' }, 0, 32, 32, false, out);
    expect(out).toEqual({ hi: ['l'], lo: [] });
  });

  test('a move crossing bit 32 on both sides splits into word pieces', () => {
    const out: WordExprs = { hi: [], lo: [] };
    emitMove({ hi: 'h', lo: 'l' }, 16, 32, 24, false, out);
    // 48 bits land at 24..55: pieces of both source words into both destination words
    expect(out.lo.length).toBeGreaterThan(0);
    expect(out.hi.length).toBeGreaterThan(0);
    const fn = compile(out, 'h', 'l');
    expect(run(fn, 0xffffffffffffffffn)).toBe(0xffffffffn << 24n);
  });

  test('destination bits at 64 and above are dropped', () => {
    const out: WordExprs = { hi: [], lo: [] };
    emitMove({ hi: 'h', lo: 'l' }, 0, 8, 60, false, out);
    expect(run(compile(out, 'h', 'l'), 0xffn)).toBe(0xf000000000000000n);
  });

  test('width 0 emits nothing', () => {
    const out: WordExprs = { hi: [], lo: [] };
    emitMove({ hi: 'h', lo: 'l' }, 3, 0, 5, true, out);
    expect(out).toEqual({ hi: [], lo: [] });
  });
});

// ---- emitEncode / emitDecode ----------------------------------------------

describe('emitEncode / emitDecode agree with encodeFieldBig / decodeFieldBig', () => {
  prop([anyField, u64], { numRuns: 1000 })('encode, random fields', (f, value) => {
    const expected = encodeFieldBig(f, value);
    const fn = encoder(f);
    expect(run(fn, value)).toBe(expected);
    expect(run(fn, value, true)).toBe(expected);
  });

  prop([anyField, u64], { numRuns: 1000 })('decode, random fields', (f, container) => {
    const expected = decodeFieldBig(f, container);
    const fn = decoder(f);
    expect(run(fn, container)).toBe(expected);
    expect(run(fn, container, true)).toBe(expected);
  });

  prop([anyField, u64Bits], { numRuns: 500 })('narrow values too', (f, value) => {
    expect(run(encoder(f), value)).toBe(encodeFieldBig(f, value));
    expect(run(decoder(f), value)).toBe(decodeFieldBig(f, value));
  });

  for (const span of EDGE_SPANS) {
    for (const invert of [false, true]) {
      const f = field('edge', span.lsb, span.width, { invert });
      prop([u64], { numRuns: 200 })(`edge span lsb ${span.lsb} width ${span.width}${invert ? ' inverted' : ''}`, (value) => {
        expect(run(encoder(f), value)).toBe(encodeFieldBig(f, value));
        expect(run(decoder(f), value)).toBe(decodeFieldBig(f, value));
      });
    }
  }

  prop([fc.constantFrom(...EDGE_SPANS), fc.integer({ min: 0, max: 72 }), fc.boolean(), u64], { numRuns: 500 })(
    'edge spans with an encodeWidth',
    (span, encodeWidth, invert, value) => {
      const f = field('e', span.lsb, span.width, { invert, encodeWidth });
      expect(run(encoder(f), value)).toBe(encodeFieldBig(f, value));
    },
  );
});

// ---- the reference itself ----------------------------------------------------

describe('the BigInt reference', () => {
  prop([anyField, u64], { numRuns: 500 })('decode(encode(v)) recovers the low fieldWidth bits when encodeWidth does not truncate', (f, value) => {
    fc.pre(f.encodeWidth === undefined || f.encodeWidth >= fieldWidth(f));
    expect(decodeFieldBig(f, encodeFieldBig(f, value))).toBe(value & mask(fieldWidth(f)));
  });

  prop([anyField, u64], { numRuns: 500 })('a field without encodeWidth writes only its own bits', (f, value) => {
    fc.pre(f.encodeWidth === undefined);
    expect(encodeFieldBig(f, value) & ~fieldMask(f)).toBe(0n);
  });

  test('i386 2.6.21 split pgoff: bits 0-4 at 1-5, the rest from bit 8', () => {
    const pgoff = splitField('pgoff', [
      { lsb: 1, width: 5 },
      { lsb: 8, width: 24 },
    ]);
    expect(encodeFieldBig(pgoff, 0x1fn)).toBe(0x3en);
    expect(encodeFieldBig(pgoff, 0x20n)).toBe(0x100n);
    expect(decodeFieldBig(pgoff, 0xffffff3en)).toBe((1n << 29n) - 1n);
    expect(fieldWidth(pgoff)).toBe(29);
    expect(fieldMask(pgoff)).toBe(0xffffff3en);
  });

  test('encodeWidth: the kernel shifts the whole value in (2.6.21 i386 swap type)', () => {
    const type = field('type', 1, 5, { encodeWidth: 31 });
    expect(encodeFieldBig(type, 0x40n)).toBe(0x80n); // lands above the field
    expect(decodeFieldBig(type, 0x80n)).toBe(0n);
    expect(fieldEncodeWidth(type)).toBe(31);
    expect(fieldWidth(type)).toBe(5);
  });

  test('inverted field: zero value fills the field with ones', () => {
    const off = field('offset', 9, 50, { invert: true });
    expect(encodeFieldBig(off, 0n)).toBe(((1n << 50n) - 1n) << 9n);
    expect(decodeFieldBig(off, 0n)).toBe((1n << 50n) - 1n);
  });

  test('encodeWidth on a split field is refused, naming the field', () => {
    const f = splitField('bad', [{ lsb: 0, width: 1 }, { lsb: 4, width: 2 }], { encodeWidth: 3 });
    expect(() => fieldEncodeWidth(f)).toThrow(/field bad: encodeWidth needs a single span/);
  });
});

describe('word helpers', () => {
  prop([fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), { maxLength: 5 })])('joinWord ORs its expressions (empty list: 0)', (words) => {
    const exprs = words.map((w) => `(${w})`);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const value = new Function(`return (${joinWord(exprs)}) >>> 0;`)() as number;
    expect(value).toBe(words.reduce((acc, w) => (acc | w) >>> 0, 0));
  });
  prop([u64])('wordLiteral gives the hi and lo words as hex literals', (value) => {
    expect(BigInt(wordLiteral(value, 'hi'))).toBe(value >> 32n);
    expect(BigInt(wordLiteral(value, 'lo'))).toBe(value & 0xffffffffn);
  });
});
