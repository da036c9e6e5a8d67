/**
 * The mmsim-test command line, on the kit's parser (@mmsim/cli-kit, the
 * same one `mmsim` uses): one table of commands, the same --arch forms
 * (`ID@ERA`, lists, `all`), the same errors (one line, or one JSON object
 * under --json / --reporter json) and exit statuses. `main()` parses, runs
 * and returns the exit status instead of exiting, so it can be driven from
 * tests and scripts.
 */
import type { CheckResult } from '@mmsim/conformance';
import {
  ARCH_OPTION,
  BACKEND_OPTION,
  HELP_OPTION,
  JSON_OPTION,
  KERNEL_OPTION,
  commandHelp,
  createParser,
  mainHelp,
  parseKernels,
  parseRef,
  reportError,
  resolveSelection,
  splitArchList,
  strings,
  wantsJson,
  type CommandBase,
  type OptionSpec,
  type OptionValues,
} from '@mmsim/cli-kit';
import { DEFAULT_CONFIG, type BackendV1, type VariantSpec } from '@mmsim/core';
import type { LoadedBackend } from '@mmsim/loader';
import { findBackends } from './backends.js';
import type { TestCase } from './cases.js';
import { fuzzCommand } from './commands/fuzz.js';
import { conformanceJson, conformancePlan, conformanceResult, conformanceText, runVariantChecksStepwise, type ConformanceOptions } from './commands/conformance.js';
import { overviewDocument, overviewText } from './commands/overview.js';
import { backendsLine, runAll, runJson, runText } from './commands/run.js';
import { checkLoadedFile, loadVectorFiles, parseIndex, vectorsJson, vectorsResult, vectorsText } from './commands/vectors.js';
import { EXIT_FAILED, EXIT_OK, OutputError, UsageError } from './errors.js';
import { oneLine, quote } from './format.js';
import { NUM_RUNS, parseWhole, SEED } from './numbers.js';
import { runJobs, tick, type Job } from './progress.js';
import { backendArgs } from './repro.js';
import { junitReport } from './reporters/junit.js';
import { tapReport } from './reporters/tap.js';
import { VERSION } from './version.js';

export const PROGRAM_NAME = 'mmsim-test';

/** Where the runner writes; each call gets whole text, newlines included (the kit's Io). */
export type { Io } from '@mmsim/cli-kit';
import type { Io } from '@mmsim/cli-kit';

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export const REPORTERS = ['default', 'json', 'junit', 'tap'] as const;
export type Reporter = (typeof REPORTERS)[number];

export interface ProgramOptions {
  readonly io?: Io;
  /**
   * Run against these instead of discovering the installed backends (tests);
   * `--backend` values are still loaded, and come first.
   */
  readonly backends?: readonly BackendV1[];
  /** where --backend paths and installed packages are looked up; default process.cwd() */
  readonly cwd?: string;
}

/** What a command runs with. */
interface Context {
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly reporter: Reporter;
  readonly cwd: string;
  print(lines: readonly string[]): void;
  backendsFor(extra: readonly string[]): Promise<LoadedBackend[]>;
  progressFor(reporter: Reporter): boolean;
  report(command: string, cases: readonly TestCase[], order: readonly string[], json: () => string, text: () => string[]): void;
}

interface RunnerCommand extends CommandBase {
  run(ctx: Context): Promise<number>;
}

const COMMON: Readonly<Record<string, OptionSpec>> = { backend: { ...BACKEND_OPTION, help: 'also load this backend: a folder, a file or an installed package (repeatable)' }, json: JSON_OPTION, help: HELP_OPTION };
const REPORTER: OptionSpec = { type: 'string', value: 'NAME', help: `how to report: ${REPORTERS.join(', ')} (default: default; --json is --reporter json)` };
const NUM_RUNS_OPTION: OptionSpec = { type: 'string', value: 'N', help: `fast-check runs per property (${NUM_RUNS.min} to ${NUM_RUNS.max})` };
const SEED_OPTION: OptionSpec = { type: 'string', value: 'N', help: 'fast-check seed, to reproduce a failure (a 32-bit signed integer)' };

const single = (values: OptionValues, name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

function numbers(values: OptionValues) {
  const numRuns = single(values, 'num-runs');
  const seed = single(values, 'seed');
  return {
    ...(numRuns !== undefined ? { numRuns: parseWhole(numRuns, '--num-runs', NUM_RUNS) } : {}),
    ...(seed !== undefined ? { seed: parseWhole(seed, '--seed', SEED) } : {}),
  };
}

/**
 * The variant specs --arch and --kernel name, by the kit's rules (the same
 * forms `mmsim` takes); undefined when neither is given (every variant).
 * A `+CONFIG_…` suffix is refused: the runner's configurations come from
 * --config (conformance) or its matrix.
 */
function chosenSpecs(backends: readonly LoadedBackend[], values: OptionValues): ReadonlySet<VariantSpec> | undefined {
  const arch = strings(values['arch']);
  const kernels = strings(values['kernel']);
  if (arch.length === 0 && kernels.length === 0) return undefined;
  for (const item of splitArchList(arch)) {
    if (parseRef(item).configPairs.length > 0) throw new UsageError(`--arch ${quote(item)}: mmsim-test takes configurations from --config (conformance) or runs its matrix; give ID or ID@ERA`);
  }
  const eras = parseKernels(kernels);
  return new Set(resolveSelection(backends.map((b) => b.backend), { arch, eras, config: DEFAULT_CONFIG }).map((c) => c.spec));
}

const runCommand: RunnerCommand = {
  name: 'run',
  usage: 'run [--arch ID] [--kernel ERA] [--vectors FILE]',
  summary: 'the default: the conformance suite, the vector files and the simulator suites over every installed backend, as a backend × era × config × suite matrix',
  options: {
    vectors: { type: 'string', multiple: true, value: 'FILE', help: 'also check this reference-vector file (repeatable; the bundled ones always run)' },
    arch: ARCH_OPTION,
    kernel: KERNEL_OPTION,
    'num-runs': NUM_RUNS_OPTION,
    seed: SEED_OPTION,
    reporter: REPORTER,
  },
  maxPositionals: 0,
  async run(ctx) {
    const { values } = ctx;
    const backends = await ctx.backendsFor(strings(values['backend']));
    const specs = chosenSpecs(backends, values);
    const result = await runAll(backends, {
      vectors: strings(values['vectors']),
      ...(specs ? { specs } : {}),
      ...numbers(values),
      reproBackends: backendArgs(strings(values['backend']), ctx.cwd),
      progress: ctx.progressFor(ctx.reporter),
      onStart: ({ backends: loaded }) => {
        if (ctx.reporter === 'default') ctx.print([backendsLine(loaded)]);
      },
    });
    ctx.report('run', result.cases, result.backends.map((b) => b.backend.name), () => runJson(result), () => runText(result));
    return result.ok ? EXIT_OK : EXIT_FAILED;
  },
};

const vectorsCommand: RunnerCommand = {
  name: 'vectors',
  usage: 'vectors [FILE...]',
  summary: 'replay reference-vector files (linux-pte-oracle/1) through the variant each names; no FILE: the bundled ones',
  options: {
    index: { type: 'string', multiple: true, value: 'N', help: "only this vector of each file (repeatable; 'constants': the constants block)" },
    reporter: REPORTER,
  },
  maxPositionals: Number.MAX_SAFE_INTEGER,
  details: ['FILE: a vector file (a bundled file also by its name, as reports print it). --json prints one JSON object {passed, failed, failures}.'],
  async run(ctx) {
    const { values } = ctx;
    const backends = await ctx.backendsFor(strings(values['backend']));
    const index = strings(values['index']).map(parseIndex);
    const vopts = { index, reproBackends: backendArgs(strings(values['backend']), ctx.cwd) };
    const loaded = loadVectorFiles([...ctx.positionals], backends.map((b) => b.backend), vopts);
    const parts: ReturnType<typeof checkLoadedFile>[] = new Array(loaded.length);
    const jobs: Job[] = backends
      .map((b) => b.backend.name)
      .filter((name) => loaded.some((l) => l.backend === name))
      .map((name) => ({
        title: `${name}: vectors`,
        async run(progress) {
          const mine = loaded.map((l, i) => ({ l, i })).filter(({ l }) => l.backend === name);
          let failed = 0;
          let passed = 0;
          for (const [n, { l, i }] of mine.entries()) {
            progress(`${n}/${mine.length} files`);
            await tick();
            parts[i] = checkLoadedFile(l, vopts);
            passed += parts[i]!.report.passed;
            failed += parts[i]!.report.failed;
          }
          return { summary: `${passed} passed, ${failed} failed`, failed: failed > 0 };
        },
      }));
    await runJobs(jobs, ctx.progressFor(ctx.reporter));
    const result = vectorsResult(parts);
    ctx.report('vectors', result.cases, backends.map((b) => b.backend.name), () => vectorsJson(result), () => vectorsText(result));
    return result.failed === 0 ? EXIT_OK : EXIT_FAILED;
  },
};

const conformanceCommand: RunnerCommand = {
  name: 'conformance',
  usage: 'conformance [--arch ID] [--kernel ERA] [--config NAME=y|n] [--check ID]',
  summary: 'run the conformance suite over every installed variant and kernel configuration',
  options: {
    arch: ARCH_OPTION,
    kernel: KERNEL_OPTION,
    config: { type: 'string', multiple: true, value: 'NAME=y|n', help: "only this kernel configuration: options that differ from the defaults, comma-separated or repeated, or 'default'" },
    check: { type: 'string', multiple: true, value: 'ID', help: 'only this check (an id), or the checks whose id starts with this (repeatable)' },
    'num-runs': NUM_RUNS_OPTION,
    seed: SEED_OPTION,
    reporter: REPORTER,
  },
  maxPositionals: 0,
  async run(ctx) {
    const { values } = ctx;
    const backends = await ctx.backendsFor(strings(values['backend']));
    const specs = chosenSpecs(backends, values);
    const copts: ConformanceOptions = {
      ...(specs ? { specs } : {}),
      only: strings(values['check']),
      config: strings(values['config']),
      ...numbers(values),
      reproBackends: backendArgs(strings(values['backend']), ctx.cwd),
    };
    const { selected, checks, context } = conformancePlan(
      backends.map((b) => b.backend),
      copts,
    );
    const perVariant: CheckResult[][] = new Array(selected.length);
    const jobs: Job[] = [...new Set(selected.map((s) => s.backend))].map((name) => ({
      title: `${name}: conformance`,
      async run(progress) {
        const mine = selected.map((s, i) => ({ s, i })).filter(({ s }) => s.backend === name);
        let bad = 0;
        for (const [n, { s, i }] of mine.entries()) {
          perVariant[i] = await runVariantChecksStepwise(s.variant, checks, context, (text) => progress(`${n}/${mine.length} variant configurations; ${text}`));
          bad += perVariant[i]!.filter((r) => r.status === 'fail' || r.status === 'unexpected-pass').length;
        }
        return { summary: bad === 0 ? 'all good' : `${bad} failed`, failed: bad > 0 };
      },
    }));
    await runJobs(jobs, ctx.progressFor(ctx.reporter));
    const result = conformanceResult(selected, perVariant, checks.length, copts);
    ctx.report('conformance', result.cases, backends.map((b) => b.backend.name), () => conformanceJson(result), () => conformanceText(result));
    return result.good ? EXIT_OK : EXIT_FAILED;
  },
};

const overviewCommand: RunnerCommand = {
  name: 'overview',
  usage: 'overview [--arch ID] [--kernel ERA]',
  summary: 'every installed variant in both eras: geometry, swap limits, a sample swap pte and file pte (the same overview as mmsim)',
  options: { arch: ARCH_OPTION, kernel: KERNEL_OPTION },
  maxPositionals: 0,
  async run(ctx) {
    const backends = await ctx.backendsFor(strings(ctx.values['backend']));
    const specs = chosenSpecs(backends, ctx.values);
    const plain = backends.map((b) => b.backend);
    ctx.print(ctx.reporter === 'json' ? [JSON.stringify(overviewDocument(plain, specs), null, 2)] : overviewText(plain, undefined, specs));
    return EXIT_OK;
  },
};

const COMMANDS: readonly RunnerCommand[] = [runCommand, vectorsCommand, conformanceCommand, overviewCommand, fuzzCommand];

const parser = createParser<RunnerCommand>({
  program: PROGRAM_NAME,
  commands: COMMANDS,
  common: COMMON,
  defaultCommand: runCommand,
  mainHelp: () =>
    mainHelp({
      program: PROGRAM_NAME,
      description: ['Check mmsim backends against the conformance suite and reference vectors. With no command: `run`, everything over every installed backend.'],
      commands: COMMANDS,
      common: { ...COMMON, version: { type: 'boolean', short: 'V', help: 'print the version' } },
      footer: [
        '--arch takes the forms mmsim takes: ID, ID@ERA, a backend name, all, and comma-separated lists; --kernel repeats or takes a list.',
        '--json (or --reporter json): one JSON document on stdout; an error is one JSON object {"error": {"message", "status"}} on stderr.',
        'Exit status: 0 all good; 1 a check failed; 2 bad usage or input, or stdout that cannot be written; 3 a bug.',
      ],
    }),
  commandHelp: (c) => commandHelp(PROGRAM_NAME, c, COMMON),
});

/** `--reporter` and `--json`, checked: one reporter. */
function reporterOf(values: OptionValues): Reporter {
  const given = single(values, 'reporter');
  if (given !== undefined && !(REPORTERS as readonly string[]).includes(given)) {
    throw new UsageError(`invalid value ${quote(given)} for --reporter (valid: ${REPORTERS.join(', ')})`);
  }
  if (values['json'] === true) {
    if (given !== undefined && given !== 'json') throw new UsageError(`--json and --reporter ${quote(given)} ask for two reports; give one (--json is --reporter json)`);
    return 'json';
  }
  return (given as Reporter | undefined) ?? 'default';
}

/** Parse argv (node, script, args…), run, and return the exit status. */
export async function main(argv: readonly string[] = process.argv, options: ProgramOptions = {}): Promise<number> {
  const given = options.io ?? processIo;
  const args = argv.slice(2);
  // a write to stdout that throws (an Io over a full disk) ends the run with one line, not an internal error
  const io: Io = {
    out: (text) => {
      try {
        given.out(text);
      } catch (error) {
        throw new OutputError(PROGRAM_NAME, error);
      }
    },
    err: (text) => given.err(text),
  };
  const cwd = options.cwd ?? process.cwd();
  const print = (lines: readonly string[]) => io.out(`${lines.join('\n')}\n`);
  let prefix = PROGRAM_NAME;
  try {
    const parsed = parser.parse(args);
    if (parsed.kind === 'help') {
      print(parsed.lines);
      return EXIT_OK;
    }
    if (parsed.kind === 'version') {
      print([VERSION]);
      return EXIT_OK;
    }
    const { located, values, positionals } = parsed;
    prefix = located.prefix;
    const reporter = reporterOf(values);
    const ctx: Context = {
      values,
      positionals,
      reporter,
      cwd,
      print,
      // the task list draws on the real stderr: only for a real process
      // (the report on stdout stays clean: other reporters show it only on a terminal)
      progressFor: (r) => given === processIo && process.env['MMSIM_TEST_PROGRESS'] !== '0' && (r === 'default' || process.stderr.isTTY === true),
      async backendsFor(extra) {
        const found = await findBackends({ extra, cwd, ...(options.backends ? { from: [] } : {}) });
        if (found.problems.length > 0) throw new UsageError(found.problems.map(oneLine).join('; '));
        const mine = (options.backends ?? []).map((backend) => ({ backend, origin: backend.packageName ?? backend.name }));
        const all = [...found.backends, ...mine];
        if (all.length === 0) throw new UsageError('no mmsim backend is installed here (install @mmsim/arch-x86, or give one with --backend PATH|PACKAGE)');
        return all;
      },
      report(command, cases, order, json, text) {
        if (reporter === 'json') print([json()]);
        else if (reporter === 'junit') print([junitReport(cases, { name: `${PROGRAM_NAME} ${command}`, backendOrder: order })]);
        else if (reporter === 'tap') print([tapReport(cases)]);
        else print(text());
      },
    };
    return await located.command.run(ctx);
  } catch (error) {
    const report = reportError(error, { prefix, program: PROGRAM_NAME, json: wantsJson(args), debug: Boolean(process.env['MMSIM_DEBUG']), shortenQuoted: true });
    given.err(report.text);
    return report.status;
  }
}
