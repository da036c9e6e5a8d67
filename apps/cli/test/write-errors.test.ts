/**
 * stdout that cannot take the output: one line on stderr and a non-zero
 * exit, never a stack trace (issue 9). Real child processes with stdout on
 * /dev/full (ENOSPC) and on a pipe whose reader has gone (EPIPE).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { BIN, CLI_DIR, requireBuilt } from './helpers.js';

beforeAll(requireBuilt);

const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
delete env['MMSIM_DEBUG'];

describe('write errors on stdout', () => {
  const full = existsSync('/dev/full');

  test.skipIf(!full)('ENOSPC (stdout on /dev/full): one line, exit 2, for text and --json', () => {
    for (const args of [['decode', '0x5040'], ['limits', '--json'], ['layout', 'x86_64']]) {
      const fd = openSync('/dev/full', 'w');
      try {
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: CLI_DIR, env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
        expect(r.stderr).toBe('mmsim: cannot write output: ENOSPC (no space left on device)\n');
        expect(r.status).toBe(2);
      } finally {
        closeSync(fd);
      }
    }
  });

  test('EPIPE (the reader closed the pipe, as `| head` does): one line naming EPIPE, exit 2', async () => {
    const child = spawn(process.execPath, [BIN, 'decode', '0x5040', '--arch', 'all'], { cwd: CLI_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the first write
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const status = await new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    expect(stderr).toBe('mmsim: cannot write output: EPIPE (the reader closed the pipe)\n');
    expect(status).toBe(2);
  });
});
