/**
 * The explorer's own correctness: on small programs whose interleavings can
 * be counted independently it enumerates exactly that many, a planted race
 * is always found, and a found schedule replays to the same failure.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  ACT_DONE,
  ACT_STEP,
  formatSchedule,
  fromGenerator,
  isLockAct,
  isUnlockAct,
  lockAct,
  lockOf,
  parseSchedule,
  ScheduleSyntaxError,
  unlockAct,
  type Instance,
  type Thread,
} from '../src/explore/index.js';
import { exploreDfs, explorePct, exploreRandom, replay, type Program } from '../src/index.js';

/** A thread that performs a fixed list of actions, calling `effect` on each. */
class ListThread implements Thread {
  pc = 0;
  constructor(
    private readonly actions: readonly number[],
    private readonly effect: (pc: number) => void = () => {},
  ) {}
  get next(): number {
    return this.pc < this.actions.length ? this.actions[this.pc]! : ACT_DONE;
  }
  get where(): string {
    return `pc ${this.pc}`;
  }
  step(): void {
    this.effect(this.pc);
    this.pc++;
  }
}

const listProgram = (bodies: readonly (readonly number[])[], withKey = false): Program => ({
  name: 'lists',
  instantiate(): Instance {
    const threads = bodies.map((b) => new ListThread(b));
    return {
      threads,
      check: () => null,
      ...(withKey ? { key: () => threads.map((t) => t.pc).join(',') } : {}),
    };
  },
});

/**
 * An independent count: every complete interleaving of the bodies under
 * lock semantics, with at most `bound` preemptions (a switch away from a
 * thread that could have run).
 */
function bruteCount(bodies: readonly (readonly number[])[], bound: number): number {
  const n = bodies.length;
  const pc = bodies.map(() => 0);
  const owner = new Map<number, number>();
  const runnable = (t: number): boolean => {
    if (pc[t]! >= bodies[t]!.length) return false;
    const a = bodies[t]![pc[t]!]!;
    return !(isLockAct(a) && owner.has(lockOf(a)));
  };
  const go = (prev: number, used: number): number => {
    const can = [...Array(n).keys()].filter(runnable);
    if (can.length === 0) return 1;
    let total = 0;
    for (const t of can) {
      const cost = prev >= 0 && t !== prev && runnable(prev) ? 1 : 0;
      if (used + cost > bound) continue;
      const a = bodies[t]![pc[t]!]!;
      if (isLockAct(a)) owner.set(lockOf(a), t);
      if (isUnlockAct(a)) owner.delete(lockOf(a));
      pc[t]!++;
      total += go(t, used + cost);
      pc[t]!--;
      if (isLockAct(a)) owner.delete(lockOf(a));
      if (isUnlockAct(a)) owner.set(lockOf(a), t);
    }
    return total;
  };
  return go(-1, 0);
}

/** A thread body: plain steps and critical sections (one lock at a time, so no deadlock). */
const body = fc
  .array(fc.oneof(fc.constant<number[]>([ACT_STEP]), fc.integer({ min: 0, max: 1 }).map((k) => [lockAct(k), ACT_STEP, unlockAct(k)])), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.flat());

/** Fails when the threads' positions reach `target` (a planted bad state). */
const reachProgram = (bodies: readonly (readonly number[])[], target: readonly number[], withKey: boolean): Program => ({
  name: 'reach',
  instantiate(): Instance {
    const threads = bodies.map((b) => new ListThread(b));
    return {
      threads,
      check: () => (threads.every((t, i) => t.pc === target[i]) ? `reached ${target.join(',')}` : null),
      ...(withKey ? { key: () => threads.map((t) => t.pc).join(',') } : {}),
    };
  },
});

describe('exhaustive DFS enumerates exactly the interleavings', () => {
  test('two threads of a and b steps, unbounded: C(a+b, a) schedules', () => {
    const binom = (n: number, k: number): number => (k === 0 ? 1 : (binom(n - 1, k - 1) * n) / k);
    for (let a = 1; a <= 5; a++) {
      for (let b = 1; b <= 5; b++) {
        const r = exploreDfs(listProgram([Array(a).fill(ACT_STEP), Array(b).fill(ACT_STEP)]), { bound: 64, stateCache: false });
        expect(r.schedules, `a=${a} b=${b}`).toBe(binom(a + b, a));
        expect(r.exhaustive).toBe(true);
        expect(r.failure).toBeNull();
      }
    }
  });

  test('bound 0 runs each thread to completion in every order: n! schedules', () => {
    expect(exploreDfs(listProgram([[0, 0], [0, 0], [0, 0]]), { bound: 0 }).schedules).toBe(6);
    expect(exploreDfs(listProgram([[0], [0], [0], [0]]), { bound: 0 }).schedules).toBe(24);
  });

  test('random programs with locks, every bound: the count matches an independent enumeration', () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 3 }), (bodies, bound) => {
        const r = exploreDfs(listProgram(bodies), { bound, stateCache: false });
        expect(r.failure).toBeNull();
        expect(r.schedules).toBe(bruteCount(bodies, bound));
      }),
      { numRuns: 300 },
    );
  });

  test('with and without the state cache, the same bad states are reachable within each bound', () => {
    const program = fc.array(body, { minLength: 2, maxLength: 3 }).chain((bodies) =>
      fc.tuple(fc.constant(bodies), fc.tuple(...bodies.map((b) => fc.integer({ min: 0, max: b.length }))), fc.integer({ min: 0, max: 3 })),
    );
    fc.assert(
      fc.property(program, ([bodies, target, bound]) => {
        const plain = exploreDfs(reachProgram(bodies, target, false), { bound, stateCache: false });
        const cached = exploreDfs(reachProgram(bodies, target, true), { bound });
        expect(cached.failure === null).toBe(plain.failure === null);
        if (plain.failure) expect(cached.failure!.preemptions).toBe(plain.failure.preemptions);
      }),
      { numRuns: 5000 },
    );
    // ~3 s on an idle 2-core machine; a hang guard with room for a loaded one (it timed out at 5 s beside other jobs)
  }, 30_000);

  test('a state first seen with more preemptions used is explored again when reached with fewer', () => {
    // found by the property above against a cache that ignored the preemptions used
    const bodies = [
      [0, 3, 0, 4],
      [0, 3, 0, 4, 1, 0, 2],
      [0, 1, 0, 2, 0],
    ];
    const plain = exploreDfs(reachProgram(bodies, [2, 5, 4], false), { bound: 2, stateCache: false });
    const cached = exploreDfs(reachProgram(bodies, [2, 5, 4], true), { bound: 2 });
    expect(plain.failure?.message).toBe('reached 2,5,4');
    expect(cached.failure).toEqual(plain.failure);
  });

  test('the state cache never changes the verdict and never adds schedules', () => {
    fc.assert(
      fc.property(fc.array(body, { minLength: 2, maxLength: 3 }), fc.integer({ min: 0, max: 3 }), (bodies, bound) => {
        const plain = exploreDfs(listProgram(bodies), { bound, stateCache: false });
        const cached = exploreDfs(listProgram(bodies, true), { bound });
        expect(cached.failure).toBeNull();
        expect(cached.exhaustive).toBe(true);
        expect(cached.schedules).toBeLessThanOrEqual(plain.schedules);
        expect(cached.states).toBeLessThanOrEqual(plain.states);
      }),
      { numRuns: 200 },
    );
  });
});

/** The planted bug: a lost update. Each thread reads the counter, then writes it back plus one. */
const lostUpdate = (threads: number, locked: boolean): Program => ({
  name: locked ? 'counter-locked' : 'counter-racy',
  instantiate(): Instance {
    let counter = 0;
    const mk = (): Thread => {
      let seen = 0;
      const acts = locked ? [lockAct(0), ACT_STEP, ACT_STEP, unlockAct(0)] : [ACT_STEP, ACT_STEP];
      const read = locked ? 1 : 0;
      return new ListThread(acts, (pc) => {
        if (pc === read) seen = counter;
        if (pc === read + 1) counter = seen + 1;
      });
    };
    const ts = Array.from({ length: threads }, mk);
    return {
      threads: ts,
      check: () => null,
      final: () => (counter === threads ? null : `lost update: counter is ${counter}, expected ${threads}`),
      key: () => `${counter}|${ts.map((t) => (t as ListThread).pc).join(',')}`,
    };
  },
});

describe('a planted bug is always found', () => {
  test('DFS finds the lost update with one preemption, and not with none', () => {
    expect(exploreDfs(lostUpdate(2, false), { bound: 0 }).failure).toBeNull();
    const r = exploreDfs(lostUpdate(2, false), { bound: 2 });
    expect(r.failure).not.toBeNull();
    expect(r.failure!.preemptions).toBe(1); // minimised from the bound
    expect(r.failure!.message).toBe('lost update: counter is 1, expected 2');
    const again = replay(lostUpdate(2, false), r.failure!.schedule);
    expect(again.failure).toBe(r.failure!.message);
  });

  test('with the lock, no schedule fails within any bound', () => {
    for (const bound of [0, 1, 2, 3]) {
      const r = exploreDfs(lostUpdate(3, true), { bound });
      expect(r.failure).toBeNull();
      expect(r.exhaustive).toBe(true);
    }
  });

  test('random search finds it from every seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const r = exploreRandom(lostUpdate(3, false), { seed, runs: 500 });
        expect(r.failure).not.toBeNull();
        expect(replay(lostUpdate(3, false), r.failure!.schedule).failure).toBe(r.failure!.message);
      }),
      { numRuns: 50 },
    );
  });

  test('PCT finds it from every seed, and the same seed gives the same schedule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const r = explorePct(lostUpdate(3, false), { seed, runs: 500, depth: 2 });
        expect(r.failure).not.toBeNull();
        expect(explorePct(lostUpdate(3, false), { seed, runs: 500, depth: 2 }).failure).toEqual(r.failure);
        expect(replay(lostUpdate(3, false), r.failure!.schedule).failure).toBe(r.failure!.message);
      }),
      { numRuns: 50 },
    );
  });

  test('a deadlock is a failure', () => {
    // thread 0 takes lock 0 then 1; thread 1 takes lock 1 then 0
    const bodies = [
      [lockAct(0), lockAct(1), unlockAct(1), unlockAct(0)],
      [lockAct(1), lockAct(0), unlockAct(0), unlockAct(1)],
    ];
    const r = exploreDfs(listProgram(bodies), { bound: 1 });
    expect(r.failure?.message).toMatch(/^deadlock/);
    expect(r.failure!.schedule).toBe('0,1');
  });

  test('an exception thrown by a step (a kernel BUG_ON) is a failure with its message', () => {
    const p: Program = {
      name: 'bug',
      instantiate: () => {
        let x = 0;
        return {
          threads: [
            new ListThread([ACT_STEP, ACT_STEP], (pc) => {
              if (pc === 0) x = 1;
              else x = 0;
            }),
            new ListThread([ACT_STEP], () => {
              if (x === 1) throw new Error('kernel BUG at mm/filemap.c: page_mapped(page)');
            }),
          ],
          check: () => null,
        };
      },
    };
    const r = exploreDfs(p, { bound: 1 });
    expect(r.failure).toEqual({ schedule: '0,1', preemptions: 1, steps: 2, message: 'kernel BUG at mm/filemap.c: page_mapped(page)' });
  });
});

describe('schedules and replay', () => {
  test('format and parse are inverses', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 60 }), (xs) => {
        expect(parseSchedule(formatSchedule(xs))).toEqual(xs);
      }),
    );
    expect(formatSchedule([0, 0, 0, 1, 0, 0])).toBe('0*3,1,0*2');
  });

  test('bad schedules are refused with the bad value and the valid range', () => {
    expect(() => parseSchedule('0,x', 2)).toThrow(new ScheduleSyntaxError("schedule: bad step 'x': expected THREAD or THREAD*COUNT (e.g. 0*3,1,0*2)"));
    expect(() => parseSchedule('0,2', 2)).toThrow("schedule: thread 2 in '2' is out of range: the program has threads 0 to 1");
    expect(() => parseSchedule('1*0', 2)).toThrow("schedule: count 0 in '1*0' is out of range 1 to 1000000");
    expect(() => replay(lostUpdate(2, false), '0*3')).toThrow('schedule: step 2 runs thread 0, which has finished');
    expect(() => replay(lostUpdate(2, true), '0,1')).toThrow('schedule: step 1 runs thread 1, which is blocked on a lock');
  });

  test('replay records each step, its action and preemptions', () => {
    const r = replay(lostUpdate(2, false), '0,1*2,0');
    expect(r.steps.map((s) => [s.thread, s.action, s.preemption])).toEqual([
      [0, 'step', false],
      [1, 'step', true],
      [1, 'step', false],
      [0, 'step', false],
    ]);
    expect(r.finished).toBe(true);
    expect(r.failure).toBe('lost update: counter is 1, expected 2');
  });

  test('generator threads behave like hand-written ones', () => {
    const p: Program = {
      name: 'gen',
      instantiate: () => {
        let counter = 0;
        function* worker(): Generator<{ act: number; where: string }, void, void> {
          yield { act: ACT_STEP, where: 'read' };
          const seen = counter;
          yield { act: ACT_STEP, where: 'write' };
          counter = seen + 1;
        }
        return { threads: [fromGenerator(worker()), fromGenerator(worker())], check: () => null, final: () => (counter === 2 ? null : `lost update: ${counter}`) };
      },
    };
    const r = exploreDfs(p, { bound: 2, stateCache: false });
    expect(r.failure?.message).toBe('lost update: 1');
    expect(r.failure!.schedule).toBe('0,1*2,0');
    expect(replay(p, r.failure!.schedule).steps.map((s) => `${s.thread} ${s.where}`)).toEqual(['0 read', '1 read', '1 write', '0 write']);
    expect(exploreDfs(p, { bound: 0 }).schedules).toBe(2);
  });

  test('out-of-range options are refused', () => {
    expect(() => exploreDfs(lostUpdate(2, false), { bound: -1 })).toThrow('explore: preemption bound -1 is out of range 0 to 64');
    expect(() => exploreRandom(lostUpdate(2, false), { runs: 0 })).toThrow('explore: runs 0 is out of range 1 to 1000000000');
    expect(() => explorePct(lostUpdate(2, false), { depth: 0 })).toThrow('explore: PCT depth 0 is out of range 1 to 16');
  });
});
