/**
 * The explorers' thread masks (bit i: thread i) and their growable
 * per-depth arrays: what dfs.ts, unbounded.ts and random.ts share.
 */

/** the lowest thread in a mask */
export const lowestBit = (mask: number): number => 31 - Math.clz32(mask & -mask);

/** how many threads a mask holds */
export const popcount = (x: number): number => {
  let n = 0;
  for (; x !== 0; x &= x - 1) n++;
  return n;
};

/** a per-depth array twice as long (or `n` long), its contents kept */
export function grow(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
