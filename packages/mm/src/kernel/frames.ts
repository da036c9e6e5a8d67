/**
 * Physical frames and their struct page, as typed arrays (32 bytes a
 * frame): flags, refcount, mapcount, mapping, index, private (swap slot of
 * a swap-cache page) and a content tag standing for the data.
 *
 * A frame number is the pfn minus `pfnBase`. The free list is a stack, so
 * like the kernel's per-CPU lists a just-freed frame is reused first.
 */
import { PG_inuse } from './page-flags.js';

export interface FrameTableOptions {
  /** frames to reserve up front; the table grows by doubling */
  readonly initial?: number;
  /** hard limit (what the arch's pfn field can address) */
  readonly max: number;
  /** pfn of frame 0 */
  readonly pfnBase?: number;
}

export class OutOfFramesError extends Error {
  override readonly name = 'OutOfFramesError';
}

export class FrameTable {
  flags: Uint32Array;
  /** page_count(): mappings + page cache + swap cache + pins */
  refcount: Int32Array;
  /** page_mapcount(): ptes mapping the frame */
  mapcount: Int32Array;
  /** inode id (file), anon_vma id (PG_anon), or 0 */
  mapping: Int32Array;
  /** page->index: pgoff in the file, or the anon linear index */
  index: Float64Array;
  /** page->private: global swap slot id of a swap-cache page, else -1 */
  private: Int32Array;
  /** content tag id (0 = all zeroes) */
  tag: Int32Array;
  private freeStack: Int32Array;
  private freeTop = 0;
  private used = 0;
  /** frames handed out at least once */
  private high = 0;
  readonly max: number;
  readonly pfnBase: number;
  /** called when a frame goes back to the allocator (observers retire labels here) */
  onFree: ((frame: number) => void) | undefined;

  constructor(options: FrameTableOptions) {
    const n = Math.min(options.initial ?? 1024, options.max);
    this.max = options.max;
    this.pfnBase = options.pfnBase ?? 0x100;
    this.flags = new Uint32Array(n);
    this.refcount = new Int32Array(n);
    this.mapcount = new Int32Array(n);
    this.mapping = new Int32Array(n);
    this.index = new Float64Array(n);
    this.private = new Int32Array(n).fill(-1);
    this.tag = new Int32Array(n);
    this.freeStack = new Int32Array(n);
  }

  get capacity(): number {
    return this.flags.length;
  }

  get inUse(): number {
    return this.used;
  }

  private grow(): void {
    const n = Math.min(this.capacity * 2, this.max);
    if (n <= this.capacity) throw new OutOfFramesError(`out of physical frames (${this.max} frames)`);
    const copy = <T extends Uint32Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.flags = copy(this.flags, (k) => new Uint32Array(k));
    this.refcount = copy(this.refcount, (k) => new Int32Array(k));
    this.mapcount = copy(this.mapcount, (k) => new Int32Array(k));
    this.mapping = copy(this.mapping, (k) => new Int32Array(k));
    this.index = copy(this.index, (k) => new Float64Array(k));
    const priv = new Int32Array(n).fill(-1);
    priv.set(this.private);
    this.private = priv;
    this.tag = copy(this.tag, (k) => new Int32Array(k));
    this.freeStack = copy(this.freeStack, (k) => new Int32Array(k));
  }

  /** alloc_page(): a frame with refcount 1, everything else clear. */
  alloc(): number {
    let frame: number;
    if (this.freeTop > 0) {
      frame = this.freeStack[--this.freeTop]!;
    } else {
      if (this.high === this.capacity) this.grow();
      frame = this.high++;
    }
    this.flags[frame] = PG_inuse;
    this.refcount[frame] = 1;
    this.mapcount[frame] = 0;
    this.mapping[frame] = 0;
    this.index[frame] = 0;
    this.private[frame] = -1;
    this.tag[frame] = 0;
    this.used++;
    return frame;
  }

  /** Whether alloc() can succeed without exceeding `max`. */
  canAlloc(): boolean {
    return this.freeTop > 0 || this.high < this.max;
  }

  /** put_page(): drop a reference; the frame is freed at zero. Returns true when freed. */
  put(frame: number): boolean {
    const left = --this.refcount[frame]!;
    if (left > 0) return false;
    if (left < 0) throw new Error(`put_page on frame ${frame} with refcount 0 (pfn ${frame + this.pfnBase})`);
    this.free(frame);
    return true;
  }

  get(frame: number): void {
    this.refcount[frame]!++;
  }

  private free(frame: number): void {
    this.onFree?.(frame);
    this.flags[frame] = 0;
    this.mapping[frame] = 0;
    this.private[frame] = -1;
    this.freeStack[this.freeTop++] = frame;
    this.used--;
  }

  isFree(frame: number): boolean {
    return (this.flags[frame]! & PG_inuse) === 0;
  }

  pfn(frame: number): number {
    return frame + this.pfnBase;
  }

  frameOf(pfn: number): number {
    return pfn - this.pfnBase;
  }

  /** Frames ever handed out (for invariant sweeps). */
  get highWater(): number {
    return this.high;
  }
}
