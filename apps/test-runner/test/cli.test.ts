/**
 * The `mmsim-test` commands as a user runs them: exit status, stdout and
 * stderr. In-process through main() (the bin is main(process.argv) and its
 * exit status); the built bin itself, as a child process, only where a real
 * process is what is under test (the launcher, the task list on stderr).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledVectorFiles } from '@mmsim/conformance';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { powerpc } from '@mmsim/arch-powerpc';
import { x86 } from '@mmsim/arch-x86';
import { main, type Io } from '../src/cli.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const REPO = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `mmsim-test ARGS` in-process: main() with its own io, discovering the installed backends. */
async function run(...args: string[]): Promise<Run> {
  const out = { status: -1 as number | null, stdout: '', stderr: '' };
  const io: Io = { out: (text) => void (out.stdout += text), err: (text) => void (out.stderr += text) };
  out.status = await main(['node', 'mmsim-test', ...args], { io });
  return out;
}

/** The built bin as a child process. */
function spawnBin(args: readonly string[], env: Record<string, string> = { MMSIM_TEST_PROGRESS: '0' }): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A usage or input error: exit 2, nothing on stdout, exactly one line on stderr, no stack trace. */
function expectOneLineError(result: Run, ...mentions: string[]): string {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  for (const text of mentions) expect(lines[0]).toContain(text);
  return lines[0]!;
}

type Json = Record<string, unknown>;
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

let dir: string;
const X86_64_2621 = bundledVectorFiles().find((path) => basename(path) === 'v2.6.20-x86_64.json')!;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the package first (pnpm build)`);
  dir = mkdtempSync(join(tmpdir(), 'mmsim-test-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mmsim-test vectors', () => {
  test('--json on the bundled files: one JSON object, every check passes', async () => {
    const result = await run('vectors', '--json');
    const expectedPassed = bundledVectorFiles().reduce((n, path) => n + (readJson(path)['vectors'] as unknown[]).length + 1, 0);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { passed: number; failed: number; failures: unknown[] };
    expect(Object.keys(report).sort()).toEqual(['failed', 'failures', 'passed']);
    expect(report.failed).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(expectedPassed);
    // every reference file in the conformance package's vectors/ folder is bundled (counted, not listed: a new arch adds its own)
    const folder = join(REPO, 'packages', 'conformance', 'vectors');
    expect(bundledVectorFiles().map((path) => basename(path)).sort()).toEqual(readdirSync(folder).filter((name) => /^v[\d.]+-.*\.json$/.test(name)).sort());
  });

  test('the readable report names every bundled file and ends with the totals', async () => {
    const result = await run('vectors');
    expect(result.status).toBe(0);
    for (const path of bundledVectorFiles()) expect(result.stdout).toContain(basename(path));
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^vectors: \d+ passed, 0 failed$/);
  });

  describe('a corrupted copy of a vector file', () => {
    let corrupted: string;
    let index: number;
    let wrongPte: string;

    beforeAll(() => {
      const file = readJson(X86_64_2621);
      const vectors = file['vectors'] as Json[];
      index = vectors.findIndex((v) => v['op'] === 'swp_entry');
      const pte = BigInt(vectors[index]!['pte'] as string);
      wrongPte = `0x${(pte ^ 0x100n).toString(16).padStart(16, '0')}`;
      vectors[index]!['pte'] = wrongPte;
      corrupted = join(dir, 'corrupted-x86_64.json');
      writeFileSync(corrupted, JSON.stringify(file));
    });

    test('--json: failed ≥ 1, exit 1, a failure naming the field', async () => {
      const result = await run('vectors', '--json', corrupted);
      expect(result.status).toBe(1);
      const report = JSON.parse(result.stdout) as { passed: number; failed: number; failures: Json[] };
      expect(report.failed).toBeGreaterThanOrEqual(1);
      const failure = report.failures.find((f) => f['field'] === 'pte');
      expect(failure).toMatchObject({ file: corrupted, index, op: 'swp_entry', field: 'pte', expected: wrongPte });
      expect(failure!['actual']).not.toBe(wrongPte);
      for (const f of report.failures) for (const key of ['file', 'index', 'op', 'field', 'expected', 'actual']) expect(f).toHaveProperty(key);
    });

    test('readable: the variant, op, field, input, expected and actual', async () => {
      const result = await run('vectors', corrupted);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain(`vector #${index}`);
      expect(result.stdout).toMatch(/op\s+swp_entry/);
      expect(result.stdout).toMatch(/field\s+pte/);
      expect(result.stdout).toContain('x86_64@2.6.21');
      expect(result.stdout).toMatch(/input\s+type=/);
      expect(result.stdout).toContain(`expected  ${wrongPte}`);
      expect(result.stdout).toMatch(/vectors: \d+ passed, 1 failed/);
    });

    test('colour only on a terminal or when asked: CI set and stdout a pipe gives plain text; FORCE_COLOR gives colour; NO_COLOR wins', () => {
      // picocolors on its own colours whenever CI is set, even into a pipe: the report in a CI log
      // or a script's capture must be the same text as here
      const plain = spawnBin(['vectors', corrupted], { MMSIM_TEST_PROGRESS: '0', CI: '1', NO_COLOR: '' });
      expect(plain.status).toBe(1);
      expect(plain.stdout).toMatch(/^FAIL /m);
      expect(plain.stdout).not.toContain('\u001b[');
      const forced = spawnBin(['vectors', corrupted], { MMSIM_TEST_PROGRESS: '0', FORCE_COLOR: '1', NO_COLOR: '' });
      expect(forced.stdout).toContain('\u001b[31mFAIL ');
      const both = spawnBin(['vectors', corrupted], { MMSIM_TEST_PROGRESS: '0', FORCE_COLOR: '1', NO_COLOR: '1' });
      expect(both.stdout).not.toContain('\u001b[');
    });

    test('a wrong constant is caught too', async () => {
      const file = readJson(X86_64_2621);
      (file['constants'] as Json)['PAGE_SHIFT'] = 13;
      const path = join(dir, 'wrong-page-shift.json');
      writeFileSync(path, JSON.stringify(file));
      const result = await run('vectors', '--json', path);
      expect(result.status).toBe(1);
      const report = JSON.parse(result.stdout) as { failures: Json[] };
      expect(report.failures).toContainEqual(expect.objectContaining({ op: 'constants', field: 'constants.PAGE_SHIFT', expected: '13', actual: '12' }));
    });
  });

  describe('bad input: one line naming the file and the problem, exit 2', () => {
    test('a missing file', async () => {
      const path = join(dir, 'no-such-file.json');
      expectOneLineError(await run('vectors', '--json', path), path, 'cannot read');
    });

    test('a directory', async () => {
      expectOneLineError(await run('vectors', dir), dir, 'is a directory');
    });

    test('not JSON', async () => {
      const path = join(dir, 'broken.json');
      writeFileSync(path, '{"format": "linux-pte-oracle/1", "vectors": [');
      expectOneLineError(await run('vectors', '--json', path), path, 'not JSON');
    });

    test('JSON in another format', async () => {
      const path = join(dir, 'other.json');
      writeFileSync(path, '{"hello": "world"}');
      expectOneLineError(await run('vectors', path), path, 'linux-pte-oracle/1');
    });

    test('an unknown variant', async () => {
      const file = readJson(X86_64_2621);
      file['variant'] = 'v2.6.20-vax';
      const path = join(dir, 'vax.json');
      writeFileSync(path, JSON.stringify(file));
      expectOneLineError(await run('vectors', '--json', path), path, "'v2.6.20-vax'");
    });

    test('an unknown kernel', async () => {
      const file = readJson(X86_64_2621);
      file['kernel'] = 'Linux 3.10';
      file['variant'] = 'x86_64';
      const path = join(dir, 'linux-3.10.json');
      writeFileSync(path, JSON.stringify(file));
      expectOneLineError(await run('vectors', path), path, 'Linux 3.10');
    });
  });
});

describe('bad usage: one line naming the bad value and the valid ones, exit 2', () => {
  test('an unknown command', async () => {
    expectOneLineError(await run('frobnicate'), "'frobnicate'", 'vectors', 'conformance', 'overview');
  });

  test('an unknown option', async () => {
    expectOneLineError(await run('vectors', '--jsno'), "'--jsno'", '--json');
    expectOneLineError(await run('--verbose', 'overview'), "'--verbose'", '--help');
  });

  test('a bad --kernel value', async () => {
    expectOneLineError(await run('conformance', '--kernel', '5.4'), "'5.4'", '2.6.21', '6.18');
    expectOneLineError(await run('conformance', '--kernel'), '--kernel', '2.6.21', '6.18');
  });

  test('a bad --arch value', async () => {
    expectOneLineError(await run('conformance', '--arch', 'vax'), "'vax'", 'x86_64', 'x86');
  });

  test('an argument overview does not take', async () => {
    expectOneLineError(await run('overview', 'x86_64'), "'x86_64'");
  });

  test('options before the command are the command\'s (one parser: the command is found wherever it sits)', async () => {
    expectOneLineError(await run('--backend', dir, 'overview'), 'mmsim-test overview: ', dir);
  });

  test('a bad --reporter, --index, --config or --check value', async () => {
    expectOneLineError(await run('vectors', '--reporter', 'xml'), "'xml'", 'junit', 'tap');
    expectOneLineError(await run('vectors', '--index', 'seven'), "'seven'", 'constants');
    expectOneLineError(await run('vectors', 'v6.18-x86_64.json', '--index', '9999'), 'no vector 9999');
    expectOneLineError(await run('conformance', '--config', 'NONLINEAR=maybe'), "'NONLINEAR=maybe'", 'NAME=y');
    expectOneLineError(await run('conformance', '--config', 'FROB=n'), "'FROB'", 'CONFIG_NONLINEAR');
    expectOneLineError(await run('conformance', '--check', 'frob.'), "'frob.'", 'swap.roundtrip');
  });

  test('--help, help COMMAND and --version exit 0', async () => {
    expect((await run('--help')).status).toBe(0);
    const help = await run('help', 'vectors');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: mmsim-test vectors');
    const version = await run('--version');
    expect(version.status).toBe(0);
    // the package's version is put in at build time: the built bin's below shows it
    expect(version.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('mmsim-test overview', () => {
  test('lists every built-in variant in its era, and points at the other commands', async () => {
    const result = await run('overview');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    // the kit's overview, the one mmsim prints: a table per era
    const [, old, recent] = result.stdout.split(/^Linux (?:2\.6\.21|6\.18)$/m);
    const specs = [x86, powerpc].flatMap((b) => b.variants);
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      const section = spec.era === '2.6.21' ? old! : recent!;
      expect(section.split('\n').some((line) => line.startsWith(`${spec.id} `)), `${spec.id}@${spec.era}`).toBe(true);
    }
    expect(result.stdout).toContain('mmsim-test vectors');
    expect(result.stdout).toContain('mmsim-test conformance');
  });

  test('the x86_64 2.6.21 row holds the kernel values, in text and --json', async () => {
    const out = (await run('overview', '--arch', 'x86_64@2.6.21')).stdout;
    const row = out.split('\n').find((line) => line.startsWith('x86_64 '))!;
    // swp_entry(3, 0x1234): type in bits 1..6, offset from bit 8; pgoff 0x1234 << 12 | _PAGE_FILE (0x40)
    expect(row.split(/\s+/)).toEqual(['x86_64', '4K', '4', 'pgd/pud/pmd/pte', '48', '34', '30', '56', '0xffffffffffffff', '46', '0x0000000000123406', '0x0000000001234040']);
    const result = await run('overview', '--json', '--arch', 'x86_64@2.6.21');
    expect(result.stderr).toBe('');
    const doc = JSON.parse(result.stdout) as { variants: Json[] };
    expect(doc.variants).toEqual([expect.objectContaining({ variant: 'x86_64@2.6.21', swapPte: '0x0000000000123406', filePte: '0x0000000001234040', maxSwapOffset: '0xffffffffffffff' })]);
  });

  test('--arch takes the forms mmsim takes: ID@ERA, lists, all; --kernel repeats', async () => {
    const keys = async (...args: string[]) => {
      const result = await run('overview', '--json', ...args);
      expect(result.stderr).toBe('');
      return (JSON.parse(result.stdout) as { variants: { variant: string }[] }).variants.map((v) => v.variant);
    };
    expect(await keys('--arch', 'x86_64@6.18')).toEqual(['x86_64@6.18']);
    expect(await keys('--arch', 'x86_64,ppc64', '--kernel', '6.18')).toEqual(['ppc64@6.18', 'x86_64@6.18']);
    expect(await keys('--arch', 'x86_64', '--kernel', '6.18', '--kernel', '2.6.21')).toEqual(['x86_64@2.6.21', 'x86_64@6.18']);
    expect((await keys('--arch', 'all')).length).toBe((await keys()).length);
    expectOneLineError(await run('conformance', '--arch', 'x86_64@6.18', '--seed', '1', '--seed', '2'), "option '--seed' given twice ('1', then '2')");
  });
});

describe('mmsim-test conformance', () => {
  test('--json, filtered by variant id and era', async () => {
    const result = await run('conformance', '--json', '--arch', 'x86_64', '--kernel', '6.18', '--num-runs', '20');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { good: boolean; failed: number; matrix: Json[] };
    expect(report.good).toBe(true);
    expect(report.failed).toBe(0);
    expect(report.matrix.length).toBeGreaterThan(0);
    for (const row of report.matrix) expect(row).toMatchObject({ backend: 'x86', variant: 'x86_64', era: '6.18' });
  });

  test('the readable matrix: backend × era × config', async () => {
    const result = await run('conformance', '--arch', 'i386', '--kernel', '2.6.21', '--num-runs', '10');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/backend\s+variant\s+era\s+config\s+pass\s+fail\s+skip\s+xfail\s+xpass/);
    expect(result.stdout).toMatch(/^x86\s+i386\s+2\.6\.21\s+default\s/m);
    expect(result.stdout).toMatch(/^x86\s+i386\s+2\.6\.21\s+NONLINEAR=n\s/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: \d+ passed, 0 failed, \d+ skipped$/);
  });
});

describe('the built bin (dist/bin.js), a real process', () => {
  test('--version: exit 0, the version on stdout', () => {
    const version = spawnBin(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(readJson(fileURLToPath(new URL('../package.json', import.meta.url)))['version'] as string);
  });

  test('bad usage: exit 2, one line, no stack trace; a found failure: exit 1', () => {
    expectOneLineError(spawnBin(['conformance', '--kernel', '5.4']), "'5.4'", '2.6.21', '6.18');
    const file = readJson(X86_64_2621);
    (file['constants'] as Json)['PAGE_SHIFT'] = 13;
    const path = join(dir, 'wrong-page-shift-bin.json');
    writeFileSync(path, JSON.stringify(file));
    const failed = spawnBin(['vectors', '--json', path]);
    expect(failed.status).toBe(1);
    expect((JSON.parse(failed.stdout) as { failed: number }).failed).toBe(1);
  });

  test('the default reporter shows the task list on stderr, the report on stdout (one variant configuration)', () => {
    const result = spawnBin(['--arch', 'ppc32', '--kernel', '2.6.21'], {});
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/powerpc: conformance/);
    expect(result.stdout).not.toMatch(/powerpc: conformance/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^total: \d+ passed, 0 failed, \d+ skipped$/);
  });
});
