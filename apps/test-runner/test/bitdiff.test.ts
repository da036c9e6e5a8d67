import { describe, expect, test } from 'vitest';
import { bitDiff, parseValue } from '../src/bitdiff.js';
import { shellQuote, shellSplit } from '../src/repro.js';

describe('bitDiff', () => {
  test('aligned binary, the differing bits marked and listed', () => {
    const diff = bitDiff('0x0000000000123506', '0x0000000000123406')!;
    expect(diff.width).toBe(64);
    expect(diff.bits).toEqual([8]);
    expect(diff.lines).toEqual([
      '          63       55       47       39       31       23       15       7',
      'expected  00000000 00000000 00000000 00000000 00000000 00010010 00110101 00000110',
      'actual    00000000 00000000 00000000 00000000 00000000 00010010 00110100 00000110',
      `${' '.repeat(10 + 55 + 6)}^`, // bit 8: 55 digits and 6 group gaps from the left
      'differ    bit 8 (expected 1, actual 0)',
    ]);
  });

  test('32-bit values, several bits, decimal input', () => {
    const diff = bitDiff('0x00000f00', '0x00000a01')!;
    expect(diff.width).toBe(32);
    expect(diff.bits).toEqual([10, 8, 0]);
    expect(diff.lines.at(-1)).toBe('differ    3 bits: 10 (expected 1, actual 0), 8 (expected 1, actual 0), 0 (expected 0, actual 1)');
    expect(bitDiff('3', '5')!.bits).toEqual([2, 1]);
    expect(bitDiff('3', '5')!.width).toBe(8);
  });

  test('no diff for equal values or non-numbers', () => {
    expect(bitDiff('0x10', '0x10')).toBeUndefined();
    expect(bitDiff('true', 'false')).toBeUndefined();
    expect(bitDiff('migration', 'protnone')).toBeUndefined();
    expect(parseValue('0x1f (31)')).toEqual({ value: 31n, bits: 8 });
  });
});

describe('repro quoting', () => {
  test('split undoes quote', () => {
    const args = ['mmsim-test', 'vectors', '/tmp/a b/it\'s.json', '--index', '7', '--seed=-5', ''];
    expect(shellSplit(args.map(shellQuote).join(' '))).toEqual(args);
  });
});
