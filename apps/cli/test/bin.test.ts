/**
 * The built launcher (dist/bin.js → dist/run.cjs) as a real process: what
 * main() returns is the process's exit status, the version is the package's,
 * and a bug's stack trace shows only with MMSIM_DEBUG=1. Everything else runs
 * in-process through main() (helpers.ts); stdout write errors are in
 * write-errors.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BIN, CLI_DIR, expectUsageError, requireBuilt, spawnBin } from './helpers.js';

beforeAll(requireBuilt);

describe('the mmsim launcher', () => {
  test('--version: the package version, exit 0', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = spawnBin(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${version}\n`);
  });

  test('the exit status is main()’s: 0 done, 1 refused, 2 bad input', () => {
    const ok = spawnBin(['decode', '0x5040', '--arch', 'x86_64@2.6.21', '--json']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).results).toHaveLength(1);
    expect(spawnBin(['encode', 'file', '--pgoff', '1', '--kernel', '6.18']).status).toBe(1);
    expectUsageError(spawnBin(['decode', '0xZZ']), "mmsim decode: argument 1: '0xZZ' is not an unsigned integer (hex 0x…, binary 0b…, octal 0o… or decimal, '_' between digits); valid: 0–0xffffffffffffffff");
  });

  test('a bug: one line with a hint, exit 3; MMSIM_DEBUG=1 adds the stack trace', () => {
    const args = ['decode', '1', '--backend', 'test/fixtures/broken-backend.mjs', '--arch', 'broken'];
    const result = spawnBin(args);
    expect(result.status).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mmsim: internal error: .+ \(set MMSIM_DEBUG=1 for the stack trace\)\n$/);
    const debug = spawnBin(args, { NO_COLOR: '1', MMSIM_DEBUG: '1' });
    expect(debug.status).toBe(3);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  test("decode -: the process's real stdin, the issue's dmesg line piped in", () => {
    const line = 'BUG: Bad page map in process a  pte:8000000012345067 pmd:0000000012300067\n';
    const result = spawnSync(process.execPath, [BIN, 'decode', '-', '--arch', 'x86_64', '--kernel', '6.18', '--json'], { input: line, encoding: 'utf8', cwd: CLI_DIR, env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.items[0].results[0].fields[0]).toMatchObject({ name: 'pfn', value: '0x12345' });
  });
});
