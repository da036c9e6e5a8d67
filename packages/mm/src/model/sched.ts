/**
 * Where kernel paths let another thread run: the points where the kernel
 * takes or drops a lock (pte lock, page lock, i_mmap lock, anon_vma lock,
 * mmap_lock) or reads shared state without one.
 *
 * A path that can stop is a generator (`KernelPath`) that yields explorer
 * actions (explore/thread.ts). It yields only while `sched.on` — the
 * explorer is driving the machine; the sequential simulator runs the very
 * same generator to its end with `runPath`, and then no stop is taken. So
 * the explorer and the simulator run one body of kernel code, and the
 * per-pte loops inside a path stay allocation-free (one generator per
 * operation, none per pte).
 */
import { ACT_STEP, lockAct, MAX_LOCKS, unlockAct } from '../explore/thread.js';
import type { Machine } from './machine.js';
import { StepValues } from './step-values.js';

export type KernelPath<R = void> = Generator<number, R, void>;

/**
 * Declared stops (`mmsim explore --key declared`, explore/unbounded.ts).
 *
 * A path that stops holds values in its generator frames — the page
 * ->fault returned, the truncate_count it sampled, how far a loop has got —
 * which the explorer cannot read. A path may declare them: each frame that
 * holds something across a stop below it writes, before that stop, its
 * frame onto a small stack — a site (which function, which resume point:
 * the SITE_* numbers below, unique across the kernel) and its live values —
 * and the innermost frame says `ready()` right before it yields. The thread's
 * key at that stop is then (its op, the declared stack) instead of its
 * history.
 *
 * The contract, for every `ready()`: from that stop on, the thread's
 * future — what it does to the machine, the stops it yields, the checks it
 * trips — depends only on the machine state, the op it runs (its words) and
 * the values on the declared stack. So every frame between the op and the
 * stop must declare what it reads after the stop (its own locals and
 * arguments not fixed by the op's words), and a frame that does not must
 * never have a ready() below it: the ops whose whole call chains are
 * audited are listed in DECLARING_OPS; a stop of any other op, or one
 * without ready(), is keyed by its history. Objects (a vma, an i_mmap list
 * entry) are declared by where the machine holds them; one the machine no
 * longer holds cannot be declared (that stop is not ready). A
 * property test (test/state-key.test.ts) runs equal-key states forward.
 */
export const MAX_DECLARED = 64;

/** Ops whose path frames, from the op's own code down to every ready(), all declare (the audit of the contract above). */
export const DECLARING_OPS: ReadonlySet<string> = new Set(['read', 'write', 'invalidate']);

/** Frame sites (function · 16 + resume point): one number per place a declared frame can be. */
export const SITE_ACCESS = 0x10;
export const SITE_DO_FAULT = 0x20;
export const SITE_DO_FILE_PAGE = 0x40;
export const SITE_CACHED_PAGES = 0x60;
export const SITE_DROP_CACHED = 0x70;
export const SITE_UNMAP_RANGE = 0x80;

/** Run a path to its end (nothing else can run meanwhile). */
export function runPath<R>(path: KernelPath<R>): R {
  for (;;) {
    const r = path.next();
    if (r.done) return r.value;
  }
}

/** Lock kinds, each over one kind of object (an mm, a frame, an inode, an anon_vma). */
export const PTL = 0;
export const PAGE_LOCK = 1;
export const I_MMAP = 2;
export const ANON_VMA = 3;
export const MMAP_LOCK = 4;
const KIND_NAMES = ['pte lock', 'page lock', 'i_mmap lock', 'anon_vma lock', 'mmap_lock'];

/**
 * References a path holds in the middle of an operation (->nopage's page,
 * the page under migration), by frame: taken and dropped with the page's
 * refcount and counted by checkInvariants, so the checks the explorer runs
 * between steps account for them.
 */
export class HeldRefs extends Map<number, number> {
  constructor(private readonly m: Machine) {
    super();
  }

  /** get_page(), held by the path */
  hold(frame: number): void {
    this.m.frames.get(frame);
    this.set(frame, (this.get(frame) ?? 0) + 1);
  }

  /** A reference the path already has — a page it just allocated (refcount 1) — now counted as held. */
  adopt(frame: number): void {
    this.set(frame, (this.get(frame) ?? 0) + 1);
  }

  /** A held reference handed on without a put: the pte the path installed holds it now. */
  disown(frame: number): void {
    const n = this.get(frame);
    if (n === undefined) throw new Error(`disown of pfn ${this.m.frames.pfn(frame)}, which no path holds`);
    if (n === 1) this.delete(frame);
    else this.set(frame, n - 1);
  }

  /** put_page() of a held reference (the page is freed at zero) */
  release(frame: number): void {
    const n = this.get(frame);
    if (n === undefined) throw new Error(`release of pfn ${this.m.frames.pfn(frame)}, which no path holds`);
    if (n === 1) this.delete(frame);
    else this.set(frame, n - 1);
    this.m.frames.put(frame);
  }
}

export class Sched {
  /** true while the explorer drives this machine: paths stop at their lock points */
  on = false;
  /** what the path does at the stop it yields (for traces) */
  where = '';
  readonly held: HeldRefs;
  /** (object · 8 + kind) → explorer lock id, in the order the locks were first taken */
  private readonly lockIds = new Map<number, number>();
  /** explorer lock id → its object · 8 + kind: what the lock is, whatever id it got (`--key declared` keys locks by it) */
  readonly lockKeys: number[] = [];
  /**
   * Set by access_path around its touch(): a file fault, or the locked part
   * of an anonymous one, is then not run in place but left in `pending`
   * (VM_FAULT_RETRY), for the caller to run with its stops and retry the
   * access — as the kernel's fault handler retries after VM_FAULT_RETRY.
   */
  deferFaults = false;
  pending: KernelPath<number> | null = null;
  /** lock id → a readable name ("page lock of pfn 0x105") */
  readonly lockNames: string[] = [];
  /** the values the running step read that decide a race (step-values.ts), for traces */
  readonly values = new StepValues();
  /**
   * The running thread's declared frames (the contract above): the thread
   * copies its own in before a step and out after it. `declaredN` beyond
   * MAX_DECLARED: a frame did not fit (nothing is declared below it).
   */
  readonly declaredLive = new Float64Array(MAX_DECLARED);
  declaredN = 0;
  /** set by ready(), taken by the next stop */
  declaredNext = false;
  /** whether the stop yielded last was ready() */
  stopDeclared = false;

  constructor(private readonly m: Machine) {
    this.held = new HeldRefs(m);
  }

  /** The explorer lock id of lock `kind` on object `obj`. */
  id(kind: number, obj: number): number {
    const key = obj * 8 + kind;
    let k = this.lockIds.get(key);
    if (k === undefined) {
      k = this.lockIds.size;
      if (k >= MAX_LOCKS) throw new RangeError(`explore: more than ${MAX_LOCKS} distinct locks taken`);
      this.lockIds.set(key, k);
      this.lockKeys.push(key);
      this.lockNames.push(`${KIND_NAMES[kind]} of ${kind === PAGE_LOCK ? `pfn 0x${this.m.frames.pfn(obj).toString(16)}` : `#${obj}`}`);
    }
    return k;
  }

  /** The action taking a lock; `where` says what the path does holding it. */
  lock(kind: number, obj: number, where: string): number {
    this.taken(where);
    return lockAct(this.id(kind, obj));
  }

  unlock(kind: number, obj: number, where: string): number {
    this.taken(where);
    return unlockAct(this.id(kind, obj));
  }

  /** An unlocked stop: the next code reads or writes shared state. */
  point(where: string): number {
    this.taken(where);
    return ACT_STEP;
  }

  private taken(where: string): void {
    this.where = where;
    this.stopDeclared = this.declaredNext;
    this.declaredNext = false;
  }

  /**
   * Start (or rewrite) a declared frame at `base` — the stack's height when
   * the function was entered — with its site; its values follow (`and`).
   * Only while the explorer drives the machine (callers test `on`).
   */
  declare(base: number, site: number): this {
    this.declaredN = base;
    return this.and(site);
  }

  /** One more live value of the frame being declared. */
  and(v: number): this {
    if (this.declaredN < MAX_DECLARED) this.declaredLive[this.declaredN] = v;
    this.declaredN++;
    return this;
  }

  /** A value the frame holds cannot be declared (an object the machine no longer holds): the stops below are not ready. */
  lost(): this {
    this.declaredN = MAX_DECLARED + 1;
    return this;
  }

  /** The next stop is declared: the stack holds everything the thread's future reads (the contract above). */
  ready(): void {
    this.declaredNext = this.declaredN <= MAX_DECLARED;
  }
}
