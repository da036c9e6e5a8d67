/**
 * `mmsim run SCRIPT`: the simulator on one variant or several side by side,
 * with differences marked, --json traces, --check, and one-line errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { run, runJson } from './helpers.js';

const NONLINEAR = join(__dirname, '..', '..', '..', 'packages', 'mm', 'scenarios', 'nonlinear.mmo');
const dir = mkdtempSync(join(tmpdir(), 'mmsim-run-'));
const script = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('mmsim run', () => {
  test('one variant: the trace in the oracle notation', async () => {
    const r = await run(['run', NONLINEAR, '--arch', 'x86_64', '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2:file(pgoff 6)');
    expect(r.stdout).toMatch(/read \{"r":"SH","page":1\} -> SIGBUS\/BUS_ADRERR/);
  });

  test('several variants: where they differ is marked', async () => {
    // a pgoff of 2^30 fits x86_64's file ptes but not i386's 29 bits
    const path = script(
      'big.mmo',
      'scenario big remap beyond i386 PTE_FILE_MAX_BITS\nfile F tmpfs 1 F\nftruncate F 8796093022208p\nmmap SH 2 rw- shared file=F pgoff=0 slot=0\nremap_file_pages SH 0 1 1073741824 nonblock\n',
    );
    const r = await run(['run', path, '--arch', 'i386', '--arch', 'x86_64', '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('≠ step 4 differs');
    expect(r.stdout).toMatch(/i386@2\.6\.21\n.*remap_file_pages.*-> EINVAL/);
    expect(r.stdout).toMatch(/x86_64@2\.6\.21\n.*remap_file_pages.*-> ok/);
  });

  test('--json: one document with a trace per variant', async () => {
    const doc = await runJson(['run', NONLINEAR, '--arch', 'ppc64', '--kernel', '2.6.21', '--check']);
    expect(doc.command).toBe('run');
    expect(doc.traces).toHaveLength(1);
    expect(doc.traces[0].variant).toBe('ppc64@2.6.21');
    const after = doc.traces[0].steps.find((s: { args: { why?: string } }) => s.args.why === 'after_truncate');
    expect(after.obs.SH.pages[1]).toMatchObject({ st: 'file', pgoff: 5 });
  });

  test('a bad script line is one line with file, line and column, exit 2', async () => {
    const path = script('bad.mmo', 'scenario bad x\nmmap A 4 rw- private,anon slot=0\nfrobnicate A\n');
    const r = await run(['run', path]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.mmo:3:1: unknown op 'frobnicate'/);
  });

  test('a missing script file is one line, exit 2', async () => {
    const r = await run(['run', join(dir, 'nope.mmo')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read script/);
  });

  test('a failing expect is a found failure: exit 1, one line naming the step and what was read', async () => {
    const path = script('expect.mmo', 'scenario e x\nmmap A 2 rw- private,anon slot=0\nwrite A 0 X\nexpect A 0 Y the page keeps Y\nread A 0\n');
    const r = await run(['run', path]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/✗ x86_64@6\.18: step 3 \(line 4\): the page keeps Y: parent reads X at A page 0, not Y/);
    expect(r.stdout).not.toMatch(/read \{/); // the run stopped at the failing step
    const doc = JSON.parse((await run(['run', path, '--json'])).stdout);
    expect(doc.traces[0].steps).toHaveLength(2);
    expect(doc.traces[0].error).toMatch(/step 3/);
  });

  test('a failing syscall keeps its arguments in the step line', async () => {
    const path = script('einval.mmo', 'scenario e x\nmmap A 2 rw- private,anon slot=0\nmadvise A 0 1000000000000000 DONTNEED\n');
    const r = await run(['run', path]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/madvise \{"r":"A","page":0,"npages":1000000000000000,"advice":"DONTNEED"\} -> E[A-Z]+/);
  });

  test.each([
    ['pgoff=abc', 'file F tmpfs 4 F\nmmap B 4 rw- shared file=F pgoff=abc slot=1', /pgoff 'abc' is not a whole number.*; valid: 0 … 18446744073709551615/],
    ['pgoff=-5', 'file F tmpfs 4 F\nmmap B 4 rw- shared file=F pgoff=-5 slot=1', /pgoff '-5' is not/],
    ['pgoff=1.5', 'file F tmpfs 4 F\nmmap B 4 rw- shared file=F pgoff=1.5 slot=1', /pgoff '1\.5' is not/],
    ['empty pgoff', 'file F tmpfs 4 F\nmmap B 4 rw- shared file=F pgoff= slot=1', /pgoff '' is not/],
    ['ftruncate past loff_t', 'file F tmpfs 4 F\nftruncate F 99999999999999999999p', /size '99999999999999999999p' is not within loff_t; valid: 0 … 9223372036854775807/],
    ['remap flags by name', 'file F tmpfs 4 F\nmmap B 4 rw- shared file=F slot=1\nremap_file_pages B 0 1 0 flags=abc', /flags 'abc' is not a known flag; valid: nonblock/],
    ['slot past unsigned long', 'mmap A 4 rw- private,anon slot=99999999999999', /slot '99999999999999' is not in range; valid: 0 … \d+/],
    ['op named like a prototype key', 'toString A', /unknown op 'toString'/],
  ])('bad value (%s): one line with file:line:column, the value and the valid range, exit 2', async (_name, body, message) => {
    const path = script('value.mmo', `scenario v x\n${body}\n`);
    const r = await run(['run', path, '--kernel', '2.6.21']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/value\.mmo:\d+:\d+: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  test('pgoff past a 32-bit unsigned long is refused on i386 only', async () => {
    const path = script('pgoff32.mmo', 'scenario v x\nfile F tmpfs 4 F\nmmap B 4 rw- shared file=F pgoff=18446744073709551615 slot=1\n');
    const r = await run(['run', path, '--arch', 'i386']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pgoff '18446744073709551615' is not within a 32-bit unsigned long; valid: 0 … 4294967295/);
  });

  test('a long token is quoted shortened, never whole', async () => {
    const path = script('long.mmo', `scenario l x\nmmap A 2 rw- private,anon slot=0\nwrite A 0 ${'x'.repeat(100000)}\n`);
    const r = await run(['run', path]);
    expect(r.status).toBe(2);
    expect(r.stderr.length).toBeLessThan(300);
    expect(r.stderr).toMatch(/tag 'x{40}…' is not/);
  });

  test('a directory or a device is one line, exit 2', async () => {
    for (const [target, message] of [
      [dir, /is a directory/],
      ['/dev/zero', /is more than 33554432 bytes/],
    ] as const) {
      const r = await run(['run', target]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });

  test('a big region lists a sample, --all-pages lists every page up to its cap', async () => {
    const path = script('big-region.mmo', 'scenario b x\nmmap A 5000 rw- private,anon slot=0\nwrite A 4999 Z\n');
    const r = await run(['run', path]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/31:- 4968:-/);
    expect(r.stdout).toMatch(/\(64 of 5000 pages listed\)/);
    const sampled = (await runJson(['run', path])).traces[0].steps[1].obs.A;
    expect(sampled.pages).toHaveLength(64);
    expect(sampled.summary).toMatchObject({ present: 1, none: 4999 });
    const all = await run(['run', path, '--all-pages']);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/ 2500:- /);
    expect(all.stdout).not.toMatch(/pages listed/);
    const huge = script('huge-region.mmo', 'scenario b x\nmmap A 300000 rw- private,anon slot=0\n');
    const capped = await run(['run', huge, '--all-pages']);
    expect(capped.status).toBe(2);
    expect(capped.stderr).toMatch(/huge-region\.mmo:2:8: page count '300000' is more than all pages can list; valid: 0 … 262144/);
  });

  test('--frames is checked', async () => {
    const r = await run(['run', NONLINEAR, '--frames', '12x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--frames '12x' is not a frame count; valid: 64 … 4194304/);
  });

  test('running out of frames ends the run cleanly, never exit 3', async () => {
    const path = script('oom.mmo', 'scenario o x\nmmap A 200 rw- private,anon slot=0\nwrite_all A P\nread A 0\n');
    const r = await run(['run', path, '--frames', '64']);
    expect([0, 1]).toContain(r.status);
    expect(r.stderr).not.toMatch(/at .*\.js/);
    expect(r.stdout).toMatch(/oom_kill|out_of_memory/);
  });

  test('past MANY_REGIONS regions a step shows only the regions it names, and says so', async () => {
    const { MANY_REGIONS } = await import('@mmsim/mm/script');
    const n = MANY_REGIONS + 1;
    const path = script('many.mmo', `scenario m x\n${Array.from({ length: n }, (_, i) => `mmap R${i} 4 rw- private,anon slot=${i}`).join('\n')}\nwrite R0 1 X\n`);
    const r = await run(['run', path]);
    expect(r.status).toBe(0);
    const tail = r.stdout.trimEnd().split('\n').slice(-3);
    expect(tail[0]).toMatch(/^\d+ P write \{"r":"R0","page":1,"tag":"X"\}/);
    expect(tail[1]).toMatch(/^ +R0: 0:- 1:P\d+x\[1\]=X 2:- 3:-/);
    expect(tail[2]).toBe(`      (${n - 1} other regions not observed: past ${MANY_REGIONS} regions a step shows only those it names)`);
  });
});
