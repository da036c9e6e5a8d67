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
  private readonly ids = new Map<number, number>();
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

  constructor(private readonly m: Machine) {
    this.held = new HeldRefs(m);
  }

  /** The explorer lock id of lock `kind` on object `obj`. */
  id(kind: number, obj: number): number {
    const key = obj * 8 + kind;
    let k = this.ids.get(key);
    if (k === undefined) {
      k = this.ids.size;
      if (k >= MAX_LOCKS) throw new RangeError(`explore: more than ${MAX_LOCKS} distinct locks taken`);
      this.ids.set(key, k);
      this.lockNames.push(`${KIND_NAMES[kind]} of ${kind === PAGE_LOCK ? `pfn 0x${this.m.frames.pfn(obj).toString(16)}` : `#${obj}`}`);
    }
    return k;
  }

  /** The action taking a lock; `where` says what the path does holding it. */
  lock(kind: number, obj: number, where: string): number {
    this.where = where;
    return lockAct(this.id(kind, obj));
  }

  unlock(kind: number, obj: number, where: string): number {
    this.where = where;
    return unlockAct(this.id(kind, obj));
  }

  /** An unlocked stop: the next code reads or writes shared state. */
  point(where: string): number {
    this.where = where;
    return ACT_STEP;
  }
}
