/**
 * The classifier (fast.classify / variant.classify) against a BigInt
 * re-derivation from the kernel-layer predicates, in the kernel's decision
 * order: none -> present (protnone) -> file -> swap type -> special kind.
 */
import { describe, expect, test } from 'vitest';
import { PTE_CLASSES, PteClassCode, type PteClass } from '../src/compile/fast-ops.js';
import type { Variant } from '../src/compile/variant.js';
import { hi32, lo32 } from '../src/u64/pair.js';
import { ALL_VARIANTS, prop, pteArb, variant } from './helpers.js';

function oracle(v: Variant, pte: bigint): PteClass {
  const k = v.kernel;
  if (k.pte_none(pte)) return 'none';
  if (k.pte_present(pte)) return k.pte_protnone(pte) ? 'protnone' : 'present';
  if (k.pte_file(pte) !== 0n) return 'file';
  const type = k.swp_type(k.pte_to_swp_entry(pte));
  return v.swapTypes.byType(type)?.kind ?? 'swap';
}

const SWAPLIKE: readonly PteClass[] = ['swap', 'migration', 'device', 'hwpoison', 'marker'];

describe('PteClassCode', () => {
  test('codes are 0..8 in the kernel decision order and PTE_CLASSES inverts them', () => {
    expect(PTE_CLASSES).toEqual(['none', 'present', 'protnone', 'file', 'swap', 'migration', 'device', 'hwpoison', 'marker']);
    PTE_CLASSES.forEach((name, code) => expect(PteClassCode[name]).toBe(code));
  });
});

for (const v of ALL_VARIANTS) {
  prop([pteArb(v)], { numRuns: 300 })(`${v.key}: classify == BigInt re-derivation, exactly one class`, (pte) => {
    const code = v.fast.classify(hi32(pte), lo32(pte));
    expect(Number.isInteger(code) && code >= 0 && code < PTE_CLASSES.length).toBe(true);
    const cls = PTE_CLASSES[code]!;
    expect(cls).toBe(oracle(v, pte));
    expect(v.classify(pte)).toBe(cls);
    // exactly one class: the class is consistent with every predicate
    const [hi, lo] = [hi32(pte), lo32(pte)];
    const facts: Record<string, boolean> = {
      none: v.fast.pte_none(hi, lo),
      present: v.fast.pte_present(hi, lo) && !v.fast.pte_protnone(hi, lo),
      protnone: v.fast.pte_present(hi, lo) && v.fast.pte_protnone(hi, lo),
      file: !v.fast.pte_none(hi, lo) && !v.fast.pte_present(hi, lo) && v.fast.pte_file(hi, lo),
      swaplike: v.fast.is_swap_pte(hi, lo),
    };
    const truths = Object.entries(facts).filter(([, t]) => t).map(([n]) => n);
    expect(truths).toEqual([SWAPLIKE.includes(cls) ? 'swaplike' : cls]);
  });
}

describe('classifier examples', () => {
  test('2.6.21 i386: file bit wins over swap decoding; migration types 30 and 31', () => {
    const v = variant('i386', '2.6.21');
    expect(v.classify(0n)).toBe('none');
    expect(v.classify(0x40n)).toBe('file');
    expect(v.classify(0x80n)).toBe('protnone');
    expect(v.classify(0x81n)).toBe('present');
    expect(v.classify(0x13en)).toBe('migration'); // type 31
    expect(v.classify(0x13cn)).toBe('migration'); // type 30
    expect(v.classify(0x13an)).toBe('swap'); // type 29
    const noMigration = variant('i386', '2.6.21', { ...v.config, MIGRATION: false });
    expect(noMigration.classify(0x13en)).toBe('swap');
    const noNonlinear = variant('i386', '2.6.21', { ...v.config, NONLINEAR: false });
    expect(noNonlinear.classify(0x40n)).toBe('swap');
  });

  test('6.18 x86_64: every special type classifies by kind', () => {
    const v = variant('x86_64', '6.18');
    const kinds = Array.from({ length: 32 }, (_, t) => v.classify(v.kernel.swp_entry_to_pte(v.kernel.swp_entry(t, 1n))));
    expect(kinds).toEqual([
      ...Array<PteClass>(24).fill('swap'),
      'hwpoison',
      'migration',
      'migration',
      'migration',
      'device',
      'device',
      'device',
      'marker',
    ]);
    // A/D alone is none (KNL erratum mask)
    expect(v.classify(0x60n)).toBe('none');
    expect(v.classify(0x100n)).toBe('protnone');
  });
});
