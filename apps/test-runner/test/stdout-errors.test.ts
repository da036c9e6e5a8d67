/**
 * A stdout that cannot take the report — a full device, a reader that closed
 * the pipe — ends the built `mmsim-test` with one line on stderr and exit 2,
 * never a stack trace. Only a real process has a real stdout: these spawn.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const ENV = { ...process.env, NO_COLOR: '1', MMSIM_TEST_PROGRESS: '0' };
const HAS_DEV_FULL = existsSync('/dev/full');

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the package first (pnpm build)`);
});

describe('stdout write errors', () => {
  // /dev/full is Linux's always-full device; elsewhere there is nothing to point stdout at
  test.skipIf(!HAS_DEV_FULL)('> /dev/full: one line naming ENOSPC, exit 2 (it was an uncaught stack)', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [BIN, 'vectors', 'v6.18-x86_64.json', '--json'], { stdio: ['ignore', full, 'pipe'], encoding: 'utf8', env: ENV });
      expect(result.stderr).toBe('mmsim-test: cannot write output: ENOSPC (no space left on device)\n');
      expect(result.status).toBe(2);
    } finally {
      closeSync(full);
    }
  });

  test('a reader that closed the pipe: one line naming EPIPE, exit 2', async () => {
    const child = spawn(process.execPath, [BIN, 'vectors', '--reporter', 'tap'], { stdio: ['ignore', 'pipe', 'pipe'], env: ENV });
    // the reader goes away before the report is written
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).toBe('mmsim-test: cannot write output: EPIPE (the reader closed the pipe)\n');
    expect(status).toBe(2);
  });
});
