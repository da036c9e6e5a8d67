import { describe, expect, test } from 'vitest';
import { ALL_KEYS, byVariant, expectUsageError, run, runJson } from './helpers.js';

describe('mmsim decode', () => {
  test('0x5040 on x86_64 2.6.21 is a file pte with pgoff 5, and the BUG_ON is explained', async () => {
    const result = await run(['decode', '0x5040', '--arch', 'x86_64', '--kernel', '2.6.21']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^x86_64@2\.6\.21 — x86_64, 4-level$/m);
    expect(result.stdout).toMatch(/^ {2}class {3}file /m);
    expect(result.stdout).toMatch(/^ {2}pgoff {3}5 {2}bits 45:12$/m);
    expect(result.stdout).toContain('feeding it to pte_to_swp_entry would BUG_ON(pte_file(pte))');
    // the bit diagram: ruler, the value, the layout with pgoff drawn and _PAGE_FILE keyed
    expect(result.stdout).toContain('     bit  3210987654321098765432109876543210987654321098765432109876543210');
    expect(result.stdout).toContain('   value  0000000000000000000000000000000000000000000000000101000001000000');
    expect(result.stdout).toMatch(/^ {2}layout {2}·+├─+pgoff─+┤·+f·+$/m);
    expect(result.stdout).toContain('f 6 _PAGE_FILE = 1');
  });

  test('--json: the class, the fields by name, the predicates and the note', async () => {
    const doc = await runJson(['decode', '0x5040', '--arch', 'x86_64', '--kernel', '2.6.21']);
    expect(doc.results).toHaveLength(1);
    const r = doc.results[0];
    expect(r).toMatchObject({ variant: 'x86_64@2.6.21', class: 'file', pte: '0x0000000000005040', fits: true, strayBits: '0x0000000000000000' });
    expect(r.fields).toEqual([{ name: 'pgoff', value: '0x5', ranges: [{ msb: 45, lsb: 12 }] }]);
    expect(r.predicates).toMatchObject({ pte_present: false, pte_file: true, is_swap_pte: false });
    expect(r.notes.join(' ')).toContain('BUG_ON');
    expect(r.format.name).toBe('file');
  });

  test('--arch all decodes the same value on every variant, side by side', async () => {
    const result = await run(['decode', '0x5040', '--arch', 'all']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toContain(`decode 0x5040 on ${ALL_KEYS.length} variants`);
    expect(result.stdout).toMatch(/^i386\s+2\.6\.21\s+0x00005040\s+file\s+pgoff=0xa00\s+BUG_ON if swap-decoded$/m);
    expect(result.stdout).toMatch(/^x86_64\s+6\.18\s+0x0000000000005040\s+swap\s+type=0 offset=0x3ffffffffffd7\s+stray bits$/m);
    // then one block per variant
    for (const key of ALL_KEYS) expect(result.stdout).toMatch(new RegExp(`^${key.replace(/\./g, '\\.')} — `, 'm'));

    const doc = await runJson(['decode', '0x5040', '--arch', 'all']);
    expect(doc.results.map((r: { variant: string }) => r.variant).sort()).toEqual([...ALL_KEYS].sort());
    expect(byVariant(doc.results, 'i386@2.6.21')).toMatchObject({ class: 'file', fields: [{ name: 'pgoff', value: '0xa00' }] });
    expect(byVariant(doc.results, 'x86_64@6.18').fields.map((f: { name: string; value: string }) => `${f.name}=${f.value}`)).toEqual(['type=0x0', 'offset=0x3ffffffffffd7']);
    expect(byVariant(doc.results, 'ppc64@6.18').class).toBe('swap');
  });

  test('a present pte: pfn and flags by name, stray bits shown', async () => {
    const doc = await runJson(['decode', '0x8000000012345867', '--arch', 'x86_64']);
    const old = byVariant(doc.results, 'x86_64@2.6.21');
    expect(old.class).toBe('present');
    expect(old.fields[0]).toMatchObject({ name: 'pfn', value: '0x12345' });
    const set = old.flags.filter((f: { value: number }) => f.value).map((f: { name: string }) => f.name);
    expect(set).toEqual(expect.arrayContaining(['present', 'rw', 'user', 'accessed', 'dirty', 'nx']));
    expect(old.strayBits).toBe('0x0000000000000800');
    expect(byVariant(doc.results, 'x86_64@6.18').strayBits).toBe('0x0000000000000000');
  });

  test('special entries: a 6.18 migration entry names its type and pfn', async () => {
    const doc = await runJson(['decode', '0xdfffffffffdb9600', '--arch', 'x86_64@6.18']);
    const r = doc.results[0];
    expect(r.class).toBe('migration');
    expect(r.special).toMatchObject({ name: 'SWP_MIGRATION_WRITE', type: 27 });
    expect(r.fields.find((f: { name: string }) => f.name === 'pfn').value).toBe('0x1234');
  });

  test('a value wider than a 32-bit pte: refused on a variant named, left out of --arch all, decoded by its low bits under --truncate', async () => {
    expectUsageError(
      await run(['decode', '0x100000000', '--arch', 'i386', '--kernel', '2.6.21']),
      "mmsim decode: argument 1: pte 0x100000000 is wider than the 32-bit pte of i386@2.6.21; valid: 0–0xffffffff (--truncate decodes its low 32 bits, as the kernel's cast would keep them)",
    );
    const all = await runJson(['decode', '0x100005040', '--arch', 'all']);
    expect(all.items[0].leftOut).toEqual(expect.arrayContaining(['i386@2.6.21', 'ppc32@6.18']));
    for (const r of all.results) expect(r.pteBits, r.variant).toBe(64);
    const text = await run(['decode', '0x100005040', '--arch', 'all']);
    expect(text.stdout).toMatch(/^ {2}left out: .*i386@2\.6\.21.* — the value is wider than their entry \(--truncate decodes the low bits\)$/m);

    const result = await run(['decode', '0x100005040', '--arch', 'all', '--truncate']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^i386\s+2\.6\.21\s+0x00005040\s+file\*\s+pgoff=0xa00\s+wider than a 32-bit pte; BUG_ON if swap-decoded$/m);
    expect(result.stdout).toContain("* the value is wider than that variant's pte: only its low bits were decoded");
    const doc = await runJson(['decode', '0x100005040', '--arch', 'all', '--truncate']);
    for (const r of doc.results) {
      expect(r.fits, r.variant).toBe(r.pteBits === 64);
      expect(r.notes.some((n: string) => n.includes('wider than a 32-bit pte')), r.variant).toBe(r.pteBits === 32);
    }
  });

  test('numbers: a prefix, a-f, or 8-16 digits as dmesg prints a pte; other bare digits refused, never decimal', async () => {
    for (const text of ['0x5040', '0d20544', '0b101_0000_0100_0000', '0o50100', '0x50_40', '00005040', '0000000000005040']) {
      const doc = await runJson(['decode', text, '--arch', 'x86_64@2.6.21']);
      expect(doc.results[0].pte, text).toBe('0x0000000000005040');
    }
    const doc = await runJson(['decode', '8000000012345067', '--arch', 'x86_64@6.18']);
    expect(doc.items[0]).toMatchObject({ value: '0x8000000012345067', rule: 'pte-width' });
    expect(doc.results[0].fields[0]).toMatchObject({ name: 'pfn', value: '0x12345' });
    expect((await runJson(['decode', '5e0', '--arch', 'x86_64@6.18'])).items[0]).toMatchObject({ value: '0x5e0', rule: 'hex-letters' });
    expectUsageError(
      await run(['decode', '20544']),
      "mmsim decode: argument 1: '20544' is ambiguous: write 0x20544 for hex or 0d20544 for decimal (bare digits are hex only with a–f or 8–16 digits, as dmesg prints a pte)",
    );
    const text = await run(['decode', '8000000012345067', '--arch', 'x86_64@6.18']);
    expect(text.stdout.split('\n')[0]).toBe('pte 0x8000000012345067  argument 1: hex: 8 to 16 bare digits, as the kernel prints a pte (%08llx)');
  });

  test('--config NONLINEAR=n: no file ptes, the same value reads as a swap entry', async () => {
    const doc = await runJson(['decode', '0x5040', '--arch', 'x86_64@2.6.21', '--config', 'NONLINEAR=n']);
    expect(doc.results[0]).toMatchObject({ variant: 'x86_64@2.6.21+CONFIG_NONLINEAR=n', class: 'swap' });
  });
});
