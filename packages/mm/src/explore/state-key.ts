/**
 * A 64-bit hash of a state: two independent 32-bit lanes (a multiply–xor
 * mix per word, murmur3's finaliser at the end), fed with numbers, strings
 * and whole object graphs. No BigInt, no strings built: the explorer hashes
 * a machine after every step of a `--bound none` search.
 *
 * `hashGraph` walks an object graph the way the simulator keeps its state —
 * typed arrays, arrays, Maps, Sets, plain objects and class instances (their
 * own enumerable fields) — and hashes every value that can decide what
 * happens next. Aliasing is part of the state: an object seen before is
 * hashed as "the k-th object of this walk", so two graphs that share
 * differently hash differently, and cycles end. Functions and generator
 * objects hash as their kind only (a generator is a thread's kernel path
 * mid-way: its position and locals are the thread's, keyed by the explorer
 * from the thread's history — executor.ts).
 *
 * Collisions: two different states may share a 64-bit hash (with a million
 * states, about one chance in 10^7); a search that caches by hash says so
 * ("keyBits": 64 in its result).
 */

const M1 = 0x9e3779b1;
const M2 = 0x85ebca77;
const M3 = 0xc2b2ae3d;
const M4 = 0x27d4eb2f;

const TAG_UNDEF = 0x51;
const TAG_NULL = 0x52;
const TAG_TRUE = 0x53;
const TAG_FALSE = 0x54;
const TAG_NUM = 0x55;
const TAG_STR = 0x56;
const TAG_SEEN = 0x57;
const TAG_ARRAY = 0x58;
const TAG_MAP = 0x59;
const TAG_SET = 0x5a;
const TAG_OBJ = 0x5b;
const TAG_TYPED = 0x5c;
const TAG_FN = 0x5d;
const TAG_GEN = 0x5e;
const TAG_BIG = 0x5f;
const TAG_KEY = 0x60;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** %GeneratorPrototype%: the prototype of every generator object's own prototype */
const GeneratorProto: object = Object.getPrototypeOf(Object.getPrototypeOf((function* () {})()));
const isGenerator = (o: object): boolean => Object.prototype.isPrototypeOf.call(GeneratorProto, o);

/**
 * Fields no kernel path reads, skipped by name wherever they are: what only
 * traces and observations read (the step's noted arguments, pfn labels, the
 * stop's description, lock names), and what cannot change once a machine is
 * made (the compiled variant, its protection cache, the spec).
 */
export const UNKEYED_FIELDS: ReadonlySet<string> = new Set([
  'noted',
  'labels',
  'observing',
  'where',
  'lockNames',
  'variant',
  'prot',
  'spec',
  'reclaimHook',
  'onFree',
  // the running thread's declared frames (model/sched.ts): each thread's own, keyed with the thread (unbounded.ts)
  'declaredLive',
  'declaredN',
  'declaredNext',
  'stopDeclared',
  // what the running step read, for traces (model/step-values.ts): the step that wrote it is over
  'values',
  // checkInvariants' scratch counts (check/invariants.ts): rewritten whole by every check
  'invariantScratch',
]);

/** The lock-id assignment (model/sched.ts): left out where locks are keyed by what they are (Instance.lockKey). */
export const UNKEYED_LOCK_IDS: ReadonlySet<string> = new Set([...UNKEYED_FIELDS, 'lockIds', 'lockKeys']);

export class StateHasher {
  /** the two lanes */
  a = 0;
  b = 0;
  /** objects seen in this walk, by their visit number */
  private readonly seen = new Map<object, number>();
  private readonly names = new Map<string, number>();
  /** an int32 view of each typed array hashed (kept while the array lives) */
  private readonly views = new WeakMap<ArrayBufferView, Int32Array>();
  private readonly byteViews = new WeakMap<ArrayBufferView, Uint8Array>();
  /** objects never hashed (immutable: the compiled variant, its spec) */
  private readonly skipObjects = new Set<object>();

  constructor(
    /** fields never hashed, by name: what only traces read */
    private readonly skipFields: ReadonlySet<string> = UNKEYED_FIELDS,
  ) {}

  /** Never hash this object (nor what only it reaches): it cannot change. */
  skip(o: object): this {
    this.skipObjects.add(o);
    return this;
  }

  reset(seedA = 0x811c9dc5, seedB = 0x01000193): this {
    this.a = seedA | 0;
    this.b = seedB | 0;
    this.seen.clear();
    return this;
  }

  /** One 32-bit word into both lanes. */
  word(x: number): void {
    let k = Math.imul(x | 0, M1);
    k = (k << 15) | (k >>> 17);
    this.a = Math.imul(((this.a ^ Math.imul(k, M2)) << 13) | ((this.a ^ Math.imul(k, M2)) >>> 19), 5) + 0xe6546b64;
    let j = Math.imul((x | 0) ^ 0x5bd1e995, M3);
    j = (j << 17) | (j >>> 15);
    this.b = Math.imul(((this.b ^ Math.imul(j, M4)) << 11) | ((this.b ^ Math.imul(j, M4)) >>> 21), 9) + 0x7f4a7c15;
  }

  /** A number: an int32 as itself, anything else by its float64 bits. */
  num(x: number): void {
    if ((x | 0) === x && !Object.is(x, -0)) {
      this.word(x);
      return;
    }
    f64[0] = x;
    this.word(TAG_NUM);
    this.word(u32[0]!);
    this.word(u32[1]!);
  }

  str(s: string): void {
    this.word(TAG_STR);
    this.word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
  }

  /** A field name: one word (its string hash, worked out once per name). */
  private name(k: string): void {
    let w = this.names.get(k);
    if (w === undefined) {
      w = 0x811c9dc5;
      for (let i = 0; i < k.length; i++) w = Math.imul(w ^ k.charCodeAt(i), 0x01000193);
      this.names.set(k, w);
    }
    this.word(w);
  }

  /** Any value: a primitive, or the object graph it reaches. */
  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.num(v);
        return;
      case 'string':
        this.str(v);
        return;
      case 'boolean':
        this.word(v ? TAG_TRUE : TAG_FALSE);
        return;
      case 'undefined':
        this.word(TAG_UNDEF);
        return;
      case 'bigint':
        // edges only (a pte value a script gave): its decimal digits
        this.word(TAG_BIG);
        this.str(v.toString(16));
        return;
      case 'function':
        this.word(TAG_FN);
        return;
      case 'symbol':
        this.word(TAG_FN + 0x100);
        return;
      default:
        if (v === null) this.word(TAG_NULL);
        else this.object(v as object);
    }
  }

  private object(o: object): void {
    if (this.skipObjects.has(o)) {
      this.word(TAG_FN + 0x200);
      return;
    }
    const was = this.seen.get(o);
    if (was !== undefined) {
      this.word(TAG_SEEN);
      this.word(was);
      return;
    }
    this.seen.set(o, this.seen.size);
    if (ArrayBuffer.isView(o)) {
      this.typed(o);
      return;
    }
    if (Array.isArray(o)) {
      this.word(TAG_ARRAY);
      this.word(o.length);
      for (let i = 0; i < o.length; i++) this.value(o[i]);
      return;
    }
    if (o instanceof Map) {
      this.word(TAG_MAP);
      this.word(o.size);
      // insertion order is state too: code that iterates the map sees it
      o.forEach(this.entry);
      // a Map subclass (HeldRefs) may carry fields of its own: fall through to them
      this.fields(o);
      return;
    }
    if (o instanceof Set) {
      this.word(TAG_SET);
      this.word(o.size);
      o.forEach(this.member);
      return;
    }
    if (isGenerator(o)) {
      this.word(TAG_GEN);
      return;
    }
    this.word(TAG_OBJ);
    this.fields(o);
  }

  /** a Map entry, a Set member (made once: forEach with them allocates nothing) */
  private readonly entry = (v: unknown, k: unknown): void => {
    this.value(k);
    this.value(v);
  };
  private readonly member = (k: unknown): void => {
    this.value(k);
  };

  /**
   * A typed array by its bytes, read as int32 words through a view made
   * once per array (one loop for every element type), the odd tail bytes
   * after. Only the non-zero words go in, each with its index: the state's
   * tables are mostly zero (page tables, free frames), and a zero costs a
   * compare, not a mix.
   */
  private typed(o: ArrayBufferView): void {
    if ((o.byteOffset & 3) !== 0) {
      this.bytes(o, 0);
      return;
    }
    let v = this.views.get(o);
    if (v === undefined) {
      v = new Int32Array(o.buffer, o.byteOffset, o.byteLength >>> 2);
      this.views.set(o, v);
    }
    this.word(TAG_TYPED);
    this.word(o.byteLength);
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x === 0) continue;
      this.word(i);
      this.word(x);
    }
    if ((o.byteLength & 3) !== 0) this.bytes(o, o.byteLength & ~3);
  }

  /** The bytes of a typed array from `from` on, one word each (an unaligned array, an odd tail). */
  private bytes(o: ArrayBufferView, from: number): void {
    let u = this.byteViews.get(o);
    if (u === undefined) {
      u = new Uint8Array(o.buffer, o.byteOffset, o.byteLength);
      this.byteViews.set(o, u);
    }
    this.word(TAG_TYPED + 0x100);
    for (let i = from; i < u.length; i++) if (u[i] !== 0) this.word((i << 8) | u[i]!);
  }

  private fields(o: object): void {
    const rec = o as Record<string, unknown>;
    for (const k in rec) {
      if (!Object.hasOwn(rec, k) || this.skipFields.has(k)) continue;
      this.name(k);
      this.word(TAG_KEY);
      this.value(rec[k]);
    }
  }

  /** The lanes finalised (murmur3 fmix32 each); read `a` and `b` after. */
  finish(): this {
    this.a = fmix(this.a ^ this.b);
    this.b = fmix(this.b + Math.imul(this.a, 0x2545f491));
    return this;
  }
}

/** murmur3's finaliser of one 32-bit word */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Two lanes as 16 hex digits (the form a shard ships its keys in). */
export const keyHex = (a: number, b: number): string => (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');

/**
 * A set of 64-bit keys (two int32 lanes), open addressing in typed arrays:
 * adding a key allocates nothing until the table doubles.
 */
export class KeySet {
  private hi: Int32Array;
  private lo: Int32Array;
  private used: Uint8Array;
  size = 0;

  constructor(capacity = 1 << 12) {
    let n = 16;
    while (n < capacity * 2) n *= 2;
    this.hi = new Int32Array(n);
    this.lo = new Int32Array(n);
    this.used = new Uint8Array(n);
  }

  /** Add the key; false when it was there already. */
  add(a: number, b: number): boolean {
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    const mask = this.used.length - 1;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      if (this.used[i] === 0) {
        this.used[i] = 1;
        this.hi[i] = a;
        this.lo[i] = b;
        this.size++;
        return true;
      }
      if (this.hi[i] === a && this.lo[i] === b) return false;
    }
  }

  has(a: number, b: number): boolean {
    const mask = this.used.length - 1;
    for (let i = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      if (this.used[i] === 0) return false;
      if (this.hi[i] === a && this.lo[i] === b) return true;
    }
  }

  /** Every key, as pairs of lanes in `out` order (hi, lo, hi, lo …). */
  forEach(fn: (a: number, b: number) => void): void {
    for (let i = 0; i < this.used.length; i++) if (this.used[i] === 1) fn(this.hi[i]!, this.lo[i]!);
  }

  private grow(): void {
    const { hi, lo, used } = this;
    const n = used.length * 2;
    this.hi = new Int32Array(n);
    this.lo = new Int32Array(n);
    this.used = new Uint8Array(n);
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i] === 1) this.add(hi[i]!, lo[i]!);
  }
}
