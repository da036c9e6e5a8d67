/**
 * A process's page table in the arch's own geometry (spec.levels): upper
 * levels hold the ids of the tables below, and every pte table is a typed
 * array of that arch's ptes — one u32 per 32-bit pte, two (lo, hi) per
 * 64-bit pte, the same 4 KiB as the real page on x86_64 — holding exactly
 * the values the backend's encoding produces.
 *
 * A pte is named by a slot number (table id × entries + index), so walks and
 * loops allocate nothing.
 *
 * A pmd entry (the level above the pte tables; the folded pgd entry on
 * two-level i386) is none, a pte table, or — for a PMD-mapped THP (6.18) —
 * a huge pmd: a leaf at the pmd level holding the arch's huge pmd words
 * (mk_huge_pmd, spec.huge), kept by pmd slot (pmd table × entries + index).
 * A pte walk (`walk`) stops at a huge pmd as pte_offset_map() does on a
 * pmd_trans_huge() pmd: no pte table is there. THP-aware paths
 * (huge_memory.ts) look at the pmd first (`pmdSlot`, `hugeAt`).
 */
import type { Variant } from '@mmsim/core';

/** A huge pmd (PMD-mapped THP): the first vpn it maps and its words in the arch's encoding. */
export interface HugePmd {
  readonly vpn: number;
  hi: number;
  lo: number;
}

/** pmd entry kinds (pmdKind) */
export const PMD_NONE = 0;
export const PMD_TABLE = 1;
export const PMD_HUGE = 2;
/** the upper-table value of a huge pmd (its words live in PageTable.huge) */
const HUGE_ENTRY = -1;

/** lastBase when the one-entry TLB holds nothing: every vpn ≥ 0 misses it (walk refuses a negative one), and it is a small integer — -Infinity, a double, made the walk's arithmetic floating point */
const NO_TLB = -(1 << 30);

const hex = (vpn: number): string => `0x${vpn.toString(16)}`;

export class PageTable {
  /** non-leaf tables; entry = id of the next table + 1, 0 = none (pgd_none / pmd_none) */
  private readonly upper: Int32Array[] = [];
  /** per upper table, the lowest and highest index ever given an entry: scans (nextPopulated, the invariants) read only that */
  private readonly upperLo: number[] = [];
  private readonly upperHi: number[] = [];
  /** pte tables */
  readonly leaves: Uint32Array[] = [];
  readonly words: 1 | 2;
  /** ptes per pte table */
  readonly ptrsPerPte: number;
  private readonly divisors: number[];
  private readonly sizes: number[];
  private readonly depth: number;
  /** pte tables currently allocated (for memory accounting) */
  nrPteTables = 0;
  /** first vpn each pte table translates */
  private readonly leafBase: number[] = [];
  /**
   * Per pte table, the lowest and highest index ever given a non-zero pte
   * since the table was (re)allocated: whole-table scans (the invariant
   * checks the explorer runs after every step) read only that span.
   */
  readonly spanLo: number[] = [];
  readonly spanHi: number[] = [];
  /** log2(ptrsPerPte): slot = leaf << shift | index */
  private readonly shift: number;
  private readonly mask: number;
  /** a one-entry TLB: the last pte table walked, by its first vpn */
  private lastBase = NO_TLB;
  private lastLeaf = 0;
  /** huge pmds (PMD-mapped THPs) by pmd slot; empty unless the variant has THP and one was mapped */
  readonly huge = new Map<number, HugePmd>();
  /** entries per pmd table (PTRS_PER_PMD) */
  readonly ptrsPerPmd: number;
  /** pte tables freed (free_pte_range / PT_RECLAIM), reused before new ones */
  private readonly freeLeaves: number[] = [];
  /**
   * Pages the levels translate (2^vaBits / PAGE_SIZE): a vpn at or above it
   * would wrap the top-level index and alias a lower address. The syscalls
   * keep every VMA below TASK_SIZE (≤ reach); the upper-level walk refuses
   * anything beyond as a last guard (off the one-entry-TLB path).
   */
  readonly reach: number;
  /**
   * Bumped whenever an upper-level entry changes (a table allocated or freed,
   * a huge pmd set or cleared): the invariant checks re-scan the upper
   * levels only when it moved.
   */
  structure = 0;
  /** `structure` when the invariant checks last found the upper levels sound (-1: never): they skip an unchanged table */
  checkedStructure = -1;

  constructor(readonly variant: Variant) {
    const levels = variant.spec.levels;
    const pageShift = variant.constants.PAGE_SHIFT;
    this.words = variant.constants.pteBits === 64 ? 2 : 1;
    this.depth = levels.length;
    this.divisors = levels.map((l) => 2 ** (l.shift - pageShift));
    // small integers (1 << bits, not 2 ** bits, which V8 keeps as a double): the slot arithmetic of every walk is integer math
    this.sizes = levels.map((l) => 1 << l.bits);
    this.ptrsPerPte = this.sizes[this.depth - 1]!;
    this.shift = Math.log2(this.ptrsPerPte) | 0;
    this.mask = this.ptrsPerPte - 1;
    this.ptrsPerPmd = this.sizes[this.depth - 2]!;
    this.pushUpper(this.sizes[0]!);
    this.reach = this.divisors[0]! * this.sizes[0]!;
  }

  private index(vpn: number, level: number): number {
    return Math.floor(vpn / this.divisors[level]!) % this.sizes[level]!;
  }

  /**
   * The pte slot for virtual page `vpn`, allocating missing tables when
   * `alloc` (pte_alloc_map), else -1 where a table is missing.
   */
  walk(vpn: number, alloc: boolean): number {
    // sequential work stays in one pte table: skip the upper levels
    const off = vpn - this.lastBase;
    if (off >= 0 && off < this.ptrsPerPte && vpn >= 0) return this.lastLeaf * this.ptrsPerPte + off;
    const t = this.pmdTable(vpn, alloc);
    if (t < 0) return -1;
    const table = this.upper[t]!;
    const i = this.index(vpn, this.depth - 2);
    let leaf = table[i]!;
    if (leaf <= 0) {
      if (leaf === HUGE_ENTRY) {
        // pte_alloc on a pmd_trans_huge pmd: the kernel splits (or refuses) before it gets here
        if (alloc) throw new Error(`pte_alloc at vpn 0x${vpn.toString(16)}: the pmd maps a THP (split it first)`);
        return -1;
      }
      if (!alloc) return -1;
      leaf = this.allocLeaf(vpn);
      table[i] = leaf;
      this.markUpper(t, i);
    }
    const index = this.index(vpn, this.depth - 1);
    this.lastBase = vpn - index;
    this.lastLeaf = leaf - 1;
    return (leaf - 1) * this.ptrsPerPte + index;
  }

  lo(slot: number): number {
    const t = this.leaves[slot >>> this.shift]!;
    return t[(slot & this.mask) * this.words]!;
  }

  hi(slot: number): number {
    if (this.words === 1) return 0;
    const t = this.leaves[slot >>> this.shift]!;
    return t[((slot & this.mask) << 1) + 1]!;
  }

  /** set_pte_at(): store both words (the low word first, as x86 PAE does for a present pte) */
  set(slot: number, hi: number, lo: number): void {
    const leaf = slot >>> this.shift;
    const t = this.leaves[leaf]!;
    const i = slot & this.mask;
    const at = i * this.words;
    t[at] = lo;
    if (this.words === 2) t[at + 1] = hi;
    if ((lo | hi) !== 0) {
      if (i < this.spanLo[leaf]!) this.spanLo[leaf] = i;
      if (i > this.spanHi[leaf]!) this.spanHi[leaf] = i;
    }
  }

  /**
   * A zeroed pte table. Tables are carved from slabs that double from 4
   * tables up to 256 KiB (64 tables of 64-bit ptes: what the last slab leaves
   * unused stays small, about 0.25 B per pte of a 1M-page mm, where 1 MiB
   * slabs left 1 B): one backing store per many tables instead of one
   * each, which keeps V8 from counting every table as new external memory
   * (and collecting garbage for it), while a small mm — the explorer builds
   * one per schedule — zeroes only what it uses.
   */
  // initialised here, as every field is, so all page tables share one hidden class (see Machine.shapes)
  private slab: Uint32Array | undefined = undefined;
  private slabUsed = 0;
  private newLeaf(): Uint32Array {
    const size = this.ptrsPerPte * this.words;
    if (!this.slab || this.slabUsed + size > this.slab.length) {
      const next = this.slab ? Math.min(this.slab.length * 2, 1 << 16) : 4 * size;
      this.slab = new Uint32Array(Math.max(size, next));
      this.slabUsed = 0;
    }
    const leaf = this.slab.subarray(this.slabUsed, this.slabUsed + size);
    this.slabUsed += size;
    return leaf;
  }

  /** A zeroed pte table for the pte table range holding vpn; returns its id + 1 (an upper-table entry). */
  private allocLeaf(vpn: number): number {
    const base = vpn - (vpn % this.ptrsPerPte);
    this.nrPteTables++;
    const reuse = this.freeLeaves.pop();
    if (reuse !== undefined) {
      this.leaves[reuse]!.fill(0);
      this.leafBase[reuse] = base;
      this.spanLo[reuse] = this.ptrsPerPte;
      this.spanHi[reuse] = -1;
      return reuse + 1;
    }
    this.leaves.push(this.newLeaf());
    this.leafBase.push(base);
    this.spanLo.push(this.ptrsPerPte);
    this.spanHi.push(-1);
    return this.leaves.length;
  }

  /**
   * The pmd slot for vpn (pmd table × entries + index): where a pte table or
   * a huge pmd hangs. -1 where an upper table is missing (and not `alloc`).
   */
  pmdSlot(vpn: number, alloc: boolean): number {
    const t = this.pmdTable(vpn, alloc);
    return t < 0 ? -1 : t * this.ptrsPerPmd + this.index(vpn, this.depth - 2);
  }

  /**
   * The upper table holding vpn's pmd entry (pgd → … → pmd, allocating with
   * `alloc`), or -1 where one is missing. A vpn the levels cannot translate
   * has no table; allocating one there would alias a lower address (the
   * top-level index wraps), so that is a bug in the caller's TASK_SIZE check.
   */
  private pmdTable(vpn: number, alloc: boolean): number {
    if (!(vpn >= 0 && vpn < this.reach)) {
      if (!alloc) return -1;
      throw new RangeError(`page table: vpn ${vpn} is outside what the ${this.depth} levels translate (0 … ${this.reach - 1}); a page there would alias a lower one`);
    }
    let t = 0;
    for (let level = 0; level < this.depth - 2; level++) {
      const table = this.upper[t]!;
      const i = this.index(vpn, level);
      let next = table[i]!;
      if (next === 0) {
        if (!alloc) return -1;
        next = this.pushUpper(this.sizes[level + 1]!);
        table[i] = next;
        this.markUpper(t, i);
      }
      t = next - 1;
    }
    return t;
  }

  /**
   * For an observer (observe/walk.ts), never a hot path: the entry at upper
   * `level` (0 = top) on vpn's walk — 0 none, -1 a huge pmd, else the id + 1
   * of the table below — or undefined where a table above is missing.
   */
  upperEntry(level: number, vpn: number): number | undefined {
    if (!(vpn >= 0 && vpn < this.reach) || level > this.depth - 2) return undefined;
    let t = 0;
    for (let l = 0; l < level; l++) {
      const next = this.upper[t]![this.index(vpn, l)]!;
      if (next <= 0) return undefined;
      t = next - 1;
    }
    return this.upper[t]![this.index(vpn, level)]!;
  }

  /** A zeroed upper table; returns its id + 1 (an entry of the table above). */
  private pushUpper(size: number): number {
    this.upper.push(new Int32Array(size));
    this.upperLo.push(size);
    this.upperHi.push(-1);
    return this.upper.length;
  }

  /** An upper-table entry was written: widen the table's span, and note the structure changed. */
  private markUpper(t: number, i: number): void {
    if (i < this.upperLo[t]!) this.upperLo[t] = i;
    if (i > this.upperHi[t]!) this.upperHi[t] = i;
    this.structure++;
  }

  private pmdEntry(ps: number): number {
    return this.upper[Math.floor(ps / this.ptrsPerPmd)]![ps % this.ptrsPerPmd]!;
  }

  private setPmdEntry(ps: number, value: number): void {
    const t = Math.floor(ps / this.ptrsPerPmd);
    this.upper[t]![ps % this.ptrsPerPmd] = value;
    this.markUpper(t, ps % this.ptrsPerPmd);
  }

  /** PMD_NONE (pmd_none), PMD_TABLE (a pte table) or PMD_HUGE (pmd_trans_huge) */
  pmdKind(ps: number): number {
    const e = this.pmdEntry(ps);
    return e === 0 ? PMD_NONE : e === HUGE_ENTRY ? PMD_HUGE : PMD_TABLE;
  }

  /** The huge pmd at a pmd slot, or undefined. */
  hugeAt(ps: number): HugePmd | undefined {
    return this.huge.size === 0 ? undefined : this.huge.get(ps);
  }

  /** set_pmd_at() of a huge pmd, over a none or huge pmd mapping [vpn, vpn + ptrsPerPte). */
  setHuge(ps: number, vpn: number, hi: number, lo: number): void {
    const e = this.pmdEntry(ps);
    if (e !== 0 && e !== HUGE_ENTRY) throw new Error(`set_pmd_at: pmd slot ${ps} holds a pte table`);
    const h = this.huge.get(ps);
    if (h && h.vpn === vpn) {
      h.hi = hi;
      h.lo = lo;
    } else this.huge.set(ps, { vpn, hi, lo });
    this.setPmdEntry(ps, HUGE_ENTRY);
  }

  /** pmdp_huge_get_and_clear(): the huge pmd goes, the pmd is none. */
  clearHuge(ps: number): void {
    if (this.pmdEntry(ps) !== HUGE_ENTRY) throw new Error(`pmd slot ${ps} is not a huge pmd`);
    this.huge.delete(ps);
    this.setPmdEntry(ps, 0);
  }

  /**
   * pmd_populate() at a none pmd: a zeroed pte table for [vpn, vpn + ptrsPerPte)
   * (the table a THP split withdraws). Returns the slot of its first pte.
   */
  populatePmd(ps: number, vpn: number): number {
    if (this.pmdEntry(ps) !== 0) throw new Error(`pmd_populate: pmd slot ${ps} is not none`);
    const leaf = this.allocLeaf(vpn);
    this.setPmdEntry(ps, leaf);
    return (leaf - 1) * this.ptrsPerPte;
  }

  /** The slot of the first pte of the pte table at a pmd slot, or -1 (none or huge). */
  tableBase(ps: number): number {
    const e = this.pmdEntry(ps);
    return e > 0 ? (e - 1) * this.ptrsPerPte : -1;
  }

  /**
   * free_pte_range() / PT_RECLAIM: the pte table at the pmd slot goes (every
   * pte in it must be none), the pmd is none again — where a THP can be
   * faulted in later.
   */
  freePteTable(ps: number): void {
    const e = this.pmdEntry(ps);
    if (e <= 0) return;
    const leaf = e - 1;
    if (this.lastLeaf === leaf) this.lastBase = NO_TLB;
    this.leaves[leaf]!.fill(0);
    this.spanLo[leaf] = this.ptrsPerPte;
    this.spanHi[leaf] = -1;
    this.freeLeaves.push(leaf);
    this.nrPteTables--;
    this.setPmdEntry(ps, 0);
  }

  /**
   * The first vpn in [vpn, end) whose pmd entry is populated (a pte table or
   * a huge pmd) — the start of that entry's range, or vpn itself when it is
   * inside it — or `end` when there is none. Work is the upper-table entries
   * looked at, never the length of the range: what walk_pgd_range's
   * pgd_none / pud_none / pmd_none skips do (mm/pagewalk.c).
   */
  nextPopulated(vpn: number, end: number): number {
    const stop = Math.min(end, this.reach);
    if (!(vpn < stop)) return end;
    const found = this.scanUpper(0, 0, 0, Math.max(vpn, 0), stop);
    return found < 0 ? end : found;
  }

  private scanUpper(level: number, t: number, base: number, vpn: number, end: number): number {
    const table = this.upper[t]!;
    const span = this.divisors[level]!;
    for (let i = Math.max(Math.floor((vpn - base) / span), this.upperLo[t]!), last = this.upperHi[t]!; i <= last; i++) {
      const entryBase = base + i * span;
      if (entryBase >= end) return -1;
      const e = table[i]!;
      if (e === 0) continue;
      const from = Math.max(vpn, entryBase);
      if (level === this.depth - 2) return from;
      const found = this.scanUpper(level + 1, e - 1, entryBase, from, end);
      if (found >= 0) return found;
    }
    return -1;
  }

  /**
   * Every populated pmd entry, in address order: the first vpn it translates
   * and the pte table's id (or -1 for a huge pmd). For the invariant checks:
   * each live pte table must hang from exactly the entry that translates its
   * base (pte tables never alias).
   */
  forEachPmdEntry(visit: (base: number, leaf: number) => void): void {
    const go = (level: number, t: number, base: number): void => {
      const table = this.upper[t]!;
      const span = this.divisors[level]!;
      for (let i = this.upperLo[t]!, last = this.upperHi[t]!; i <= last; i++) {
        const e = table[i]!;
        if (e === 0) continue;
        if (level === this.depth - 2) visit(base + i * span, e === HUGE_ENTRY ? -1 : e - 1);
        else go(level + 1, e - 1, base + i * span);
      }
    };
    go(0, 0, 0);
  }

  /**
   * The pte tables' wiring, checked (the invariants' page-table rule): each
   * populated pmd entry points to a live pte table whose first vpn is the
   * one the entry translates, no table hangs from two entries, and every
   * live table hangs from one. Returns what is wrong, in words (none: []).
   */
  checkTables(): string[] {
    const out: string[] = [];
    const hungAt = new Float64Array(this.leaves.length).fill(-1);
    const reached = this.checkUpper(0, 0, 0, hungAt, out);
    if (reached !== this.nrPteTables) out.push(`${this.nrPteTables} pte tables in use but ${reached} reachable from a pmd entry`);
    return out;
  }

  private checkUpper(level: number, t: number, base: number, hungAt: Float64Array, out: string[]): number {
    const table = this.upper[t]!;
    const span = this.divisors[level]!;
    let reached = 0;
    for (let i = this.upperLo[t]!, last = this.upperHi[t]!; i <= last; i++) {
      const e = table[i]!;
      if (e === 0 || e === HUGE_ENTRY) continue;
      const at = base + i * span;
      if (level < this.depth - 2) {
        reached += this.checkUpper(level + 1, e - 1, at, hungAt, out);
        continue;
      }
      const leaf = e - 1;
      if (leaf >= this.leaves.length || this.freeLeaves.includes(leaf)) {
        out.push(`the pmd entry of vpn ${hex(at)} points to pte table ${leaf}, which is free`);
      } else if (hungAt[leaf] !== -1) {
        out.push(`pte table ${leaf} hangs from the pmd entries of vpn ${hex(hungAt[leaf]!)} and ${hex(at)}: two address ranges share its pte slots`);
      } else {
        hungAt[leaf] = at;
        reached++;
        if (this.leafBase[leaf] !== at) out.push(`pte table ${leaf} translates vpn ${hex(this.leafBase[leaf]!)} but hangs from the pmd entry of vpn ${hex(at)}`);
      }
    }
    return reached;
  }

  /** The vpn a slot translates. */
  vpnOf(slot: number): number {
    return this.leafBase[slot >>> this.shift]! + (slot & this.mask);
  }

  /** The raw pte table holding `slot`, as the arch would lay it out in memory (logical values). */
  tableOf(slot: number): Uint32Array {
    return this.leaves[slot >>> this.shift]!;
  }
}
