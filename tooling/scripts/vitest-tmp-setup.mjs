/**
 * vitest globalSetup of the apps' tests (apps/cli, apps/test-runner): every temporary folder the tests
 * make goes under one folder of this run (TMPDIR, which os.tmpdir() and the spawned bins read), removed
 * when the run ends, whatever a test forgot to clean up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup() {
  const root = mkdtempSync(join(tmpdir(), 'mmsim-tests-'));
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  return () => {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
    rmSync(root, { recursive: true, force: true });
  };
}
