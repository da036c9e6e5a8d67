/**
 * The unbounded search (`mmsim explore NAME --bound none`): every
 * interleaving, with no preemption bound, made finite by a state cache. A
 * run that reaches a state the search has already been in is cut there:
 * everything below it has been explored from its first visit (a DFS
 * finishes a state's subtree before it leaves it, and no state repeats
 * along one path — every step moves a thread on).
 *
 * The state key (state-key.ts) is the shared state — the machine and what
 * the program keeps beside it (Instance.hashShared) — plus each thread's
 * position and what it holds mid-path, plus the lock owners. A kernel path
 * is a generator whose locals cannot be read, so a thread is keyed by its
 * history: each of its steps folds in the hash of the shared state it ran
 * on (its code is deterministic: what it holds is a function of what it
 * read, and it read nothing the shared state did not hold). Where a thread
 * holds nothing from earlier steps (Thread.fresh: between two ops) its
 * history is forgotten. Two states with equal keys therefore behave alike
 * (test/state-key.test.ts runs both forward to check it).
 *
 * Shards (`--shard I/N`) split the tree by schedule prefix: the prefixes
 * of the shallowest depth with at least 8·N of them, every N-th one to a
 * shard. Each shard reports the keys of the states it saw; their union is
 * exactly the one-run count (every reachable state is seen by the run, and
 * by the shards between them), which `--merge` checks.
 */
import { SearchCaps } from './caps.js';
import { exploreDfs } from './dfs.js';
import { Executor } from './executor.js';
import { ProgramError, type Instance, type Program } from './program.js';
import { ProgressReporter } from './progress.js';
import type { ExploreResult, Failure, SearchOptions, StopReason } from './result.js';
import { fmix, KeySet, keyHex, StateHasher, UNKEYED_FIELDS, UNKEYED_LOCK_IDS } from './state-key.js';
import { ACT_DONE, ACT_STEP, isLockAct, isUnlockAct, lockOf, MAX_LOCKS, type Thread } from './thread.js';
import { lowestBit, popcount, grow } from './masks.js';

export interface Shard {
  /** this shard, 0 … count − 1 */
  readonly index: number;
  readonly count: number;
}

/**
 * How a thread's position and what it holds mid-path enter the state key:
 *
 * - `trace` (the default): by the causal past of its last step — the
 *   partial order of the steps that came before it, each step ordered after
 *   the earlier ones it depends on (the same thread, a shared lock, or an
 *   unlocked access, which depends on everything). Two schedules that order
 *   only independent steps differently reach one key: a partial-order
 *   reduction over the explorer's lock and shared-read actions. It relies
 *   on the stop-point contract (model/sched.ts): between two stops a path
 *   touches shared state only under the locks it holds, or right after an
 *   unlocked stop.
 * - `history`: by the shared state at each of its steps: no assumption
 *   about the code between stops, but every order of two steps that change
 *   the machine stays a state of its own (small races only).
 * - `declared`: at a stop where its kernel path declared what it holds
 *   (model/sched.ts, declared stops: its op, and each frame's resume point
 *   and live values) by exactly that, so threads that hold the same values
 *   are one state however they got there; elsewhere by its history since
 *   its last declared stop (or its op's start), as `history`. It relies on
 *   the declaration contract (model/sched.ts).
 */
export type KeyMode = 'trace' | 'history' | 'declared';
export const KEY_MODES: readonly KeyMode[] = ['trace', 'history', 'declared'];

export interface UnboundedOptions extends SearchOptions {
  readonly shard?: Shard;
  /** default 'trace' */
  readonly key?: KeyMode;
  /** put every state key in the result (hex), for `--merge` (default: with a shard) */
  readonly keys?: boolean;
}

export interface UnboundedResult extends ExploreResult {
  readonly bound: 'none';
  /** distinct states: the keys seen (with `keys`, listed in `stateKeys`) */
  readonly distinctStates: number;
  /** the state key's width: two states are one when their 64-bit hashes are */
  readonly keyBits: 64;
  /** how threads enter the key (KeyMode) */
  readonly key: KeyMode;
  readonly shard?: Shard & { readonly prefixes: number; readonly ofPrefixes: number };
  /** the keys seen, 16 hex digits each, sorted */
  readonly stateKeys?: readonly string[];
}

/** The bound `--shard` splits at: at least this many prefixes per shard, for balance. */
const PREFIXES_PER_SHARD = 8;
/** Prefixes deeper than this are not looked for (a tree this narrow is one prefix). */
const MAX_PREFIX_DEPTH = 64;
const MAX_SHARDS = 4096;

/** Marker lanes for a thread's key where its history is forgotten. */
const FRESH_A = 0x6a09e667;
const DONE_A = 0x3c6ef372;
/** Seed lanes of a thread's key at a declared stop. */
const DECLARED_A = 0x510e527f;
const DECLARED_B = 0x1f83d9ab;

export function exploreUnbounded(program: Program, options: UnboundedOptions = {}): UnboundedResult {
  const shard = options.shard ?? { index: 0, count: 1 };
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.count > MAX_SHARDS) throw new RangeError(`explore: shard count ${shard.count} is out of range 1 to ${MAX_SHARDS}`);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) throw new RangeError(`explore: shard ${shard.index} is out of range 0 to ${shard.count - 1}`);
  const t0 = performance.now();
  const caps = new SearchCaps(options, t0);
  const progress = new ProgressReporter(options, caps, t0);
  const all = shard.count === 1 ? [[] as number[]] : prefixes(program, shard.count * PREFIXES_PER_SHARD);
  const mine = all.filter((_, k) => k % shard.count === shard.index);
  const mode = options.key ?? 'trace';
  const search = new Search(program, caps, progress, mode);
  let stoppedBy: StopReason | null = null;
  for (let k = 0; k < mine.length && search.failure === null && stoppedBy === null; k++) {
    stoppedBy = search.root(mine[k]!, k / mine.length, 1 / mine.length);
  }
  let failure = search.failure;
  // the failure to show: the one with the fewest preemptions (the bounded search, deepening from 0, looks
  // below the one found), given at most twice the time the search took (and what is left of a time cap):
  // if that runs out, the failure as found
  if (failure !== null) {
    const spent = performance.now() - t0;
    const left = caps.deadline === Infinity ? Infinity : caps.deadline - performance.now();
    const timeLimitMs = Math.max(0, Math.min(Math.max(1000, 2 * spent), left));
    failure = exploreDfs(program, { bound: Math.min(failure.preemptions, 64), stateCache: false, timeLimitMs }).failure ?? failure;
  }
  const wantKeys = options.keys ?? options.shard !== undefined;
  const distinct = search.distinct();
  return {
    program: program.name,
    strategy: 'dfs',
    bound: 'none',
    schedules: search.schedules,
    states: search.ex.steps,
    distinctStates: distinct.size,
    pruned: search.pruned,
    keyBits: 64,
    key: mode,
    elapsedMs: performance.now() - t0,
    exhaustive: failure === null && stoppedBy === null,
    complete: stoppedBy === null,
    ...(stoppedBy !== null ? { stoppedBy } : {}),
    ...(options.shard !== undefined ? { shard: { ...shard, prefixes: mine.length, ofPrefixes: all.length } } : {}),
    ...(wantKeys ? { stateKeys: sortedHex(distinct) } : {}),
    failure,
  };
}

function sortedHex(keys: KeySet): string[] {
  const out: string[] = [];
  keys.forEach((a, b) => out.push(keyHex(a, b)));
  return out.sort();
}

/**
 * The schedule prefixes a shard count splits the tree into: every prefix
 * of the shallowest depth with at least `want` of them (a run that ends
 * sooner is a prefix of its own), in DFS order.
 */
export function prefixes(program: Program, want: number): number[][] {
  const ex = new Executor(program);
  let level: number[][] = [[]];
  for (let depth = 0; depth < MAX_PREFIX_DEPTH && level.length < want; depth++) {
    const next: number[][] = [];
    let grew = false;
    for (const p of level) {
      ex.start();
      let ok = true;
      for (const t of p) if (!ex.exec(t, ex.enabledMask())) ok = false;
      const enabled = ok ? ex.enabledMask() : 0;
      if (enabled === 0) {
        next.push(p);
        continue;
      }
      grew = true;
      for (let m = enabled; m !== 0; m &= m - 1) next.push([...p, lowestBit(m)]);
    }
    level = next;
    if (!grew) break;
  }
  return level;
}

/** Words per thread in the key (StateKeys.key) */
const TUPLE = 6;

/** Thread a's words against thread b's, in the tuple table. */
function compareTuples(tu: Int32Array, a: number, b: number): number {
  for (let w = 0; w < TUPLE; w++) {
    const x = tu[a * TUPLE + w]!;
    const y = tu[b * TUPLE + w]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Lanes of the clocks of trace mode: one pair per lock, then the last unlocked step's and the sum of the steps since. */
const LOCK_LANES = 2 * MAX_LOCKS;

/**
 * The state key of a running instance (the module comment says what goes
 * in): `begin` at the start of a run, `step` before each step, `key` after
 * it. The clocks are in `vec` (and the shared-state hash in `ma`, `mb`) so
 * a search can save and restore them per depth.
 */
export class StateKeys {
  readonly hasher: StateHasher;
  /** the key `key()` worked out */
  a = 0;
  b = 0;
  /** the shared state's hash now */
  ma = 0;
  mb = 0;
  /** a declared thread key (declaredKey) */
  private da = 0;
  private db = 0;
  /**
   * The clocks, `width` lanes: each thread's key (2 per thread), then in
   * trace mode each lock's last step (2 per lock), the last unlocked step
   * and the sum of the steps since it (2 + 2).
   */
  vec = new Int32Array(0);
  width = 0;
  /** each thread's symmetry class (Instance.symmetry), and the threads in the key's canonical order */
  private cls = new Int32Array(0);
  private order = new Int32Array(0);
  /** per thread: its key's words (class, next, two lanes, the locks it holds as two 32-bit masks) */
  private tuple = new Int32Array(0);

  constructor(
    private readonly ex: Executor,
    readonly mode: KeyMode,
  ) {
    this.hasher = new StateHasher(mode === 'declared' ? UNKEYED_LOCK_IDS : UNKEYED_FIELDS);
  }
  /** declared mode with Instance.lockKey: locks keyed by what they are, not their ids */
  private byLockKey = false;

  /** After ex.start(): the initial state's key into (a, b). */
  begin(inst: Instance): void {
    if (!inst.hashShared) throw new ProgramError(`explore: ${this.ex.program.name} has no state key (Instance.hashShared): an unbounded search cannot end`);
    const width = 2 * inst.threads.length + (this.mode === 'trace' ? LOCK_LANES + 4 : 0);
    if (width !== this.width) {
      this.width = width;
      this.vec = new Int32Array(width);
      const n = inst.threads.length;
      this.cls = new Int32Array(n);
      this.order = new Int32Array(n);
      this.tuple = new Int32Array(n * TUPLE);
    }
    if (this.mode === 'declared' && !inst.lockKey) throw new ProgramError(`explore: ${this.ex.program.name} names its locks only by id (Instance.lockKey): --key declared cannot key them`);
    this.byLockKey = this.mode === 'declared';
    const sym = inst.symmetry?.();
    for (let t = 0; t < this.cls.length; t++) this.cls[t] = sym?.[t] ?? t;
    this.vec.fill(0);
    this.hashShared(inst);
    this.key(inst);
  }

  /** After a step: the key of the state now into (a, b). */
  after(inst: Instance): void {
    this.hashShared(inst);
    this.key(inst);
  }

  private hashShared(inst: Instance): void {
    const h = this.hasher.reset();
    inst.hashShared!(h);
    h.finish();
    this.ma = h.a;
    this.mb = h.b;
  }

  /**
   * The key of the state now: the shared state, then each thread — its
   * class, its next action, what it holds (its history's lanes, or that it
   * holds nothing: between ops, or done) and the locks it owns — in a
   * canonical order: by class, and within a class by those words, so the
   * threads of a class count as a multiset (swapping two interchangeable
   * threads gives the same key).
   */
  private key(inst: Instance): void {
    const threads = inst.threads;
    const n = threads.length;
    const v = this.vec;
    const tu = this.tuple;
    const owner = this.ex.owner;
    for (let t = 0; t < n; t++) {
      const th = threads[t]!;
      const next = th.next;
      const o = t * TUPLE;
      tu[o] = this.cls[t]!;
      // a lock action by the lock it names (what it is, with declared keys)
      tu[o + 1] = this.byLockKey && next > 0 ? (fmix(inst.lockKey!(lockOf(next)) * 2 + (next & 1)) & 0x7ffffffe) + 2 : next; // ≥ 2: apart from ACT_STEP and ACT_DONE
      if (next === ACT_DONE) {
        tu[o + 2] = DONE_A;
        tu[o + 3] = 0;
      } else if ((th.fresh ?? -1) >= 0) {
        tu[o + 2] = FRESH_A;
        tu[o + 3] = th.fresh!;
      } else if (this.mode === 'declared' && (th.declaredOp ?? -1) >= 0) {
        this.declaredKey(th);
        tu[o + 2] = this.da;
        tu[o + 3] = this.db;
      } else {
        tu[o + 2] = v[2 * t]!;
        tu[o + 3] = v[2 * t + 1]!;
      }
      let lo = 0;
      let hi = 0;
      for (let k = 0; k < MAX_LOCKS; k++) {
        if (owner[k] !== t) continue;
        if (this.byLockKey) {
          // what the lock is, order-free (a sum of two mixes of its key)
          const w = inst.lockKey!(k);
          lo = (lo + fmix(w)) | 0;
          hi = (hi + fmix(w ^ 0x5bd1e995)) | 0;
        } else if (k < 32) lo |= 1 << k;
        else hi |= 1 << (k - 32);
      }
      tu[o + 4] = lo;
      tu[o + 5] = hi;
    }
    // insertion sort of the threads by their words (a few threads: no allocation, no comparator closure)
    const ord = this.order;
    for (let i = 0; i < n; i++) {
      let j = i;
      while (j > 0 && compareTuples(tu, ord[j - 1]!, i) > 0) {
        ord[j] = ord[j - 1]!;
        j--;
      }
      ord[j] = i;
    }
    const h = this.hasher.reset(this.ma, this.mb);
    for (let i = 0; i < n; i++) {
      const o = ord[i]! * TUPLE;
      for (let w = 0; w < TUPLE; w++) h.word(tu[o + w]!);
    }
    h.finish();
    this.a = h.a;
    this.b = h.b;
  }

  /**
   * The threads of `enabled` worth trying from the state key() last
   * keyed: with declared keys, of the threads of one class that stand alike
   * (equal words: the same stop, the same values, the same locks) only the
   * lowest — running any other reaches a state with the key running it does
   * (the key counts a class as a multiset). Other modes: all of them.
   */
  representatives(enabled: number): number {
    if (!this.byLockKey) return enabled;
    const tu = this.tuple;
    let kept = 0;
    for (let m = enabled; m !== 0; m &= m - 1) {
      const t = 31 - Math.clz32(m & -m);
      let alike = false;
      for (let k = kept; k !== 0; k &= k - 1) {
        const u = 31 - Math.clz32(k & -k);
        if (compareTuples(tu, u, t) === 0) {
          alike = true;
          break;
        }
      }
      if (!alike) kept |= 1 << t;
    }
    return kept;
  }

  /** A thread's key at a declared stop, into (da, db): its op and its frames' declared values. */
  private declaredKey(th: Thread): void {
    const h = this.hasher.reset(DECLARED_A, DECLARED_B);
    h.word(th.declaredOp!);
    const n = th.declaredCount!;
    h.word(n);
    const vals = th.declared!;
    for (let k = 0; k < n; k++) h.num(vals[k]!);
    h.finish();
    this.da = h.a;
    this.db = h.b;
  }

  /** Thread t is about to step on the shared state (ma, mb): its key after the step. */
  before(inst: Instance, t: number): void {
    const th = inst.threads[t]!;
    const h = this.hasher;
    const v = this.vec;
    const fresh = th.fresh ?? -1;
    if (fresh >= 0) h.reset(FRESH_A, fresh);
    else if (this.mode === 'declared' && (th.declaredOp ?? -1) >= 0) {
      // its history starts again from the declared stop it stands at
      this.declaredKey(th);
      h.reset(this.da, this.db);
    } else h.reset(v[2 * t]!, v[2 * t + 1]!);
    if (this.mode !== 'trace') {
      h.word(this.ma);
      h.word(this.mb);
      h.finish();
      v[2 * t] = h.a;
      v[2 * t + 1] = h.b;
      return;
    }
    // trace: the step after everything it depends on (named by its thread's class: interchangeable threads step alike)
    const act = th.next;
    h.word(this.cls[t]!);
    h.word(act);
    const owner = this.ex.owner;
    const L = 2 * inst.threads.length;
    const G = L + LOCK_LANES;
    const own = isLockAct(act) || isUnlockAct(act) ? lockOf(act) : -1;
    const global = act === ACT_STEP;
    // the last unlocked step: every step is after it
    h.word(v[G]!);
    h.word(v[G + 1]!);
    if (global) {
      // an unlocked access depends on every step since the last one: their sum, order-free
      h.word(v[G + 2]!);
      h.word(v[G + 3]!);
    } else {
      for (let k = 0; k < MAX_LOCKS; k++) {
        if (owner[k] !== t && k !== own) continue;
        h.word(k);
        h.word(v[L + 2 * k]!);
        h.word(v[L + 2 * k + 1]!);
      }
    }
    h.finish();
    const a = h.a;
    const b = h.b;
    v[2 * t] = a;
    v[2 * t + 1] = b;
    if (global) {
      v[G] = a;
      v[G + 1] = b;
      v[G + 2] = 0;
      v[G + 3] = 0;
    } else {
      for (let k = 0; k < MAX_LOCKS; k++) {
        if (owner[k] !== t && k !== own) continue;
        v[L + 2 * k] = a;
        v[L + 2 * k + 1] = b;
      }
      v[G + 2] = (v[G + 2]! + a) | 0;
      v[G + 3] = (v[G + 3]! + b) | 0;
    }
  }
}

class Search {
  readonly ex: Executor;
  readonly keys: StateKeys;
  /** states whose whole subtree this search explores */
  readonly seen = new KeySet();
  /** states on a shard prefix's path (only the part of their subtree under the prefix is explored) */
  readonly onPath = new KeySet(64);
  schedules = 0;
  pruned = 0;
  failure: Failure | null = null;
  private cap = 256;
  private enabledAt = new Int32Array(this.cap);
  private triedAt = new Int32Array(this.cap);
  /** the shared-state hash and the clocks before the step at each depth, so a run that replays a prefix need not hash it */
  private mAt = new Int32Array(this.cap * 2);
  private vecAt = new Int32Array(0);

  constructor(
    program: Program,
    private readonly caps: SearchCaps,
    private readonly progress: ProgressReporter,
    mode: KeyMode,
  ) {
    this.ex = new Executor(program);
    this.keys = new StateKeys(this.ex, mode);
  }

  /** The distinct states: those explored whole and those on a prefix's path. */
  distinct(): KeySet {
    const u = new KeySet(this.seen.size + this.onPath.size);
    this.seen.forEach((a, b) => u.add(a, b));
    this.onPath.forEach((a, b) => u.add(a, b));
    return u;
  }

  private save(d: number): void {
    if (d >= this.cap) {
      this.cap *= 2;
      this.enabledAt = grow(this.enabledAt, this.cap);
      this.triedAt = grow(this.triedAt, this.cap);
      this.mAt = grow(this.mAt, this.cap * 2);
      this.vecAt = grow(this.vecAt, this.cap * this.keys.width);
    }
    const k = this.keys;
    if (this.vecAt.length < this.cap * k.width) this.vecAt = grow(this.vecAt, this.cap * k.width);
    this.mAt[2 * d] = k.ma;
    this.mAt[2 * d + 1] = k.mb;
    const base = k.width * d;
    const v = k.vec;
    for (let i = 0; i < k.width; i++) this.vecAt[base + i] = v[i]!;
  }

  private restore(d: number): void {
    const k = this.keys;
    k.ma = this.mAt[2 * d]!;
    k.mb = this.mAt[2 * d + 1]!;
    const base = k.width * d;
    const v = k.vec;
    for (let i = 0; i < k.width; i++) v[i] = this.vecAt[base + i]!;
  }

  /**
   * Explore everything below one prefix. `from`/`share`: the part of the
   * whole search this prefix is, for progress. A cap that stops it is returned.
   */
  root(prefix: readonly number[], from: number, share: number): StopReason | null {
    const ex = this.ex;
    const rootDepth = prefix.length;
    // the first run follows the prefix, hashing from the start; a later run replays up to its branch point unhashed
    let branch = 0;
    let first = true;
    for (;;) {
      ex.start();
      const inst = ex.instance;
      const keys = this.keys;
      let cut = false;
      if (first) {
        // the initial state is one of the states
        keys.begin(inst);
        if (rootDepth === 0) this.seen.add(keys.a, keys.b);
        else this.onPath.add(keys.a, keys.b);
      }
      for (;;) {
        const d = ex.depth;
        const enabled = ex.enabledMask();
        if (enabled === 0) break;
        let t: number;
        if (d < rootDepth) {
          t = prefix[d]!;
        } else if (!first && d <= branch) {
          t = ex.choices[d]!;
        } else {
          const worth = keys.representatives(enabled);
          t = ex.prev >= 0 && (worth & (1 << ex.prev)) !== 0 ? ex.prev : lowestBit(worth);
          if (d >= this.cap) this.save(d); // grows the arrays
          this.enabledAt[d] = worth;
          this.triedAt[d] = 1 << t;
        }
        const hashing = first || d >= branch;
        if (hashing) {
          if (d === branch && !first) this.restore(d);
          else this.save(d);
          keys.before(inst, t);
        }
        if (!ex.exec(t, enabled)) break;
        if (!hashing) continue;
        keys.after(inst);
        const a = keys.a;
        const b = keys.b;
        if (ex.depth < rootDepth) {
          this.onPath.add(a, b);
        } else if (!this.seen.add(a, b)) {
          cut = true;
          this.pruned++;
          break;
        }
      }
      first = false;
      if (ex.failure === null && !cut) ex.finish();
      if (!cut) this.schedules++;
      if (ex.failure !== null) {
        this.failure = ex.failureRecord();
        return null;
      }
      // backtrack: the deepest step below the prefix with an untried thread
      let d = ex.depth - 1;
      for (; d >= rootDepth; d--) {
        const untried = this.enabledAt[d]! & ~this.triedAt[d]!;
        if (untried !== 0) {
          const u = lowestBit(untried);
          this.triedAt[d]! |= 1 << u;
          ex.choices[d] = u;
          branch = d;
          break;
        }
      }
      if (d < rootDepth) return null;
      const stop = this.caps.reached(this.schedules);
      if (stop !== null) return stop;
      if (this.progress.due(this.schedules + this.pruned)) this.progress.report(this.schedules, ex.steps, from + share * this.fraction(rootDepth, branch + 1), undefined);
    }
  }

  /** The share of the prefix's tree left of the current path, each branch counted equal. */
  private fraction(rootDepth: number, to: number): number {
    let done = 0;
    let weight = 1;
    for (let d = rootDepth; d < to && weight > 1e-12; d++) {
      const n = popcount(this.enabledAt[d]!);
      done += (weight * (popcount(this.triedAt[d]!) - 1)) / n;
      weight /= n;
    }
    return done;
  }
}

