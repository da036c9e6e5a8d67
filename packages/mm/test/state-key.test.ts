/**
 * The state key of `--bound none` (explore/state-key.ts, unbounded.ts):
 * two states with equal keys behave the same. Random walks through a race
 * program's interleavings find states that different schedules reach with
 * one key; from each such pair, the same schedule suffix (fast-check) must
 * give the same enabled threads, the same actions, the same failure or
 * final verdict, the same ptes and pages, and equal keys at every step.
 * And the converse where it matters: the search tells apart what differs.
 */
import { x86_64_2621, x86_64_618 } from '@mmsim/arch-x86';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Executor } from '../src/explore/executor.js';
import { Prng } from '../src/explore/prng.js';
import type { Program } from '../src/explore/program.js';
import { KeySet, StateHasher } from '../src/explore/state-key.js';
import { exploreUnbounded, StateKeys, type KeyMode } from '../src/explore/unbounded.js';
import { findRace, RACE_DIR, raceFromFile } from '../src/races/index.js';
import { isLockAct, lockOf } from '../src/explore/thread.js';
import { join } from 'node:path';

const nth = (mask: number, n: number): number => {
  const k = n % popcount(mask);
  for (let t = 0, i = 0; ; t++) if (mask & (1 << t) && i++ === k) return t;
};
const popcount = (x: number): number => {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
};

/** Run `choices` (each an index into the runnable threads) from the start; the executor and the key tracker after them. */
function runTo(program: Program, mode: KeyMode, choices: readonly number[]): { ex: Executor; keys: StateKeys; ok: boolean } {
  const ex = new Executor(program);
  const keys = new StateKeys(ex, mode);
  ex.start();
  keys.begin(ex.instance);
  for (const c of choices) {
    const enabled = ex.enabledMask();
    if (enabled === 0) break;
    const t = nth(enabled, c);
    keys.before(ex.instance, t);
    if (!ex.exec(t, enabled)) return { ex, keys, ok: false };
    keys.after(ex.instance);
  }
  return { ex, keys, ok: true };
}

/** An action by the lock it names (declared keys do not depend on the order lock ids were handed out). */
const actName = (ex: Executor, a: number): string => (a > 0 ? `${isLockAct(a) ? 'lock' : 'unlock'} ${ex.instance.lockName?.(lockOf(a)) ?? lockOf(a)}` : String(a));

/** Each thread as far as a declared key sees it (its op, its declared values, its next action); null when some thread is keyed by its history. */
function declaredView(ex: Executor): string | null {
  const out: string[] = [];
  for (const t of ex.instance.threads) {
    if (t.next !== -1 && (t.fresh ?? -1) < 0 && (t.declaredOp ?? -1) < 0) return null;
    out.push(`${t.fresh}|${t.declaredOp}|${[...t.declared!.subarray(0, t.declaredCount)].join(' ')}|${actName(ex, t.next)}`);
  }
  return out.join('; ');
}

/** What a state does from here under `suffix`: every observable, step by step. */
function behaviour(program: Program, mode: KeyMode, prefix: readonly number[], suffix: readonly number[]): string[] {
  const { ex, keys, ok } = runTo(program, mode, prefix);
  if (!ok) return [`failed in the prefix: ${ex.failure}`];
  const out: string[] = [];
  for (const c of suffix) {
    const enabled = ex.enabledMask();
    out.push(`enabled ${enabled} next ${ex.instance.threads.map((t) => actName(ex, t.next)).join(',')} key ${keys.a},${keys.b}`);
    if (enabled === 0) break;
    const t = nth(enabled, c);
    keys.before(ex.instance, t);
    if (!ex.exec(t, enabled)) {
      out.push(`failure ${ex.failure}`);
      return out;
    }
    keys.after(ex.instance);
    out.push(ex.instance.snapshot?.() ?? '');
  }
  // run the rest in thread order, then the final checks
  for (;;) {
    const enabled = ex.enabledMask();
    if (enabled === 0) break;
    const t = nth(enabled, 0);
    if (!ex.exec(t, enabled)) {
      out.push(`failure ${ex.failure}`);
      return out;
    }
  }
  ex.finish();
  out.push(`end ${ex.failure ?? 'clean'}`, ex.instance.snapshot?.() ?? '');
  return out;
}

/** Pairs of different schedules that reach one key, from random walks. */
function collisions(program: Program, mode: KeyMode, walks: number, seed: number, unpermuted = false, maxPairs = 40): [number[], number[]][] {
  const rng = new Prng(seed);
  // with interchangeable threads, equal keys may pair thread 0 of one state with thread 1 of the other: `unpermuted`
  // keeps the pairs where every thread is declared and each stands as its namesake does (the suffix then means the same)
  const firstAt = new Map<string, number[]>();
  const pairs: [number[], number[]][] = [];
  for (let w = 0; w < walks && pairs.length < maxPairs; w++) {
    const ex = new Executor(program);
    const keys = new StateKeys(ex, mode);
    ex.start();
    keys.begin(ex.instance);
    const path: number[] = [];
    const threads: number[] = [];
    for (;;) {
      const enabled = ex.enabledMask();
      if (enabled === 0) break;
      const c = rng.below(popcount(enabled));
      const t = nth(enabled, c);
      path.push(c);
      threads.push(t);
      keys.before(ex.instance, t);
      if (!ex.exec(t, enabled)) break;
      keys.after(ex.instance);
      let k = `${keys.a},${keys.b}`;
      if (unpermuted) {
        const view = declaredView(ex);
        if (view === null) continue;
        k += view;
      }
      const was = firstAt.get(k);
      if (was === undefined) firstAt.set(k, [...path]);
      else if (was.join(',') !== path.join(',')) pairs.push([was, [...path]]);
    }
  }
  return pairs;
}

const CASES: [string, string, typeof x86_64_2621][] = [
  ['fault-invalidate', 'page-lock', x86_64_2621],
  ['fault-invalidate', 'truncate_count', x86_64_2621],
  ['fault-truncate', 'truncate_count', x86_64_618],
  ['cow-gup-vmsplice', 'refcount', x86_64_618],
  ['mremap-rmap', 'order-tail', x86_64_2621],
];

/** The fault paths that declare their stops (model/sched.ts), and the 2×2 scaling race (interchangeable threads). */
const DECLARED_CASES: [string, string, typeof x86_64_2621][] = [
  ['fault-invalidate', 'page-lock', x86_64_2621],
  ['fault-invalidate', 'truncate_count', x86_64_2621],
  ['fault-truncate', 'page-lock', x86_64_2621],
  ['fault-truncate', 'truncate_count', x86_64_618],
  ['fault-nonlinear-punch', 'page-lock', x86_64_2621],
  ['fault-nonlinear-punch', 'truncate_count', x86_64_2621],
];
const race2x2 = raceFromFile(join(RACE_DIR, 'scaling', 'fault-invalidate-2x2.mmo'));

describe('the state key: equal keys behave the same', () => {
  for (const mode of ['trace', 'history'] as const) {
    test.each(CASES)(`${mode}: %s under %s — two schedules to one key, the same suffix, the same behaviour`, (name, policy, spec) => {
      const program = findRace(name)!.make(spec, policy);
      const pairs = collisions(program, mode, 400, 7);
      // the walks must find merging schedules, or the property says nothing
      expect(pairs.length).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.constantFrom(...pairs), fc.array(fc.nat(30), { maxLength: 40 }), ([p, q], suffix) => {
          expect(behaviour(program, mode, q, suffix)).toEqual(behaviour(program, mode, p, suffix));
        }),
        { numRuns: 40, seed: 14 },
      );
    });
  }

  test.each(DECLARED_CASES)('declared: %s under %s — two schedules to one key, the same suffix, the same behaviour', (name, policy, spec) => {
    const program = findRace(name)!.make(spec, policy);
    const pairs = collisions(program, 'declared', 400, 7);
    expect(pairs.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.array(fc.nat(30), { maxLength: 40 }), ([p, q], suffix) => {
        expect(behaviour(program, 'declared', q, suffix)).toEqual(behaviour(program, 'declared', p, suffix));
      }),
      { numRuns: 40, seed: 14 },
    );
  });

  test.each(['page-lock', 'truncate_count'])('declared: the 2×2 scaling race under %s — states every thread of which is declared, one key, the same behaviour', (policy) => {
    const program = race2x2.make(x86_64_2621, policy);
    const pairs = collisions(program, 'declared', 600, 7, true, 80);
    expect(pairs.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.array(fc.nat(30), { maxLength: 40 }), ([p, q], suffix) => {
        expect(behaviour(program, 'declared', q, suffix)).toEqual(behaviour(program, 'declared', p, suffix));
      }),
      { numRuns: 40, seed: 14 },
    );
  });

  test('declared: the page a fault holds and the truncate_count it sampled are in its key; its stops in the kernel paths are declared', () => {
    const program = findRace('fault-invalidate')!.make(x86_64_2621, 'truncate_count');
    const a = runTo(program, 'declared', [0, 0]); // the fault has sampled truncate_count and stands at ->nopage
    expect(a.ex.instance.threads[0]!.declaredOp).toBe(0);
    const b = runTo(program, 'declared', [1, 1, 1, 1]); // the invalidation instead
    expect(`${a.keys.a},${a.keys.b}`).not.toBe(`${b.keys.a},${b.keys.b}`);
    // the invalidation in the middle of its op: invalidate_inode_pages2 declares its stops too
    const e = runTo(program, 'declared', [1, 1]);
    expect(e.ex.instance.threads[1]!.declaredOp).toBe(0);
    expect(Array.from(e.ex.instance.threads[1]!.declared!.subarray(0, e.ex.instance.threads[1]!.declaredCount!))).toContain(1); // the index it drops
  });

  test('declared: a fault that sampled truncate_count before an invalidation and one that sampled it after stand at one stop of one machine, keyed apart', () => {
    // 2×2 under truncate_count: fault 1 maps the page and invalidation 2 unmaps it (truncate_count 0 → 1),
    // with fault 0 entered (its sample taken) before all that, or after — then the machine is the same, and
    // so is fault 0's stop; only its sample differs, and with it what it does next (retry, or install)
    const program = race2x2.make(x86_64_2621, 'truncate_count');
    const whole = (ex: Executor, keys: StateKeys, t: number, steps = Infinity): void => {
      for (let k = 0; k < steps && ex.instance.threads[t]!.next !== -1; k++) {
        keys.before(ex.instance, t);
        expect(ex.exec(t, ex.enabledMask())).toBe(true);
        keys.after(ex.instance);
      }
    };
    const reach = (faultFirst: boolean): { ex: Executor; keys: StateKeys } => {
      const ex = new Executor(program);
      const keys = new StateKeys(ex, 'declared');
      ex.start();
      keys.begin(ex.instance);
      if (faultFirst) whole(ex, keys, 0, 1);
      whole(ex, keys, 1);
      whole(ex, keys, 2);
      if (!faultFirst) whole(ex, keys, 0, 1);
      return { ex, keys };
    };
    const before = reach(true);
    const after = reach(false);
    expect(before.ex.instance.snapshot!()).toBe(after.ex.instance.snapshot!());
    expect(before.ex.instance.threads[0]!.declaredOp).toBe(0);
    expect(after.ex.instance.threads[0]!.declaredOp).toBe(0);
    expect(`${before.keys.a},${before.keys.b}`).not.toBe(`${after.keys.a},${after.keys.b}`);
    // and they do differ: run fault 0 on alone
    const wheres = (r: { ex: Executor; keys: StateKeys }): string[] => {
      const out: string[] = [];
      while (r.ex.instance.threads[0]!.next !== -1) {
        expect(r.ex.exec(0, r.ex.enabledMask())).toBe(true);
        out.push(r.ex.instance.threads[0]!.where);
      }
      return out;
    };
    expect(wheres(before)).not.toEqual(wheres(after));
  });

  test('the truncate_count sample a fault holds is in the key: the states before and after a concurrent invalidation differ', () => {
    // 0*2: the fault has sampled truncate_count; then the invalidation runs whole (1*4) — or not at all
    const program = findRace('fault-invalidate')!.make(x86_64_2621, 'truncate_count');
    for (const mode of ['trace', 'history'] as const) {
      const a = runTo(program, mode, [0, 0]); // thread 0 twice
      const b = runTo(program, mode, [1, 1, 1, 1]); // thread 1: the invalidation
      expect(`${a.keys.a},${a.keys.b}`).not.toBe(`${b.keys.a},${b.keys.b}`);
    }
  });
});

describe('the hasher', () => {
  test('property: values that differ hash apart, equal graphs hash alike', () => {
    const h = new StateHasher();
    const key = (v: unknown) => {
      h.reset().value(v);
      h.finish();
      return `${h.a},${h.b}`;
    };
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withMap: true, withSet: true, withBigInt: true }), fc.anything({ withTypedArray: true, withMap: true, withSet: true, withBigInt: true }), (x, y) => {
        expect(key(structuredClone(x))).toBe(key(x));
        if (key(x) === key(y)) expect(fc.stringify(y)).toBe(fc.stringify(x));
      }),
      { numRuns: 500, seed: 14 },
    );
  });

  test('aliasing is state: one array seen twice hashes apart from two equal arrays', () => {
    const h = new StateHasher();
    const shared = [1, 2];
    h.reset().value({ a: shared, b: shared });
    const one = h.finish().a;
    h.reset().value({ a: [1, 2], b: [1, 2] });
    expect(h.finish().a).not.toBe(one);
  });

  test('KeySet: property — adds what it has not, keeps what it has, through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer(), fc.integer()), { maxLength: 3000 }), (keys) => {
        const s = new KeySet(4);
        const m = new Set<string>();
        for (const [a, b] of keys) expect(s.add(a | 0, b | 0)).toBe(!m.has(`${a | 0},${b | 0}`) && (m.add(`${a | 0},${b | 0}`), true));
        expect(s.size).toBe(m.size);
        for (const [a, b] of keys) expect(s.has(a | 0, b | 0)).toBe(true);
      }),
      { numRuns: 50, seed: 14 },
    );
  });
});

describe('--bound none', () => {
  test('the 2007 race: truncate_count fails with its minimal schedule, the page lock is proven clean over the whole state space', () => {
    const race = findRace('fault-invalidate')!;
    const bad = exploreUnbounded(race.make(x86_64_2621, 'truncate_count'));
    expect(bad.failure?.schedule).toBe('0*2,1*4,0');
    expect(bad.failure?.preemptions).toBe(1);
    const good = exploreUnbounded(race.make(x86_64_2621, 'page-lock'));
    expect(good).toMatchObject({ bound: 'none', complete: true, exhaustive: true, failure: null, keyBits: 64 });
    expect(good.distinctStates).toBeGreaterThan(100);
  });

  test('shards: every state key of the split adds up to the one run, exactly', () => {
    const program = findRace('fault-truncate')!.make(x86_64_618, 'page-lock');
    const one = exploreUnbounded(program, { keys: true });
    const union = new Set<string>();
    let prefixes = 0;
    for (let i = 0; i < 4; i++) {
      const part = exploreUnbounded(program, { shard: { index: i, count: 4 } });
      expect(part.complete).toBe(true);
      expect(part.failure).toBeNull();
      prefixes += part.shard!.prefixes;
      for (const k of part.stateKeys!) union.add(k);
    }
    expect(prefixes).toBeGreaterThanOrEqual(4 * 8);
    expect(union.size).toBe(one.distinctStates);
    expect([...union].sort()).toEqual(one.stateKeys);
  });

  test('the declared key: the 2007 race and its 2×2 growth, the same verdicts in fewer states than the trace key', () => {
    const race = findRace('fault-invalidate')!;
    const trace = exploreUnbounded(race.make(x86_64_2621, 'page-lock'));
    const declared = exploreUnbounded(race.make(x86_64_2621, 'page-lock'), { key: 'declared' });
    expect(declared).toMatchObject({ complete: true, exhaustive: true, failure: null, key: 'declared' });
    expect(declared.distinctStates).toBeLessThan(trace.distinctStates);
    expect(exploreUnbounded(race.make(x86_64_2621, 'truncate_count'), { key: 'declared' }).failure?.schedule).toBe('0*2,1*4,0');
    const bad = exploreUnbounded(race2x2.make(x86_64_2621, 'truncate_count'), { key: 'declared' });
    expect(bad.failure?.message).toMatch(/stale-file-pte/);
    const good = exploreUnbounded(race2x2.make(x86_64_2621, 'page-lock'), { key: 'declared' });
    expect(good).toMatchObject({ complete: true, exhaustive: true, failure: null });
  });

  test('the history key (no stop-point contract) proves the same verdicts on the small races, with more states', () => {
    const race = findRace('fault-invalidate')!;
    const trace = exploreUnbounded(race.make(x86_64_2621, 'page-lock'));
    const history = exploreUnbounded(race.make(x86_64_2621, 'page-lock'), { key: 'history' });
    expect(history).toMatchObject({ complete: true, failure: null, key: 'history' });
    expect(history.distinctStates).toBeGreaterThanOrEqual(trace.distinctStates);
    expect(exploreUnbounded(race.make(x86_64_2621, 'truncate_count'), { key: 'history' }).failure?.schedule).toBe('0*2,1*4,0');
  });
});
