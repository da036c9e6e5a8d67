/**
 * Work proportional to the object, never to the requested range: a range op
 * with an absurd length over a tiny object answers at once, having looked
 * only at what exists (the page cache's pages, the VMAs, the page tables).
 * Each test counts the work it sees — the page-table lookups, the page-cache
 * and block lookups — rather than timing anything.
 */
import { x86_64_618 } from '@mmsim/arch-x86';
import { i386_2621 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { access, do_madvise, do_mmap, do_mprotect, do_mremap, do_munmap, do_punch, dup_mmap, exit_mmap, type Inode } from '../src/kernel/index.js';
import { create_file, runPath } from '../src/model/index.js';
import { Machine, type Mm } from '../src/index.js';
import { do_mlock } from '../src/kernel/mlock.js';
import { invalidate_inode_pages2_range } from '../src/kernel/truncate.js';
import { mwriteprotect_range, sys_userfaultfd, userfaultfd_api, userfaultfd_register_wp, UFFD_FEATURE_WP_ASYNC } from '../src/kernel/userfaultfd.js';
import { clean, errnoOf } from './helpers.js';

const HUGE = Number.MAX_SAFE_INTEGER; // 2^53 - 1
const RW = { read: true, write: true, exec: false };

/** Counts every page-table lookup of an mm (walk, pmdSlot, nextPopulated): the work a range op does. */
function countWalks(mm: Mm): { readonly n: number } {
  const pt = mm.pgtable as unknown as Record<string, (...a: unknown[]) => unknown>;
  const counter = { n: 0 };
  for (const name of ['walk', 'pmdSlot', 'nextPopulated']) {
    const orig = pt[name]!.bind(pt);
    pt[name] = (...a: unknown[]) => {
      counter.n++;
      return orig(...a);
    };
  }
  return counter;
}

/** Counts the page-cache and block lookups of an inode (get / has / delete on its maps). */
function countCache(inode: Inode): { readonly n: number } {
  const counter = { n: 0 };
  for (const map of [inode.cache, inode.disk, inode.swapped] as Map<number, number>[]) {
    const rec = map as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of ['get', 'has', 'delete']) {
      const orig = rec[name]!.bind(map);
      rec[name] = (...a: unknown[]) => {
        counter.n++;
        return orig(...a);
      };
    }
  }
  return counter;
}

function setup(spec = x86_64_618) {
  const m = new Machine({ spec, frames: 1024 });
  const p = m.spawn('p');
  return { m, p, mm: p.mm, limit: m.variant.constants.TASK_SIZE_PAGES };
}

describe('a 4-page file', () => {
  test('punch F 0 2^53-1 clamps to the pages that exist', () => {
    const { m } = setup();
    const f = create_file(m, 'F', 'ext4', 4, 'F');
    const work = countCache(f);
    do_punch(m, f, 0, HUGE);
    expect(f.cache.size).toBe(0);
    expect(f.disk.size).toBe(0);
    expect(work.n).toBeLessThan(64);
    clean(m);
  });
  test('invalidate F 0 2^53-1 drops the cached pages, looking at no others', () => {
    const { m, mm } = setup();
    const f = create_file(m, 'F', 'tmpfs', 4, 'F');
    do_mmap(m, mm, { start: 64, pages: 4, prot: RW, shared: true, inode: f, pgoff: 0 });
    expect(access(m, mm, 65, false)).toMatchObject({ ok: true, tag: 'F1' });
    const work = countCache(f);
    runPath(invalidate_inode_pages2_range(m, f, 0, HUGE));
    expect(f.cache.size).toBe(0);
    expect(work.n).toBeLessThan(64);
    clean(m);
  });
  test('invalidate from the middle leaves the pages before it', () => {
    const { m } = setup();
    const f = create_file(m, 'F', 'tmpfs', 4, 'F');
    runPath(invalidate_inode_pages2_range(m, f, 2, HUGE - 2));
    expect([...f.cache.keys()].sort()).toEqual([0, 1]);
    clean(m);
  });
  test('a punch on an i386 file (32-bit indices) too', () => {
    const { m } = setup(i386_2621);
    const f = create_file(m, 'F', 'ext4', 4, 'F');
    do_punch(m, f, 1, HUGE - 1);
    expect([...f.cache.keys()]).toEqual([0]);
    clean(m);
  });
});

describe('a 4-page region', () => {
  function region() {
    const s = setup();
    do_mmap(s.m, s.mm, { start: 1 << 20, pages: 4, prot: RW, shared: false });
    for (let i = 0; i < 4; i++) access(s.m, s.mm, (1 << 20) + i, true, s.m.tags.intern(`A${i}`));
    return { ...s, work: countWalks(s.mm) };
  }
  test('munmap 0 TASK_SIZE walks only the tables that exist', () => {
    const { m, mm, limit, work } = region();
    do_munmap(m, mm, 0, limit);
    expect(mm.vmas.list).toEqual([]);
    expect(mm.pgtable.nrPteTables).toBe(0);
    expect(work.n).toBeLessThan(64);
    clean(m);
  });
  test('munmap 0 2^40 (beyond TASK_SIZE) is EINVAL at once', () => {
    const { m, mm, work } = region();
    expect(errnoOf(() => do_munmap(m, mm, 0, 2 ** 40))).toBe('EINVAL');
    expect(work.n).toBe(0);
  });
  test('mprotect, madvise and mlock over the whole address space: ENOMEM for the hole, work only where mapped', () => {
    const { m, mm, limit, work } = region();
    expect(errnoOf(() => do_mprotect(m, mm, 0, limit, { read: true, write: false, exec: false }))).toBe('ENOMEM');
    expect(errnoOf(() => do_mprotect(m, mm, 0, HUGE, { read: true, write: false, exec: false }))).toBe('ENOMEM');
    for (const advice of ['DONTNEED', 'COLD', 'PAGEOUT', 'FREE', 'WILLNEED', 'HUGEPAGE', 'MERGEABLE', 'UNMERGEABLE', 'GUARD_REMOVE'] as const) {
      expect(errnoOf(() => do_madvise(m, mm, 0, limit, advice)), advice).toBe('ENOMEM');
    }
    expect(errnoOf(() => do_mlock(m, mm, 0, limit, true))).toBe('ENOMEM');
    expect(errnoOf(() => do_mlock(m, mm, 0, HUGE, false))).toBe('ENOMEM');
    expect(work.n).toBeLessThan(2000);
    clean(m);
  });
  test('an mremap target outside the address space is EINVAL at once', () => {
    const { m, mm, work } = region();
    const req = { start: 1 << 20, oldPages: 4, newPages: 4, maymove: true, fixed: true, dontunmap: false };
    expect(errnoOf(() => do_mremap(m, mm, { ...req, newStart: 2 ** 40 }))).toBe('EINVAL');
    expect(errnoOf(() => do_mremap(m, mm, { ...req, newPages: HUGE, newStart: 0 }))).toBe('EINVAL');
    expect(work.n).toBe(0);
    expect(access(m, mm, (1 << 20) + 3, false)).toMatchObject({ ok: true, tag: 'A3' });
  });
  test('userfaultfd write-protect over the whole address space visits the tables that exist', () => {
    const { m, mm, limit, work } = region();
    const ctx = sys_userfaultfd(m, mm);
    userfaultfd_api(m, ctx, UFFD_FEATURE_WP_ASYNC);
    userfaultfd_register_wp(m, ctx, 0, limit);
    mwriteprotect_range(m, ctx, 0, limit, true);
    expect(work.n).toBeLessThan(64);
    clean(m);
  });
});

describe('a huge, sparse region (2^30 pages, 3 of them touched)', () => {
  function sparse() {
    const s = setup();
    const start = 2 ** 20;
    do_mmap(s.m, s.mm, { start, pages: 2 ** 30, prot: RW, shared: false });
    for (const off of [0, 2 ** 20, 2 ** 30 - 1]) expect(access(s.m, s.mm, start + off, true, s.m.tags.intern(`S${off}`)).ok).toBe(true);
    return { ...s, start, work: countWalks(s.mm) };
  }
  test('fork copies and exit tears down only the tables that exist', () => {
    const { m, p, start, work } = sparse();
    const child = dup_mmap(m, p, 'child');
    expect(access(m, child.mm, start + 2 ** 20, false)).toMatchObject({ ok: true, tag: `S${2 ** 20}` });
    const childWork = countWalks(child.mm);
    exit_mmap(m, child);
    expect(work.n).toBeLessThan(2048);
    expect(childWork.n).toBeLessThan(2048);
    clean(m);
  });
  test('mprotect, madvise DONTNEED, mlock and munmap of the whole region', () => {
    const { m, mm, start, work } = sparse();
    do_mprotect(m, mm, start, 2 ** 30, { read: true, write: false, exec: false });
    expect(access(m, mm, start, false)).toMatchObject({ ok: true, tag: 'S0' });
    do_madvise(m, mm, start, 2 ** 30, 'COLD');
    do_madvise(m, mm, start, 2 ** 30, 'DONTNEED');
    expect(access(m, mm, start, false)).toMatchObject({ ok: true, tag: '0' });
    do_munmap(m, mm, start, 2 ** 30);
    expect(mm.vmas.list).toEqual([]);
    expect(work.n).toBeLessThan(8192);
    clean(m);
  });
});
