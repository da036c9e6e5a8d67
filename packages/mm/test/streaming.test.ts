/**
 * Bounded memory for `.mmo` runs: steps stream as they complete, a big
 * script is parsed as it runs, big regions are observed by sample with the
 * summary counted from what is mapped, a failing syscall keeps its
 * arguments, and running out of memory ends the run in words.
 */
import { x86_64_618, i386_2621 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { ALL_PAGES_CAP, SAMPLE_EDGE, SAMPLE_THRESHOLD } from '../src/observe/index.js';
import { mmoOps, ProcessKilled } from '../src/script/index.js';
import { MmoSyntaxError, parseMmo, runScript, runScriptSteps, streamMmo } from '../src/index.js';
import { Runner } from '../src/script/run.js';
// @ts-expect-error a plain .mjs generator, no types
import { millionScript, writesScript } from './fixtures/big-scripts.mjs';

describe('streaming runs', () => {
  test('steps come one at a time: the first before a later bad line is reached', () => {
    const steps = runScriptSteps(parseMmo('mmap A 2 rw- private,anon slot=0\nwrite A 0 X\nwrite A 9999999999999999999 Y\n'), { spec: x86_64_618 });
    expect(steps.next().value).toMatchObject({ n: 1, op: 'mmap' });
    expect(steps.next().value).toMatchObject({ n: 2, op: 'write', ret: { ok: true } });
    expect(() => steps.next()).toThrow(MmoSyntaxError);
  });

  test('streamMmo checks the whole text first, then parses as it is read: the same ops as parseMmo', () => {
    const text = writesScript(20000);
    const whole = parseMmo(text, 'w.mmo');
    const stream = streamMmo(text, 'w.mmo');
    expect(stream.count).toBe(whole.ops.length);
    expect(stream.scenario).toBe(whole.scenario);
    expect([...stream.ops]).toEqual(whole.ops);
    expect([...mmoOps(text, 'w.mmo')]).toEqual(whole.ops);
    expect(() => streamMmo(`${text}frobnicate\n`, 'w.mmo')).toThrow(/w\.mmo:\d+:1: unknown op 'frobnicate'/);
    expect(runScript(stream, { spec: x86_64_618 }).steps).toHaveLength(whole.ops.length);
  });

  test('the runner also takes an op stream that holds one op at a time', () => {
    let live = 0;
    let most = 0;
    function* ops() {
      for (const op of mmoOps('mmap A 4 rw- private,anon slot=0\n' + 'write A 1 X\nread A 1\n'.repeat(50))) {
        live++;
        most = Math.max(most, live);
        yield op;
        live--;
      }
    }
    const steps = [...runScriptSteps({ scenario: 's', desc: '', ops: ops() }, { spec: x86_64_618 })];
    expect(steps).toHaveLength(101);
    expect(most).toBe(1);
  });

  test('a failing syscall keeps its arguments; a failing expect names its step', () => {
    const t = runScript(parseMmo('mmap A 2 rw- private,anon slot=0\nmadvise A 0 1 NOHUGEPAGE\nmprotect A 0 99999 r--\n'), { spec: i386_2621 });
    expect(t.steps[1]).toMatchObject({ op: 'madvise', args: { r: 'A', page: 0, npages: 1, advice: 'NOHUGEPAGE' }, ret: { ok: false, errno: 'EINVAL' } });
    expect(t.steps[2]).toMatchObject({ op: 'mprotect', args: { r: 'A', page: 0, npages: 99999, prot: 'r--' }, ret: { ok: false } });
    const punch = runScript(parseMmo('file F tmpfs 2 F\npunch F 0 1\n'), { spec: i386_2621 });
    expect(punch.steps[1]!.args).toMatchObject({ file: 'F', page: 0, npages: 1 });
  });
});

describe('observing big regions', () => {
  test('a region above the threshold lists its first and last pages; the summary counts every page, as all pages would', () => {
    const pages = SAMPLE_THRESHOLD + 1000;
    const script = parseMmo(`mmap A ${pages} rw- private,anon slot=0\nwrite A 3 X\nwrite A ${pages - 2} Y\nwrite A 2000 Z\nfork\n@child write A 2000 W\nmadvise A 100 10 DONTNEED\nobserve\n`);
    const sampled = runScript(script, { spec: x86_64_618 }, 's.mmo', { check: true });
    const all = runScript(script, { spec: x86_64_618 }, 's.mmo', { allPages: true });
    expect(sampled.steps.length).toBe(all.steps.length);
    sampled.steps.forEach((s, k) => {
      const a = all.steps[k]!;
      for (const [name, r] of Object.entries(s.obs)) {
        expect(r.pages.map((p) => p.i)).toEqual([...Array.from({ length: SAMPLE_EDGE }, (_, i) => i), ...Array.from({ length: SAMPLE_EDGE }, (_, i) => pages - SAMPLE_EDGE + i)]);
        expect(r.summary).toEqual(a.obs[name]!.summary);
        expect(r.vmas).toEqual(a.obs[name]!.vmas);
      }
    });
    expect(all.steps[1]!.obs['A']!.pages).toHaveLength(pages);
  });

  test('a region of 2^34 pages (64 TiB, inside x86_64 TASK_SIZE), mostly unmapped, observes from what is mapped', () => {
    const t = runScript(parseMmo(`mmap A ${2 ** 34} rw- private,anon slot=0\nwrite A 5 X\nwrite A ${2 ** 34 - 1} Y\nobserve\n`), { spec: x86_64_618 });
    expect(t.steps[0]!.ret).toEqual({ ok: true, val: 0 });
    const obs = t.steps[3]!.obs['A']!;
    expect(obs.pages).toHaveLength(2 * SAMPLE_EDGE);
    expect(obs.summary).toMatchObject({ present: 2, none: 2 ** 34 - 2 });
    expect(obs.pages[5]).toMatchObject({ st: 'present', data: 'X' });
    expect(obs.pages[obs.pages.length - 1]).toMatchObject({ i: 2 ** 34 - 1, st: 'present', data: 'Y' });
    expect(obs.vmas[0]!.kB).toMatchObject({ Rss: 8 });
  });

  test('all pages on request, with a cap: a bigger region is a script error at its mmap', () => {
    expect(() => runScript(parseMmo(`mmap A ${ALL_PAGES_CAP + 1} rw- private,anon slot=0\n`), { spec: x86_64_618 }, 'cap.mmo', { allPages: true })).toThrow(/cap\.mmo:1:8: page count '262145' is more than all pages can list/);
  });

  test('the million-page workload runs with frames enough (a smaller copy here: 2^14 pages)', () => {
    const t = runScript(parseMmo(millionScript(2 ** 14)), { spec: x86_64_618, frames: 2 ** 15 });
    expect(t.steps.map((s) => s.op)).toEqual(['mmap', 'write_all', 'observe', 'fork', 'write', 'write', 'write', 'observe', 'observe', 'munmap', 'observe']);
    expect(t.steps[7]!.obs['A']!.summary).toMatchObject({ present: 2 ** 14, excl: 3 });
  });
});

describe('running out of memory', () => {
  test('the machine running out of frames ends the run with a step that says so, never an exception', () => {
    const t = runScript(parseMmo('mmap A 200 rw- private,anon slot=0\nwrite_all A P\nread A 0\nread A 1\n'), { spec: x86_64_618, frames: 64 });
    const last = t.steps[t.steps.length - 1]!;
    expect(['oom_kill', 'out_of_memory']).toContain(last.op);
    expect(String(last.ret['note'])).toMatch(/the run ends here/);
  });

  test('an op of a process the OOM killer killed is no script error: ProcessKilled', () => {
    const runner = new Runner({ spec: x86_64_618 }, 'k.mmo');
    const [mmap, fork, write] = parseMmo('mmap A 2 rw- private,anon slot=0\nfork\n@child write A 0 X\n').ops;
    runner.step(mmap!);
    runner.step(fork!);
    const child = runner.procs.child!;
    child.alive = false;
    (child as { oomKilled?: boolean }).oomKilled = true;
    expect(() => runner.step(write!)).toThrow(ProcessKilled);
    // an op for a child never forked stays a script error
    const fresh = new Runner({ spec: x86_64_618 }, 'k.mmo');
    fresh.step(mmap!);
    expect(() => fresh.step(write!)).toThrow(MmoSyntaxError);
  });
});

describe('many regions', () => {
  test('past MANY_REGIONS regions a step observes only the regions its op names, and says how many it left out', async () => {
    const { MANY_REGIONS } = await import('../src/script/index.js');
    const n = MANY_REGIONS + 6;
    const lines = Array.from({ length: n }, (_, i) => `mmap R${i} 16 rw- private,anon slot=${i}\nwrite R${i} 3 T${i}`);
    const t = runScript(parseMmo(`${lines.join('\n')}\nobserve\n`), { spec: x86_64_618 });
    // up to MANY_REGIONS regions: every step observes them all, as the oracle does
    expect(Object.keys(t.steps[2 * MANY_REGIONS - 1]!.obs)).toHaveLength(MANY_REGIONS);
    expect(t.steps[2 * MANY_REGIONS - 1]!.unobserved).toBeUndefined();
    // past it: only the region the op names
    const w = t.steps[2 * n - 1]!;
    expect(Object.keys(w.obs)).toEqual([`R${n - 1}`]);
    expect(w.obs[`R${n - 1}`]!.pages[3]).toMatchObject({ st: 'present', data: `T${n - 1}` });
    expect(w.unobserved).toBe(n - 1);
    // an op naming no region observes none
    expect(t.steps[2 * n]!).toMatchObject({ op: 'observe', obs: {}, unobserved: n });
  });
});

describe('write_all', () => {
  test("stops at the first write that takes a signal and reports it, as the oracle's op_write_all does", () => {
    // the mmap of 2^40 pages fails (past TASK_SIZE): write_all of the region faults on its first page and stops there
    const t = runScript(parseMmo('mmap H 1099511627776 rw- private,anon slot=1\nwrite_all H H\n'), { spec: x86_64_618 });
    expect(t.steps[0]!.ret).toEqual({ ok: false, errno: 'ENOMEM' });
    expect(t.steps[1]!.ret).toEqual({ ok: false, signal: 'SIGSEGV', si_code: 'SEGV_MAPERR' });
  });
});
