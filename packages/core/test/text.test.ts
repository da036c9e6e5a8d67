import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { shortList } from '../src/index.js';

describe('shortList', () => {
  test('whole when it fits; else the names that fit and the count', () => {
    expect(shortList(['a', 'b', 'c'], 20)).toBe('a, b, c');
    const names = Array.from({ length: 30 }, (_, i) => `name_${i}`);
    expect(shortList(names, 60)).toBe('name_0, name_1, name_2, name_3, name_4, … (30 in all)');
  });
  test('never longer than room plus the count, whatever the names', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 200 }), fc.integer({ min: 30, max: 300 }), (names, room) => shortList(names, room).length <= room + 20),
      { seed: 1 },
    );
  });
});
