/**
 * Running out of frames behaves as the kernel does: reclaim first (ext4 page
 * cache is written back and evicted), then the OOM killer — the process with
 * the highest badness is killed with SIGKILL and its memory freed — and a
 * syscall that still finds no memory fails with ENOMEM (ENOSPC for a tmpfs
 * write). Never an internal error.
 */
import { x86_64_2621, x86_64_618 } from '@mmsim/arch-x86';
import { ppc64_618 } from '@mmsim/arch-powerpc';
import type { VariantSpec } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { access, do_mmap } from '../src/kernel/index.js';
import { create_file, file_pread } from '../src/model/index.js';
import { Machine, SyscallError } from '../src/index.js';
import { oom_badness } from '../src/kernel/oom_kill.js';
import { clean, errnoOf } from './helpers.js';

const RW = { read: true, write: true, exec: false };

describe('page-cache creation evicts clean cache pages', () => {
  test('file F ext4 70000 on the default 65536 frames: written back and evicted as it goes', () => {
    const m = new Machine({ spec: x86_64_618 });
    const f = create_file(m, 'F', 'ext4', 70000, 'F');
    expect(f.cache.size + f.disk.size).toBeGreaterThanOrEqual(70000);
    expect(file_pread(m, f, 0).data).toBe('F0');
    expect(file_pread(m, f, 69999).data).toBe('F69999');
    expect(m.oomKills).toEqual([]);
    clean(m);
  });
  test('the race machine (64 frames) takes a 65-page ext4 file', () => {
    const m = new Machine({ spec: x86_64_618, frames: 64 });
    const f = create_file(m, 'F', 'ext4', 65, 'F');
    expect(file_pread(m, f, 64).data).toBe('F64');
    clean(m);
  });
  test('a tmpfs file larger than memory is ENOSPC and leaves nothing behind', () => {
    const m = new Machine({ spec: x86_64_618, frames: 64 });
    const before = m.frames.inUse;
    expect(errnoOf(() => create_file(m, 'T', 'tmpfs', 65, 'T'))).toBe('ENOSPC');
    expect(m.files.has('T')).toBe(false);
    expect(m.frames.inUse).toBe(before);
    create_file(m, 'T', 'tmpfs', 8, 'T'); // the name is free again, and a small one fits
    clean(m);
  });
});

/** A machine of `frames` frames with processes A and B, each with an anon region of `pages` pages at its own place. */
function twoProcesses(spec: VariantSpec, frames: number, pages: number) {
  const m = new Machine({ spec, frames });
  const a = m.spawn('A');
  const b = m.spawn('B');
  do_mmap(m, a.mm, { start: 0x1000, pages, prot: RW, shared: false });
  do_mmap(m, b.mm, { start: 0x8000, pages, prot: RW, shared: false });
  return { m, a, b };
}

describe.each([
  ['x86_64@6.18', x86_64_618],
  ['x86_64@2.6.21', x86_64_2621],
  ['ppc64@6.18', ppc64_618],
] as const)('the OOM killer, %s', (_key, spec) => {
  test('a fault that finds no memory kills the process with the highest badness; the fault then succeeds', () => {
    const { m, a, b } = twoProcesses(spec, 64, 48);
    for (let i = 0; i < 40; i++) expect(access(m, a.mm, 0x1000 + i, true, m.tags.intern(`A${i}`)).ok).toBe(true);
    // B grows until memory runs out: A, the larger, dies (6.18: rss 40 vs B's; 2.6.21: equal total_vm, A first)
    for (let i = 0; i < 30; i++) expect(access(m, b.mm, 0x8000 + i, true, m.tags.intern(`B${i}`))).toMatchObject({ ok: true });
    expect(a.alive).toBe(false);
    expect(a.oomKilled).toBe(true);
    expect(b.alive).toBe(true);
    expect(m.oomKills).toHaveLength(1);
    expect(m.oomKills[0]).toMatchObject({ pid: a.pid, name: 'A', trigger: b.pid });
    if (spec.era === '6.18') expect(m.oomKills[0]!.points).toBeGreaterThanOrEqual(40);
    else expect(m.oomKills[0]!.points).toBe(48); // total_vm
    for (let i = 0; i < 30; i++) expect(access(m, b.mm, 0x8000 + i, false)).toMatchObject({ ok: true, tag: `B${i}` });
    clean(m);
  });

  test('when the faulting process is the victim, its access ends in SIGKILL', () => {
    const m = new Machine({ spec, frames: 64 });
    const a = m.spawn('A');
    do_mmap(m, a.mm, { start: 0x1000, pages: 100, prot: RW, shared: false });
    let result;
    let i = 0;
    for (; i < 100; i++) {
      result = access(m, a.mm, 0x1000 + i, true, m.tags.intern(`A${i}`));
      if (!result.ok) break;
    }
    expect(result).toEqual({ ok: false, signal: 'SIGKILL', si_code: 'SI_KERNEL' });
    expect(i).toBeLessThan(64);
    expect(a.alive).toBe(false);
    expect(a.oomKilled).toBe(true);
    expect(m.oomKills.map((k) => k.pid)).toEqual([a.pid]);
    clean(m);
  });

  test('MAP_POPULATE beyond memory: ENOMEM, and the process is the OOM victim', () => {
    const m = new Machine({ spec, frames: 64 });
    const a = m.spawn('A');
    const error = (() => {
      try {
        do_mmap(m, a.mm, { start: 0x1000, pages: 100, prot: RW, shared: false, populate: true });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SyscallError);
    expect((error as SyscallError).errno).toBe('ENOMEM');
    expect(a.oomKilled).toBe(true);
    clean(m);
  });
});

test('badness: 6.18 counts rss, swap entries and page-table pages; 2.6.21 total_vm and half of each child', () => {
  const m = new Machine({ spec: x86_64_618, frames: 256 });
  const a = m.spawn('A');
  do_mmap(m, a.mm, { start: 0x1000, pages: 64, prot: RW, shared: false });
  for (let i = 0; i < 10; i++) access(m, a.mm, 0x1000 + i, true, m.tags.intern('x'));
  access(m, a.mm, 0x1000 + 20, false); // the zero page: not rss
  expect(oom_badness(m, a)).toBe(10 + 1); // 10 pages + 1 pte table
  const old = new Machine({ spec: x86_64_2621, frames: 256 });
  const p = old.spawn('P');
  do_mmap(old, p.mm, { start: 0x1000, pages: 64, prot: RW, shared: false });
  const child = old.spawn('C');
  child.parent = p.pid;
  do_mmap(old, child.mm, { start: 0x1000, pages: 10, prot: RW, shared: false });
  expect(oom_badness(old, p)).toBe(64 + 5 + 1);
});

describe('the ext4 file system has a size', () => {
  test('a file larger than the free disk is ENOSPC before anything is written; a file that fits is written', async () => {
    const { x86_64_618 } = await import('@mmsim/arch-x86');
    const { parseMmo, runScript } = await import('../src/index.js');
    const t = runScript(parseMmo('file F ext4 4294967296 F\nfile G ext4 200 G\nfile H ext4 101 H\npread G 199\n'), { spec: x86_64_618, frames: 64, diskPages: 300 });
    expect(t.steps.map((s) => s.ret)).toEqual([
      { ok: false, errno: 'ENOSPC' },
      { ok: true, val: 0 },
      { ok: false, errno: 'ENOSPC' },
      { ok: true, bytes: 4096, data: 'G199' },
    ]);
  });
});
