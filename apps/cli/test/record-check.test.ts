/**
 * `mmsim record` and `mmsim check` on this host: a fixture script checked
 * identical (exit 0), a known model gap shown divergent with the differing
 * step marked (exit 1), bad input and an op the recorder refuses (exit 2,
 * one line). Needs Linux, root, a C compiler and an x86_64 6.18 kernel;
 * elsewhere each is a skip with the reason.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostProblem, hostProfile, privilegeProblem } from '@mmsim/recorder';
import { afterAll, describe, expect, test } from 'vitest';
import { expectUsageError, run } from './helpers.js';

const FIXTURES = join(__dirname, '..', '..', '..', 'packages', 'mm', 'test', 'fixtures', 'host');
const dir = mkdtempSync(join(tmpdir(), 'mmsim-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

function why(): string | undefined {
  const problem = hostProblem() ?? privilegeProblem();
  if (problem) return problem;
  try {
    const id = hostProfile().id;
    return id === 'x86_64@6.18' ? undefined : `these cases are for x86_64@6.18; this host is ${id}`;
  } catch (error) {
    return (error as Error).message;
  }
}
const SKIP = why();
const hostTest = SKIP ? (name: string, _fn: () => unknown) => test.skip(`${name} — skipped: ${SKIP}`, () => {}) : (name: string, fn: () => unknown) => test(name, fn, 60_000);

describe('mmsim record', () => {
  hostTest('prints the steps it recorded; --json gives the trace schema', async () => {
    const r = await run(['record', join(FIXTURES, 'swap_minimal.mmo')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^swap_minimal: 12 steps recorded on Linux 6\.18/);
    expect(r.stdout).toContain('2 P mmap {"r":"A","pages":4,"prot":"rw-","flags":["private","anon"],"slot":0} -> ok');
    expect(r.stdout).toMatch(/^      A: 0:S\d+@T0\(\+0\) 1:S\d+@T0\(\+1\)/m);
    const j = await run(['record', join(FIXTURES, 'swap_minimal.mmo'), '--json']);
    const rec = JSON.parse(j.stdout);
    expect(rec.steps[2].obs.A.pages[0]).toMatchObject({ i: 0, st: 'present', pfn: 'P0', data: 'A0', mapcnt: 1 });
  });
});

describe('mmsim check', () => {
  hostTest('a fixture the model matches: side by side, identical, exit 0', async () => {
    const r = await run(['check', join(FIXTURES, 'anon_fork_cow.mmo')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/host Linux 6\.18\.\S+ against the model's x86_64@6\.18/);
    expect(r.stdout).toMatch(/^=\s+8 C write \{"page":1,"r":"A","tag":"C1"\}$/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('identical: 18 steps');
  });

  // a gap in the model when this was written (the host fuzzer's class "read past the end of a one-page
  // ext4 file"): the host maps nothing before the SIGBUS there, the model maps page 0 by fault-around
  // (as the kernel does for a tmpfs file, which the model matches; the ext4 difference is not explained yet)
  hostTest('a divergence: the differing step and rows marked, exit 1', async () => {
    const path = script('eof1.mmo', 'scenario eof1 read past EOF of a one-page ext4 file\nfile F ext4 1 F\nmmap S 2 rw- shared file=F slot=2\nread S 1\n');
    const r = await run(['check', path]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^≠\s+3 P read \{"page":1,"r":"S"\}$/m);
    expect(r.stdout).toMatch(/^≠\s+S\[0\]\s+host : none\(incore\)/m);
    expect(r.stdout).toMatch(/^\s+ret\s+\{"ok":false,"si_code":"BUS_ADRERR","signal":"SIGBUS"\}/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^divergent: 1 of 3 steps differ \(first: step 3\)/);
  });

  test('--arch names another machine: one line, exit 2', async () => {
    expectUsageError(await run(['check', join(FIXTURES, 'anon_fork_cow.mmo'), '--arch', 'ppc64']), 'mmsim check: check runs the simulator profile of this host; --arch is not taken (record elsewhere, or use mmsim run)');
  });

  hostTest('--json: the verdict, the recording and the model\'s trace', async () => {
    const r = await run(['check', join(FIXTURES, 'swap_minimal.mmo'), '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ command: 'check', verdict: 'identical', alternative: null, differing: [], host: { profile: 'x86_64@6.18' } });
    expect(j.recording.steps).toHaveLength(12);
    expect(j.model.steps).toHaveLength(12);
  });

  test('bad input: one line, exit 2, before anything runs on the host', async () => {
    const path = script('bad.mmo', 'mmap A 1 rw- private,anon slot=0\nfrobnicate A\n');
    const r = await run(['check', path]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.mmo:2:1: unknown op 'frobnicate'/);
  });

  hostTest('an op the simulator runs but a kernel cannot be made to: one line with the reason, exit 2', async () => {
    const path = script('pin.mmo', 'mmap A 1 rw- private,anon slot=0\nwrite A 0 x\ngup A 0 write,pin X\n');
    const r = await run(['check', path]);
    expectUsageError(r, `mmsim check: ${path}:3: 'gup' cannot be recorded: a driver's get_user_pages pin; no system call takes one that a script could drop at will`);
  });
});
