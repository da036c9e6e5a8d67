/** u64/pair.ts and u64/parse.ts: the (hi, lo) <-> bigint edges and number parsing. */
import { describe, expect, test } from 'vitest';
import { hex, hi32, lo32, maskBig, newReg, toBig, truncate } from '../src/u64/pair.js';
import { NumberSyntaxError, parseU64 } from '../src/u64/parse.js';
import { fc, isU32, prop, u64, U64, u64Bits } from './helpers.js';

describe('pair.ts', () => {
  prop([u64], { numRuns: 500 })('toBig(hi32(x), lo32(x)) === x and both words are u32', (x) => {
    const hi = hi32(x);
    const lo = lo32(x);
    expect(isU32(hi) && isU32(lo)).toBe(true);
    expect(toBig(hi, lo)).toBe(x);
    expect(BigInt(hi) * 2n ** 32n + BigInt(lo)).toBe(x);
  });

  prop([u64], { numRuns: 300 })('toBig takes signed int32 words as unsigned', (x) => {
    expect(toBig(hi32(x) | 0, lo32(x) | 0)).toBe(x);
  });

  test('toBig examples', () => {
    expect(toBig(-1, -1)).toBe(U64);
    expect(toBig(0x80000000, 0)).toBe(1n << 63n);
    expect(toBig(0, 0x13e)).toBe(0x13en);
  });

  test('hi32 / lo32 of values wider than 64 bits keep bits 32..63 and 0..31', () => {
    expect(hi32((1n << 64n) | (5n << 32n) | 7n)).toBe(5);
    expect(lo32((1n << 64n) | 7n)).toBe(7);
  });

  prop([fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }), fc.integer({ min: 0, max: 64 })], { numRuns: 300 })(
    'truncate(v, bits) is v mod 2^bits, as a C unsigned cast',
    (v, bits) => {
      const m = 1n << BigInt(bits);
      expect(truncate(v, bits)).toBe(((v % m) + m) % m);
    },
  );

  test('maskBig', () => {
    expect(maskBig(0)).toBe(0n);
    expect(maskBig(1)).toBe(1n);
    expect(maskBig(32)).toBe(0xffffffffn);
    expect(maskBig(63)).toBe(U64 >> 1n);
    expect(maskBig(64)).toBe(U64);
    expect(maskBig(70)).toBe(U64);
  });

  test('hex pads to the width of the C type', () => {
    expect(hex(0x13en, 32)).toBe('0x0000013e');
    expect(hex(0x13en, 64)).toBe('0x000000000000013e');
    expect(hex(0n, 64)).toBe('0x0000000000000000');
    expect(hex(0n, 32)).toBe('0x00000000');
    expect(hex(0xffffffn, 32)).toBe('0x00ffffff');
    expect(hex(0x0c00000000001234n, 64)).toBe('0x0c00000000001234');
    expect(hex(5n, 5)).toBe('0x05'); // ceil(5 / 4) digits
    expect(hex(1n << 40n, 32)).toBe('0x10000000000'); // wider than the type: not cut
  });

  prop([u64, fc.constantFrom(8, 16, 32, 64)], { numRuns: 200 })('hex round-trips and is lowercase', (x, bits) => {
    const s = hex(x, bits);
    expect(s).toMatch(/^0x[0-9a-f]+$/);
    expect(s.length).toBeGreaterThanOrEqual(2 + bits / 4);
    expect(BigInt(s)).toBe(x);
  });

  test('newReg starts at zero and is a fresh object', () => {
    const a = newReg();
    expect(a).toEqual({ hi: 0, lo: 0, type: 0 });
    expect(newReg()).not.toBe(a);
  });
});

describe('parseU64', () => {
  test('the four forms', () => {
    expect(parseU64('0x13e')).toBe(0x13en);
    expect(parseU64('0X13E')).toBe(0x13en);
    expect(parseU64('0b101')).toBe(5n);
    expect(parseU64('0o17')).toBe(15n);
    expect(parseU64('1234')).toBe(1234n);
    expect(parseU64('0')).toBe(0n);
    expect(parseU64('007')).toBe(7n);
    expect(parseU64('0xffffffffffffffff')).toBe(U64);
    expect(parseU64('  42  ')).toBe(42n);
  });

  test('_ separators', () => {
    expect(parseU64('0x0c00_0000_0000_1234')).toBe(0x0c00000000001234n);
    expect(parseU64('1_000_000')).toBe(1000000n);
    expect(parseU64('0b1010_0101')).toBe(0xa5n);
    expect(parseU64('0o7_7')).toBe(63n);
  });

  const JUNK = ['', ' ', 'abc', '0x', '0b', '0o', '0x12g', '0b102', '0o78', '12a', '-1', '+1', '1.5', '1e3', '1__0', '_1', '1_', '0x1__2', 'x12', '0x-1', '1 2'];
  for (const text of JUNK) {
    test(`rejects ${JSON.stringify(text)} with a message naming it`, () => {
      let error: unknown;
      try {
        parseU64(text, 'swap offset');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(NumberSyntaxError);
      const message = (error as Error).message;
      expect(message).toContain(`swap offset '${text}' is not a number`);
      expect(message).toMatch(/hex 0x.*binary 0b.*octal 0o.*decimal/);
      expect((error as Error).name).toBe('NumberSyntaxError');
    });
  }

  test('the default label is "value"', () => {
    expect(() => parseU64('nope')).toThrow("value 'nope' is not a number");
  });

  /** Format x in a base, with '_' inserted at random places between digits. */
  const formatted = fc
    .record({
      x: u64Bits,
      base: fc.constantFrom(2, 8, 10, 16),
      upper: fc.boolean(),
      seps: fc.array(fc.boolean(), { maxLength: 80 }),
    })
    .map(({ x, base, upper, seps }) => {
      const digits = x.toString(base);
      let body = '';
      for (let i = 0; i < digits.length; i++) {
        if (i > 0 && seps[i]) body += '_';
        body += digits[i];
      }
      const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base]!;
      const text = prefix + body;
      return { x, text: upper ? text.toUpperCase() : text };
    });

  prop([formatted], { numRuns: 500 })('parses any u64 written in any form with separators', ({ x, text }) => {
    expect(parseU64(text)).toBe(x);
  });
});

describe('parseU64 edges found by review', () => {
  test('an underscore must sit between digits, after the prefix too', () => {
    expect(() => parseU64('0x_1')).toThrow(/'0x_1' is not a number/);
    expect(parseU64('0x1_f')).toBe(0x1fn);
  });
  test('values of 2^64 and above are refused', () => {
    expect(parseU64('0xffffffffffffffff')).toBe((1n << 64n) - 1n);
    expect(() => parseU64('0x10000000000000000')).toThrow(/does not fit in 64 bits/);
  });
});
