import { describe, expect, test } from 'vitest';
import { ALL_KEYS, byVariant, run, runJson } from './helpers.js';

describe('mmsim encode swap', () => {
  test('--arch all: swp_entry(3, 0x1234) on every variant, read back', async () => {
    const doc = await runJson(['encode', 'swap', '--type', '3', '--offset', '0x1234', '--arch', 'all']);
    expect(doc).toMatchObject({ command: 'encode', kind: 'swap', input: { type: 3, offset: '0x1234' }, encoded: ALL_KEYS.length, refused: 0 });
    expect(doc.results.map((r: { variant: string }) => r.variant).sort()).toEqual([...ALL_KEYS].sort());
    expect(byVariant(doc.results, 'x86_64@6.18')).toMatchObject({ ok: true, pte: '0x1fffffffffdb9600', class: 'swap', readBack: { type: 3, offset: '0x1234' } });
    expect(byVariant(doc.results, 'i386@2.6.21')).toMatchObject({ ok: true, pte: '0x00123406' });
    expect(byVariant(doc.results, 'ppc64@6.18').pte).toBe('0x4000000001234003');

    const text = await run(['encode', 'swap', '--type', '3', '--offset', '0x1234', '--arch', 'all']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n')).toContain(`encode swap (type 3, offset 0x1234) on ${ALL_KEYS.length} variants`);
    expect(text.stdout).toMatch(/^x86_64\s+6\.18\s+0x1fffffffffdb9600\s+swap\s+type 3, offset 0x1234$/m);
    expect(text.stdout).toMatch(/^i386\s+2\.6\.21\s+0x00123406\s+swap\s+type 3, offset 0x1234$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`${ALL_KEYS.length} encoded, 0 refused`);
  });

  test('an offset too big for i386 2.6.21 is refused there (limit, what the kernel would store); the others print; exit 1', async () => {
    // the counts are x86's and powerpc's: those two backends, named (another backend has its own limits)
    const text = await run(['encode', 'swap', '--offset', '0x1000000', '--arch', 'x86', '--arch', 'powerpc']);
    expect(text.status).toBe(1);
    expect(text.stderr).toBe('');
    expect(text.stdout).toMatch(/^i386\s+2\.6\.21\s+refused\s+swap offset limit 0xffffff$/m);
    expect(text.stdout).toContain(
      '✗ swap offset 0x01000000 does not fit i386@2.6.21: the largest is 0x00ffffff (24 bits); the kernel would silently store pte 0x00000000, which reads back as offset 0x00000000',
    );
    expect(text.stdout).toMatch(/^x86_64\s+2\.6\.21\s+0x0000000100000000\s+swap\s+type 0, offset 0x1000000$/m);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('7 encoded, 5 refused');

    const doc = await runJson(['encode', 'swap', '--offset', '0x1000000', '--arch', 'x86', '--arch', 'powerpc'], 1);
    expect(byVariant(doc.results, 'i386@2.6.21')).toMatchObject({
      ok: false,
      error: { type: 'PteRangeError', what: 'swap offset', value: '0x1000000', limit: '0xffffff', kernelWouldStore: '0x00000000' },
    });
    expect(byVariant(doc.results, 'i386@6.18').error.limit).toBe('0x7fffff');
    expect(byVariant(doc.results, 'x86_64@6.18')).toMatchObject({ ok: true, pte: '0x07fffffdfffffe00' });
    expect(doc.refused).toBe(5);
  });

  test('a type reserved in one era is refused there only', async () => {
    // MAX_SWAPFILES is 30 in 2.6.21, 24 in 6.18
    const doc = await runJson(['encode', 'swap', '--type', '25', '--offset', '1', '--arch', 'x86_64'], 1);
    expect(byVariant(doc.results, 'x86_64@2.6.21').ok).toBe(true);
    expect(byVariant(doc.results, 'x86_64@6.18').error.message).toBe(
      'swap type 25 is reserved for SWP_MIGRATION_READ on x86_64@6.18: swap files use types 0..23 (MAX_SWAPFILES 24)',
    );
  });
});

describe('mmsim encode file', () => {
  test('2.6.21 by default (nonlinear file ptes went in v4.0)', async () => {
    const doc = await runJson(['encode', 'file', '--pgoff', '0x1234', '--arch', 'all']);
    expect(doc.results.map((r: { era: string }) => r.era)).toEqual(Array(6).fill('2.6.21'));
    expect(byVariant(doc.results, 'x86_64@2.6.21')).toMatchObject({ ok: true, pte: '0x0000000001234040', class: 'file', readBack: { pgoff: '0x1234' } });
    expect(byVariant(doc.results, 'i386@2.6.21').pte).toBe('0x00009168');
    expect((await run(['encode', 'file', '--pgoff', '0x1234', '--arch', 'all'])).stdout).toMatch(/^i386\s+2\.6\.21\s+0x00009168\s+file\s+pgoff 0x1234$/m);
  });

  test('beyond the 34 bits that survive on x86_64 2.6.21: refused, with what the kernel reads back', async () => {
    const doc = await runJson(['encode', 'file', '--pgoff', '0x400000000', '--arch', 'x86_64'], 1);
    expect(doc.results[0].error.message).toContain('is within PTE_FILE_MAX_BITS (46) on x86_64@2.6.21 but only 34 bits survive pte_to_pgoff');
    expect(doc.results[0].error.limit).toBe('0x3ffffffff');
  });

  test('--kernel 6.18: every variant refuses, exit 1', async () => {
    const text = await run(['encode', 'file', '--pgoff', '1', '--kernel', '6.18']);
    const modern = ALL_KEYS.filter((k) => k.endsWith('@6.18'));
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('✗ x86_64@6.18 has no nonlinear file ptes (removed in v4.0; remap_file_pages is emulated with VMAs)');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(`0 encoded, ${modern.length} refused`);
  });
});

describe('mmsim encode pfn', () => {
  test('a named prot on every variant', async () => {
    const doc = await runJson(['encode', 'pfn', '--pfn', '0x12345', '--prot', 'PAGE_SHARED', '--arch', 'all']);
    expect(doc.refused).toBe(0);
    expect(byVariant(doc.results, 'x86_64@6.18')).toMatchObject({ pte: '0x8000000012345027', class: 'present', readBack: { pfn: '0x12345' } });
    expect(byVariant(doc.results, 'i386@2.6.21').pte).toBe('0x12345027');
    expect(byVariant(doc.results, 'ppc64-64k@6.18').pte).toBe('0xc000000123450106');
  });

  test('a raw prot value; PAGE_NONE gives a protnone pte', async () => {
    const raw = await runJson(['encode', 'pfn', '--pfn', '5', '--prot', '0x63', '--arch', 'x86_64@6.18']);
    expect(raw.results[0]).toMatchObject({ pte: '0x0000000000005063', class: 'present' });
    const none = await runJson(['encode', 'pfn', '--pfn', '5', '--prot', 'PAGE_NONE', '--arch', 'x86_64@2.6.21']);
    expect(none.results[0].class).toBe('protnone');
  });

  test('a prot only some variants have: refused by the others', async () => {
    const doc = await runJson(['encode', 'pfn', '--pfn', '5', '--prot', 'PAGE_KERNEL', '--arch', 'x86'], 1);
    expect(byVariant(doc.results, 'x86_64@2.6.21').ok).toBe(true);
    expect(byVariant(doc.results, 'i386@2.6.21').error.message).toMatch(/^i386@2\.6\.21 has no protection 'PAGE_KERNEL' \(valid: PAGE_NONE, /);
  });

  test('a pfn wider than the pte holds', async () => {
    const doc = await runJson(['encode', 'pfn', '--pfn', '0x100000', '--prot', 'PAGE_SHARED', '--arch', 'i386'], 1);
    expect(byVariant(doc.results, 'i386@2.6.21').error).toMatchObject({ what: 'pfn', limit: '0xfffff' });
  });
});

describe('mmsim encode migration', () => {
  test('read and write entries on every variant', async () => {
    const doc = await runJson(['encode', 'migration', '--pfn', '0x1234', '--write', '--arch', 'all']);
    expect(doc.refused).toBe(0);
    for (const r of doc.results) expect(r, r.variant).toMatchObject({ class: 'migration', readBack: { pfn: '0x1234' } });
    expect(byVariant(doc.results, 'x86_64@6.18')).toMatchObject({ pte: '0xdfffffffffdb9600', readBack: { type: 27 } });
    expect(byVariant(doc.results, 'x86_64@2.6.21')).toMatchObject({ pte: '0x000000000012343e', readBack: { type: 31 } });
    const read = await runJson(['encode', 'migration', '--pfn', '0x1234', '--arch', 'x86_64']);
    expect(read.results.map((r: { readBack: { type: number } }) => r.readBack.type)).toEqual([30, 25]);
  });

  test('a pfn beyond SWP_PFN_BITS is refused (checked locally: core has no checked migration encoder)', async () => {
    const doc = await runJson(['encode', 'migration', '--pfn', '0x400000000', '--arch', 'x86_64@6.18'], 1);
    expect(doc.results[0].error.message).toBe(
      'pfn 0x0000000400000000 does not fit a migration entry on x86_64@6.18: SWP_PFN_BITS is 34 (largest 0x00000003ffffffff); the kernel would silently store pte 0xcffff7fffffffe00, whose migration pfn reads back as 0x0000000000000000',
    );
  });

  test('CONFIG_MIGRATION=n: no migration entries', async () => {
    const doc = await runJson(['encode', 'migration', '--pfn', '1', '--arch', 'ppc32', '--config', 'MIGRATION=n'], 1);
    expect(doc.results).toHaveLength(2);
    for (const r of doc.results) expect(r.error.message).toContain('has no migration entries: with CONFIG_MIGRATION=n');
  });
});
