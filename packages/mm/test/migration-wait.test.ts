/**
 * A fault on a migration entry waits for the migration (migration_entry_wait:
 * it sleeps on the page lock, then the fault is retried), under the
 * explorer, on the simulator's own move_pages and fault paths: every
 * interleaving of a read against a migration of the same page ends with the
 * read seeing the data. In 2.6.21 the sleeping fault holds a reference to
 * the page, which fails that migration pass (-EAGAIN) and the next pass
 * moves it; 6.18 sleeps without one. Random move_pages / mremap / write /
 * fork sequences keep the invariants and the data (fast-check).
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { PteClassCode, type VariantSpec } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Executor } from '../src/explore/executor.js';
import { access, do_mmap, do_move_pages_path, do_mremap, dup_mmap } from '../src/kernel/index.js';
import { checkInvariants } from '../src/check/index.js';
import { exploreDfs, KernelBug, Machine, SyscallError, type Process } from '../src/index.js';
import { parseRaceFile, raceProgram } from '../src/races/index.js';
import { runPath } from '../src/model/index.js';
import { ACT_DONE } from '../src/explore/thread.js';

const RACE = `scenario fault-migration a read fault on a page under migration
source mmsim: migration_entry_wait
policy mremap anon-vma-lock
bound 3
mmap M 1 rw- private,anon slot=0
write M 0 X

thread migrate
move_pages M 0 1

thread reader
read M 0

final
expect M 0 X the read after both sees the data
`;

const race = parseRaceFile(RACE, 'fault-migration.mmo');

/** Run thread t while it can and `until` (of its where) is not yet true. */
function runWhile(ex: Executor, t: number, until: (where: string) => boolean, log: string[]): void {
  for (;;) {
    const th = ex.instance.threads[t]!;
    const enabled = ex.enabledMask();
    if (th.next === ACT_DONE || (enabled & (1 << t)) === 0) return;
    expect(ex.exec(t, enabled), ex.failure ?? '').toBe(true);
    log.push(`${t} ${th.where}`);
    if (until(th.where)) return;
  }
}

describe('a fault on a migration entry waits for the migration', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, () => {
      // the reader faults while the entry is installed: it sleeps on the page lock until the migration unlocks the page
      const ex = new Executor(raceProgram(race, spec, 'anon-vma-lock'));
      ex.start();
      const log: string[] = [];
      runWhile(ex, 0, (w) => w.includes('migration entry installed'), log);
      runWhile(ex, 1, () => false, log);
      expect(ex.instance.threads[1]!.next).not.toBe(ACT_DONE); // asleep on the page lock
      expect(log.at(-1)).toMatch(/^1 reader: read M 0$/);
      runWhile(ex, 0, (w) => w.includes('unlock_page'), log);
      runWhile(ex, 1, () => false, log);
      runWhile(ex, 0, () => false, log);
      expect(ex.allDone()).toBe(true);
      expect(ex.finish(), ex.failure ?? '').toBe(true);
      const reader = log.filter((l) => l.startsWith('1 '));
      expect(reader.some((l) => l.includes('migration_entry_wait: wait_on_page_locked'))).toBe(true);
      expect(reader.at(-1)).toBe('1 reader: migration_entry_wait: woken; the fault is retried');
      // 2.6.21: the sleeper's reference failed the first pass; the second moved the page
      const passes = log.filter((l) => l.startsWith('0 ') && l.includes('migrate: lock_page')).length;
      expect(passes).toBe(spec.era === '2.6.21' ? 2 : 1);
      expect(log.some((l) => l.includes('-EAGAIN'))).toBe(spec.era === '2.6.21');
      // and no interleaving within the bound loses the data or breaks an invariant
      const r = exploreDfs(raceProgram(race, spec, 'anon-vma-lock'), { bound: race.bound });
      expect(r.failure).toBeNull();
      expect(r.exhaustive).toBe(true);
    });
  }

  test('sequentially, a migration entry nobody is migrating is a livelock the kernel never leaves', () => {
    const spec = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
    const m = new Machine({ spec, frames: 64 });
    const p = m.spawn('p');
    do_mmap(m, p.mm, { start: 0x40, pages: 1, prot: { read: true, write: true, exec: false }, shared: false });
    access(m, p.mm, 0x40, true, m.tags.intern('X'));
    // a migration entry for a free pfn, as the 2011 race leaves one
    const type = m.variant.swapTypes.byName('SWP_MIGRATION_READ')!.type;
    const slot = p.mm.pgtable.walk(0x40, false);
    const freePfn = m.frames.pfn(m.frames.highWater + 1);
    p.mm.pgtable.set(slot, m.variant.fast.swp_entry_to_pte_hi(type, 0, freePfn), m.variant.fast.swp_entry_to_pte_lo(type, 0, freePfn));
    expect(checkInvariants(m).map((v) => v.rule)).toContain('migration-entry');
    expect(() => access(m, p.mm, 0x40, false)).toThrow(KernelBug);
    expect(() => access(m, p.mm, 0x40, false)).toThrow(/migration_entry_wait: the migration entry at 0x40000 \(mm 1\) names pfn 0x[0-9a-f]+, which is free/);
  });
});

// ---------------------------------------------------------------- property

const PAGES = 3;
type Op =
  | { k: 'write'; child: boolean; page: number; tag: number }
  | { k: 'read'; child: boolean; page: number }
  | { k: 'move'; child: boolean; page: number; node: number; all: boolean }
  | { k: 'mremap'; child: boolean }
  | { k: 'fork' };

const page = fc.integer({ min: 0, max: PAGES - 1 });
const child = fc.boolean();
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('write' as const), child, page, tag: fc.integer({ min: 0, max: 99 }) }), weight: 4 },
  { arbitrary: fc.record({ k: fc.constant('read' as const), child, page }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('move' as const), child, page, node: fc.integer({ min: 0, max: 2 }), all: fc.boolean() }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('mremap' as const), child }), weight: 2 },
  { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
);

interface P {
  readonly p: Process;
  base: number;
  readonly data: Map<number, string>;
}

function run(spec: VariantSpec, ops: Op[]): void {
  const m = new Machine({ spec, frames: 256 });
  const slots = [0x1000, 0x1000 + PAGES + 5, 0x1000 + 2 * (PAGES + 5)];
  const parent: P = { p: m.spawn('parent'), base: slots[0]!, data: new Map() };
  do_mmap(m, parent.p.mm, { start: parent.base, pages: PAGES, prot: { read: true, write: true, exec: false }, shared: false });
  const procs: P[] = [parent];
  const zero = m.tags.name(0);
  for (const o of ops) {
    if (o.k === 'fork') {
      if (procs.length === 1) procs.push({ p: dup_mmap(m, parent.p, 'child'), base: parent.base, data: new Map(parent.data) });
      continue;
    }
    const q = o.child && procs[1] ? procs[1] : parent;
    if (o.k === 'write') {
      const tag = `T${o.tag}`;
      expect(access(m, q.p.mm, q.base + o.page, true, m.tags.intern(tag)).ok).toBe(true);
      q.data.set(o.page, tag);
    } else if (o.k === 'read') {
      const r = access(m, q.p.mm, q.base + o.page, false);
      expect(r.ok && r.tag).toBe(q.data.get(o.page) ?? zero);
    } else if (o.k === 'move') {
      try {
        const res = runPath(do_move_pages_path(m, q.p.mm, q.base + o.page, o.node, o.all));
        if (res.status !== null && res.status >= 0) {
          const slot = q.p.mm.pgtable.walk(q.base + o.page, false);
          const hi = q.p.mm.pgtable.hi(slot);
          const lo = q.p.mm.pgtable.lo(slot);
          const cls = m.variant.fast.classify(hi, lo);
          if (cls === PteClassCode.present) expect(m.frames.nid(m.pteFrame(hi, lo))).toBe(o.node);
        }
      } catch (e) {
        if (!(e instanceof SyscallError)) throw e;
        expect(['ENODEV', 'ENOENT']).toContain(e.errno);
      }
    } else {
      // the whole region to the next free slot (MREMAP_FIXED); the data goes with it
      const to = slots.find((s) => procs.every((x) => x.p !== q.p || x.base !== s) && s !== q.base)!;
      do_mremap(m, q.p.mm, { start: q.base, oldPages: PAGES, newPages: PAGES, maymove: true, fixed: true, dontunmap: false, newStart: to });
      q.base = to;
    }
    expect(checkInvariants(m)).toEqual([]);
  }
  for (const q of procs) {
    for (let i = 0; i < PAGES; i++) {
      const r = access(m, q.p.mm, q.base + i, false);
      expect(r.ok && r.tag).toBe(q.data.get(i) ?? zero);
    }
  }
  expect(checkInvariants(m)).toEqual([]);
}

describe('property: move_pages, mremap, writes and fork keep the invariants and the data', () => {
  const specs = [
    X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!,
    X86.find((s) => s.id === 'i386' && s.era === '2.6.21')!,
    PPC.find((s) => s.id === 'ppc64-64k' && s.era === '6.18')!,
    PPC.find((s) => s.id === 'ppc32' && s.era === '2.6.21')!,
  ];
  for (const spec of specs) {
    test(`${spec.id}@${spec.era}`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), (ops) => run(spec, ops)),
        { numRuns: 150, seed: 0x5eed },
      );
    });
  }
});
