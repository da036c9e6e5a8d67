/**
 * The vector-file format check: every bundled file passes it; each kind of
 * malformed file is refused with lines naming the JSON path, the bad value
 * (shortened) and the valid range; a value written another exact way
 * (a safe JSON number for a hex string) is checked as the same value.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
// Relative import: a package dependency on arch-x86 would make a cycle (arch-x86 tests use this package).
import { x86 } from '../../arch-x86/src/index.js';
import { describe, expect, test } from 'vitest';
import { bundledVectorFiles, checkVectorFile, MAX_LISTED_PROBLEMS, parseVectorFile, validateVectorJson, variantForVectors, VectorFormatError } from '../src/index.js';

type Json = Record<string, unknown>;
const load = (name: string): Json => JSON.parse(readFileSync(bundledVectorFiles().find((p) => basename(p) === name)!, 'utf8')) as Json;
const X86_64_618 = 'v6.18-x86_64.json';
const X86_64_2621 = 'v2.6.20-x86_64.json';
const I386_618 = 'v6.18-i386-2level.json';

/** The first vector of `op` in a copy of the file. */
function firstOf(file: Json, op: string): { vector: Json; index: number } {
  const vectors = file['vectors'] as Json[];
  const index = vectors.findIndex((v) => v['op'] === op);
  return { vector: vectors[index]!, index };
}

/** Problems of a copy of `name` changed by `change`. */
function problemsAfter(name: string, change: (file: Json) => void): string[] {
  const file = load(name);
  change(file);
  return validateVectorJson(JSON.parse(JSON.stringify(file)));
}

function check(file: Json) {
  const parsed = parseVectorFile(JSON.stringify(file), 'f.json');
  return checkVectorFile(variantForVectors(parsed, [x86]), parsed, 'f.json');
}

describe('well-formed files', () => {
  test('every bundled file passes the format check', () => {
    for (const path of bundledVectorFiles()) expect(validateVectorJson(JSON.parse(readFileSync(path, 'utf8'))), basename(path)).toEqual([]);
  });

  test('a safe JSON number, or fewer hex digits, is the same value as the padded hex string', () => {
    const file = load(X86_64_618);
    const { vector } = firstOf(file, 'pfn_pte');
    vector['pfn'] = Number(BigInt(vector['pfn'] as string));
    vector['pte'] = `0x${BigInt(vector['pte'] as string).toString(16)}`;
    expect(check(file).failed).toBe(0);
    // and a different value written so is still a difference
    vector['pfn'] = (vector['pfn'] as number) + 1;
    expect(check(file).failures.map((f) => f.field)).toContain('pte');
  });
});

describe('required blocks and fields', () => {
  test('no constants block: one line naming it', () => {
    expect(problemsAfter(X86_64_618, (f) => delete f['constants'])).toEqual(['the file: missing constants (required: format, variant, kernel, constants, vectors)']);
  });

  test('an empty constants block: one line naming every missing constant', () => {
    const problems = problemsAfter(X86_64_618, (f) => (f['constants'] = {}));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^constants: missing word_bits, pte_bits, PAGE_SHIFT, .*generic_max_swapfile_size, .*swp_flag_bits, prots in a 6\.18 file's constants/);
    // a 2.6.21 file needs its own era's constants
    expect(problemsAfter(X86_64_2621, (f) => (f['constants'] = {}))[0]).toMatch(/kernel_swapon_maxpages, MAX_SWAPFILES, SWP_MIGRATION_READ, SWP_MIGRATION_WRITE, prots in a 2\.6\.21/);
  });

  test('a constant of the wrong era, or unknown, is named', () => {
    expect(problemsAfter(X86_64_618, (f) => ((f['constants'] as Json)['kernel_swapon_maxpages'] = '0x1'))).toEqual([
      expect.stringMatching(/^constants\.kernel_swapon_maxpages: unknown field in a 6\.18 file's constants \(valid: word_bits, /),
    ]);
  });

  test('a vector without an input, or with a misspelt output', () => {
    const { index } = firstOf(load(X86_64_618), 'swp_entry');
    expect(problemsAfter(X86_64_618, (f) => delete firstOf(f, 'swp_entry').vector['type'])).toEqual([
      `vectors[${index}]: missing type for op swp_entry (required: type, offset, swp_val, arch_val, pte, decoded_type, decoded_offset, roundtrip, offset_in_range, pte_none, pte_present)`,
    ]);
    const ptee = problemsAfter(X86_64_618, (f) => (firstOf(f, 'pte_predicates').vector['ptee'] = '0x0'));
    expect(ptee[0]).toMatch(/^vectors\[\d+\]\.ptee: unknown field for op pte_predicates \(valid: op, pte, pte_none, pte_present, is_swap_pte, /);
  });

  test('an unknown op, and an op the era does not have', () => {
    expect(problemsAfter(X86_64_618, (f) => (firstOf(f, 'pfn_pte').vector['op'] = 'frob'))[0]).toMatch(/^vectors\[\d+\]\.op: "frob" is not an op of a 6\.18 file \(valid: swp_entry, pte_to_swp, pfn_pte, /);
    expect(problemsAfter(X86_64_618, (f) => (firstOf(f, 'pte_predicates').vector['op'] = 'pgoff_to_pte'))[0]).toMatch(/"pgoff_to_pte" is not an op of a 6\.18 file/);
    expect(problemsAfter(X86_64_2621, (f) => (firstOf(f, 'pte_predicates').vector['op'] = 'pte_swp_mkexclusive'))[0]).toMatch(/"pte_swp_mkexclusive" is not an op of a 2\.6\.21 file/);
  });
});

describe('types and ranges', () => {
  const typeProblem = (value: unknown) => problemsAfter(X86_64_618, (f) => (firstOf(f, 'swp_entry').vector['type'] = value));
  const { index } = firstOf(load(X86_64_618), 'swp_entry');

  test.each([
    [2 ** 53, '9007199254740992'],
    [1e300, '1e+300'],
    [32, '32'],
    [-1, '-1'],
    [1.5, '1.5'],
    ['3', '"3"'],
    [null, 'null'],
  ])('a swap type of %s is refused, never truncated', (value, shown) => {
    expect(typeProblem(value)).toEqual([`vectors[${index}].type: ${shown} is not a swap type (valid: a whole number 0 to 31: MAX_SWAPFILES_SHIFT is 5)`]);
  });

  test('the special types above MAX_SWAPFILES (migration, marker) are swap types', () => {
    expect(typeProblem(31)).toEqual([]);
  });

  test('wide values: hex strings within the C width, or safe whole numbers', () => {
    const offset = (value: unknown, name = X86_64_618) => problemsAfter(name, (f) => (firstOf(f, 'swp_entry').vector['offset'] = value));
    expect(offset(2 ** 53)[0]).toMatch(/\.offset: 9007199254740992 is too large to be exact as a JSON number \(unsigned long value; valid: a "0x…" hex string of 1 to 16 digits, or a whole number 0 to 2\^53-1\)$/);
    expect(offset('0x' + '1'.repeat(17))[0]).toMatch(/has more digits than a 64-bit unsigned long value/);
    expect(offset('0x100000000', I386_618)[0]).toMatch(/has more digits than a 32-bit unsigned long value \(valid: a "0x…" hex string of 1 to 8 digits/);
    expect(offset(2 ** 32, I386_618)[0]).toMatch(/4294967296 does not fit a 32-bit unsigned long value/);
    expect(offset('12')[0]).toMatch(/"12" is not a hex number/);
    expect(offset('0x')[0]).toMatch(/"0x" is not a hex number/);
    expect(offset(-5)[0]).toMatch(/-5 is not a whole number 0 or more/);
    expect(offset([1])[0]).toMatch(/an array \(1 items\) is not a number/);
    expect(offset(2 ** 53 - 1)).toEqual([]);
  });

  test('booleans, names and notes', () => {
    expect(problemsAfter(X86_64_618, (f) => (firstOf(f, 'pte_predicates').vector['pte_none'] = 'true'))[0]).toMatch(/\.pte_none: "true" is not a boolean \(valid: true or false\)$/);
    expect(problemsAfter(X86_64_618, (f) => (firstOf(f, 'pfn_pte').vector['prot_name'] = 'PAGE SHARED'))[0]).toMatch(/\.prot_name: "PAGE SHARED" is not a name/);
    expect(problemsAfter(X86_64_618, (f) => (firstOf(f, 'swp_entry').vector['note'] = 'x'.repeat(5000)))[0]).toMatch(/\.note: "x{40}…" \(5000 chars\) is not a note \(valid: text of at most 1000 characters\)$/);
  });

  test('constants: widths, bit counts, the type tables, the swap markers', () => {
    expect(problemsAfter(X86_64_618, (f) => ((f['constants'] as Json)['word_bits'] = 48))).toEqual(['constants.word_bits: 48 is not a C width (valid: 32 or 64)']);
    expect(problemsAfter(X86_64_618, (f) => ((f['constants'] as Json)['PAGE_SHIFT'] = 64))).toEqual(['constants.PAGE_SHIFT: 64 is not a shift (valid: a whole number 0 to 63)']);
    expect(problemsAfter(X86_64_618, (f) => (((f['constants'] as Json)['special_types_all_config'] as Json)['SWP_HWPOISON'] = 2 ** 53))[0]).toMatch(
      /^constants\.special_types_all_config\.SWP_HWPOISON: 9007199254740992 is not a swap type/,
    );
    expect(problemsAfter(X86_64_618, (f) => (((f['constants'] as Json)['swp_flag_bits'] as Json)['dirty'] = '0x1'))).toEqual([
      'constants.swp_flag_bits.dirty: unknown swap marker (valid: exclusive, soft_dirty, uffd_wp)',
    ]);
    expect(problemsAfter(X86_64_618, (f) => delete ((f['constants'] as Json)['MAX_SWAPFILES'] as Json)['all-config'])[0]).toMatch(/^constants\.MAX_SWAPFILES: missing "all-config"/);
    expect(problemsAfter(X86_64_618, (f) => (((f['constants'] as Json)['prots'] as Json)['PAGE_NONE'] = 1e300))[0]).toMatch(/^constants\.prots\.PAGE_NONE: 1e\+300 is too large to be exact/);
  });

  test('wrong nesting at the top', () => {
    expect(validateVectorJson([])).toEqual([expect.stringMatching(/^the file: an array \(0 items\) is not a vector file/)]);
    expect(problemsAfter(X86_64_618, (f) => (f['vectors'] = { 0: {} }))).toEqual(['vectors: an object (1 keys) is not a list (valid: an array of vectors)']);
    expect(problemsAfter(X86_64_618, (f) => (f['constants'] = [f['constants']]))).toEqual(['constants: an array (1 items) is not an object (valid: the constants block, an object)']);
    expect(problemsAfter(X86_64_618, (f) => ((f['vectors'] as unknown[])[3] = [[[]]]))).toEqual(['vectors[3]: an array (1 items) is not a vector (valid: an object with an "op" and its fields)']);
  });
});

describe('reporting', () => {
  test('at most MAX_LISTED_PROBLEMS lines, then how many more', () => {
    const problems = problemsAfter(X86_64_618, (f) => {
      for (const v of f['vectors'] as Json[]) v['pte'] = true;
    });
    const vectors = (load(X86_64_618)['vectors'] as unknown[]).length;
    expect(problems).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(problems.at(-1)).toBe(`… and ${vectors - MAX_LISTED_PROBLEMS} more problems`);
  });

  test('parseVectorFile: the file name in front of each line; not JSON is one line', () => {
    const file = load(X86_64_618);
    delete file['constants'];
    expect(() => parseVectorFile(JSON.stringify(file), 'f.json')).toThrow(VectorFormatError);
    try {
      parseVectorFile(JSON.stringify(file), 'f.json');
    } catch (error) {
      expect((error as VectorFormatError).problems).toEqual(['f.json: the file: missing constants (required: format, variant, kernel, constants, vectors)']);
    }
    expect(() => parseVectorFile('{"format": ', 'g.json')).toThrow(/^g\.json: not JSON \(/);
  });

  test('a key that is no identifier is quoted and shortened in the path', () => {
    const problems = problemsAfter(X86_64_618, (f) => (((f['constants'] as Json)['prots'] as Json)['a b'.repeat(100)] = '0x1'));
    expect(problems[0]).toMatch(/^constants\.prots\["a ba ba b.{25,40}…" \(300 chars\)\]: is not a name/);
  });
});

describe('the checker after the format check', () => {
  test('a MAX_SWAPFILES_SHIFT other than 5 is a difference (exit 1 territory), not a format error', () => {
    const file = load(X86_64_618);
    (file['constants'] as Json)['MAX_SWAPFILES_SHIFT'] = 4;
    const report = check(file);
    expect(report.failures).toContainEqual(expect.objectContaining({ field: 'constants.MAX_SWAPFILES_SHIFT', expected: '4', actual: '5' }));
  });

  test('MAX_SWAPFILES of every configuration the file names, and the pte marker bits, are compared', () => {
    const file = load(X86_64_618);
    const constants = file['constants'] as Json;
    (constants['MAX_SWAPFILES'] as Json)['minimal'] = 30;
    (constants['PTE_MARKER'] as Json)['GUARD'] = 8;
    expect(check(file).failures).toEqual([
      expect.objectContaining({ field: 'constants.MAX_SWAPFILES.minimal', expected: '30', actual: '31' }),
      expect.objectContaining({ field: 'constants.PTE_MARKER.GUARD', expected: '8', actual: '4' }),
    ]);
    const old = load(X86_64_2621);
    ((old['constants'] as Json)['MAX_SWAPFILES'] as Json)['CONFIG_MIGRATION=n'] = 30;
    expect(check(old).failures).toEqual([expect.objectContaining({ field: 'constants.MAX_SWAPFILES.CONFIG_MIGRATION=n', expected: '30', actual: '32' })]);
    expect(problemsAfter(X86_64_618, (f) => (((f['constants'] as Json)['MAX_SWAPFILES'] as Json)['CONFIG_MIGRATION=n'] = 32))).toEqual([
      'constants.MAX_SWAPFILES["CONFIG_MIGRATION=n"]: unknown configuration for a 6.18 file (valid: all-config, minimal, formula)',
    ]);
  });

  test('a prot name that is an Object.prototype key is looked up as the variant own prot only', () => {
    const file = load(X86_64_618);
    firstOf(file, 'pfn_pte').vector['prot_name'] = 'constructor';
    expect(check(file).failed).toBe(0);
    const prots = (file['constants'] as Json)['prots'] as Json;
    prots['toString'] = '0x1';
    expect(check(file).failures).toContainEqual(expect.objectContaining({ field: 'constants.prots.toString', actual: 'undefined' }));
  });

});
