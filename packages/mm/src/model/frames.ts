/**
 * Physical frames and their struct page, as typed arrays (22 bytes a
 * frame): flags (u16), refcount and mapcount (u16, with an overflow table
 * past 65534), mapping (i32), index (f64), a content tag (i32), and — once
 * a frame is allocated off node 0 — the NUMA node (u8, page_to_nid). The swap
 * slot of a swap-cache page (page->private) is kept sparsely, since few
 * frames have one.
 *
 * Like mem_map, the arrays cover all of physical memory from the start (the
 * machine's size is fixed); the OS commits their pages as frames are first
 * used. A frame number is the pfn minus `pfnBase`. The free list is a stack
 * threaded through the free frames' own index field (no extra array), so like
 * the kernel's per-CPU lists a just-freed frame is reused first.
 */
import { SyscallError } from './errno.js';
import { PG_inuse } from '../kernel/page-flags.js';

export interface FrameTableOptions {
  /** physical memory in frames */
  readonly max: number;
  /** pfn of frame 0 */
  readonly pfnBase?: number;
  /** NUMA nodes with memory (default 2: node 0, where processes allocate, and node 1 for move_pages) */
  readonly nodes?: number;
}

/** MAX_NUMNODES of the model: node ids fit the u8 node array. */
export const MAX_NODES = 64;

/**
 * An allocation found no free frame. It is the kernel's -ENOMEM (a
 * SyscallError), so a syscall that runs out reports ENOMEM; a page fault
 * that runs out goes to the OOM killer instead (oom_kill.ts).
 */
export class OutOfFramesError extends SyscallError {
  override readonly name: string = 'OutOfFramesError';
  constructor(reason: string) {
    super('ENOMEM', reason);
  }
}

const SATURATED = 0xffff;

export class FrameTable {
  readonly flags: Uint16Array;
  /** the LRU state (page-flags.ts PG_referenced, PG_active, PG_lru, PG_lru_batched; swap.ts) */
  readonly lru: Uint8Array;
  private readonly refcount: Uint16Array;
  private readonly mapcount: Uint16Array;
  /** inode id (file), anon_vma id (PG_anon), or 0 */
  readonly mapping: Int32Array;
  /** page->index: pgoff in the file, or the anon linear index */
  readonly index: Float64Array;
  /** content tag id (0 = all zeroes) */
  readonly tag: Int32Array;
  /**
   * page_to_nid(): the node each frame was allocated on. Frames are not
   * carved into per-node pfn ranges: one free list serves every node and a
   * frame takes the node its allocation asked for (the node's own free
   * pages, as far as the model can tell), so allocation order — and every
   * pfn the observations label — is the same with one node or many.
   */
  private nodeOf: Uint8Array | null = null;
  /** nodes with memory (N_MEMORY); node ids are 0 … nodes-1 */
  nodes: number;
  /** page->private of swap-cache pages: their swap slot id */
  readonly swapSlot = new Map<number, number>();
  private readonly refOverflow = new Map<number, number>();
  private readonly mapOverflow = new Map<number, number>();
  /** head of the free list, threaded through index[] of free frames (LIFO, like the per-CPU lists); -1 when empty */
  private freeHead = -1;
  private used = 0;
  /** frames handed out at least once */
  private high = 0;
  readonly max: number;
  readonly pfnBase: number;
  /** called when a frame goes back to the allocator (observers retire labels here) */
  onFree: ((frame: number) => void) | undefined = undefined;

  constructor(options: FrameTableOptions) {
    const n = options.max;
    this.max = n;
    this.pfnBase = options.pfnBase ?? 0x100;
    this.flags = new Uint16Array(n); // page-flags.ts: bits 0–15
    this.lru = new Uint8Array(n);
    this.refcount = new Uint16Array(n);
    this.mapcount = new Uint16Array(n);
    this.mapping = new Int32Array(n);
    this.index = new Float64Array(n);
    this.tag = new Int32Array(n);
    this.nodes = options.nodes ?? 2;
    if (!Number.isInteger(this.nodes) || this.nodes < 1 || this.nodes > MAX_NODES) throw new RangeError(`nodes ${this.nodes} is out of range 1 to ${MAX_NODES}`);
  }

  get capacity(): number {
    return this.max;
  }

  get inUse(): number {
    return this.used;
  }

  /** page_to_nid(): the node a frame was allocated on. */
  nid(frame: number): number {
    return this.nodeOf === null ? 0 : this.nodeOf[frame]!;
  }

  /**
   * alloc_page(): a frame with refcount 1, everything else clear, on `node`
   * (alloc_pages_node; default node 0, the local node of every simulated
   * process).
   */
  alloc(node = 0): number {
    let frame: number;
    if (this.freeHead >= 0) {
      frame = this.freeHead;
      this.freeHead = this.index[frame]!;
      // a recycled struct page: clear what its last user left
      this.mapcount[frame] = 0;
      this.index[frame] = 0;
      this.tag[frame] = 0;
    } else {
      if (this.high === this.max) throw new OutOfFramesError(`out of physical frames (${this.max} frames)`);
      frame = this.high++; // never used: the arrays are still zero
    }
    this.flags[frame] = PG_inuse;
    this.refcount[frame] = 1;
    // the node array exists once a frame lands off node 0: a one-node run pays nothing for it
    if (this.nodeOf !== null) this.nodeOf[frame] = node;
    else if (node !== 0) (this.nodeOf = new Uint8Array(this.max))[frame] = node;
    this.used++;
    return frame;
  }

  /** Whether alloc() can succeed without exceeding `max`. */
  canAlloc(): boolean {
    return this.freeHead >= 0 || this.high < this.max;
  }

  /** page_count() */
  refs(frame: number): number {
    const r = this.refcount[frame]!;
    return r === SATURATED ? this.refOverflow.get(frame)! : r;
  }

  /** page_mapcount() */
  maps(frame: number): number {
    const c = this.mapcount[frame]!;
    return c === SATURATED ? this.mapOverflow.get(frame)! : c;
  }

  private setRefs(frame: number, n: number): void {
    if (n >= SATURATED) {
      this.refcount[frame] = SATURATED;
      this.refOverflow.set(frame, n);
    } else {
      if (this.refcount[frame] === SATURATED) this.refOverflow.delete(frame);
      this.refcount[frame] = n;
    }
  }

  mapSet(frame: number, n: number): void {
    if (n >= SATURATED) {
      this.mapcount[frame] = SATURATED;
      this.mapOverflow.set(frame, n);
    } else {
      if (this.mapcount[frame] === SATURATED) this.mapOverflow.delete(frame);
      this.mapcount[frame] = n;
    }
  }

  mapInc(frame: number): void {
    const c = this.mapcount[frame]!;
    if (c < SATURATED - 1) this.mapcount[frame] = c + 1;
    else this.mapSet(frame, this.maps(frame) + 1);
  }

  mapDec(frame: number): void {
    const c = this.mapcount[frame]!;
    if (c === 0) throw new Error(`page_remove_rmap on pfn ${frame + this.pfnBase} with mapcount 0`);
    if (c < SATURATED) this.mapcount[frame] = c - 1;
    else this.mapSet(frame, this.maps(frame) - 1);
  }

  /** get_page() */
  get(frame: number): void {
    const r = this.refcount[frame]!;
    if (r < SATURATED - 1) this.refcount[frame] = r + 1;
    else this.setRefs(frame, this.refs(frame) + 1);
  }

  /** page_ref_add(): n references at once (a FOLL_PIN takes GUP_PIN_COUNTING_BIAS of them) */
  getMany(frame: number, n: number): void {
    this.setRefs(frame, this.refs(frame) + n);
  }

  /** page_ref_sub_and_test(): drop n references; the frame is freed at zero. Returns true when freed. */
  putMany(frame: number, n: number): boolean {
    const r = this.refs(frame);
    if (r < n) throw new Error(`put of ${n} references on frame ${frame} with refcount ${r} (pfn ${frame + this.pfnBase})`);
    this.setRefs(frame, r - n);
    if (r - n !== 0) return false;
    this.free(frame);
    return true;
  }

  /** put_page(): drop a reference; the frame is freed at zero. Returns true when freed. */
  put(frame: number): boolean {
    const r = this.refcount[frame]!;
    if (r === 0) throw new Error(`put_page on frame ${frame} with refcount 0 (pfn ${frame + this.pfnBase})`);
    if (r < SATURATED) this.refcount[frame] = r - 1;
    else this.setRefs(frame, this.refs(frame) - 1);
    if (this.refcount[frame] !== 0) return false;
    this.free(frame);
    return true;
  }

  private free(frame: number): void {
    this.onFree?.(frame);
    this.flags[frame] = 0;
    this.lru[frame] = 0;
    this.mapping[frame] = 0;
    if (this.swapSlot.size !== 0) this.swapSlot.delete(frame);
    this.index[frame] = this.freeHead;
    this.freeHead = frame;
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

/**
 * Free frames below which touch() asks kswapd (balance_pgdat,
 * vmscan.reclaim.ts) to look at the watermark (kswapd woken by an
 * allocation), and which a THP allocation or swap readahead leaves free:
 * their allocations fall back or are skipped rather than eat into it.
 */
export const BALANCE_FREE = 64;
