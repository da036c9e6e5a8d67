/**
 * A process's page table in the arch's own geometry (spec.levels): upper
 * levels hold the ids of the tables below, and every pte table is a typed
 * array of that arch's ptes — one u32 per 32-bit pte, two (lo, hi) per
 * 64-bit pte, the same 4 KiB as the real page on x86_64 — holding exactly
 * the values the backend's encoding produces.
 *
 * A pte is named by a slot number (table id × entries + index), so walks and
 * loops allocate nothing.
 */
import type { Variant } from '@mmsim/core';

export class PageTable {
  /** non-leaf tables; entry = id of the next table + 1, 0 = none (pgd_none / pmd_none) */
  private readonly upper: Int32Array[] = [];
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
  /** log2(ptrsPerPte): slot = leaf << shift | index */
  private readonly shift: number;
  private readonly mask: number;
  /** a one-entry TLB: the last pte table walked, by its first vpn */
  private lastBase = Number.NEGATIVE_INFINITY;
  private lastLeaf = 0;

  constructor(readonly variant: Variant) {
    const levels = variant.spec.levels;
    const pageShift = variant.constants.PAGE_SHIFT;
    this.words = variant.constants.pteBits === 64 ? 2 : 1;
    this.depth = levels.length;
    this.divisors = levels.map((l) => 2 ** (l.shift - pageShift));
    this.sizes = levels.map((l) => 2 ** l.bits);
    this.ptrsPerPte = this.sizes[this.depth - 1]!;
    this.shift = Math.log2(this.ptrsPerPte);
    this.mask = this.ptrsPerPte - 1;
    this.upper.push(new Int32Array(this.sizes[0]!));
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
    if (off >= 0 && off < this.ptrsPerPte) return this.lastLeaf * this.ptrsPerPte + off;
    let table = this.upper[0]!;
    for (let level = 0; level < this.depth - 2; level++) {
      const i = this.index(vpn, level);
      let next = table[i]!;
      if (next === 0) {
        if (!alloc) return -1;
        this.upper.push(new Int32Array(this.sizes[level + 1]!));
        next = this.upper.length;
        table[i] = next;
      }
      table = this.upper[next - 1]!;
    }
    const i = this.index(vpn, this.depth - 2);
    let leaf = table[i]!;
    if (leaf === 0) {
      if (!alloc) return -1;
      this.leaves.push(this.newLeaf());
      this.leafBase.push(vpn - (vpn % this.ptrsPerPte));
      this.nrPteTables++;
      leaf = this.leaves.length;
      table[i] = leaf;
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
    const t = this.leaves[slot >>> this.shift]!;
    const at = (slot & this.mask) * this.words;
    t[at] = lo;
    if (this.words === 2) t[at + 1] = hi;
  }

  /**
   * A zeroed pte table. Tables are carved from 1 MiB slabs: one backing store
   * per 256 tables instead of one each, which keeps V8 from counting every
   * table as new external memory (and collecting garbage for it).
   */
  private slab: Uint32Array | undefined;
  private slabUsed = 0;
  private newLeaf(): Uint32Array {
    const size = this.ptrsPerPte * this.words;
    if (!this.slab || this.slabUsed + size > this.slab.length) {
      this.slab = new Uint32Array(Math.max(size, 1 << 18));
      this.slabUsed = 0;
    }
    const leaf = this.slab.subarray(this.slabUsed, this.slabUsed + size);
    this.slabUsed += size;
    return leaf;
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
