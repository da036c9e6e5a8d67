/**
 * The runner in-process, with a planted backend: what a failing conformance
 * run looks like, without breaking a real backend.
 */
import { x86_64_618 } from '@mmsim/arch-x86';
import { bundledVectorFiles, CHECKS, runCheck } from '@mmsim/conformance';
import { compileVariant, defineBackend } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { main, type Io } from '../src/cli.js';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

// declares a check it passes as an expected failure: reported as an unexpected pass
const passing = CHECKS.find((c) => runCheck(c, compileVariant(x86_64_618), { numRuns: 10 }).status === 'pass')!.id;
const planted = defineBackend({
  specificationVersion: 'v1',
  name: 'planted',
  variants: [{ ...x86_64_618, expectedFailures: [{ check: passing, reason: 'planted for the test', message: 'planted for the test' }] }],
});

describe('conformance with a failing result', () => {
  test('readable: the unexpected pass is listed and the exit status is 1', async () => {
    const io = capture();
    const status = await main(['node', 'mmsim-test', 'conformance', '--check', passing, '--kernel', '6.18', '--num-runs', '10'], { io, backends: [planted] });
    expect(status).toBe(1);
    expect(io.stdout).toContain(`UNEXPECTED PASS x86_64@6.18 ${passing}`);
    expect(io.stdout).toMatch(/^planted\s+x86_64\s+6\.18\s+default\s/m);
    expect(io.stdout.trimEnd().split('\n').at(-1)).toMatch(/^conformance: \d+ passed, [1-9]\d* failed, \d+ skipped$/);
  });

  test('--json: good is false and the failure is listed', async () => {
    const io = capture();
    const status = await main(['node', 'mmsim-test', 'conformance', '--json', '--check', passing, '--num-runs', '10'], { io, backends: [planted] });
    expect(status).toBe(1);
    const report = JSON.parse(io.stdout) as { good: boolean; unexpectedPasses: number; failures: { check: string; status: string }[] };
    expect(report.good).toBe(false);
    expect(report.unexpectedPasses).toBeGreaterThan(0);
    expect(report.failures.every((f) => f.check.startsWith(passing) && f.status === 'unexpected-pass')).toBe(true);
  });
});

describe('vectors against backends that lack the variant', () => {
  test('every bundled file it cannot place is named, one line each, exit 2', async () => {
    const io = capture();
    const status = await main(['node', 'mmsim-test', 'vectors', '--json'], { io, backends: [planted] });
    expect(status).toBe(2);
    expect(io.stdout).toBe('');
    // under --json the error is one JSON object on stderr, naming every file (all but v6.18-x86_64.json)
    const lines = io.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const { error } = JSON.parse(lines[0]!) as { error: { message: string; status: number } };
    expect(error.status).toBe(2);
    expect(error.message.match(/v[\d.]+-[\w-]+\.json: no installed backend has variant/g)).toHaveLength(bundledVectorFiles().length - 1);
  });
});
