/**
 * A small seeded generator (mulberry32) so random and PCT runs are
 * reproducible from their seed on every machine and Node version.
 */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** start over from `seed`, as a new Prng(seed) would (one generator serves every run of a search) */
  reseed(seed: number): void {
    this.s = seed >>> 0;
  }
  /** a uniform u32 */
  u32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** a uniform integer in [0, n) */
  below(n: number): number {
    return this.u32() % n;
  }
}
