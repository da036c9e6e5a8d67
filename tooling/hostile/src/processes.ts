/**
 * The few cases that need a real process: stdout on /dev/full or a closed
 * pipe, /dev/zero as an input, and the bins' own exit statuses and stack
 * traces. Each runs the built bin under the same time limit, and is killed
 * when its resident memory passes the limit.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Case, Outcome } from './case.js';
import type { Limits } from './pool.js';
import { CLI_BIN, RUNNER_BIN } from './paths.js';

export interface ProcessCase extends Case {
  /** where stdout goes: a pipe we read, /dev/full, or a pipe closed after the first chunk */
  readonly stdout: 'pipe' | 'full' | 'closed';
}

export const PROCESS_CASES: readonly ProcessCase[] = [
  { id: 'process#0', family: 'process', tool: 'mmsim', args: ['decode', '0x5040'], stdout: 'full', expect: 'refuse', why: 'stdout is /dev/full (ENOSPC): one line and a non-zero exit, no stack' },
  { id: 'process#1', family: 'process', tool: 'mmsim', args: ['decode', '0x5040', '--arch', 'all'], stdout: 'closed', expect: 'survive', why: 'stdout closed by the reader (EPIPE): no stack' },
  { id: 'process#2', family: 'process', tool: 'mmsim', args: ['run', '/dev/zero'], stdout: 'pipe', expect: 'usage', why: '/dev/zero as a script: refused before reading it all' },
  { id: 'process#3', family: 'process', tool: 'mmsim', args: ['explore', '/tmp'], stdout: 'pipe', expect: 'usage', why: 'a directory as a race file, through the bin: exit 2, no stack' },
  { id: 'process#4', family: 'process', tool: 'mmsim-test', args: ['vectors', '/dev/zero'], stdout: 'pipe', expect: 'usage', why: '/dev/zero as a vector file: refused before reading it all' },
  { id: 'process#5', family: 'process', tool: 'mmsim', args: ['run', 'frames.mmo'], files: { 'frames.mmo': 'scenario frames more file pages than frames\nfile F ext4 70000 F\n' }, stdout: 'pipe', expect: 'survive', why: 'running out of frames through the bin: never exit 3, no stack' },
];

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export function runProcess(c: ProcessCase, cwd: string, limits: Limits): Promise<Outcome> {
  const bin = c.tool === 'mmsim' ? CLI_BIN : RUNNER_BIN;
  const started = performance.now();
  const full = c.stdout === 'full' ? openSync('/dev/full', 'w') : undefined;
  const child = spawn(process.execPath, [`--max-old-space-size=${limits.heapMb}`, bin, ...c.args], {
    cwd,
    env: { ...process.env, MMSIM_DEBUG: '', NO_COLOR: '1', MMSIM_TEST_PROGRESS: '0' },
    stdio: ['ignore', full ?? 'pipe', 'pipe'],
  });
  if (full !== undefined) closeSync(full);
  let stdout = '';
  let stdoutLength = 0;
  let stderr = '';
  let stderrLength = 0;
  child.stdout?.on('data', (b: Buffer) => {
    stdoutLength += b.length;
    if (stdout.length < 8192) stdout += b.toString('utf8', 0, 8192);
    if (c.stdout === 'closed') child.stdout!.destroy();
  });
  child.stderr!.on('data', (b: Buffer) => {
    stderrLength += b.length;
    if (stderr.length < 8192) stderr += b.toString('utf8', 0, 8192);
  });
  return new Promise((resolve) => {
    let why: { hang?: boolean; memory?: string } = {};
    const timer = setTimeout(() => {
      why = { hang: true };
      child.kill('SIGKILL');
    }, limits.timeMs);
    const poll = setInterval(() => {
      const mb = rssMb(child.pid!);
      if (mb > limits.rssMb) {
        why = { memory: `resident memory ${Math.round(mb)} MB (limit ${limits.rssMb} MB)` };
        child.kill('SIGKILL');
      }
    }, 100);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      const died = code === null && !why.hang && !why.memory ? { crash: `killed by ${signal}` } : {};
      resolve({
        ...(code !== null ? { status: code } : {}),
        ...why,
        ...died,
        stdoutLength,
        stdoutHead: stdout,
        stdoutTail: '',
        stderr,
        stderrLength,
        matches: {},
        elapsedMs: performance.now() - started,
      });
    });
  });
}
