/**
 * Two threads of one process fault the same none pte of anonymous memory.
 * do_anonymous_page allocates its page before it takes the pte lock and,
 * under the lock, backs out when the pte is no longer none (6.18
 * mm/memory.c 5178–5213; 2.6.21 2091–2119): the explorer stops at the pte
 * lock, so it finds the orders where the second fault backs out — its page
 * freed, its access retried on the winner's page — with the invariants
 * intact after every step and exactly one page mapped at the end. The
 * write-protect fault likewise (do_wp_page / wp_page_copy, memory.wp.ts):
 * two threads writing a page fork shared COW it once; the other backs out.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { exploreDfs, type Program } from '../src/index.js';
import type { Instance, Thread } from '../src/explore/index.js';
import { parseRaceFile, raceProgram } from '../src/races/index.js';

const race = (second: 'read' | 'write') =>
  parseRaceFile(
    `scenario anon-fault two threads fault the same anonymous page
source 6.18 mm/memory.c do_anonymous_page: allocate, pte_offset_map_lock, back out when the pte changed
policy cow mapcount refcount
bound 3
mmap M 1 rw- private,anon slot=0

thread a
write M 0 A

thread b
${second === 'write' ? 'write M 0 B' : 'read M 0'}
`,
    'anon-fault.mmo',
  );

/** the step of a fault that found the pte changed under the lock (a thread's step reads `name: what it did`) */
const backsOut = (where: string): boolean => where.endsWith(': do_anonymous_page: the pte changed under us: page released, pte lock dropped');

interface Run {
  /** every stop each step reached, in order */
  readonly wheres: readonly string[];
  /** the ptes and pages at the end */
  readonly state: string;
}

/** The program, with each schedule's steps and final state recorded. */
function recorded(program: Program): { program: Program; runs: Run[] } {
  const runs: Run[] = [];
  return {
    runs,
    program: {
      name: program.name,
      instantiate(): Instance {
        const inner = program.instantiate();
        const wheres: string[] = [];
        const threads: Thread[] = inner.threads.map((t) => ({
          get next() {
            return t.next;
          },
          get where() {
            return t.where;
          },
          step() {
            t.step();
            wheres.push(t.where);
          },
        }));
        return {
          threads,
          check: () => inner.check(),
          final: () => {
            const r = inner.final?.() ?? null;
            runs.push({ wheres, state: inner.snapshot!() });
            return r;
          },
          lockName: (k) => inner.lockName?.(k) ?? `lock ${k}`,
          snapshot: () => inner.snapshot!(),
        };
      },
    },
  };
}

const cowRace = parseRaceFile(
  `scenario wp-fault two threads write-fault the same COW-shared page
source 6.18 mm/memory.c wp_page_copy: the copy is made with the pte lock dropped and installed only if the pte is still the same
policy cow mapcount refcount
bound 3
mmap M 1 rw- private,anon slot=0
write M 0 X
fork

thread a
write M 0 A

thread b
write M 0 B
`,
  'wp-fault.mmo',
);

/** a thread's step that found the pte changed under a pte lock of the write-protect fault */
const wpBacksOut = (where: string): boolean => /: (handle_pte_fault|wp_page_copy): the pte changed under us/.test(where);

const presentLines = (state: string) => state.split('\n').filter((l) => / present pfn /.test(l));

describe('do_anonymous_page under the explorer: allocate, lock, re-check, back out', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}: two write faults on one page`, () => {
      const { program, runs } = recorded(raceProgram(race('write'), spec, 'mapcount'));
      const r = exploreDfs(program, { bound: 3 });
      expect(r.failure).toBeNull(); // the invariants held after every step of every order
      expect(r.exhaustive).toBe(true);
      expect(runs.length).toBe(r.schedules);
      const backedOut = runs.filter((run) => run.wheres.some(backsOut));
      // some orders let both faults allocate before either takes the pte lock: the second backs out
      expect(backedOut.length).toBeGreaterThan(0);
      expect(backedOut.length).toBeLessThan(runs.length);
      for (const run of runs) {
        // never both: at most one fault backs out, and one page ends mapped, holding the last write
        expect(run.wheres.filter(backsOut).length).toBeLessThanOrEqual(1);
        const present = presentLines(run.state);
        expect(present).toHaveLength(1);
        expect(present[0]).toMatch(/\(anon, mapcount 1, refcount 1, data [AB]\)$/);
      }
      // the loser's page went back: in a back-out order the surviving page is the only anon page
      expect(backedOut.every((run) => presentLines(run.state).length === 1)).toBe(true);
    });

    test(`${spec.id}@${spec.era}: a read fault against a write fault`, () => {
      const { program, runs } = recorded(raceProgram(race('read'), spec, 'refcount'));
      const r = exploreDfs(program, { bound: 3 });
      expect(r.failure).toBeNull();
      expect(r.exhaustive).toBe(true);
      // the read may map the zero page first (the write then COWs it) or back out of it after the write
      expect(runs.some((run) => run.wheres.some(backsOut))).toBe(true);
      for (const run of runs) expect(presentLines(run.state)).toEqual([expect.stringMatching(/\(anon, mapcount 1, refcount 1, data A\)$/)]);
    });

    test(`${spec.id}@${spec.era}: two write faults on one COW-shared page`, () => {
      const { program, runs } = recorded(raceProgram(cowRace, spec, 'refcount'));
      const r = exploreDfs(program, { bound: 3 });
      expect(r.failure).toBeNull();
      expect(r.exhaustive).toBe(true);
      // orders where the second fault finds the pte changed — at handle_pte_fault's lock or at wp_page_copy's — and backs out
      expect(runs.some((run) => run.wheres.some(wpBacksOut))).toBe(true);
      for (const run of runs) {
        const present = presentLines(run.state);
        // the parent's one page (a copy, the last write) and the child's untouched original
        expect(present).toHaveLength(2);
        expect(present.filter((l) => /^parent /.test(l))).toEqual([expect.stringMatching(/\(anon, mapcount 1, refcount 1, data [AB]\)$/)]);
        expect(present.filter((l) => /^child /.test(l))).toEqual([expect.stringMatching(/data X\)$/)]);
      }
    });
  }
});
