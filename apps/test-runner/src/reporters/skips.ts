/**
 * Why cases were skipped, one line per reason with its count (most first):
 * a skip is a check that does not apply to a variant, never a pass, and the
 * readable reports say what each one needed.
 */
import type { TestCase } from '../cases.js';

export function skipReasonLines(cases: readonly TestCase[]): string[] {
  const byReason = new Map<string, number>();
  for (const c of cases) {
    if (c.status !== 'skip') continue;
    const reason = c.message ?? 'no reason given';
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  }
  if (byReason.size === 0) return [];
  const total = [...byReason.values()].reduce((a, b) => a + b, 0);
  const rows = [...byReason].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const width = String(rows[0]![1]).length;
  return [`${total} skipped (does not apply; not counted as passed), by reason:`, ...rows.map(([reason, n]) => `  ${String(n).padStart(width)} ${reason}`)];
}
