/**
 * decode reads what the kernel prints: values from stdin (`-`), files
 * (`@FILE`, `--file`) and quoted arguments, dmesg lines recognised and
 * their fields read as the hex the kernel printed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { matchDmesg } from '../src/decode/dmesg.js';
import { readValue } from '../src/decode/radix.js';
import { UsageError } from '../src/errors.js';
import { quote } from '../src/text.js';
import { CLI_DIR, expectUsageError, run, type Json } from './helpers.js';

const BAD_MAP = 'BUG: Bad page map in process a  pte:8000000012345067 pmd:0000000012300067';
const X86_618 = ['--arch', 'x86_64', '--kernel', '6.18'];

async function json(args: readonly string[], stdin?: string): Promise<Json> {
  const result = await run([...args, '--json'], { NO_COLOR: '1' }, CLI_DIR, stdin);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Json;
}

const dir = mkdtempSync(join(tmpdir(), 'mmsim-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decode: dmesg lines', () => {
  test('the issue\'s line on stdin: pfn 0x12345, the pmd shown, the rule said', async () => {
    const doc = await json(['decode', '-', ...X86_618], `${BAD_MAP}\n`);
    expect(doc.items.map((i: Json) => [i.name, i.value, i.rule, i.dmesg])).toEqual([
      ['pte', '0x8000000012345067', 'dmesg', 'bad-page-map'],
      ['pmd', '0x12300067', 'dmesg', 'bad-page-map'],
    ]);
    expect(doc.items[0].results[0]).toMatchObject({ variant: 'x86_64@6.18', class: 'present' });
    expect(doc.items[0].results[0].fields[0]).toMatchObject({ name: 'pfn', value: '0x12345' });
    const text = await run(['decode', '-', ...X86_618], {}, CLI_DIR, `${BAD_MAP}\n`);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('pte 0x8000000012345067  stdin line 1: hex: a dmesg field, which the kernel prints with %llx');
    expect(text.stdout).toMatch(/^ {2}pfn {5}0x12345 \(74565\)/m);
  });

  test.each([
    // 6.18: the level named, and the upper levels on the next line
    ['[ 12.3] BUG: Bad page map in process cat  pte:12345067', [['pte', 'pte', '0x12345067']]],
    ['BUG: Bad page map in process cat  pmd:80000000123000e7', [['pmd', 'table', '0x80000000123000e7']]],
    ['pgd:0000000012300067 p4d:0000000012300067 pud:0000000012301067 pmd:0000000012302067', [
      ['pgd', 'table', '0x12300067'], ['p4d', 'table', '0x12300067'], ['pud', 'table', '0x12301067'], ['pmd', 'table', '0x12302067'],
    ]],
    // 2.6.21
    ['Bad pte = 00005040, process = a.out, vm_flags = 100073, vaddr = 8048000', [['pte', 'pte', '0x5040']]],
    ['swap_free: Bad swap file entry 3c000000', [['entry', 'swp_entry', '0x3c000000']]],
    ['swap_info_get: Unused swap offset entry 00000123', [['entry', 'swp_entry', '0x123']]],
    ['page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x7f pfn:0x12345', [['pfn', 'pfn', '0x12345']]],
    ['page:c1234560 flags:0x80000000 mapping:00000000 mapcount:0 count:1', [['flags', 'page_flags', '0x80000000']]],
  ])('%s', async (line, want) => {
    expect(matchDmesg(line)).toBeDefined();
    const doc = await json(['decode', line, '--arch', 'x86_64']);
    expect(doc.items.map((i: Json) => [i.name, i.kind, i.value])).toEqual(want);
    for (const i of doc.items) expect(i.rule).toBe('dmesg');
  });

  test('a swap entry is split as swp_entry_t: type in the top bits', async () => {
    // 2.6.21 i386: SWP_TYPE_SHIFT 27, so 0x3c000000 is type 7 (include/linux/swapops.h)
    const doc = await json(['decode', 'Bad swap file entry 3c000000', '--arch', 'i386@2.6.21']);
    expect(doc.items[0].results).toEqual([{ variant: 'i386@2.6.21', swp_type: 7, swp_offset: '0x4000000', MAX_SWAPFILES: 30 }]);
  });
});

describe('decode: several values, files, stdin', () => {
  test('several arguments, a file by @FILE and --file, comments and prose skipped and counted', async () => {
    const file = join(dir, 'dmesg.txt');
    writeFileSync(file, `# a comment\n[ 1.0] usb 1-1: new device\n${BAD_MAP}\n0x5040 00005040\n`);
    const doc = await json(['decode', '0x1', `@${file}`, '--file', file, '--arch', 'x86_64@6.18']);
    expect(doc.items[0].origin).toBe('argument 1');
    // each file gives the pte and pmd of line 3 and both values of line 4
    expect(doc.items.slice(1).map((i: Json) => i.origin.replace(/^.* line/, 'line'))).toEqual([
      'line 3', 'line 3', 'line 4 value 1', 'line 4 value 2', 'line 3', 'line 3', 'line 4 value 1', 'line 4 value 2',
    ]);
    expect(doc.items).toHaveLength(9);
    expect(doc.items.slice(3, 5).map((i: Json) => [i.value, i.rule])).toEqual([['0x5040', 'prefix'], ['0x5040', 'pte-width']]);
    expect(doc.items[3].origin).toMatch(/line 4 value 1$/);
    expect(doc.skippedLines).toBe(2);
  });

  test('bad input: one line, exit 2', async () => {
    // the issue's: a config 6.18 does not have (checked before the value is read)
    expectUsageError(await run(['decode', '12', '--arch', 'x86_64', '--kernel', '6.18', '--config', 'NONLINEAR=y']), 'mmsim decode: --config CONFIG_NONLINEAR does not exist on x86_64 in 6.18 (it exists in 2.6.21)');
    expectUsageError(await run(['decode', '-'], {}, CLI_DIR, 'no numbers here\n'), 'mmsim decode: no value to decode: 1 line(s) read, none a number or a kernel log line decode knows');
    expectUsageError(await run(['decode', '-'], {}, CLI_DIR, '0x1 12\n'), "mmsim decode: stdin line 1 value 2: '12' is ambiguous: write 0x12 for hex or 0d12 for decimal (bare digits are hex only with a–f or 8–16 digits, as dmesg prints a pte)");
    expectUsageError(await run(['decode', '-', '-'], {}, CLI_DIR, '0x1\n'), "mmsim decode: '-' given twice: stdin can be read once");
    expectUsageError(await run(['decode', '--file', join(dir, 'nope')]), `mmsim decode: --file ${quote(join(dir, 'nope'))}: cannot read it (ENOENT)`);
    expectUsageError(await run(['decode', 'BUG: Bad page frob']), "mmsim decode: argument 1: 'BUG: Bad page frob' is neither a number nor a dmesg line decode knows ('BUG: Bad page map … pte:…', 'pgd:… pmd:…', 'Bad pte = …', 'Bad swap file entry …', page dumps ('page: … pfn:…', 'page:… flags:0x…'))");
    expectUsageError(
      await run(['decode', 'Bad pte = 12345678123456789, process = a', '--arch', 'x86_64']),
      "mmsim decode: argument 1 pte: '12345678123456789' does not fit in 64 bits; valid: 1–16 hex digits",
    );
    expectUsageError(
      await run(['decode', 'Bad pte = 100000000, process = a', '--arch', 'i386@2.6.21']),
      "mmsim decode: argument 1: pte 0x100000000 is wider than the 32-bit pte of i386@2.6.21; valid: 0–0xffffffff (--truncate decodes its low 32 bits, as the kernel's cast would keep them)",
    );
  });
});

describe('the number rule, for any input', () => {
  test('0x and bare hex of 8-16 digits read back exactly; bare digit strings of 2-7 digits are refused, never decimal', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (value) => {
        const digits = value.toString(16);
        expect(readValue(`0x${digits}`, 'v')).toEqual({ value, rule: 'prefix' });
        const padded = digits.padStart(8, '0');
        expect(readValue(padded, 'v').value).toBe(value);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{2,7}$/), (text) => {
        expect(() => readValue(text, 'v')).toThrow(/is ambiguous: write 0x/);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        try {
          const read = readValue(text, 'v');
          // whatever is accepted without a prefix is hex, or one digit
          if (!/^\s*0[xXbBoOdD]/.test(text)) expect(read.value).toBe(read.rule === 'digit' ? BigInt(text.trim()) : BigInt(`0x${text.trim()}`));
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).not.toMatch(/\n/);
        }
      }),
    );
  });

  test('--arch takes lists and ID@ERA, as mmsim-test does; --kernel repeats', async () => {
    const doc = await json(['decode', '0x5040', '--arch', 'x86_64@6.18,ppc64', '--kernel', '6.18', '--kernel', '2.6.21']);
    expect(doc.results.map((r: Json) => r.variant)).toEqual(['ppc64@2.6.21', 'ppc64@6.18', 'x86_64@6.18']);
  });
});
