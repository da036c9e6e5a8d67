import { describe, expect, test } from 'vitest';
import { compileVariant } from '../src/compile/variant.js';
import { decodePte } from '../src/compile/decode.js';
import { i386_618, ppc64_2621, x86_64_2621, x86_64_618 } from './decode-fixtures.js';

describe('decodePte', () => {
  test('a 6.18 x86_64 swap pte with the exclusive marker', () => {
    const d = decodePte(compileVariant(x86_64_618), 0x1fffffffffdb9608n);
    expect(d.class).toBe('swap');
    expect(d.fields.map((f) => [f.name, f.value])).toEqual([
      ['type', 3n],
      ['offset', 0x1234n],
    ]);
    expect(d.fields[1]!.note).toBe('stored inverted');
    expect(d.flags.filter((f) => f.value).map((f) => f.name)).toEqual(['swp_exclusive']);
    expect(d.strayBits).toBe(0n);
  });

  test('a 2.6.21 file pte is explained, not fed to the swap decoder', () => {
    const d = decodePte(compileVariant(x86_64_2621), 0x5040n);
    expect(d.class).toBe('file');
    expect(d.fields).toEqual([expect.objectContaining({ name: 'pgoff', value: 5n })]);
    expect(d.notes.join(' ')).toMatch(/BUG_ON\(pte_file\(pte\)\)/);
  });

  test('a present pte names its flags and warns that pte_file() is meaningless there', () => {
    const d = decodePte(compileVariant(x86_64_2621), 0x8000000000001067n);
    expect(d.class).toBe('present');
    expect(d.fields[0]).toMatchObject({ name: 'pfn', value: 1n });
    expect(d.flags.filter((f) => f.value).map((f) => f.name)).toEqual(['present', 'rw', 'user', 'accessed', 'dirty', 'nx']);
    expect(d.notes.join(' ')).toMatch(/_PAGE_DIRTY/);
  });

  test('a PROT_NONE pte under L1TF shows the real pfn and the protnone bit, not global', () => {
    const d = decodePte(compileVariant(x86_64_618), 0x000ffffffedcb120n);
    expect(d.class).toBe('protnone');
    expect(d.fields[0]).toMatchObject({ name: 'pfn', value: 0x1234n });
    expect(d.fields[0]!.note).toMatch(/L1TF/);
    const set = d.flags.filter((f) => f.value).map((f) => f.name);
    expect(set).toContain('protnone');
    expect(set).not.toContain('global');
  });

  test('stray bits outside the fields are reported', () => {
    const d = decodePte(compileVariant(ppc64_2621), 0x12340192n);
    expect(d.class).toBe('file');
    expect(d.strayBits).toBe(0x190n);
  });

  test('pte_none ignoring A/D is explained', () => {
    const d = decodePte(compileVariant(x86_64_618), 0x60n);
    expect(d.class).toBe('none');
    expect(d.notes[0]).toMatch(/pte_none\(\) is true although bits/);
  });

  test('a pte marker names its bits', () => {
    const v = compileVariant(i386_618);
    const d = decodePte(v, v.kernel.swp_entry_to_pte(v.kernel.swp_entry(31, 2n)));
    expect(d.class).toBe('marker');
    expect(d.special?.name).toBe('SWP_PTE_MARKER');
    expect(d.notes).toContain('pte marker: PTE_MARKER_POISONED');
  });

  test('migration entries expose their pfn', () => {
    const v = compileVariant(x86_64_618);
    const d = decodePte(v, v.kernel.swp_entry_to_pte(v.kernel.swp_entry(27, 0x12345n)));
    expect(d.class).toBe('migration');
    expect(d.special?.name).toBe('SWP_MIGRATION_WRITE');
    expect(d.fields.find((f) => f.name === 'pfn')?.value).toBe(0x12345n);
  });
});
