/**
 * `mmsim-test [run]`: the conformance suite and the reference vectors over
 * every installed backend (and any given with --backend), reported as a
 * backend × era × config × suite matrix.
 */
import type { CheckResult } from '@mmsim/conformance';
import type { BackendV1 } from '@mmsim/core';
import type { LoadedBackend } from '@mmsim/loader';
import { pc } from '../color.js';
import { count, matrix, totals, type MatrixCell, type TestCase } from '../cases.js';
import { table } from '../format.js';
import { skipReasonLines } from '../reporters/skips.js';
import { runJobs, tick, type Job } from '../progress.js';
import { conformanceCase, conformancePlan, failureLines, runVariantChecksStepwise, type ConformanceOptions } from './conformance.js';
import { checkLoadedFile, loadVectorFiles, type LoadedVectorFile } from './vectors.js';
import { scenarioCases } from './scenarios.js';
import { raceCases } from './races.js';

export interface RunOptions extends ConformanceOptions {
  /** vector files to check besides the bundled ones */
  readonly vectors?: readonly string[];
  /** show the task list while running */
  readonly progress?: boolean;
  /** run the simulator scenarios suite (default true) */
  readonly scenarios?: boolean;
  /** called once the work is planned, before anything runs (the default reporter prints its header here) */
  readonly onStart?: (plan: { backends: readonly LoadedBackend[]; jobs: number }) => void;
}

export interface RunResult {
  readonly backends: readonly LoadedBackend[];
  readonly cases: TestCase[];
  readonly matrix: MatrixCell[];
  /** every case passed, skipped or failed as declared, and at least one ran */
  readonly ok: boolean;
  /** seconds */
  readonly time: number;
  /** things worth saying that are not failures: a backend with no vector files */
  readonly notes: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summary(cases: readonly TestCase[]): string {
  const c = count(cases);
  const parts = [`${c.pass} passed`, `${c.fail + c.xpass} failed`, `${c.skip} skipped`];
  if (c.xfail > 0) parts.push(`${c.xfail} xfail`);
  return parts.join(', ');
}

/** The simulator's suites a backend runs (after its conformance checks and vectors), one job each. */
const SIM_SUITES = [
  { name: 'scenarios', progress: 'simulator scenarios with invariant checks', cases: scenarioCases },
  { name: 'races', progress: 'race programs under the explorer, every policy', cases: raceCases },
] as const;

export async function runAll(loadedBackends: readonly LoadedBackend[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const backends: BackendV1[] = loadedBackends.map((b) => b.backend);
  const { selected, checks, context } = conformancePlan(backends, options);
  const wanted = (file: LoadedVectorFile) =>
    options.specs ? options.specs.has(file.variant.spec) :
    (!options.arch || options.arch.length === 0 || options.arch.includes(file.backend) || options.arch.includes(file.variant.id)) &&
    (!options.kernel || file.variant.era === options.kernel);
  const files = [...loadVectorFiles([], backends, { skipUnplaced: true }), ...(options.vectors?.length ? loadVectorFiles(options.vectors, backends) : [])].filter(wanted);

  const conformanceCases = new Map<string, TestCase[]>();
  const vectorCases = new Map<string, TestCase[]>();
  /** backend → the cases of each simulator suite, in SIM_SUITES order */
  const simCases = new Map<string, TestCase[][]>();
  const jobs: Job[] = [];
  const notes: string[] = [];
  for (const { backend } of loadedBackends) {
    const mine = selected.filter((s) => s.backend === backend.name);
    if (mine.length > 0) {
      const out: TestCase[] = [];
      conformanceCases.set(backend.name, out);
      jobs.push({
        title: `${backend.name}: conformance`,
        async run(progress) {
          let done = 0;
          for (const { variant } of mine) {
            const results: CheckResult[] = await runVariantChecksStepwise(variant, checks, context, (text) => progress(`${done}/${mine.length} variant configurations; ${text}`));
            for (const r of results) out.push(conformanceCase(backend.name, variant, r, options));
            done++;
          }
          return { summary: summary(out), failed: out.some((c) => c.status === 'fail' || c.status === 'xpass') };
        },
      });
    }
    const myFiles = files.filter((f) => f.backend === backend.name);
    if (myFiles.length > 0) {
      const out: TestCase[] = [];
      vectorCases.set(backend.name, out);
      jobs.push({
        title: `${backend.name}: vectors`,
        async run(progress) {
          let done = 0;
          for (const file of myFiles) {
            progress(`${done}/${plural(myFiles.length, 'file')}`);
            await tick();
            out.push(...checkLoadedFile(file, options).cases);
            done++;
          }
          return { summary: summary(out), failed: out.some((c) => c.status === 'fail') };
        },
      });
    } else if (mine.length > 0) {
      notes.push(`no reference-vector files for backend ${backend.name}: only the conformance suite ran (add files with --vectors FILE)`);
    }
    if (mine.length > 0 && options.scenarios !== false) {
      const filter = { ...(options.arch ? { arch: options.arch } : {}), ...(options.kernel ? { kernel: options.kernel } : {}), ...(options.specs ? { specs: options.specs } : {}) };
      const outs: TestCase[][] = [];
      simCases.set(backend.name, outs);
      for (const suite of SIM_SUITES) {
        const out: TestCase[] = [];
        outs.push(out);
        jobs.push({
          title: `${backend.name}: ${suite.name}`,
          async run(progress) {
            progress(suite.progress);
            await tick();
            out.push(...(await suite.cases(backend, filter)));
            return { summary: summary(out), failed: out.some((c) => c.status === 'fail') };
          },
        });
      }
    }
  }
  options.onStart?.({ backends: loadedBackends, jobs: jobs.length });
  await runJobs(jobs, options.progress === true);

  const cases: TestCase[] = [];
  for (const { backend } of loadedBackends) {
    cases.push(...(conformanceCases.get(backend.name) ?? []), ...(vectorCases.get(backend.name) ?? []), ...(simCases.get(backend.name) ?? []).flat());
  }
  const names = loadedBackends.map((b) => b.backend.name);
  const t = totals(cases);
  return { backends: loadedBackends, cases, matrix: matrix(cases, names), ok: cases.length > 0 && t.failed === 0, time: (Date.now() - started) / 1000, notes };
}

/** Where each backend came from, one line. */
export function backendsLine(backends: readonly LoadedBackend[]): string {
  const described = backends.map((b) => `${b.backend.name} (${b.origin}${b.version && b.version !== '0.0.0' ? ` ${b.version}` : ''}, ${plural(b.backend.variants.length, 'variant')})`);
  return `mmsim-test: ${plural(backends.length, 'backend')}: ${described.join(', ')}`;
}

export function runText(result: RunResult): string[] {
  const lines: string[] = [''];
  const red = (n: number) => (n > 0 ? pc.red(String(n)) : '0');
  lines.push(
    ...table(
      [
        { header: 'backend' },
        { header: 'era' },
        { header: 'config' },
        { header: 'suite' },
        { header: 'pass', align: 'right' },
        { header: 'fail', align: 'right' },
        { header: 'skip', align: 'right' },
        { header: 'xfail', align: 'right' },
        { header: 'xpass', align: 'right' },
      ],
      result.matrix.map((m) => [m.backend, m.era, m.config, m.suite, String(m.pass), red(m.fail), String(m.skip), String(m.xfail), red(m.xpass)]),
    ),
  );
  lines.push(...failureLines(result.cases));
  lines.push('', 'conformance: one check on one variant configuration per case; vectors: one reference vector (or a file\'s constants block) per case; scenarios: one simulator scenario, invariants checked after every step; races: one race program under one policy, searched exhaustively within its bound.');
  lines.push('xfail: failed as the variant declares (a kernel quirk); xpass: declared to fail but passed (counts as a failure)');
  for (const note of result.notes) lines.push(`note: ${note}`);
  if (result.cases.length === 0) lines.push(pc.red('nothing ran: no installed backend has a variant that matches'));
  lines.push(...skipReasonLines(result.cases));
  const t = totals(result.cases);
  lines.push(`total: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  return lines;
}

export function runJson(result: RunResult): string {
  const t = totals(result.cases);
  return JSON.stringify(
    {
      ok: result.ok,
      backends: result.backends.map((b) => ({ name: b.backend.name, origin: b.origin, ...(b.version ? { version: b.version } : {}), variants: b.backend.variants.length })),
      totals: { ...count(result.cases), passed: t.passed, failed: t.failed, skipped: t.skipped, cases: t.cases },
      matrix: result.matrix,
      failures: result.cases.filter((c) => c.status === 'fail' || c.status === 'xpass'),
      notes: result.notes,
      time: result.time,
    },
    null,
    2,
  );
}
