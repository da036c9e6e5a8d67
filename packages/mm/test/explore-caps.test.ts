/**
 * Searches you can cap (issue 9): --max-schedules and --time-limit for dfs,
 * random and pct. A capped search returns a partial result that says how
 * far it got and which cap stopped it; a failure found before the cap is
 * still the verdict. No assertion here depends on how fast the machine is:
 * a time limit of 0 stops after the first schedule, and progress is driven
 * by a fake clock.
 */
import { x86_64_618 } from '@mmsim/arch-x86';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { ACT_DONE, ACT_STEP, type Instance, type Progress, type Thread } from '../src/explore/index.js';
import { exploreDfs, explorePct, exploreRandom, replay, type Program } from '../src/index.js';
import { parseRaceFile, raceProgram } from '../src/races/index.js';

class StepThread implements Thread {
  pc = 0;
  constructor(
    private readonly steps: number,
    private readonly effect: (pc: number) => void = () => {},
  ) {}
  get next(): number {
    return this.pc < this.steps ? ACT_STEP : ACT_DONE;
  }
  get where(): string {
    return `pc ${this.pc}`;
  }
  step(): void {
    this.effect(this.pc);
    this.pc++;
  }
}

/** n threads of k steps: a tree far too big to finish (no key, so no cache cuts it). */
const wide = (n: number, k: number): Program => ({
  name: 'wide',
  instantiate(): Instance {
    return { threads: Array.from({ length: n }, () => new StepThread(k)), check: () => null };
  },
});

/** A lost update between two of n threads: fails with one preemption. */
const lostUpdate = (n: number): Program => ({
  name: 'lost-update',
  instantiate(): Instance {
    let counter = 0;
    const threads = Array.from({ length: n }, () => {
      let seen = 0;
      return new StepThread(2, (pc) => (pc === 0 ? (seen = counter) : (counter = seen + 1)));
    });
    return { threads, check: () => null, final: () => (counter === n ? null : `lost update: counter is ${counter}, expected ${n}`) };
  },
});

/**
 * The fault-invalidate race (scenarios/races/fault-invalidate.mmo) with four
 * faulting readers against four invalidations of their pages: under the
 * page-lock fix no schedule fails, and the search within bound 3 is far
 * longer than these tests let it run.
 */
const manyReaders = (READERS: number) => parseRaceFile(
  [
    `scenario fault-invalidate-${READERS}x${READERS} faults against invalidations`,
    'policy fault truncate_count page-lock',
    'fails truncate_count',
    'bound 3',
    `file F ext4 ${READERS} F`,
    `mmap M ${READERS} r-- shared file=F pgoff=0 slot=0`,
    ...Array.from({ length: READERS }, (_, i) => `pread F ${i}`),
    ...Array.from({ length: READERS }, (_, i) => [`thread fault${i}`, `read M ${i}`, `thread invalidate${i}`, `invalidate F ${i} 1`]).flat(),
    'final',
    ...Array.from({ length: READERS }, (_, i) => `expect M ${i} F${i} the fault maps what the file holds`),
    '',
  ].join('\n'),
  `fault-invalidate-${READERS}x${READERS}.mmo`,
);
const fourReaders = manyReaders(4);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('dfs with a cap deepens the bound and reports how far it got', () => {
  test('--max-schedules stops a long race search: partial, the bounds it finished, the bound it reached', () => {
    const program = raceProgram(fourReaders, x86_64_618, 'page-lock');
    const r = exploreDfs(program, { bound: 3, maxSchedules: 40 });
    expect(r).toMatchObject({ strategy: 'dfs', bound: 3, schedules: 40, complete: false, stoppedBy: 'max-schedules', exhaustive: false, failure: null });
    expect(r.states).toBeGreaterThan(40);
    expect(r.boundReached).toBeGreaterThanOrEqual(0);
    expect(r.boundCompleted).toBe(r.boundReached! - 1);
    // two readers under the buggy rule: the failure is found before the cap, and is the verdict
    const twoReaders = manyReaders(2);
    const buggy = exploreDfs(raceProgram(twoReaders, x86_64_618, 'truncate_count'), { bound: 3, maxSchedules: 100_000 });
    expect(buggy.failure).not.toBeNull();
    expect(buggy.complete).toBe(true);
    expect(buggy.stoppedBy).toBeUndefined();
    expect(replay(raceProgram(twoReaders, x86_64_618, 'truncate_count'), buggy.failure!.schedule).failure).toBe(buggy.failure!.message);
  });

  test('a time limit of 0 stops after the first schedule', () => {
    const r = exploreDfs(raceProgram(fourReaders, x86_64_618, 'page-lock'), { bound: 3, timeLimitMs: 0 });
    expect(r).toMatchObject({ schedules: 1, complete: false, stoppedBy: 'time-limit', boundCompleted: -1, boundReached: 0 });
  });

  test('bound 0 of n threads is n! schedules: a cap above it finishes bound 0 and stops in bound 1', () => {
    const r = exploreDfs(wide(4, 3), { bound: 2, maxSchedules: 30 });
    expect(r).toMatchObject({ schedules: 30, complete: false, stoppedBy: 'max-schedules', boundCompleted: 0, boundReached: 1 });
    // a cap exactly at the end of bound 0, with bound 1 to go: stopped between bounds
    const between = exploreDfs(wide(4, 3), { bound: 2, maxSchedules: 24 });
    expect(between).toMatchObject({ schedules: 24, complete: false, stoppedBy: 'max-schedules', boundCompleted: 0, boundReached: 0 });
  });

  test('a cap the search never reaches: complete and exhaustive, every bound finished', () => {
    const capped = exploreDfs(wide(3, 2), { bound: 2, maxSchedules: 1_000_000 });
    const plain = exploreDfs(wide(3, 2), { bound: 2 });
    expect(capped).toMatchObject({ complete: true, exhaustive: true, boundCompleted: 2, boundReached: 2, failure: null });
    expect(capped.stoppedBy).toBeUndefined();
    // deepening runs bounds 0 and 1 again inside bound 2: more schedules than the direct search, never fewer
    expect(capped.schedules).toBeGreaterThan(plain.schedules);
    expect(plain).toMatchObject({ complete: true, exhaustive: true });
    expect(plain.boundCompleted).toBeUndefined();
  });

  test('deepening finds the failure with the fewest preemptions, as the direct search does', () => {
    const capped = exploreDfs(lostUpdate(3), { bound: 3, maxSchedules: 1_000_000 });
    const plain = exploreDfs(lostUpdate(3), { bound: 3 });
    expect(capped.failure?.preemptions).toBe(1);
    expect(plain.failure?.preemptions).toBe(1);
    expect(capped).toMatchObject({ complete: true, boundCompleted: 0, boundReached: 1 });
  });

  test('bad caps are refused', () => {
    for (const maxSchedules of [0, -1, 1.5, Number.NaN, 2 ** 53]) expect(() => exploreDfs(wide(2, 1), { maxSchedules })).toThrow(RangeError);
    for (const timeLimitMs of [-1, Number.NaN, Infinity]) expect(() => exploreDfs(wide(2, 1), { timeLimitMs })).toThrow(RangeError);
  });
});

describe('random and pct stop at a cap too', () => {
  for (const [name, search] of [
    ['random', exploreRandom],
    ['pct', explorePct],
  ] as const) {
    test(`${name}: --max-schedules below --runs is partial; above it the runs finish`, () => {
      const program = raceProgram(fourReaders, x86_64_618, 'page-lock');
      const r = search(program, { seed: 7, runs: 1000, maxSchedules: 25 });
      expect(r).toMatchObject({ strategy: name, seed: 7, schedules: 25, complete: false, stoppedBy: 'max-schedules', failure: null });
      const all = search(wide(3, 2), { seed: 7, runs: 50, maxSchedules: 1000 });
      expect(all).toMatchObject({ schedules: 50, complete: true });
      expect(all.stoppedBy).toBeUndefined();
      const timed = search(program, { seed: 7, runs: 1000, timeLimitMs: 0 });
      expect(timed).toMatchObject({ schedules: 1, complete: false, stoppedBy: 'time-limit' });
    });

    test(`${name}: a failure before the cap is the verdict, and the capped search finds the same one`, () => {
      const r = search(lostUpdate(3), { seed: 1, runs: 500, maxSchedules: 400 });
      const plain = search(lostUpdate(3), { seed: 1, runs: 500 });
      expect(r.failure).not.toBeNull();
      expect(r.failure).toEqual(plain.failure);
      expect(r.complete).toBe(true);
    });
  }
});

describe('progress with an estimate', () => {
  /** a clock that moves 600 ms each time it is read: a report is due every other look (every 512 schedules), on any machine */
  const fakeClock = () => {
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 600));
  };

  test('dfs: the fraction of the tree done grows from 0 towards 1, with a time left', () => {
    fakeClock();
    const reports: Progress[] = [];
    const r = exploreDfs(wide(3, 3), { bound: 64, onProgress: (p) => reports.push(p) });
    expect(r.complete).toBe(true);
    expect(reports.length).toBeGreaterThan(2);
    for (const p of reports) {
      expect(p.fraction).toBeGreaterThan(0);
      expect(p.fraction).toBeLessThanOrEqual(1);
      expect(p.etaMs).toBeGreaterThanOrEqual(0);
      expect(p.endsBy).toBe('search');
      expect(p.bound).toBe(64);
    }
    const fractions = reports.map((p) => p.fraction!);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  test('with a cap: the time left is the cap\'s when it comes first, and the bound being searched is named', () => {
    fakeClock();
    const reports: Progress[] = [];
    const r = exploreDfs(wide(3, 3), { bound: 5, maxSchedules: 1200, onProgress: (p) => reports.push(p) });
    expect(r.stoppedBy).toBe('max-schedules');
    expect(reports.length).toBeGreaterThan(0);
    for (const p of reports) {
      expect(p.targetBound).toBe(5);
      expect(p.bound).toBeLessThanOrEqual(5);
    }
    expect(reports.some((p) => p.endsBy === 'max-schedules')).toBe(true);
  });

  test('random: the fraction is exact (schedules of runs)', () => {
    fakeClock();
    const reports: Progress[] = [];
    exploreRandom(wide(3, 3), { seed: 1, runs: 2000, onProgress: (p) => reports.push(p) });
    expect(reports.length).toBeGreaterThan(0);
    for (const p of reports) {
      expect(p.fraction).toBe(p.schedules / 2000);
      expect(p.endsBy).toBe('search');
    }
  });
});
