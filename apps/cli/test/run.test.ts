/**
 * `mmsim run SCRIPT`: the simulator on one variant or several side by side,
 * with differences marked, --json traces, --check, and one-line errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { requireBuilt, run, runJson } from './helpers.js';

const NONLINEAR = join(__dirname, '..', '..', '..', 'packages', 'mm', 'scenarios', 'nonlinear.mmo');
const dir = mkdtempSync(join(tmpdir(), 'mmsim-run-'));
const script = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(requireBuilt);

describe('mmsim run', () => {
  test('one variant: the trace in the oracle notation', () => {
    const r = run(['run', NONLINEAR, '--arch', 'x86_64', '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2:file(pgoff 6)');
    expect(r.stdout).toMatch(/read \{"r":"SH","page":1\} -> SIGBUS\/BUS_ADRERR/);
  });

  test('several variants: where they differ is marked', () => {
    // a pgoff of 2^30 fits x86_64's file ptes but not i386's 29 bits
    const path = script(
      'big.mmo',
      'scenario big remap beyond i386 PTE_FILE_MAX_BITS\nfile F tmpfs 1 F\nftruncate F 8796093022208p\nmmap SH 2 rw- shared file=F pgoff=0 slot=0\nremap_file_pages SH 0 1 1073741824 nonblock\n',
    );
    const r = run(['run', path, '--arch', 'i386', '--arch', 'x86_64', '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('≠ step 4 differs');
    expect(r.stdout).toMatch(/i386@2\.6\.21\n.*remap_file_pages.*-> EINVAL/);
    expect(r.stdout).toMatch(/x86_64@2\.6\.21\n.*remap_file_pages.*-> ok/);
  });

  test('--json: one document with a trace per variant', () => {
    const doc = runJson(['run', NONLINEAR, '--arch', 'ppc64', '--kernel', '2.6.21', '--check']);
    expect(doc.command).toBe('run');
    expect(doc.traces).toHaveLength(1);
    expect(doc.traces[0].variant).toBe('ppc64@2.6.21');
    const after = doc.traces[0].steps.find((s: { args: { why?: string } }) => s.args.why === 'after_truncate');
    expect(after.obs.SH.pages[1]).toMatchObject({ st: 'file', pgoff: 5 });
  });

  test('a bad script line is one line with file, line and column, exit 2', () => {
    const path = script('bad.mmo', 'scenario bad x\nmmap A 4 rw- private,anon slot=0\nfrobnicate A\n');
    const r = run(['run', path]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.mmo:3:1: unknown op 'frobnicate'/);
  });

  test('a missing script file is one line, exit 2', () => {
    const r = run(['run', join(dir, 'nope.mmo')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read script/);
  });
});
