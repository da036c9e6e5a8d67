/**
 * Every bad input: exactly one line on stderr naming it and the valid form,
 * exit 2, nothing on stdout. A bug: one line and a hint, exit 3.
 */
import { describe, expect, test } from 'vitest';
import { ALL_KEYS, expectUsageError, run, runJson } from './helpers.js';
import { RULE_SUMMARY } from '../src/decode/radix.js';
import { ARCH_NAMES, WORKSPACE_BACKENDS } from './workspace.js';

/** what --arch accepts, as the error lists it: all, every backend of the workspace, their variant ids */
const ARCHES = ARCH_NAMES;
const COMMON = '--arch, --kernel, --config, --backend, --json, --help';
const FORMS = "(hex 0x…, binary 0b…, octal 0o… or decimal, '_' between digits)";
const U64 = '0–0xffffffffffffffff';
const RADIX = RULE_SUMMARY;

describe('bad usage and input: one line, exit 2', () => {
  test.each([
    [['decode', '0x1', '--arch', 'x86_65'], `mmsim decode: unknown arch 'x86_65' (valid: ${ARCHES})`],
    [['encode', 'swap', '--offset', '1', '--arch', 'sparc'], `mmsim encode swap: unknown arch 'sparc' (valid: ${ARCHES})`],
    [['decode', '0xZZ'], `mmsim decode: argument 1: '0xZZ' is not an unsigned integer ${FORMS}; valid: ${U64}`],
    [['encode', 'swap', '--offset', '12z'], `mmsim encode swap: --offset: '12z' is not an unsigned integer ${FORMS}; valid: ${U64}`],
    [['decode', '0x1_0000_0000_0000_0000'], `mmsim decode: argument 1: '0x1_0000_0000_0000_0000' does not fit in 64 bits; valid: ${U64}`],
    [['decode', '1', '--kernel', '3.0'], "mmsim decode: unknown kernel '3.0' for --kernel (valid: 2.6.21, 6.18; 2.6.20 is accepted for 2.6.21)"],
    [['limits', '--kernel', 'latest'], "mmsim limits: unknown kernel 'latest' for --kernel (valid: 2.6.21, 6.18; 2.6.20 is accepted for 2.6.21)"],
    [['decode', '1', '--config', 'CONFIG_HIGHMEM=y'], "mmsim decode: --config: unknown config option 'CONFIG_HIGHMEM' (valid: CONFIG_NONLINEAR, CONFIG_MIGRATION, CONFIG_MEMORY_FAILURE, CONFIG_DEVICE_PRIVATE, CONFIG_X86_NX)"],
    [['limits', '--config', 'NONLINEAR'], "mmsim limits: --config: config 'NONLINEAR' is not NAME=y or NAME=n (for example CONFIG_NONLINEAR=n)"],
    [['encode', 'pfn', '--pfn', '1', '--prot', 'PAGE_FOO', '--arch', 'x86_64'], "mmsim encode pfn: unknown prot 'PAGE_FOO' (valid: PAGE_COPY, PAGE_COPY_EXEC, PAGE_KERNEL, PAGE_NONE, PAGE_READONLY, PAGE_READONLY_EXEC, PAGE_SHARED, PAGE_SHARED_EXEC, __PAGE_KERNEL, or a raw value such as 0x63)"],
    [['frob'], "mmsim: unknown command 'frob' (valid: decode, encode, layout, limits, diff, run, explore, replay, record, check, overview, help; no command: the overview)"],
    [['encode'], 'mmsim encode: needs what to encode (valid: swap, file, pfn, migration)'],
    [['encode', 'pte'], "mmsim encode: unknown kind 'pte' (valid: swap, file, pfn, migration)"],
    [['decode', '1', '--frob'], `mmsim decode: unknown option '--frob' (valid: ${COMMON}, --file, --truncate)`],
    [['--frob'], `mmsim: unknown option '--frob' (valid: ${COMMON}, --version)`],
    [['-x'], `mmsim: unknown option '-x' (valid: ${COMMON}, --version)`],
    [['encode', 'swap', '--offset', '1', '--pgoff', '2'], `mmsim encode swap: unknown option '--pgoff' (valid: ${COMMON}, --type, --offset)`],
    [['limits', '--svg', 'x.svg'], `mmsim limits: unknown option '--svg' (valid: ${COMMON})`],
    [['decode'], `mmsim decode: needs a VALUE, - (stdin) or @FILE (${RADIX})`],
    [['decode', '1', '12'], "mmsim decode: argument 2: '12' is ambiguous: write 0x12 for hex or 0d12 for decimal (bare digits are hex only with a–f or 8–16 digits, as dmesg prints a pte)"],
    [['limits', 'x86_64'], "mmsim limits: unexpected argument 'x86_64' (usage: mmsim limits)"],
    [['encode', 'swap'], 'mmsim encode swap: needs --offset O (the swap offset, e.g. 0x1234)'],
    [['encode', 'swap', '--offset', '1', '--type', '32'], "mmsim encode swap: --type: '32' is out of range; valid: 0–31"],
    [['encode', 'file'], 'mmsim encode file: needs --pgoff P (the file page offset, e.g. 0x1234)'],
    [['encode', 'pfn', '--pfn', '1'], 'mmsim encode pfn: needs --prot NAME (a protection such as PAGE_SHARED, or a raw value)'],
    [['encode', 'migration'], 'mmsim encode migration: needs --pfn N (the page frame number)'],
    [['decode', '1', '--json=yes'], "mmsim decode: option '--json' takes no value"],
    [['decode', '1', '--kernel'], "mmsim decode: option '--kernel' needs a value ERA (2.6.21 (2.6.20 is the same encodings) or 6.18, or a comma-separated list (repeatable; default: both where it makes sense))"],
    [['decode', '1', '--arch', 'x86_64@6.18', '--kernel', '2.6.21', '--arch', 'ppc32@9'], "mmsim decode: unknown kernel '9' in 'ppc32@9' (valid: 2.6.21, 6.18; 2.6.20 is accepted for 2.6.21)"],
    [['decode', '1', '--backend', './no/such/backend'], 'mmsim decode: --backend ./no/such/backend: not a folder, file or installed package'],
  ])('mmsim %j', async (args, line) => {
    expectUsageError(await run(args), line);
  });
});

describe('option parsing (issue 9)', () => {
  const LONG = 'z'.repeat(5000);
  const SHORT = `'${'z'.repeat(39)}…'`;
  // named by the expected line: the arguments hold a 5000-character value
  test.each(([
    // a negative number is a value, named as one, not an option
    [['encode', 'swap', '--offset', '1', '--type', '-1'], `mmsim encode swap: --type: '-1' is not an unsigned integer ${FORMS}; valid: 0–31`],
    [['encode', 'swap', '--offset', '-0x10'], `mmsim encode swap: --offset: '-0x10' is not an unsigned integer ${FORMS}; valid: ${U64}`],
    [['decode', '-5'], `mmsim decode: argument 1: '-5' is not a number (${RADIX})`],
    [['encode', 'pfn', '--pfn', '1', '--prot', '-3', '--arch', 'x86_64'], `mmsim encode pfn: --prot: '-3' is not an unsigned integer ${FORMS}; valid: ${U64}`],
    [['encode', 'swap', '--offset', '1', '--type', '1.5'], `mmsim encode swap: --type: '1.5' is not an unsigned integer ${FORMS}; valid: 0–31`],
    [['encode', 'swap', '--offset', '1', '--type', ''], `mmsim encode swap: --type: '' is not an unsigned integer ${FORMS}; valid: 0–31`],
    // numbers may be hex everywhere
    [['encode', 'swap', '--offset', '1', '--type', '0x20'], "mmsim encode swap: --type: '0x20' is out of range; valid: 0–31"],
    // a single-value option given twice
    [['encode', 'swap', '--offset', '1', '--offset', '2'], "mmsim encode swap: option '--offset' given twice ('1', then '2'); it takes one value"],
    [['encode', 'swap', '--offset', '1', '--type=3', '--type', '-4'], "mmsim encode swap: option '--type' given twice ('3', then '-4'); it takes one value"],
    [['layout', 'x86_64', '--svg', 'a.svg', '--svg', 'b.svg'], "mmsim layout: option '--svg' given twice ('a.svg', then 'b.svg'); it takes one value"],
    // unknown arch names are refused by every command, also where ids are positional
    [['diff', 'x86_64', '--arch', 'bogus'], `mmsim diff: unknown arch 'bogus' (valid: ${ARCHES})`],
    [['layout', 'x86_64', '--arch', 'bogus'], `mmsim layout: unknown arch 'bogus' (valid: ${ARCHES})`],
    [['run', 'no-such.mmo', '--arch', 'bogus'], `mmsim run: unknown arch 'bogus' (valid: ${ARCHES})`],
    // every bad value quoted shortened
    [['decode', LONG], `mmsim decode: argument 1: ${SHORT} is not a number (${RADIX})`],
    [['decode', '1', '--arch', LONG], `mmsim decode: unknown arch ${SHORT} (valid: ${ARCHES})`],
    [['decode', '1', '--kernel', LONG], `mmsim decode: unknown kernel ${SHORT} for --kernel (valid: 2.6.21, 6.18; 2.6.20 is accepted for 2.6.21)`],
    [['decode', '1', '--config', LONG], `mmsim decode: --config: config ${SHORT} is not NAME=y or NAME=n (for example CONFIG_NONLINEAR=n)`],
    [['decode', '1', '--config', `${LONG}=y`], `mmsim decode: --config: unknown config option ${SHORT} (valid: CONFIG_NONLINEAR, CONFIG_MIGRATION, CONFIG_MEMORY_FAILURE, CONFIG_DEVICE_PRIVATE, CONFIG_X86_NX)`],
    [[LONG], `mmsim: unknown command ${SHORT} (valid: decode, encode, layout, limits, diff, run, explore, replay, record, check, overview, help; no command: the overview)`],
    [['encode', LONG], `mmsim encode: unknown kind ${SHORT} (valid: swap, file, pfn, migration)`],
    [['decode', '1', `--${LONG}`], `mmsim decode: unknown option '--${'z'.repeat(37)}…' (valid: ${COMMON}, --file, --truncate)`],
    [['decode', '1', LONG], `mmsim decode: argument 2: ${SHORT} is not a number (${RADIX})`],
    [['encode', 'pfn', '--pfn', '1', '--prot', LONG, '--arch', 'i386'], `mmsim encode pfn: unknown prot ${SHORT} (valid: PAGE_COPY, PAGE_COPY_EXEC, PAGE_NONE, PAGE_READONLY, PAGE_READONLY_EXEC, PAGE_SHARED, PAGE_SHARED_EXEC, _PAGE_KERNEL, __PAGE_KERNEL, or a raw value such as 0x63)`],
  ] as [string[], string][]).map(([args, line]) => [line, args] as const))('%s', async (line, args) => {
    expectUsageError(await run(args), line);
  });

  test('the repeatable options stay repeatable', async () => {
    const doc = await runJson(['decode', '0x1', '--arch', 'x86_64', '--arch', 'i386', '--kernel', '6.18', '--kernel', '2.6.21', '--config', 'MIGRATION=n', '--config', 'MIGRATION=y']);
    expect(doc.results).toHaveLength(4);
  });
});

describe('--config that does not exist for the arch or era (issue 9)', () => {
  test.each([
    [['decode', '1', '--kernel', '6.18', '--config', 'NONLINEAR=y'], 'mmsim decode: --config CONFIG_NONLINEAR does not exist in 6.18 (it exists in 2.6.21)'],
    [['encode', 'swap', '--offset', '1', '--arch', 'ppc64', '--config', 'X86_NX=n'], 'mmsim encode swap: --config CONFIG_X86_NX does not exist on ppc64 in 2.6.21 and 6.18 (it exists on i386-pae, x86_64 in 2.6.21 and 6.18)'],
    [['layout', 'ppc32', '--config', 'X86_NX=n'], 'mmsim layout: --config CONFIG_X86_NX does not exist on ppc32 in 2.6.21 and 6.18 (it exists on i386-pae, x86_64 in 2.6.21 and 6.18)'],
    [['diff', 'i386', '--config', 'X86_NX=n'], 'mmsim diff: --config CONFIG_X86_NX does not exist on i386 in 2.6.21 and 6.18 (it exists on i386-pae, x86_64 in 2.6.21 and 6.18)'],
    [['limits', '--kernel', '2.6.21', '--config', 'DEVICE_PRIVATE=n'], 'mmsim limits: --config CONFIG_DEVICE_PRIVATE does not exist in 2.6.21 (it exists in 6.18)'],
    [['--kernel', '6.18', '--config', 'NONLINEAR=n'], 'mmsim: --config CONFIG_NONLINEAR does not exist in 6.18 (it exists in 2.6.21)'],
    [['decode', '1', '--arch', 'x86_64@6.18+'], "mmsim decode: empty config in 'x86_64@6.18+': after '+' give NAME=y|n pairs separated by ',' (e.g. x86_64@2.6.21+CONFIG_NONLINEAR=n)"],
    // explore runs on the race's own era: thp-split-zap's is 6.18 (fault-truncate's is 2.6.21, where NONLINEAR exists)
    [['explore', 'thp-split-zap', '--config', 'NONLINEAR=n'], 'mmsim explore: --config CONFIG_NONLINEAR does not exist in 6.18 (it exists in 2.6.21)'],
    [['run', 'x.mmo', '--config', 'NONLINEAR=n'], 'mmsim run: --config CONFIG_NONLINEAR does not exist in 6.18 (it exists in 2.6.21)'],
  ])('mmsim %j', async (args, line) => {
    expectUsageError(await run(args), line);
  });

  test('--arch all mixes: X86_NX=n applies to the variants with an NX bit, exit 0', async () => {
    const doc = await runJson(['decode', '0x8000000000000025', '--arch', 'all', '--kernel', '6.18', '--config', 'X86_NX=n', '--truncate']);
    expect(doc.results.map((r: { variant: string }) => r.variant)).toContain('x86_64@6.18+CONFIG_X86_NX=n');
    expect(doc.results.map((r: { variant: string }) => r.variant)).toContain('ppc64@6.18');
  });
});

describe('--backend', () => {
  test('a backend file adds its variants beside the installed ones', async () => {
    const doc = await runJson(['decode', '0x1fffffffffdb9600', '--backend', 'test/fixtures/toy-backend.mjs', '--arch', 'toy64', '--arch', 'x86_64@6.18']);
    expect(doc.results.map((r: { variant: string; class: string; fields: { value: string }[] }) => [r.variant, r.class, r.fields[1]!.value])).toEqual([
      ['toy64@6.18', 'swap', '0x1234'],
      ['x86_64@6.18', 'swap', '0x1234'],
    ]);
    const overview = await runJson(['--backend', 'test/fixtures/toy-backend.mjs']);
    // the --backend one first, then the installed ones; its one variant besides theirs
    expect(overview.backends.map((b: { name: string }) => b.name)).toEqual(['toy', ...WORKSPACE_BACKENDS.map((b) => b.name)]);
    expect(overview.variants).toHaveLength(ALL_KEYS.length + 1);
  });

  test('an installed package named again is loaded once', async () => {
    const doc = await runJson(['limits', '--backend', '@mmsim/arch-x86']);
    expect(doc.variants).toHaveLength(ALL_KEYS.length);
  });

  test('a backend that breaks the CLI is a bug: one line with a hint, exit 3; MMSIM_DEBUG=1 adds the stack', async () => {
    const args = ['decode', '1', '--backend', 'test/fixtures/broken-backend.mjs', '--arch', 'broken'];
    const result = await run(args);
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mmsim: internal error: .+ \(set MMSIM_DEBUG=1 for the stack trace\)$/);
    const debug = await run(args, { NO_COLOR: '1', MMSIM_DEBUG: '1' });
    expect(debug.status).toBe(3);
    expect(debug.stderr).toMatch(/^\s+at /m);
    // the built launcher's own exit status and stderr: bin.test.ts
  });
});
