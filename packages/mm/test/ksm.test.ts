/**
 * KSM (kernel/ksm.ts, 6.18 mm/ksm.c) on every 6.18 variant: merging of
 * identical pages into one write-protected KSM page, breaking by a write
 * (always a copy), MADV_UNMERGEABLE, fork of a KSM page, munmap and exit,
 * the checksum rule, pins, stable node chains past max_page_sharing, mremap
 * and run=2 — with the invariants checked after every step — plus the
 * 2.6.21 refusal, the `ksm_scan` op, and a property over random write /
 * madvise / ksmd scan / fork sequences, run as `.mmo` scripts through the
 * script runner and checked against the reference model.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { PteClassCode } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  access,
  do_madvise,
  do_mmap_anon,
  do_mprotect,
  do_mremap,
  do_munmap,
  dup_mmap,
  exit_mmap,
  FOLL_PIN,
  get_user_pages,
  ksm_do_scan,
  ksm_full_scans,
  ksm_restore,
  ksm_run_store,
  ksm_start,
  ksm_stats,
  ksm_wait,
  ksmState,
  PageKsm,
  unpin_user_page,
  VM_MERGEABLE,
  type Advice,
} from '../src/kernel/index.js';
import { checkInvariants, ReferenceModel } from '../src/check/index.js';
import { Machine, MmoSyntaxError, parseMmo, runScript, SyscallError, type Process } from '../src/index.js';
import { observeRegion, PfnLabels } from '../src/observe/index.js';
import { startScript } from '../src/script/index.js';
import { adviseReference, exitChild, forkChild, forkReference, liveProc, peekPte, slotStart } from './helpers.js';

type Spec = (typeof X86)[number];
const V618: Spec[] = [...X86, ...PPC].filter((s) => s.era === '6.18');
const V2621: Spec[] = [...X86, ...PPC].filter((s) => s.era === '2.6.21');
const PG_dirty = 1 << 2;
const PG_anon_exclusive = 1 << 6;

/** A machine with a parent process, fixed region slots and an invariant check after every step. */
class World {
  readonly m: Machine;
  readonly parent: Process;
  readonly base: number;
  constructor(spec: Spec) {
    this.m = new Machine({ spec, frames: 4096 });
    this.parent = this.m.spawn('parent');
    this.base = 2 ** (Math.min(this.m.variant.constants.vaBits, 47) - 2 - this.m.variant.constants.PAGE_SHIFT);
  }

  start(region: number): number {
    return this.base + region * 1024;
  }

  /** Run one step, then require every invariant. */
  step<T>(what: string, fn: () => T): T {
    const out = fn();
    expect(checkInvariants(this.m).map((v) => `[${v.rule}] ${v.message}`), `after ${what}`).toEqual([]);
    return out;
  }

  mmap(region: number, pages: number, p: Process = this.parent): void {
    this.step(`mmap ${region}`, () => do_mmap_anon(this.m, p.mm, { start: this.start(region), pages, prot: { read: true, write: true, exec: false }, shared: false }));
  }

  write(region: number, page: number, tag: string, p: Process = this.parent): void {
    const res = this.step(`write ${region}:${page} ${tag}`, () => access(this.m, p.mm, this.start(region) + page, true, this.m.tags.intern(tag)));
    expect(res.ok).toBe(true);
  }

  read(region: number, page: number, p: Process = this.parent): string {
    const res = this.step(`read ${region}:${page}`, () => access(this.m, p.mm, this.start(region) + page, false));
    if (!res.ok) throw new Error(`read ${region}:${page}: ${res.signal}`);
    return res.tag;
  }

  madvise(region: number, page: number, n: number, advice: Advice, p: Process = this.parent): void {
    this.step(`madvise ${advice}`, () => do_madvise(this.m, p.mm, this.start(region) + page, n, advice));
  }

  /** The frame the pte maps at region:page, or -1. */
  frame(region: number, page: number, p: Process = this.parent): number {
    const pt = p.mm.pgtable;
    const slot = pt.walk(this.start(region) + page, false);
    if (slot < 0) return -1;
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    return this.m.variant.fast.classify(hi, lo) === PteClassCode.present ? this.m.pteFrame(hi, lo) : -1;
  }

  writable(region: number, page: number, p: Process = this.parent): boolean {
    const pt = p.mm.pgtable;
    const slot = pt.walk(this.start(region) + page, false);
    return this.m.pteWrite(pt.hi(slot), pt.lo(slot));
  }

  observe(region: number, pages: number, p: Process = this.parent) {
    return observeRegion(this.m, p, { name: 'K', start: this.start(region), pages }, new PfnLabels(this.m));
  }

  /** The oracle's scenario up to its ksm_wait: same ×3, other, MERGEABLE, ksm_start, ksm_wait(1). */
  mergeThree(): { k: number; before: number[] } {
    this.mmap(0, 4);
    ['same', 'same', 'same', 'other'].forEach((t, i) => this.write(0, i, t));
    const before = [0, 1, 2, 3].map((i) => this.frame(0, i));
    this.madvise(0, 0, 4, 'MERGEABLE');
    this.step('ksm_start', () => ksm_start(this.m));
    expect(this.step('ksm_wait', () => ksm_wait(this.m, 1))).toBe(1);
    return { k: this.frame(0, 1), before };
  }
}

describe.each(V618.map((s) => [`${s.id}@${s.era}`, s] as const))('KSM on %s', (_name, spec) => {
  test('identical pages merge into one write-protected, dirty KSM page; the scan order decides which page stays', () => {
    const w = new World(spec);
    const { m } = w;
    const { k, before } = w.mergeThree();
    const f = m.frames;
    // page 0 went into the unstable tree, page 1 found it and became the KSM page, page 2 found it in the stable tree
    expect(k).toBe(before[1]);
    expect([w.frame(0, 0), w.frame(0, 2)]).toEqual([k, k]);
    expect(w.frame(0, 3)).toBe(before[3]);
    expect(f.isFree(before[0]!) && f.isFree(before[2]!)).toBe(true);
    expect(PageKsm(m, k)).toBe(true);
    expect(PageKsm(m, before[3]!)).toBe(false);
    expect([f.maps(k), f.refs(k)]).toEqual([3, 3]);
    expect(f.flags[k]! & PG_dirty).not.toBe(0);
    expect(f.flags[k]! & PG_anon_exclusive).toBe(0);
    expect([0, 1, 2].map((i) => w.writable(0, i))).toEqual([false, false, false]);
    expect([0, 1, 2, 3].map((i) => w.read(0, i))).toEqual(['same', 'same', 'same', 'other']);
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 1, pages_sharing: 2, pages_unshared: 1, pages_volatile: 0, full_scans: 2 });
    const obs = w.observe(0, 4);
    const kb = m.variant.constants.PAGE_SIZE / 1024;
    expect(obs.pages[0]!.kf).toContain('KSM');
    expect(obs.pages[0]!.mapcnt).toBe(3);
    expect(obs.pages[0]!.pm).toEqual([]);
    expect(obs.pages[3]!.kf).not.toContain('KSM');
    expect(obs.vmas[0]!.VmFlags.split(' ')).toContain('mg');
    expect(obs.vmas[0]!.kB).toMatchObject({ Rss: 4 * kb, Shared_Dirty: 3 * kb, Private_Dirty: kb, Anonymous: 4 * kb, KSM: 3 * kb });
  });

  test('a write breaks sharing by copying, even of the last mapping (wp_can_reuse_anon_folio never reuses a KSM folio)', () => {
    const w = new World(spec);
    const { m } = w;
    const { k } = w.mergeThree();
    w.write(0, 0, 'K0');
    expect(w.frame(0, 0)).not.toBe(k);
    expect(m.frames.maps(k)).toBe(2);
    w.write(0, 1, 'K1');
    expect(m.frames.maps(k)).toBe(1);
    const last = w.frame(0, 2);
    expect(last).toBe(k);
    w.write(0, 2, 'K2');
    expect(w.frame(0, 2)).not.toBe(k);
    expect(m.frames.isFree(k)).toBe(true);
    expect([0, 1, 2, 3].map((i) => w.read(0, i))).toEqual(['K0', 'K1', 'K2', 'other']);
    // pages_shared still counts the node until ksmd meets it stale
    expect(ksm_stats(m).pages_shared).toBe(1);
    w.step('one full scan', () => ksm_full_scans(m, 1));
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 0, pages_sharing: 0 });
    expect(ksmState(m).nodes.size).toBe(0);
  });

  test('MADV_UNMERGEABLE gives each sharer a read-only, clean copy and clears VM_MERGEABLE', () => {
    const w = new World(spec);
    const { m } = w;
    const { k } = w.mergeThree();
    w.write(0, 0, 'K0');
    w.madvise(0, 0, 4, 'UNMERGEABLE');
    const frames = [1, 2].map((i) => w.frame(0, i));
    expect(new Set([k, ...frames]).size).toBe(3);
    expect(m.frames.isFree(k)).toBe(true);
    for (const [i, fr] of [[1, frames[0]!], [2, frames[1]!]] as const) {
      expect(PageKsm(m, fr)).toBe(false);
      expect(w.writable(0, i)).toBe(false); // an unshare fault maps the copy read-only
      expect(m.frames.flags[fr]! & (PG_dirty | PG_anon_exclusive)).toBe(PG_anon_exclusive);
    }
    expect(p0Flags(w) & VM_MERGEABLE).toBe(0);
    const obs = w.observe(0, 4);
    const kb = m.variant.constants.PAGE_SIZE / 1024;
    expect(obs.vmas[0]!.kB).toMatchObject({ Private_Clean: 2 * kb, Private_Dirty: 2 * kb });
    expect(obs.vmas[0]!.kB['KSM']).toBeUndefined();
    expect(obs.vmas[0]!.VmFlags.split(' ')).not.toContain('mg');
    // a later write reuses the exclusive copy
    const before = w.frame(0, 1);
    w.write(0, 1, 'again');
    expect(w.frame(0, 1)).toBe(before);
    // the rest of the ksm scenario: munmap, ksm_restore
    w.step('munmap', () => do_munmap(m, w.parent.mm, w.start(0), 4));
    w.step('ksm_restore', () => ksm_restore(m));
    expect(ksm_stats(m)).toMatchObject({ run: 0, pages_shared: 0, pages_sharing: 0 });
  });

  test('fork shares the KSM page; the child joins the stable node on its scan; a child write copies; exit gives the mappings back', () => {
    const w = new World(spec);
    const { m } = w;
    const { k } = w.mergeThree();
    const child = w.step('fork', () => dup_mmap(m, w.parent, 'child'));
    expect(m.frames.maps(k)).toBe(6);
    expect([0, 1, 2].map((i) => w.frame(0, i, child))).toEqual([k, k, k]);
    expect(ksmState(m).slotOf.has(child.mm)).toBe(true);
    expect(ksm_stats(m).pages_sharing).toBe(2);
    w.step('scan', () => ksm_full_scans(m, 1));
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 1, pages_sharing: 5 });
    w.write(0, 1, 'child', child);
    expect(w.frame(0, 1, child)).not.toBe(k);
    expect(m.frames.maps(k)).toBe(5);
    expect(w.read(0, 1)).toBe('same');
    w.write(0, 2, 'parent');
    expect(w.read(0, 2, child)).toBe('same');
    w.step('exit', () => exit_mmap(m, child));
    expect(m.frames.maps(k)).toBe(2);
    w.step('scan', () => ksm_full_scans(m, 1));
    expect(ksmState(m).slotOf.has(child.mm)).toBe(false);
    // the parent's pages 0 and 1 still share it
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 1, pages_sharing: 1 });
  });

  test('munmap and exit free the KSM page; the stale stable node goes at the next scan', () => {
    const w = new World(spec);
    const { m } = w;
    const { k } = w.mergeThree();
    w.step('munmap', () => do_munmap(m, w.parent.mm, w.start(0), 2));
    expect(m.frames.maps(k)).toBe(1);
    w.step('munmap', () => do_munmap(m, w.parent.mm, w.start(0) + 2, 2));
    expect(m.frames.isFree(k)).toBe(true);
    expect(ksm_wait(m, 1)).toBe(1); // the counter lags: the node is stale but not yet met
    w.step('scan', () => ksm_full_scans(m, 1));
    expect(ksm_stats(m).pages_shared).toBe(0);
    expect(ksmState(m).slots.length).toBe(0); // no VM_MERGEABLE VMA left: the mm left ksmd's list

    const v = new World(spec);
    const r = v.mergeThree();
    v.step('exit', () => exit_mmap(v.m, v.parent));
    expect(v.m.frames.isFree(r.k)).toBe(true);
    v.step('scan', () => ksm_full_scans(v.m, 1));
    expect(ksm_stats(v.m)).toMatchObject({ pages_shared: 0, pages_sharing: 0, pages_unshared: 0 });
    expect(ksmState(v.m).slots.length).toBe(0);
  });

  test('a page merges only after a whole scan saw the same content (the checksum rule)', () => {
    const w = new World(spec);
    const { m } = w;
    w.mmap(0, 2);
    w.write(0, 0, 'a');
    w.write(0, 1, 'a');
    w.madvise(0, 0, 2, 'MERGEABLE');
    w.step('run=1', () => ksm_run_store(m, 1));
    w.step('scan 1', () => ksm_full_scans(m, 1)); // checksums taken
    w.write(0, 1, 'b');
    w.step('scan 2', () => ksm_full_scans(m, 1)); // page 1 changed: only page 0 is filed
    w.write(0, 1, 'a');
    w.step('scan 3', () => ksm_full_scans(m, 1)); // page 1 changed again
    expect(PageKsm(m, w.frame(0, 0))).toBe(false);
    w.step('scan 4', () => ksm_full_scans(m, 1));
    expect(w.frame(0, 0)).toBe(w.frame(0, 1));
    expect(PageKsm(m, w.frame(0, 0))).toBe(true);
  });

  test('a pinned page is not merged (write_protect_page: refcount beyond the mappings); after unpin it is', () => {
    const w = new World(spec);
    const { m } = w;
    w.mmap(0, 2);
    w.write(0, 0, 'a');
    w.write(0, 1, 'a');
    const pin = w.step('pin', () => get_user_pages(m, w.parent.mm, w.start(0), FOLL_PIN));
    w.madvise(0, 0, 2, 'MERGEABLE');
    w.step('run=1', () => ksm_run_store(m, 1));
    w.step('scans', () => ksm_full_scans(m, 3));
    expect(w.frame(0, 0)).not.toBe(w.frame(0, 1));
    w.step('unpin', () => unpin_user_page(m, pin));
    w.step('scan', () => ksm_full_scans(m, 1));
    expect(w.frame(0, 0)).toBe(w.frame(0, 1));
  });

  test('past max_page_sharing (256) sharers a second KSM page of the same content starts a stable node chain', () => {
    const w = new World(spec);
    const { m } = w;
    w.mmap(0, 300);
    for (let i = 0; i < 300; i++) access(m, w.parent.mm, w.start(0) + i, true, m.tags.intern('dup'));
    w.madvise(0, 0, 300, 'MERGEABLE');
    w.step('ksm_start', () => ksm_start(m));
    expect(w.step('ksm_wait', () => ksm_wait(m, 2))).toBe(2);
    const frames = new Map<number, number>();
    for (let i = 0; i < 300; i++) frames.set(w.frame(0, i), (frames.get(w.frame(0, i)) ?? 0) + 1);
    expect([...frames.values()].sort((a, b) => a - b)).toEqual([44, 256]);
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 2, pages_sharing: 298, stable_node_chains: 1, stable_node_dups: 2 });
  });

  test('mremap breaks the KSM pages it moves and keeps VM_MERGEABLE', () => {
    const w = new World(spec);
    const { m } = w;
    const { k } = w.mergeThree();
    w.step('mremap', () => do_mremap(m, w.parent.mm, { start: w.start(0), oldPages: 4, newPages: 4, maymove: true, fixed: true, dontunmap: false, newStart: w.start(1) }));
    expect(m.frames.isFree(k)).toBe(true);
    expect([0, 1, 2, 3].map((i) => PageKsm(m, w.frame(1, i)))).toEqual([false, false, false, false]);
    expect([0, 1, 2, 3].map((i) => w.read(1, i))).toEqual(['same', 'same', 'same', 'other']);
    expect(w.parent.mm.vmas.lookup(w.start(1))!.flags & VM_MERGEABLE).not.toBe(0);
    // ksmd merges them again at their new place
    w.step('scans', () => ksm_full_scans(m, 3));
    expect(PageKsm(m, w.frame(1, 0))).toBe(true);
  });

  test('run=2 unmerges everything and keeps the mms on the list; mprotect keeps KSM ptes read-only', () => {
    const w = new World(spec);
    const { m } = w;
    const { k } = w.mergeThree();
    w.step('mprotect rw', () => do_mprotect(m, w.parent.mm, w.start(0), 4, { read: true, write: true, exec: false }));
    expect(w.writable(0, 1)).toBe(false);
    w.step('run=2', () => ksm_run_store(m, 2));
    expect(m.frames.isFree(k)).toBe(true);
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 0, pages_sharing: 0, pages_unshared: 0, full_scans: 0 });
    expect(ksmState(m).slots.length).toBe(1);
    // ksmd ran again: the VMA is still VM_MERGEABLE
    w.step('run=1', () => ksm_run_store(m, 1));
    w.step('scans', () => ksm_full_scans(m, 2));
    expect(PageKsm(m, w.frame(0, 0))).toBe(true);
  });

  test('MADV_MERGEABLE ignores shared mappings; a scan partway through a pass resumes where it stopped', () => {
    const w = new World(spec);
    const { m } = w;
    w.step('shared mmap', () => do_mmap_anon(m, w.parent.mm, { start: w.start(2), pages: 2, prot: { read: true, write: true, exec: false }, shared: true }));
    w.madvise(2, 0, 2, 'MERGEABLE');
    expect(w.parent.mm.vmas.lookup(w.start(2))!.flags & VM_MERGEABLE).toBe(0);
    w.mmap(0, 8);
    for (let i = 0; i < 8; i++) w.write(0, i, i % 2 ? 'odd' : 'even');
    w.madvise(0, 0, 8, 'MERGEABLE');
    w.step('run=1', () => ksm_run_store(m, 1));
    for (let n = 0; n < 6; n++) w.step(`batch ${n}`, () => ksm_do_scan(m, 3));
    expect(new Set([0, 2, 4, 6].map((i) => w.frame(0, i))).size).toBe(1);
    expect(new Set([1, 3, 5, 7].map((i) => w.frame(0, i))).size).toBe(1);
    expect(ksm_stats(m)).toMatchObject({ pages_shared: 2, pages_sharing: 6 });
  });

  test('the host ksm scenario replays with the invariants checked after every step', () => {
    const script = [
      'scenario ksm replay',
      'ksm_start run=1 sleep_millisecs=10 pages_to_scan=1000',
      'mmap K 4 rw- private,anon slot=0',
      'write K 0 same',
      'write K 1 same',
      'write K 2 same',
      'write K 3 other',
      'madvise K 0 4 MERGEABLE',
      'ksm_wait 1',
      'fork',
      '@child write K 1 child',
      '@child exit',
      'write K 0 K0',
      'madvise K 0 4 UNMERGEABLE',
      'munmap K 0 4',
      'ksm_restore',
    ].join('\n');
    const trace = runScript(parseMmo(script), { spec }, 'ksm.mmo', { check: true });
    expect(trace.steps.find((s) => s.op === 'ksm_wait')!.ret).toEqual({ ok: true, val: 1 });
    expect(trace.steps.filter((s) => s.op.startsWith('ksm_') && s.op !== 'ksm_wait').every((s) => Object.keys(s.obs).length === 0)).toBe(true);
  });
});

describe.each(V618.map((s) => [`${s.id}@${s.era}`, s] as const))('the ksm_scan op on %s', (_name, spec) => {
  const run = (body: string) => runScript(parseMmo(`scenario s\nmmap K 4 rw- private,anon slot=0\nwrite K 0 a\nwrite K 1 a\nwrite K 2 a\nwrite K 3 b\nmadvise K 0 4 MERGEABLE\n${body}`), { spec }, 's.mmo', { check: true, observe: false });
  const val = (t: ReturnType<typeof run>, k: number) => t.steps[t.steps.length - k]!.ret;

  test('ksmd scans only while it should run (run=1, an mm on its list): N wake-ups of pages_to_scan pages', () => {
    // never started: run=0, ksmd sleeps
    expect(val(run('ksm_scan 5'), 1)).toEqual({ ok: true, val: 0 });
    // two wake-ups of 3 pages: 3 pages, then the fourth and the pass ends (ksm_do_scan returns when
    // scan_get_next_rmap_item finds no more, mm/ksm.c 2747–2766): one full scan, checksums taken, nothing merged
    const t = run('ksm_start run=1 sleep_millisecs=10 pages_to_scan=3\nksm_scan 2\nksm_wait 0\nksm_scan full=2\nksm_wait 0');
    expect(val(t, 4)).toEqual({ ok: true, val: 4 });
    expect(val(t, 3)).toEqual({ ok: true, val: 0 });
    // two more passes: full_scans 1 → 3, and the three 'a' pages merged into one KSM page
    expect(val(t, 2)).toEqual({ ok: true, val: 3 });
    expect(val(t, 1)).toEqual({ ok: true, val: 1 });
    // pages_to_scan=0: ksmd wakes and scans nothing, so full=N stops at once
    expect(val(run('ksm_start run=1 sleep_millisecs=10 pages_to_scan=0\nksm_scan full=3'), 1)).toEqual({ ok: true, val: 0 });
    // run=0 again: no more scanning
    expect(val(run('ksm_start\nksm_wait 1\nksm_start run=0\nksm_scan full=2'), 1)).toEqual({ ok: true, val: 2 });
  });

  test('bad wake-up and pass counts are script errors naming the value and the range', () => {
    for (const [word, message] of [
      ['0', "ksm_scan wake-ups (or full=N) '0' is not in range; valid: 1 … 1000"],
      ['1001', "ksm_scan wake-ups (or full=N) '1001' is not in range; valid: 1 … 1000"],
      ['full=0', "ksm_scan full scans '0' is not in range; valid: 1 … 1000"],
      ['full=x', "ksm_scan full scans 'x' is not a whole number (decimal or 0x hex); valid: 1 … 1000"],
    ]) {
      expect(() => run(`ksm_scan ${word}`)).toThrow(MmoSyntaxError);
      expect(() => run(`ksm_scan ${word}`)).toThrow(message);
    }
  });
});

function p0Flags(w: World): number {
  return w.parent.mm.vmas.lookup(w.start(0))!.flags;
}

describe.each(V2621.map((s) => [`${s.id}@${s.era}`, s] as const))('no KSM on %s', (_name, spec) => {
  test('MADV_MERGEABLE and MADV_UNMERGEABLE are -EINVAL; /sys/kernel/mm/ksm does not exist', () => {
    const w = new World(spec);
    w.mmap(0, 2);
    for (const advice of ['MERGEABLE', 'UNMERGEABLE'] as const) {
      expect(() => do_madvise(w.m, w.parent.mm, w.start(0), 2, advice)).toThrow(SyscallError);
      try {
        do_madvise(w.m, w.parent.mm, w.start(0), 2, advice);
      } catch (e) {
        expect((e as SyscallError).errno).toBe('EINVAL');
      }
    }
    expect(p0Flags(w) & VM_MERGEABLE).toBe(0);
    const trace = runScript(parseMmo('scenario k\nksm_start\nmmap K 2 rw- private,anon slot=0\nmadvise K 0 2 MERGEABLE\nksm_wait 1\nksm_scan 1\nksm_scan full=1\nksm_restore\n'), { spec }, 'k.mmo', { check: true });
    const enoent = { ok: false, errno: 'ENOENT' };
    expect(trace.steps.map((s) => s.ret)).toEqual([enoent, { ok: true, val: 0 }, { ok: false, errno: 'EINVAL' }, { ok: true, val: 0 }, enoent, enoent, { ok: true, val: 0 }]);
  });
});

// ---------------------------------------------------------------- the property

const REGIONS = 2;
const PAGES = 6;
const TAGS = ['A', 'B', 'C'];
type Op =
  | { k: 'write'; r: number; page: number; tag: number; child: boolean }
  | { k: 'read'; r: number; page: number; child: boolean }
  | { k: 'madvise'; r: number; page: number; n: number; advice: 'MERGEABLE' | 'UNMERGEABLE' | 'DONTNEED'; child: boolean }
  | { k: 'mprotect'; r: number; page: number; n: number; write: boolean; child: boolean }
  | { k: 'munmap' | 'mmap'; r: number; child: boolean }
  | { k: 'scan'; full: boolean; n: number }
  | { k: 'fork' }
  | { k: 'exit' };

const r = fc.integer({ min: 0, max: REGIONS - 1 });
const page = fc.integer({ min: 0, max: PAGES - 1 });
const child = fc.boolean();
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('write' as const), r, page, tag: fc.integer({ min: 0, max: TAGS.length - 1 }), child }), weight: 8 },
  { arbitrary: fc.record({ k: fc.constant('read' as const), r, page, child }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('madvise' as const), r, page, n: fc.integer({ min: 1, max: PAGES }), advice: fc.constantFrom('MERGEABLE' as const, 'MERGEABLE' as const, 'UNMERGEABLE' as const, 'DONTNEED' as const), child }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('mprotect' as const), r, page, n: fc.integer({ min: 1, max: 3 }), write: fc.boolean(), child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constantFrom('munmap' as const, 'mmap' as const), r, child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('scan' as const), full: fc.boolean(), n: fc.integer({ min: 1, max: 8 }) }), weight: 5 },
  { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'exit' as const }), weight: 1 },
);

/** An op as a `.mmo` line (regions K0, K1 at slots 0, 1), or nothing: a second fork, an exit with no child. */
function line(o: Op, kid: boolean): string | undefined {
  if (o.k === 'fork') return kid ? undefined : 'fork';
  if (o.k === 'exit') return kid ? '@child exit' : undefined;
  // ksmd wakes N times (a batch of pages_to_scan pages each: part of a pass), or runs one or two whole passes
  if (o.k === 'scan') return o.full ? `ksm_scan full=${1 + (o.n % 2)}` : `ksm_scan ${o.n}`;
  const at = o.child && kid ? '@child ' : '';
  switch (o.k) {
    case 'write':
      return `${at}write K${o.r} ${o.page} ${TAGS[o.tag]}`;
    case 'read':
      return `${at}read K${o.r} ${o.page}`;
    case 'madvise':
      return `${at}madvise K${o.r} ${o.page} ${o.n} ${o.advice}`;
    case 'mprotect':
      return `${at}mprotect K${o.r} ${o.page} ${o.n} ${o.write ? 'rw-' : 'r--'}`;
    case 'munmap':
      return `${at}munmap K${o.r} 0 ${PAGES}`;
    case 'mmap':
      return `${at}mmap K${o.r} ${PAGES} rw- private,anon slot=${o.r}`;
  }
}

/**
 * One random sequence as a `.mmo` script run through the script runner,
 * which checks the invariants after every step (a failed one too); this
 * test checks each step's result against the reference model, and that
 * every KSM page is mapped read-only where the reference expects its
 * content. ksmd scans with pages_to_scan `batch`. Whether a KSM page was
 * ever mapped.
 */
function runOps(spec: Spec, batch: number, ops: Op[]): boolean {
  const lines: string[] = [];
  for (let i = 0; i < REGIONS; i++) lines.push(`mmap K${i} ${PAGES} rw- private,anon slot=${i}`);
  lines.push(`ksm_start run=1 sleep_millisecs=10 pages_to_scan=${batch}`);
  // half the runs start with every region mergeable, so that most runs see merges
  if (ops.length % 2 === 0) for (let i = 0; i < REGIONS; i++) lines.push(`madvise K${i} 0 ${PAGES} MERGEABLE`);
  const setup = lines.length;
  const kept: Op[] = [];
  let kid = false;
  for (const o of ops) {
    const text = line(o, kid);
    if (text === undefined) continue;
    lines.push(text);
    kept.push(o);
    if (o.k === 'fork') kid = true;
    if (o.k === 'exit') kid = false;
  }
  // run=2 at the end: every KSM page of a VM_MERGEABLE VMA is broken
  lines.push('ksm_restore');
  const script = lines.join('\n');
  const { machine: m, steps } = startScript(parseMmo(script, 'random-ksm.mmo'), { spec, frames: 512 }, 'random-ksm.mmo', { check: true, observe: false });
  const ref = new ReferenceModel();
  const start = (region: number) => slotStart(m, region);
  const procs = (): Process[] => [liveProc(m, 'parent')!, ...(liveProc(m, 'child') ? [liveProc(m, 'child')!] : [])];
  let merged = false;
  let kidPid = -1;
  let i = -1;
  for (const step of steps) {
    i++;
    const where = `${spec.id}@${spec.era} line ${i + 1} '${lines[i]}' of:\n${script}`;
    const ok = step.ret['ok'] === true;
    if (i < setup) {
      expect(ok, where).toBe(true);
      if (i < REGIONS) ref.map(liveProc(m, 'parent')!.pid, start(i), PAGES);
      continue;
    }
    if (i === lines.length - 1) break; // ksm_restore: checked below
    const o = kept[i - setup]!;
    const p = o.k === 'exit' ? undefined : liveProc(m, step.proc);
    if ('errno' in step.ret) {
      // madvise/mprotect over a hole (beyond a region, or an unmapped one) apply to what was mapped: ENOMEM, nothing else
      expect([o.k, step.ret['errno']], where).toEqual([o.k === 'mprotect' ? 'mprotect' : 'madvise', 'ENOMEM']);
      if (o.k === 'madvise') adviseReference(ref, p!.pid, o.advice, start(o.r) + o.page, o.n);
    } else {
      switch (o.k) {
        case 'write':
        case 'read': {
          const vpn = start(o.r) + o.page;
          const vma = p!.mm.vmas.lookup(vpn);
          expect(ok, where).toBe(vma !== undefined && (o.k === 'read' || (vma.flags & 2) !== 0));
          if (ok && o.k === 'write') ref.write(p!.pid, vpn, TAGS[o.tag]!);
          if (ok && o.k === 'read') expect(ref.read(p!.pid, vpn, String(step.ret['data'])), where).toBeUndefined();
          break;
        }
        case 'madvise':
          adviseReference(ref, p!.pid, o.advice, start(o.r) + o.page, o.n);
          break;
        case 'munmap':
          ref.unmap(p!.pid, start(o.r), PAGES);
          break;
        case 'mmap':
          ref.unmap(p!.pid, start(o.r), PAGES);
          ref.map(p!.pid, start(o.r), PAGES);
          break;
        case 'fork':
          kidPid = forkReference(ref, liveProc(m, 'parent')!, liveProc(m, 'child')!);
          break;
        case 'exit':
          ref.exit(kidPid);
          break;
        case 'scan':
          expect(ok, where).toBe(true);
          break;
      }
    }
    // every KSM page is mapped only where the reference expects its content, and never writable (one expect for them all)
    const wrong: string[] = [];
    for (const proc of procs()) {
      for (let region = 0; region < REGIONS; region++) {
        for (let k = 0; k < PAGES; k++) {
          const pte = peekPte(m, proc.mm, start(region) + k);
          if (pte.frame < 0 || !PageKsm(m, pte.frame)) continue;
          merged = true;
          const bad = ref.read(proc.pid, start(region) + k, m.tags.name(m.frames.tag[pte.frame]!));
          if (bad !== undefined) wrong.push(`pid ${proc.pid} K${region} ${k}: ${bad}`);
          if (pte.write) wrong.push(`pid ${proc.pid} K${region} ${k}: a writable pte maps a KSM page`);
        }
      }
    }
    expect(wrong, where).toEqual([]);
  }
  // run=2 broke every KSM page of a VM_MERGEABLE VMA (a KSM page can also be mapped where the VMA is not:
  // a page fork shared, merged through the child's mapping — remove_all_stable_nodes leaves it, -EBUSY)
  expect(i, 'the ksm_restore step ran').toBe(lines.length - 1);
  for (const proc of procs()) {
    for (let region = 0; region < REGIONS; region++) {
      for (let k = 0; k < PAGES; k++) {
        const pte = peekPte(m, proc.mm, start(region) + k);
        const vma = proc.mm.vmas.lookup(start(region) + k);
        if (pte.frame >= 0 && (vma!.flags & VM_MERGEABLE) !== 0) expect(PageKsm(m, pte.frame), `${spec.id}: after ksm_restore, of:\n${script}`).toBe(false);
      }
    }
  }
  return merged;
}

describe('random write / madvise / ksmd scan / fork sequences keep the data and the invariants', () => {
  for (const spec of V618) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      let runs = 0;
      let merging = 0;
      fc.assert(
        fc.property(fc.constantFrom(1, 2, 3, 5, 8), fc.array(op, { minLength: 5, maxLength: 50, size: 'max' }), (batch, ops) => {
          runs++;
          if (runOps(spec, batch, ops)) merging++;
        }),
        // about 30% of sequences merge (per variant); over 300 runs the 20% floor below is 3.8 standard deviations away
        { numRuns: Number(process.env['MMSIM_RANDOM_RUNS'] ?? 300) },
      );
      expect(merging, `${merging} of ${runs} runs merged pages`).toBeGreaterThan(runs / 5);
    });
  }
});
