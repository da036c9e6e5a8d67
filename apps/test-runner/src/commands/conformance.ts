/**
 * `mmsim-test conformance [--arch ID]... [--kernel ERA] [--json]`: the
 * conformance suite over every built-in variant and configuration.
 */
import { CHECKS, isGood, runConformance, variantMatrix, type CheckResult, type CheckStatus } from '@mmsim/conformance';
import { describeConfig, ERAS, normalizeEra, type BackendV1, type Era, type Variant } from '@mmsim/core';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { table } from '../format.js';

export interface ConformanceOptions {
  /** variant ids or backend names; all when empty */
  readonly arch?: readonly string[];
  readonly kernel?: Era;
  /** fast-check runs per property */
  readonly numRuns?: number;
  readonly seed?: number;
  /** only checks whose id starts with one of these */
  readonly only?: readonly string[];
}

/** One line of the matrix: a backend's variant, in one era, under one configuration. */
export interface MatrixRow {
  readonly backend: string;
  readonly variant: string;
  readonly era: Era;
  /** `default`, or the options that differ from it: `CONFIG_MIGRATION=n` */
  readonly config: string;
  readonly key: string;
  readonly pass: number;
  readonly fail: number;
  readonly skip: number;
  readonly expectedFail: number;
  readonly unexpectedPass: number;
}

export interface ConformanceResult {
  readonly checks: number;
  readonly rows: MatrixRow[];
  readonly results: CheckResult[];
  /** every result is a pass, a skip or a declared expected failure */
  readonly good: boolean;
}

/** `2.6.20` is accepted for 2.6.21, as the vector files name it. */
export function parseEra(text: string): Era {
  const era = normalizeEra(text);
  if (!era) throw new UsageError(`unknown kernel '${text}' for --kernel (valid: ${ERAS.join(', ')})`);
  return era;
}

/** The names --arch accepts: backend names, then variant ids. */
export function archNames(backends: readonly BackendV1[]): string[] {
  const names = [...backends.map((b) => b.name), ...backends.flatMap((b) => b.variants.map((v) => v.id))];
  return [...new Set(names)];
}

/** The variants under test, grouped by backend, filtered by --arch / --kernel. */
export function selectVariants(backends: readonly BackendV1[], options: ConformanceOptions): { backend: string; variant: Variant }[] {
  const arch = options.arch ?? [];
  const valid = archNames(backends);
  for (const name of arch) {
    if (!valid.includes(name)) throw new UsageError(`unknown arch '${name}' for --arch (valid: ${valid.join(', ')})`);
  }
  const out: { backend: string; variant: Variant }[] = [];
  for (const backend of backends) {
    for (const variant of variantMatrix(backend)) {
      if (arch.length > 0 && !arch.includes(backend.name) && !arch.includes(variant.id)) continue;
      if (options.kernel && variant.era !== options.kernel) continue;
      out.push({ backend: backend.name, variant });
    }
  }
  return out;
}

const COUNTERS: Readonly<Record<CheckStatus, keyof Pick<MatrixRow, 'pass' | 'fail' | 'skip' | 'expectedFail' | 'unexpectedPass'>>> = {
  pass: 'pass',
  fail: 'fail',
  skip: 'skip',
  'expected-fail': 'expectedFail',
  'unexpected-pass': 'unexpectedPass',
};

export function runConformanceMatrix(backends: readonly BackendV1[], options: ConformanceOptions = {}): ConformanceResult {
  const selected = selectVariants(backends, options);
  const only = options.only && options.only.length > 0 ? options.only : undefined;
  const results = runConformance(
    selected.map((s) => s.variant),
    {
      ...(options.numRuns !== undefined ? { numRuns: options.numRuns } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(only ? { only } : {}),
    },
  );
  const rows = selected.map(({ backend, variant }) => {
    const counts = { pass: 0, fail: 0, skip: 0, expectedFail: 0, unexpectedPass: 0 };
    for (const r of results) if (r.variant === variant.key) counts[COUNTERS[r.status]]++;
    return {
      backend,
      variant: variant.id,
      era: variant.era,
      config: describeConfig(variant.era, variant.config) || 'default',
      key: variant.key,
      ...counts,
    };
  });
  const checks = only ? CHECKS.filter((c) => only.some((p) => c.id.startsWith(p))).length : CHECKS.length;
  return { checks, rows, results, good: results.every(isGood) };
}

function totals(result: ConformanceResult) {
  const sum = (key: 'pass' | 'fail' | 'skip' | 'expectedFail' | 'unexpectedPass') => result.rows.reduce((n, r) => n + r[key], 0);
  return { passed: sum('pass'), failed: sum('fail'), skipped: sum('skip'), expectedFailures: sum('expectedFail'), unexpectedPasses: sum('unexpectedPass') };
}

export function conformanceJson(result: ConformanceResult): string {
  return JSON.stringify(
    {
      checks: result.checks,
      variants: result.rows.length,
      ...totals(result),
      good: result.good,
      matrix: result.rows,
      failures: result.results.filter((r) => !isGood(r)),
    },
    null,
    2,
  );
}

export function conformanceText(result: ConformanceResult): string[] {
  const lines: string[] = [];
  const t = totals(result);
  lines.push(`${result.checks} check${result.checks === 1 ? '' : 's'} × ${result.rows.length} variant configurations`);
  if (result.checks === 0) lines.push('(no conformance checks are registered yet: nothing ran)');
  lines.push('');
  const count = (n: number, colour: (s: string) => string) => (n > 0 ? colour(String(n)) : '0');
  lines.push(
    ...table(
      [
        { header: 'backend' },
        { header: 'variant' },
        { header: 'era' },
        { header: 'config' },
        { header: 'pass', align: 'right' },
        { header: 'fail', align: 'right' },
        { header: 'skip', align: 'right' },
        { header: 'xfail', align: 'right' },
        { header: 'xpass', align: 'right' },
      ],
      result.rows.map((r) => [
        r.backend,
        r.variant,
        r.era,
        r.config.replace(/CONFIG_/g, ''),
        String(r.pass),
        count(r.fail, pc.red),
        String(r.skip),
        String(r.expectedFail),
        count(r.unexpectedPass, pc.red),
      ]),
    ),
  );
  const bad = result.results.filter((r) => !isGood(r));
  if (bad.length > 0) {
    lines.push('');
    for (const r of bad) {
      const what = r.status === 'unexpected-pass' ? 'UNEXPECTED PASS' : 'FAIL';
      lines.push(pc.red(`${what} ${r.variant} ${r.check}: ${r.message ?? ''}`.trimEnd()));
    }
  }
  lines.push('', 'xfail: failed as the variant declares (a kernel quirk); xpass: declared to fail but passed (counts as a failure)');
  if (t.expectedFailures > 0) {
    // one line per variant and check, whatever the configuration
    const seen = new Map<string, string>();
    for (const r of result.results) {
      if (r.status !== 'expected-fail') continue;
      const where = `${r.variant.split('+')[0]} ${r.check}`;
      if (!seen.has(where)) seen.set(where, r.message ?? '');
    }
    lines.push(`${t.expectedFailures} expected failures (not counted as failed):`);
    for (const [where, reason] of seen) lines.push(`  xfail ${where}: ${reason}`);
  }
  lines.push(`conformance: ${t.passed} passed, ${t.failed + t.unexpectedPasses} failed, ${t.skipped} skipped`);
  return lines;
}
