/**
 * The `.mmo` value vocabulary (src/script/values.ts): every valid value
 * round-trips, every invalid one is refused with one line that quotes at
 * most a short prefix of it and names the valid range.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { BadValue, choices, flagSet, int32, LOFF_MAX, loffBytes, oneOf, shorten, SHOWN_CHARS, tag, uint, whole } from '../src/script/index.js';

/** The refusal a parser gives, or undefined when it accepts. */
function refusal(parse: () => unknown): BadValue | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    if (error instanceof BadValue) return error;
    throw error;
  }
}

/** A refusal is one line, quotes at most SHOWN_CHARS characters of the token, and names a valid range. */
function expectOneLine(error: BadValue | undefined, text: string): void {
  expect(error).toBeInstanceOf(BadValue);
  const message = error!.message;
  expect(message).not.toContain('\n');
  expect(message).toMatch(/; valid: /);
  expect(message.length).toBeLessThan(SHOWN_CHARS + 300);
  if (text.length > SHOWN_CHARS) expect(message).not.toContain(text);
}

const bits = fc.constantFrom(8, 16, 32, 52, 63, 64);

describe('uint: an unsigned C integer of N bits', () => {
  test('every value within the bits round-trips, in decimal and in hex', () => {
    fc.assert(
      fc.property(bits, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (b, raw) => {
        const v = raw & ((1n << BigInt(b)) - 1n);
        expect(uint(v.toString(), b, 'x')).toBe(v);
        expect(uint(`0x${v.toString(16)}`, b, 'x')).toBe(v);
      }),
    );
  });

  test('a value past the bits is refused, naming the range', () => {
    fc.assert(
      fc.property(bits, fc.bigInt({ min: 0n, max: 2n ** 70n }), (b, over) => {
        const v = (1n << BigInt(b)) + over;
        const e = refusal(() => uint(v.toString(), b, 'pgoff'));
        expectOneLine(e, v.toString());
        expect(e!.message).toContain(`${(1n << BigInt(b)) - 1n}`);
      }),
    );
  });

  test('anything not a whole number is refused: -5, 1.5, empty, words, huge tokens', () => {
    for (const t of ['', '-5', '1.5', 'abc', '0x', '1e3', ' 1', '+1', '٣', 'NaN', 'Infinity', '9'.repeat(1000)]) expectOneLine(refusal(() => uint(t, 64, 'pgoff')), t);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }).filter((t) => !/^([0-9]+|0[xX][0-9a-fA-F]+)$/.test(t)),
        (t) => {
          expectOneLine(refusal(() => uint(t, 64, 'pgoff')), t);
        },
      ),
    );
  });
});

describe('whole, int32, loffBytes', () => {
  test('whole numbers within the range round-trip, those past it are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 52 }), fc.nat(), (max, k) => {
        const v = k % (max + 1);
        expect(whole(String(v), max, 'page')).toBe(v);
        expectOneLine(refusal(() => whole(String(max + 1 + k), max, 'page')), String(max + 1 + k));
      }),
    );
  });

  test('int32 takes C ints, signed', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => {
        expect(int32(String(v), 'node')).toBe(v);
      }),
    );
    expectOneLine(refusal(() => int32(String(2 ** 31), 'node')), '');
    expectOneLine(refusal(() => int32('-', 'node')), '-');
  });

  test('sizes are loff_t bytes or Np pages: the page form may not overflow loff_t', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (pages) => {
        expect(loffBytes(`${pages}p`, 4096, 'size')).toBe(pages * 4096);
        expect(loffBytes(String(pages), 4096, 'size')).toBe(pages);
      }),
    );
    expect(loffBytes(`${LOFF_MAX / 4096n}p`, 4096, 'size')).toBe(Number((LOFF_MAX / 4096n) * 4096n));
    for (const t of ['99999999999999999999p', `${LOFF_MAX / 4096n + 1n}p`, `${LOFF_MAX + 1n}`, 'p', '-1p', '1.5p', '12q']) expectOneLine(refusal(() => loffBytes(t, 4096, 'size')), t);
  });
});

describe('flags by name, one-of words, tags', () => {
  const NAMES = new Map([
    ['write', 1],
    ['pin', 2],
    ['longterm', 4],
  ]);

  test('every subset of names round-trips; none is 0', () => {
    fc.assert(
      fc.property(fc.subarray(['write', 'pin', 'longterm'], { minLength: 1 }), (names) => {
        const f = flagSet(names.join(','), NAMES, 'gup flag');
        expect(f.bits).toBe(names.reduce((b, n) => b | NAMES.get(n)!, 0));
        expect(f.names).toEqual(names);
      }),
    );
    expect(flagSet('none', NAMES, 'gup flag').bits).toBe(0);
  });

  test("prototype keys are no flag names ('constructor', '__proto__', 'toString')", () => {
    for (const t of ['constructor', '__proto__', 'toString', 'write,hasOwnProperty', 'abc', '', ',']) expectOneLine(refusal(() => flagSet(t, NAMES, 'gup flag')), t);
  });

  test('numbers are allowed only where the type is a number, within its bits', () => {
    expect(flagSet('0x10000', NAMES, 'flags', 64).bits).toBe(0x10000);
    expectOneLine(refusal(() => flagSet('0x10000', NAMES, 'flags')), '0x10000');
    expectOneLine(refusal(() => flagSet('18446744073709551616', NAMES, 'flags', 64)), '');
  });

  test('oneOf and tag', () => {
    expect(oneOf('zram', ['file', 'zram'] as const, 'swap kind')).toBe('zram');
    for (const t of ['constructor', 'ZRAM', '']) expectOneLine(refusal(() => oneOf(t, ['file', 'zram'] as const, 'swap kind')), t);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 64 }), (t) => {
        expect(tag(t)).toBe(t);
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 65, maxLength: 5000 }), (t) => {
        expectOneLine(refusal(() => tag(t)), t);
      }),
    );
  });

  test('shorten keeps at most SHOWN_CHARS characters and no control characters', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10000 }), (t) => {
        const s = shorten(t);
        expect(s.length).toBeLessThanOrEqual(SHOWN_CHARS + 1);
        expect(s).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
    );
  });
});

describe('choices', () => {
  const ops = Array.from({ length: 60 }, (_, i) => `op_number_${i}`).concat(['mmap', 'munmap']);
  test('a short list is given whole; a long one keeps the line short, suggests the nearest and counts them', () => {
    expect(choices('x', ['tmpfs', 'ext4', 'dev'])).toBe('tmpfs, ext4, dev');
    const text = choices('mmpa', ops);
    expect(text.length).toBeLessThan(200);
    expect(text).toMatch(/^did you mean 'mmap'\? op_number_0, .*, … \(62 in all\)$/);
    expect(choices('dontneed', ['DONTNEED', ...ops])).toMatch(/^did you mean 'DONTNEED'\?/);
  });
  test('never longer than a line, whatever the word', () => {
    fc.assert(fc.property(fc.string({ maxLength: 2000 }), (word) => choices(word, ops).length < 220), { seed: 9 });
  });
});
