/**
 * Every bad input to mmsim-test ends cleanly, in-process through main():
 * one line (or one per problem of a vector file, capped) naming the bad
 * value, shortened, and the valid range; exit 2; nothing on stdout.
 * The reproductions of issue 9, point 7, and the runner's share of 4–6.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { powerpc } from '@mmsim/arch-powerpc';
import { x86 } from '@mmsim/arch-x86';
import { bundledVectorFiles, MAX_LISTED_PROBLEMS } from '@mmsim/conformance';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main, type Io } from '../src/cli.js';
import { MAX_VECTOR_FILE_BYTES } from '../src/commands/vectors.js';
import { NUM_RUNS, SEED } from '../src/numbers.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function mmsimTest(...args: string[]): Promise<Run> {
  const run = { status: -1, stdout: '', stderr: '' };
  const io: Io = { out: (text) => void (run.stdout += text), err: (text) => void (run.stderr += text) };
  run.status = await main(['node', 'mmsim-test', ...args], { io, backends: [x86, powerpc] });
  return run;
}

/** Exit 2, nothing on stdout, `lines` lines on stderr, no stack trace; each mention on the first line. */
function expectRefused(run: Run, mentions: readonly string[], lines = 1): string[] {
  expect(run.stdout).toBe('');
  const got = run.stderr.trimEnd().split('\n');
  expect(got, run.stderr).toHaveLength(lines);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  expect(run.status).toBe(2);
  for (const text of mentions) expect(got[0]).toContain(text);
  return got;
}

type Json = Record<string, unknown>;
const X86_64_618 = bundledVectorFiles().find((p) => basename(p) === 'v6.18-x86_64.json')!;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;
let dir: string;

/** A copy of the x86_64 6.18 file changed by `change`, written to `name`. */
function variantFile(name: string, change: (file: Json) => void): string {
  const file = readJson(X86_64_618);
  change(file);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

const firstSwpEntry = (file: Json) => (file['vectors'] as Json[]).findIndex((v) => v['op'] === 'swp_entry');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmsim-test-hostile-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('vector files: checked against the format before any vector runs', () => {
  test('no constants block: one line naming it (it was a TypeError, twice)', async () => {
    const path = variantFile('no-constants.json', (f) => delete f['constants']);
    expectRefused(await mmsimTest('vectors', path), [`${path}: the file: missing constants`]);
  });

  test('"constants": {} is refused, naming what is missing (it passed)', async () => {
    const path = variantFile('empty-constants.json', (f) => (f['constants'] = {}));
    expectRefused(await mmsimTest('vectors', '--json', path), [`${path}: constants: missing word_bits, pte_bits, PAGE_SHIFT`]);
  });

  test.each([
    [2 ** 53, '9007199254740992'],
    [1e300, '1e+300'],
  ])('a swap type of %s is refused, not truncated (it passed)', async (type, shown) => {
    let index = -1;
    const path = variantFile(`type-${shown}.json`, (f) => {
      index = firstSwpEntry(f);
      (f['vectors'] as Json[])[index]!['type'] = type;
    });
    expectRefused(await mmsimTest('vectors', path), [`${path}: vectors[${index}].type: ${shown} is not a swap type (valid: a whole number 0 to 31`]);
  });

  test('a well-formed vector the backend encodes differently is exit 1, not 2', async () => {
    const path = variantFile('wrong-pte.json', (f) => {
      const v = (f['vectors'] as Json[])[firstSwpEntry(f)]!;
      v['pte'] = `0x${(BigInt(v['pte'] as string) ^ 0x100n).toString(16).padStart(16, '0')}`;
    });
    const run = await mmsimTest('vectors', '--json', path);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect((JSON.parse(run.stdout) as { failed: number }).failed).toBe(1);
  });

  test('many problems: one line, the first ten, then how many more', async () => {
    const path = variantFile('all-bad.json', (f) => {
      for (const v of f['vectors'] as Json[]) v['pte'] = -1;
    });
    const [line] = expectRefused(await mmsimTest('vectors', path), []);
    const at = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(line!.match(new RegExp(`${at}: vectors\\[\\d+\\]\\.pte: -1 is not a whole number 0 or more`, 'g'))).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(line).toMatch(new RegExp(`${at}: … and \\d+ more problems$`));
  });

  test('a long bad value is quoted shortened', async () => {
    const path = variantFile('long-note.json', (f) => ((f['vectors'] as Json[])[0]!['note'] = 'x'.repeat(1_000_000)));
    const [line] = expectRefused(await mmsimTest('vectors', path), ['(1000000 chars) is not a note']);
    expect(line!.length).toBeLessThan(path.length + 200);
  });

  test('a directory, a device, a file that is not JSON, a file over the size cap: one line each', async () => {
    expectRefused(await mmsimTest('vectors', dir), [`${dir}: cannot read (is a directory)`]);
    expectRefused(await mmsimTest('vectors', '/dev/zero'), ['/dev/zero: cannot read (not a regular file)']);
    const text = join(dir, 'text.json');
    writeFileSync(text, 'hello\n'.repeat(1000));
    expectRefused(await mmsimTest('vectors', text), [`${text}: not JSON (`]);
    const huge = join(dir, 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, MAX_VECTOR_FILE_BYTES + 1); // sparse: nothing is written, nothing may be read
    expectRefused(await mmsimTest('vectors', huge), [`${huge}: cannot read (${MAX_VECTOR_FILE_BYTES + 1} bytes, over the 16 MiB a vector file may have)`]);
  });

  test('a file name of any length is cut in the middle', async () => {
    const name = join(dir, 'd'.repeat(5000), 'v.json');
    const [line] = expectRefused(await mmsimTest('vectors', name), [`${dir.slice(0, 20)}`, 'ddd…ddd', `/v.json (${name.length} chars): cannot read (file name too long)`]);
    expect(line!.length).toBeLessThan(260);
  });

  test('run --vectors goes through the same check', async () => {
    const path = variantFile('run-type.json', (f) => ((f['vectors'] as Json[])[firstSwpEntry(f)]!['type'] = 2 ** 53));
    expectRefused(await mmsimTest('run', '--vectors', path, '--arch', 'x86_64'), [`${path}: vectors[`]);
  });
});

describe('--index: a vector of the file, or constants', () => {
  test('-1 is refused (it was taken for the constants block)', async () => {
    expectRefused(await mmsimTest('vectors', 'v6.18-x86_64.json', '--index', '-1'), ["mmsim-test vectors: invalid value '-1' for --index", "'constants'"]);
  });

  test('past the end, and beyond any number, name the file count or the range', async () => {
    const count = (readJson(X86_64_618)['vectors'] as unknown[]).length;
    expectRefused(await mmsimTest('vectors', 'v6.18-x86_64.json', '--index', String(count)), [`no vector ${count} for --index (the file has ${count}: 0 to ${count - 1}, or 'constants')`]);
    expectRefused(await mmsimTest('vectors', 'v6.18-x86_64.json', '--index', '9'.repeat(30)), ["invalid value '999999999999999999999999999999' for --index"]);
  });

  test('hex is a number too; constants still selects the block', async () => {
    const hex = await mmsimTest('vectors', 'v6.18-x86_64.json', '--index', '0x3', '--json');
    expect(hex.status).toBe(0);
    expect(JSON.parse(hex.stdout)).toMatchObject({ passed: 1, failed: 0 });
    const constants = await mmsimTest('vectors', 'v6.18-x86_64.json', '--index', 'constants', '--json');
    expect(JSON.parse(constants.stdout)).toMatchObject({ passed: 1, failed: 0 });
  });
});

describe('counts and seeds within range', () => {
  const one = ['--arch', 'x86_64', '--kernel', '6.18', '--check', 'swap.roundtrip', '--json'];

  test('--num-runs 2^64 is refused with the range (it ran for minutes)', async () => {
    expectRefused(await mmsimTest('conformance', '--num-runs', '18446744073709551616'), ["mmsim-test conformance: invalid value '18446744073709551616' for --num-runs", `${NUM_RUNS.min} to ${NUM_RUNS.max}`]);
    expectRefused(await mmsimTest('conformance', '--num-runs', '0'), ["invalid value '0' for --num-runs"]);
    expectRefused(await mmsimTest('run', '--num-runs', '1000001'), ["mmsim-test run: invalid value '1000001'"]);
    expectRefused(await mmsimTest('conformance', '--num-runs', '1.5'), ["invalid value '1.5'"]);
  });

  test('a 400-digit --seed is refused, quoted shortened, with the 32-bit range (it was accepted)', async () => {
    const [line] = expectRefused(await mmsimTest('conformance', '--seed', '7'.repeat(400)), ["invalid value '77777", '…', '(400 chars) for --seed', `${SEED.min} to ${SEED.max}`]);
    expect(line!.length).toBeLessThan(250);
    expectRefused(await mmsimTest('conformance', '--seed', '2147483648'), ["invalid value '2147483648' for --seed"]);
  });

  test('the ends of the ranges, in decimal and hex, run', async () => {
    for (const args of [
      ['--seed', String(SEED.min), '--num-runs', '0x10'],
      ['--seed', '0x7fffffff', '--num-runs', '1'],
    ]) {
      const run = await mmsimTest('conformance', ...one, ...args);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ good: true });
    }
  });
});

describe('options and commands', () => {
  test('help bogus: one line naming the commands (it printed the whole usage)', async () => {
    expectRefused(await mmsimTest('help', 'bogus'), ["mmsim-test: unknown command 'bogus' (valid: run, vectors, conformance, overview, fuzz, help; no command: run)"]);
    const help = await mmsimTest('help', 'vectors');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: mmsim-test vectors');
  });

  test.each([
    ['conformance', '--seed', '1', '2'],
    ['conformance', '--num-runs', '5', '5'],
    ['vectors', '--reporter', 'tap', 'json'],
  ])('a single-value option given twice is refused: %s %s', async (command, option, a, b) => {
    expectRefused(await mmsimTest(command, option, a, option, b), [`mmsim-test ${command}: option '${option}' given twice ('${a}', then '${b}'); it takes one value`]);
  });

  test('a repeatable option may be given twice', async () => {
    const run = await mmsimTest('conformance', '--arch', 'x86_64', '--arch', 'i386', '--kernel', '6.18', '--check', 'swap.roundtrip', '--num-runs', '2', '--json');
    expect(run.status).toBe(0);
    expect(new Set((JSON.parse(run.stdout) as { matrix: { variant: string }[] }).matrix.map((r) => r.variant))).toEqual(new Set(['x86_64', 'i386']));
  });

  test('--json with another --reporter is refused', async () => {
    expectRefused(await mmsimTest('vectors', '--json', '--reporter', 'tap'), ["mmsim-test vectors: --json and --reporter 'tap' ask for two reports; give one (--json is --reporter json)"]);
  });

  test('every bad value is quoted shortened', async () => {
    const long = 'z'.repeat(5000);
    for (const args of [[long], ['vectors', `--${long}`], ['vectors', '--reporter', long], ['conformance', '--kernel', long], ['conformance', '--arch', long], ['conformance', '--check', long], ['conformance', '--config', `${long}=y`], ['help', long]]) {
      const [line] = expectRefused(await mmsimTest(...args), ["zzzz…'"]);
      // the valid values are listed whole (--check lists every check id); the bad one is cut
      expect(line!.length, args[0]).toBeLessThan(1500);
      expect(line).not.toContain('z'.repeat(41));
    }
  });
});

describe('--config exists where it is asked for', () => {
  test('an empty --config is refused, not read as the default', async () => {
    expectRefused(await mmsimTest('conformance', '--arch', 'x86_64', '--kernel', '6.18', '--num-runs', '2', '--config='), ["--config: an empty value"]);
  });
  test('an option no chosen variant has is refused (NONLINEAR in 6.18, X86_NX on ppc64), as mmsim refuses it', async () => {
    expectRefused(await mmsimTest('conformance', '--kernel', '6.18', '--num-runs', '2', '--config', 'NONLINEAR=n'), ['CONFIG_NONLINEAR does not exist on the chosen variants']);
    expectRefused(await mmsimTest('conformance', '--arch', 'ppc64', '--num-runs', '2', '--config', 'X86_NX=n'), ['CONFIG_X86_NX does not exist on the chosen variants (ppc64@2.6.21, ppc64@6.18)']);
  });
  test('over every arch, X86_NX=n applies where it exists and the other variants keep their default key', async () => {
    const r = await mmsimTest('conformance', '--kernel', '6.18', '--num-runs', '2', '--check', 'swap.round', '--config', 'X86_NX=n', '--reporter', 'tap');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/x86_64@6\.18\+CONFIG_X86_NX=n/);
    expect(r.stdout).not.toMatch(/ppc64@6\.18\+CONFIG_X86_NX/);
  });
});

describe('outputs', () => {
  test('a stdout that cannot be written: one line, exit 2, not an internal error', async () => {
    let stderr = '';
    const io: Io = {
      out: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      err: (text) => void (stderr += text),
    };
    const status = await main(['node', 'mmsim-test', 'vectors', 'v6.18-x86_64.json', '--json'], { io, backends: [x86] });
    expect(status).toBe(2);
    // under --json the one line is a JSON object
    expect(stderr).toBe(`${JSON.stringify({ error: { message: 'mmsim-test: cannot write output: ENOSPC (no space left on device)', status: 2 } })}\n`);
  });
});
