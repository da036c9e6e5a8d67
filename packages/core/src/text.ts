/**
 * Text for error lines that must stay one readable line whatever the input:
 * a vocabulary of names (valid ops, required keys) listed whole when short,
 * else cut with a count.
 */

/**
 * `a, b, c` when it fits in `room` characters; else as many names as fit in
 * `room - reserve` (the caller's prefix needs the rest) and `… (N in all)`.
 */
export function shortList(names: readonly string[], room: number, reserve = 20): string {
  const all = names.join(', ');
  if (all.length <= room) return all;
  const head: string[] = [];
  let used = 0;
  for (const n of names) {
    if (used + n.length + 2 > room - reserve) break;
    head.push(n);
    used += n.length + 2;
  }
  return `${head.join(', ')}, … (${names.length} in all)`;
}
