/**
 * One model for what every command checks: a case is one conformance check
 * on one variant configuration, or one reference vector (or a file's
 * constants block). The reporters (default, json, junit, tap) and the
 * backend × era × config × suite matrix are built from cases.
 */
import type { Era } from '@mmsim/core';
import { bitDiff } from './bitdiff.js';

export type Suite = 'conformance' | 'vectors' | 'scenarios' | 'races';
export const SUITES: readonly Suite[] = ['conformance', 'vectors', 'scenarios', 'races'];

/** pass, fail, skip (does not apply), xfail (failed as the variant declares), xpass (declared to fail, passed: a failure) */
export type CaseStatus = 'pass' | 'fail' | 'skip' | 'xfail' | 'xpass';

/** One value that came out wrong. */
export interface Difference {
  /** the vector field (`pte`, `decoded_offset (fast)`); absent for a conformance check */
  readonly field?: string;
  readonly expected: string;
  readonly actual: string;
  /** differing bit positions, highest first, when both values are numbers */
  readonly bits?: number[];
}

export interface TestCase {
  readonly suite: Suite;
  /** backend name (`x86`) */
  readonly backend: string;
  /** variant key: `i386@2.6.21+CONFIG_NONLINEAR=n` */
  readonly variant: string;
  readonly variantId: string;
  readonly era: Era;
  /** `default`, or the options that differ from it: `NONLINEAR=n` */
  readonly config: string;
  /** check id, or `FILE vector N` / `FILE constants` */
  readonly name: string;
  readonly status: CaseStatus;
  /** the failure message, the reason of an expected failure, or why it was skipped */
  readonly message?: string;
  /** what went in: `type=3 offset=0x1234`, or the expression a check evaluated */
  readonly input?: string;
  readonly differences?: Difference[];
  /** a one-line command that runs just this case */
  readonly repro?: string;
  /** vectors only */
  readonly file?: string;
  readonly index?: number;
  readonly op?: string;
  readonly note?: string;
  /** conformance only: fast-check seed and path of a failing property */
  readonly seed?: number;
  readonly path?: string;
}

export const isBad = (c: TestCase): boolean => c.status === 'fail' || c.status === 'xpass';

export function difference(expected: string, actual: string, field?: string): Difference {
  const diff = bitDiff(expected, actual);
  return { ...(field !== undefined ? { field } : {}), expected, actual, ...(diff ? { bits: diff.bits } : {}) };
}

/** Config label for a report: `CONFIG_A=n,CONFIG_B=n` → `A=n,B=n`, empty → `default`. */
export function configLabel(described: string): string {
  return described === '' ? 'default' : described.replace(/CONFIG_/g, '');
}

export interface Counts {
  pass: number;
  fail: number;
  skip: number;
  xfail: number;
  xpass: number;
}

export const emptyCounts = (): Counts => ({ pass: 0, fail: 0, skip: 0, xfail: 0, xpass: 0 });

export function count(cases: readonly TestCase[]): Counts {
  const counts = emptyCounts();
  for (const c of cases) counts[c.status]++;
  return counts;
}

/** One line of the run matrix. */
export interface MatrixCell extends Counts {
  readonly backend: string;
  readonly era: Era;
  readonly config: string;
  readonly suite: Suite;
}

/**
 * Backend × era × config × suite, in the order the cases came (backends as
 * discovered, eras oldest first, `default` first in each era).
 */
export function matrix(cases: readonly TestCase[], backendOrder: readonly string[] = []): MatrixCell[] {
  const cells = new Map<string, MatrixCell & Counts>();
  const configOrder = new Map<string, number>();
  for (const c of cases) {
    const key = `${c.backend}\u0000${c.era}\u0000${c.config}\u0000${c.suite}`;
    let cell = cells.get(key);
    if (!cell) {
      cell = { backend: c.backend, era: c.era, config: c.config, suite: c.suite, ...emptyCounts() };
      cells.set(key, cell);
    }
    cell[c.status]++;
    const where = `${c.backend}\u0000${c.era}\u0000${c.config}`;
    if (!configOrder.has(where)) configOrder.set(where, c.config === 'default' ? -1 : configOrder.size);
  }
  const order = (m: MatrixCell) => configOrder.get(`${m.backend}\u0000${m.era}\u0000${m.config}`)!;
  const backendIndex = (name: string) => {
    const i = backendOrder.indexOf(name);
    return i < 0 ? backendOrder.length : i;
  };
  return [...cells.values()].sort(
    (a, b) =>
      backendIndex(a.backend) - backendIndex(b.backend) ||
      a.backend.localeCompare(b.backend) ||
      a.era.localeCompare(b.era, 'en', { numeric: true }) ||
      order(a) - order(b) ||
      SUITES.indexOf(a.suite) - SUITES.indexOf(b.suite),
  );
}

/** The plain closing numbers: passed (pass), failed (fail + xpass), skipped (skip); xfail counts as neither. */
export function totals(cases: readonly TestCase[]): { passed: number; failed: number; skipped: number; expectedFailures: number; cases: number } {
  const c = count(cases);
  return { passed: c.pass, failed: c.fail + c.xpass, skipped: c.skip, expectedFailures: c.xfail, cases: cases.length };
}
