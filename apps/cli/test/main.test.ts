/**
 * The library entry in-process: main() with its own io, discovery, or a
 * given list of backends.
 */
import { powerpc } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { main, type Io } from '../src/index.js';

function capture(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

describe('main()', () => {
  test('returns the status and writes through the given io', async () => {
    const io = capture();
    const status = await main(['encode', 'swap', '--type', '3', '--offset', '0x1234', '--arch', 'x86_64@6.18', '--json'], { io });
    expect(status).toBe(0);
    expect(io.stderr).toBe('');
    expect(JSON.parse(io.stdout).results[0].pte).toBe('0x1fffffffffdb9600');
  });

  test('backends: given instead of discovered', async () => {
    const io = capture();
    expect(await main(['limits', '--json'], { io, backends: [powerpc] })).toBe(0);
    expect(JSON.parse(io.stdout).variants).toHaveLength(6);
    const bad = capture();
    expect(await main(['decode', '1', '--arch', 'x86_64'], { io: bad, backends: [powerpc] })).toBe(2);
    expect(bad.stderr).toBe("mmsim decode: unknown arch 'x86_64' (valid: all, powerpc, ppc32, ppc64, ppc64-64k)\n");
  });

  test('colour follows isTTY and NO_COLOR', async () => {
    const tty = capture();
    await main(['limits', '--arch', 'ppc32'], { io: tty, isTTY: true, env: {} });
    expect(tty.stdout).toMatch(/\u001b\[/);
    const off = capture();
    await main(['limits', '--arch', 'ppc32'], { io: off, isTTY: true, env: { NO_COLOR: '1' } });
    expect(off.stdout).not.toMatch(/\u001b\[/);
  });
});
