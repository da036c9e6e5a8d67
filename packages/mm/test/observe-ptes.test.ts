/**
 * The entries an observation shows: each pte's words as the arch stores
 * them (one 32-bit word, one 64-bit word, or PAE's two), read back to the
 * very bits the page table holds, with the class the backend gives them;
 * and the walk of one page, level by level.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { toBig } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Machine, parseMmo, runScript } from '../src/index.js';
import { pteWords, walkPage } from '../src/observe/index.js';

const SPECS = [...X86, ...PPC];

/** The words back to a value: `0x…` or PAE's `0x<high>:<low>`. */
const value = (words: string): bigint => BigInt(`0x${words.slice(2).replace(':', '')}`);

describe('pte words', () => {
  for (const spec of SPECS) {
    test(`${spec.id}@${spec.era}: the words are the pte's bits, as wide as the pte`, () => {
      const m = new Machine({ spec });
      const { pteBits, wordBits } = m.variant.constants;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (hi, lo) => {
          const h = pteBits === 32 ? 0 : hi;
          const w = pteWords(m.variant, h, lo);
          expect(value(w)).toBe(toBig(h, lo));
          expect(w.length).toBe(2 + pteBits / 4 + (pteBits === 64 && wordBits === 32 ? 1 : 0));
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('observed ptes', () => {
  const script = parseMmo('scenario t ptes\nmmap A 2 rw- private,anon slot=0\nwrite A 0 X\n', 't.mmo');
  for (const spec of SPECS) {
    test(`${spec.id}@${spec.era}: the trace's pte is the page table's, and the walk ends at it`, () => {
      const trace = runScript(script, { spec });
      const [p0, p1] = trace.steps[1]!.obs['A']!.pages;
      expect(p0).toMatchObject({ st: 'present', pte_class: 'present' });
      expect(p1).toMatchObject({ st: 'none', pte_class: 'none' });
      expect(value(p1!.pte!)).toBe(0n);
      expect(trace.steps[0]!.obs['A']!.pages[0]!.pte).toBeUndefined(); // no pte table yet
      // the same run, walked: every level of the arch down to the pte, whose words the trace showed
      const walked = runScript(script, { spec }, 't.mmo', { walk: { region: 'A', page: 0 } });
      const w = walked.steps[1]!.walk!;
      expect(w.levels.map((l) => l.level)).toEqual(spec.levels.map((l) => l.name));
      expect(w.levels.at(-1)).toMatchObject({ entry: p0!.pte, class: 'present' });
      expect(w.levels.slice(0, -1).every((l) => /^table #\d+$/.test(l.entry))).toBe(true);
    });
  }

  test('the walk names each level of the arch and stops at a none entry', () => {
    for (const spec of SPECS) {
      const m = new Machine({ spec });
      const p = m.spawn('parent');
      const w = walkPage(m, p, 0);
      expect(w.levels).toHaveLength(1);
      expect(w.levels[0]).toMatchObject({ level: spec.levels[0]!.name, index: 0, entry: 'none' });
      expect(w.addr).toBe('0x0');
    }
  });
});
