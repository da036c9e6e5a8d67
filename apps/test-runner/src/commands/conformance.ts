/**
 * `mmsim-test conformance [--arch ID]... [--kernel ERA] [--config NAME=y|n]
 * [--check ID]... [--seed N] [--num-runs N]`: the conformance suite over
 * every installed variant and configuration.
 */
import { CHECKS, isGood, runCheck, variantMatrix, type CheckContext, type CheckResult, type CheckStatus, type ConformanceCheck } from '@mmsim/conformance';
import { compileVariant, ConfigError, configExists, configFor, configNamesIn, describeConfig, ERAS, normalizeEra, parseConfig, type BackendV1, type Era, type KernelConfig, type Variant, type VariantSpec } from '@mmsim/core';
import { pc } from '../color.js';
import { configLabel, difference, type CaseStatus, type TestCase } from '../cases.js';
import { UsageError } from '../errors.js';
import { quote, shortenQuoted, table } from '../format.js';
import { commandLine, numberOption } from '../repro.js';
import { tick } from '../progress.js';
import { caseDetailLines } from '../reporters/details.js';
import { skipReasonLines } from '../reporters/skips.js';

/** fast-check runs per property when --num-runs is not given */
export const DEFAULT_NUM_RUNS = 200;

export interface ConformanceOptions {
  /** variant ids or backend names; all when empty */
  readonly arch?: readonly string[];
  readonly kernel?: Era;
  /** fast-check runs per property */
  readonly numRuns?: number;
  readonly seed?: number;
  /** check ids (exactly that check) or id prefixes (every check that starts so) */
  readonly only?: readonly string[];
  /**
   * `NAME=y|n` pairs (comma-separated or repeated) or `default`: run each
   * selected variant under exactly that configuration instead of the matrix
   */
  readonly config?: readonly string[];
  /** `--backend PATH` arguments a repro command must carry (absolute paths) */
  readonly reproBackends?: readonly string[];
  /** the variant specs chosen (the kit's --arch / --kernel selection); when given, arch and kernel are not consulted */
  readonly specs?: ReadonlySet<VariantSpec>;
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
  /** the same results as cases (with the parsed values and a repro command per failure) */
  readonly cases: TestCase[];
  /** every result is a pass, a skip or a declared expected failure */
  readonly good: boolean;
}

/** `2.6.20` is accepted for 2.6.21, as the vector files name it. */
export function parseEra(text: string): Era {
  const era = normalizeEra(text);
  if (!era) throw new UsageError(`unknown kernel ${quote(text)} for --kernel (valid: ${ERAS.join(', ')})`);
  return era;
}

/** The names --arch accepts: backend names, then variant ids. */
export function archNames(backends: readonly BackendV1[]): string[] {
  const names = [...backends.map((b) => b.name), ...backends.flatMap((b) => b.variants.map((v) => v.id))];
  return [...new Set(names)];
}

/** --config values to one configuration; undefined when none was given. */
export function parseConfigOption(values: readonly string[] | undefined): KernelConfig | undefined {
  if (!values || values.length === 0) return undefined;
  const words = values.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (words.includes('')) throw new UsageError(`--config: an empty value; valid: NAME=y or NAME=n pairs, comma-separated or repeated, or 'default'`);
  const pairs = words.filter((v) => v !== 'default');
  try {
    return parseConfig(pairs);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`--config: ${shortenQuoted(error.message)}; or 'default'`);
    throw error;
  }
}

/** The variants under test, grouped by backend, filtered by --arch / --kernel, under --config or the whole matrix. */
export function selectVariants(backends: readonly BackendV1[], options: ConformanceOptions): { backend: string; variant: Variant }[] {
  const arch = options.specs ? [] : (options.arch ?? []);
  const valid = archNames(backends);
  for (const name of arch) {
    if (!valid.includes(name)) throw new UsageError(`unknown arch ${quote(name)} for --arch (valid: ${valid.join(', ')})`);
  }
  const config = parseConfigOption(options.config);
  const out: { backend: string; variant: Variant }[] = [];
  for (const backend of backends) {
    const variants = config ? backend.variants.map((spec) => compileVariant(spec, configFor(spec, config))) : variantMatrix(backend);
    for (const variant of variants) {
      if (options.specs) {
        if (!options.specs.has(variant.spec)) continue;
      } else {
        if (arch.length > 0 && !arch.includes(backend.name) && !arch.includes(variant.id)) continue;
        if (options.kernel && variant.era !== options.kernel) continue;
      }
      out.push({ backend: backend.name, variant });
    }
  }
  // an arch modelled in other eras only (one that did not exist in 2.6.21): say which eras it has, as mmsim does
  if (out.length === 0 && options.kernel) {
    for (const name of arch) {
      const eras = [...new Set(backends.flatMap((b) => b.variants.filter((s) => b.name === name || s.id === name).map((s) => s.era)))];
      if (eras.length) throw new UsageError(`arch ${quote(name)} has no variant for kernel ${options.kernel} (it has ${eras.join(', ')})`);
    }
  }
  // an option no chosen variant has (NONLINEAR on 6.18, X86_NX on ppc64) is refused, as mmsim refuses it:
  // it would otherwise be silently ignored and the run would test the defaults under another name
  if (config) {
    const given = configNamesIn(options.config!.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== 'default'));
    for (const name of given) {
      if (out.length > 0 && !out.some((x) => configExists(name, x.variant.spec))) {
        throw new UsageError(`--config CONFIG_${name} does not exist on the chosen variants (${[...new Set(out.map((x) => `${x.variant.id}@${x.variant.era}`))].slice(0, 6).join(', ')}${out.length > 6 ? ', …' : ''})`);
      }
    }
  }
  return out;
}

/** --check values: a value that is a check id selects that check alone, any other selects the checks it starts. */
export function selectChecks(only: readonly string[] | undefined): readonly ConformanceCheck[] {
  if (!only || only.length === 0) return CHECKS;
  const ids = CHECKS.map((c) => c.id);
  for (const value of only) {
    if (!ids.some((id) => id.startsWith(value))) throw new UsageError(`unknown check ${quote(value)} for --check (valid: a check id or the start of one: ${ids.join(', ')})`);
  }
  return CHECKS.filter((c) => only.some((value) => (ids.includes(value) ? c.id === value : c.id.startsWith(value))));
}

const STATUS: Readonly<Record<CheckStatus, CaseStatus>> = {
  pass: 'pass',
  fail: 'fail',
  skip: 'skip',
  'expected-fail': 'xfail',
  'unexpected-pass': 'xpass',
};

/**
 * A check's failure message, taken apart: `KEY: WHAT: expected X, got Y
 * [fast-check seed S, path P]` (what the suite's assertions throw).
 */
export function parseCheckMessage(message: string, key: string): { input?: string; expected?: string; actual?: string; seed?: number; path?: string; text: string } {
  let text = message.startsWith(`${key}: `) ? message.slice(key.length + 2) : message;
  const out: { input?: string; expected?: string; actual?: string; seed?: number; path?: string; text: string } = { text: message };
  const seed = /\s*\[fast-check seed (-?\d+), path ([^\]]*)\]\s*$/.exec(text);
  if (seed) {
    out.seed = Number(seed[1]);
    out.path = seed[2]!;
    text = text.slice(0, seed.index);
  }
  const at = text.lastIndexOf(': expected ');
  const got = at < 0 ? -1 : text.indexOf(', got ', at);
  if (at >= 0 && got >= 0) {
    out.input = text.slice(0, at);
    out.expected = text.slice(at + ': expected '.length, got);
    out.actual = text.slice(got + ', got '.length);
  }
  return out;
}

/** The command that reruns one check on one variant configuration. */
export function conformanceRepro(variant: Variant, check: string, options: ConformanceOptions, seed?: number): string {
  const config = configLabel(describeConfig(variant.era, variant.config));
  const runs = options.numRuns ?? DEFAULT_NUM_RUNS;
  const theSeed = seed ?? options.seed;
  return commandLine([
    'mmsim-test',
    'conformance',
    ...(options.reproBackends ?? []),
    '--arch',
    variant.id,
    '--kernel',
    variant.era,
    '--config',
    config,
    '--check',
    check,
    ...(theSeed !== undefined ? numberOption('--seed', theSeed) : []),
    ...(runs !== DEFAULT_NUM_RUNS ? ['--num-runs', String(runs)] : []),
  ]);
}

export function conformanceCase(backend: string, variant: Variant, result: CheckResult, options: ConformanceOptions): TestCase {
  const status = STATUS[result.status];
  const base = {
    suite: 'conformance' as const,
    backend,
    variant: variant.key,
    variantId: variant.id,
    era: variant.era,
    config: configLabel(describeConfig(variant.era, variant.config)),
    name: result.check,
    status,
  };
  if (status === 'pass') return base;
  // the unmet needs (`needs transparent huge pages …`), as the vitest registration names them
  if (status === 'skip') return { ...base, message: result.message ?? 'does not apply to this variant' };
  if (status === 'xfail') return { ...base, ...(result.message ? { message: result.message } : {}) };
  if (status === 'xpass') return { ...base, message: result.message ?? 'declared as an expected failure but passed', repro: conformanceRepro(variant, result.check, options) };
  const parsed = parseCheckMessage(result.message ?? '', variant.key);
  return {
    ...base,
    message: result.message ?? 'failed',
    ...(parsed.input ? { input: parsed.input } : {}),
    ...(parsed.expected !== undefined && parsed.actual !== undefined ? { differences: [difference(parsed.expected, parsed.actual)] } : {}),
    ...(parsed.seed !== undefined ? { seed: parsed.seed, path: parsed.path ?? '' } : {}),
    repro: conformanceRepro(variant, result.check, options, parsed.seed),
  };
}

function contextOf(options: ConformanceOptions): CheckContext {
  return { numRuns: options.numRuns ?? DEFAULT_NUM_RUNS, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
}

/** The checks of one variant configuration. */
export function runVariantChecks(variant: Variant, checks: readonly ConformanceCheck[], context: CheckContext): CheckResult[] {
  return checks.map((check) => runCheck(check, variant, context));
}

/**
 * The same, one check at a time, telling `progress` before each and letting
 * the task list draw: with a large --num-runs one variant configuration is
 * minutes of work, and the progress line should say where it is.
 */
export async function runVariantChecksStepwise(
  variant: Variant,
  checks: readonly ConformanceCheck[],
  context: CheckContext,
  progress: (text: string) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [k, check] of checks.entries()) {
    progress(`${variant.key}: check ${k + 1}/${checks.length} (${check.id}, ${context.numRuns} runs)`);
    await tick();
    results.push(runCheck(check, variant, context));
  }
  return results;
}

const COUNTERS: Readonly<Record<CheckStatus, keyof Pick<MatrixRow, 'pass' | 'fail' | 'skip' | 'expectedFail' | 'unexpectedPass'>>> = {
  pass: 'pass',
  fail: 'fail',
  skip: 'skip',
  'expected-fail': 'expectedFail',
  'unexpected-pass': 'unexpectedPass',
};

/** Results of the selected variants (in order) to the result object. */
export function conformanceResult(
  selected: readonly { backend: string; variant: Variant }[],
  perVariant: readonly CheckResult[][],
  checks: number,
  options: ConformanceOptions,
): ConformanceResult {
  const rows: MatrixRow[] = [];
  const cases: TestCase[] = [];
  selected.forEach(({ backend, variant }, i) => {
    const counts = { pass: 0, fail: 0, skip: 0, expectedFail: 0, unexpectedPass: 0 };
    for (const r of perVariant[i] ?? []) {
      counts[COUNTERS[r.status]]++;
      cases.push(conformanceCase(backend, variant, r, options));
    }
    rows.push({ backend, variant: variant.id, era: variant.era, config: describeConfig(variant.era, variant.config) || 'default', key: variant.key, ...counts });
  });
  const results = perVariant.flat();
  return { checks, rows, results, cases, good: results.every(isGood) };
}

/** The plan of a run: which variant configurations and which checks. Throws UsageError for a bad selection. */
export function conformancePlan(backends: readonly BackendV1[], options: ConformanceOptions) {
  return { selected: selectVariants(backends, options), checks: selectChecks(options.only), context: contextOf(options) };
}

export function runConformanceMatrix(backends: readonly BackendV1[], options: ConformanceOptions = {}): ConformanceResult {
  const { selected, checks, context } = conformancePlan(backends, options);
  const perVariant = selected.map(({ variant }) => runVariantChecks(variant, checks, context));
  return conformanceResult(selected, perVariant, checks.length, options);
}

function totals(result: ConformanceResult) {
  const sum = (key: 'pass' | 'fail' | 'skip' | 'expectedFail' | 'unexpectedPass') => result.rows.reduce((n, r) => n + r[key], 0);
  return { passed: sum('pass'), failed: sum('fail'), skipped: sum('skip'), expectedFailures: sum('expectedFail'), unexpectedPasses: sum('unexpectedPass') };
}

export function conformanceJson(result: ConformanceResult): string {
  // cases and results are in the same order
  const failures = result.cases
    .map((c, i) => ({ c, r: result.results[i]! }))
    .filter(({ c }) => c.status === 'fail' || c.status === 'xpass')
    .map(({ c, r }) => {
      return {
        ...r,
        backend: c.backend,
        config: c.config,
        ...(c.input ? { input: c.input } : {}),
        ...(c.differences ? { differences: c.differences } : {}),
        ...(c.seed !== undefined ? { seed: c.seed } : {}),
        repro: c.repro,
      };
    });
  return JSON.stringify(
    {
      checks: result.checks,
      variants: result.rows.length,
      ...totals(result),
      good: result.good,
      matrix: result.rows,
      failures,
    },
    null,
    2,
  );
}

/** Every failure and unexpected pass, with its details: a headline, then the indented block. */
export function failureLines(cases: readonly TestCase[]): string[] {
  const lines: string[] = [];
  for (const c of cases) {
    if (c.status !== 'fail' && c.status !== 'xpass') continue;
    const what = c.status === 'xpass' ? 'UNEXPECTED PASS' : 'FAIL';
    const headline = c.suite === 'vectors' ? `${what} vectors ${c.name}` : `${what} ${c.variant} ${c.name}`;
    lines.push('', pc.red(headline));
    lines.push(...caseDetailLines(c));
  }
  return lines;
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
  lines.push(...failureLines(result.cases));
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
  lines.push(...skipReasonLines(result.cases));
  lines.push(`conformance: ${t.passed} passed, ${t.failed + t.unexpectedPasses} failed, ${t.skipped} skipped`);
  return lines;
}
