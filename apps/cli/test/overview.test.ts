import { describe, expect, test } from 'vitest';
import { ALL_KEYS, ANSI, byVariant, run, runJson } from './helpers.js';
import { WORKSPACE_BACKENDS } from './workspace.js';

const NAMES = WORKSPACE_BACKENDS.map((b) => b.name);

describe('mmsim with no arguments: the overview', () => {
  test('prints every variant per era, the sample ptes, and pointers to the other commands', async () => {
    const result = await run([]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    // every backend of the workspace, each variant of each counted once
    expect(out.split('\n')).toContain(`mmsim: ${ALL_KEYS.length} variants from ${NAMES.length} backend${NAMES.length === 1 ? '' : 's'} (${NAMES.join(', ')}), default kernel config`);
    expect(out).toContain('Linux 2.6.21');
    expect(out).toContain('Linux 6.18');
    // i386 2.6.21: 4K pages, 2 levels, swap pte 0x00123406, file pte 0x00009168
    expect(out).toMatch(/^i386\s+4K\s+2 pgd\/pte\s+32\s+20\s+30\s+24\s+0xffffff\s+29\s+0x00123406\s+0x00009168$/m);
    expect(out).toMatch(/^x86_64\s+4K\s+4 pgd\/pud\/pmd\/pte\s+48\s+40\s+24\s+50\s+0x3ffffffffffff\s+—\s+0x1fffffffffdb9600\s+—$/m);
    for (const command of ['mmsim decode VALUE…', 'mmsim encode swap', 'mmsim layout ID', 'mmsim limits', 'mmsim diff']) expect(out).toContain(command);
    expect(out).not.toMatch(ANSI);
  });

  test('`mmsim overview --json`: one document with the sample ptes of every variant', async () => {
    const doc = await runJson(['overview']);
    expect(doc.command).toBe('overview');
    expect(doc.variants.map((v: { variant: string }) => v.variant).sort()).toEqual([...ALL_KEYS].sort());
    expect(doc.samples).toEqual({ swap: { type: 3, offset: '0x1234' }, pgoff: '0x1234' });
    expect(byVariant(doc.variants, 'x86_64@6.18').swapPte).toBe('0x1fffffffffdb9600');
    expect(byVariant(doc.variants, 'x86_64@6.18').filePte).toBeNull();
    expect(byVariant(doc.variants, 'i386@2.6.21')).toMatchObject({ swapPte: '0x00123406', filePte: '0x00009168', MAX_SWAPFILES: 30, PTE_FILE_MAX_BITS: 29 });
    expect(byVariant(doc.variants, 'x86_64@2.6.21').filePte).toBe('0x0000000001234040');
    expect(doc.backends.map((b: { name: string }) => b.name)).toEqual(NAMES);
  });

  test('--arch and --kernel narrow it; --config shows in the heading and the keys', async () => {
    const doc = await runJson(['--arch', 'x86_64', '--kernel', '2.6.20', '--config', 'CONFIG_MIGRATION=n']);
    expect(doc.variants.map((v: { variant: string }) => v.variant)).toEqual(['x86_64@2.6.21+CONFIG_MIGRATION=n']);
    expect(doc.variants[0].MAX_SWAPFILES).toBe(32);
    const text = (await run(['--arch', 'x86_64', '--config', 'MIGRATION=n'])).stdout;
    expect(text).toContain('config CONFIG_MIGRATION=n');
    expect(text).toMatch(/^x86_64\+CONFIG_MIGRATION=n\s/m);
  });
});

describe('colour', () => {
  test('FORCE_COLOR colours; NO_COLOR wins over it; a pipe gets none by default', async () => {
    expect((await run([], { FORCE_COLOR: '1' })).stdout).toMatch(ANSI);
    expect((await run([], { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(ANSI);
    expect((await run([], {})).stdout).not.toMatch(ANSI);
  });

  test('--json is never coloured', async () => {
    const result = await run(['decode', '0x5040', '--arch', 'x86_64', '--json'], { FORCE_COLOR: '1' });
    expect(result.stdout).not.toMatch(ANSI);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
  });

  test('with NO_COLOR no command writes an escape code', async () => {
    for (const args of [
      ['decode', '0x8000000012345867', '--arch', 'all'],
      ['encode', 'swap', '--offset', '0x1000000'],
      ['layout', 'ppc64'],
      ['limits'],
      ['diff', 'i386', 'i386-pae'],
    ]) {
      const result = await run(args, { NO_COLOR: '1', FORCE_COLOR: '1' });
      expect(result.stdout.length).toBeGreaterThan(100);
      expect(result.stdout, args.join(' ')).not.toMatch(ANSI);
    }
  });
});

describe('help and version', () => {
  test('--help lists every command; COMMAND --help its options; --version the version', async () => {
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    for (const usage of ['decode VALUE… | - | @FILE', 'encode swap --type T --offset O', 'encode file --pgoff P', 'encode pfn --pfn N --prot NAME', 'encode migration --pfn N [--write]', 'layout ID... [--svg FILE] [--html FILE]', 'limits', 'diff']) {
      expect(help.stdout).toContain(usage);
    }
    const decode = await run(['decode', '--help']);
    expect(decode.stdout).toMatch(/^Usage: mmsim decode VALUE… \| - \| @FILE \[options\]$/m);
    expect((await run(['help', 'encode', 'pfn'])).stdout).toContain('--prot NAME');
    expect((await run(['encode', '--help'])).stdout).toContain('mmsim encode migration --pfn N [--write]');
    // the version is put in at build time: bin.test.ts reads it from the built launcher
    const version = await run(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.split('\n')).toHaveLength(2);
  });
});
