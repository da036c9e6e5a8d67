/**
 * Every system change undone on every exit path: a script that leaves its
 * swap file on and its KSM settings changed; one that fails half-way (a
 * bad region after swapon); one interrupted by SIGTERM in the middle of a
 * step. After each: no active swap it made, KSM's sysfs values as before,
 * no temporary files. Needs Linux, root and a C compiler; elsewhere a skip
 * with the reason. Also, without those, the one-line refusals.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { recorderBinary, recordScript, RecorderScriptError } from '../src/index.js';
import { HOST_SKIP } from './host.js';

const dir = mkdtempSync(join(tmpdir(), 'mmsim-rec-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const KSM = '/sys/kernel/mm/ksm/';
const ksm = () => ['run', 'sleep_millisecs', 'pages_to_scan'].map((f) => readFileSync(KSM + f, 'utf8').trim());
const swaps = () => readFileSync('/proc/swaps', 'utf8').split('\n').filter((l) => l.includes('mmsim-rec') || l.includes('zram0'));
const leftovers = () => [...readdirSync('/tmp'), ...readdirSync('/dev/shm')].filter((f) => f.startsWith('mmsim-rec.'));

const hostTest = HOST_SKIP ? (name: string, _fn: () => unknown) => test.skip(`${name} — skipped: ${HOST_SKIP}`, () => {}) : (name: string, fn: () => unknown) => test(name, fn, 60_000);

describe('the recorder undoes what it changed', () => {
  hostTest('a script that ends with swap on, a file and KSM started: all undone', () => {
    const before = ksm();
    const rec = recordScript(script('left-on.mmo', 'scenario left_on\nswapon file\nfile F tmpfs 2 F\nmmap A 2 rw- private,anon slot=0\nksm_start\nwrite_all A A\nmadvise A 0 2 PAGEOUT\n'));
    expect(rec.steps.map((s) => s.op)).toEqual(['swapon', 'file_create', 'mmap', 'ksm_start', 'write_all', 'madvise']);
    expect(rec.steps[0]!.ret['ok']).toBe(true);
    expect(swaps()).toEqual([]);
    expect(ksm()).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  hostTest('a script that fails half-way: one line naming the line, everything undone', () => {
    const before = ksm();
    const path = script('fails.mmo', 'scenario fails\nswapon file\nksm_start\nmmap A 2 rw- private,anon slot=0\nwrite B 0 x\n');
    expect(() => recordScript(path)).toThrow(RecorderScriptError);
    expect(() => recordScript(path)).toThrow(/fails\.mmo:5: 'B' names no region/);
    expect(swaps()).toEqual([]);
    expect(ksm()).toEqual(before);
    expect(leftovers()).toEqual([]);
  });

  hostTest('SIGTERM in the middle of a step: swap off, KSM restored, files gone', async () => {
    const before = ksm();
    // ksm_wait polls up to 10 s for a count it will not reach: the signal lands inside that step
    const path = script('killed.mmo', 'scenario killed\nswapon file\nfile F ext4 2 F\nksm_start\nmmap A 2 rw- private,anon slot=0\nksm_wait 999999999\n');
    const child = spawn(recorderBinary(), [path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((done) => {
      child.stdout.on('data', (b: Buffer) => {
        out += String(b);
        // the mmap step is written (flushed) once it is done: ksm_wait is running now
        if (out.includes('"op":"mmap"') && !child.killed) setTimeout(() => child.kill('SIGTERM'), 200);
      });
      child.on('exit', () => done());
    });
    expect(child.signalCode).toBe('SIGTERM');
    expect(swaps()).toEqual([]);
    expect(ksm()).toEqual(before);
    expect(leftovers()).toEqual([]);
  });
});

describe('refusals', () => {
  hostTest('an op the recorder cannot run on a kernel: one line with the reason, exit 2', () => {
    const r = spawnSync(recorderBinary(), [script('gup.mmo', 'mmap A 1 rw- private,anon slot=0\ngup A 0 1 write\n')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/gup\.mmo:2: 'gup' cannot be recorded: a driver's get_user_pages pin/);
    expect(r.stdout).toBe('');
  });

  hostTest('without root: one line, exit 4, nothing changed', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', recorderBinary(), script('noroot.mmo', 'swapon file\n')], { encoding: 'utf8' });
    expect(r.status).toBe(4);
    expect(r.stderr.trim()).toMatch(/^mmsim-recorder: needs root: pagemap shows PFNs/);
    expect(swaps()).toEqual([]);
  });
});
