/**
 * The mmsim-test command line. `main()` parses, runs and returns the exit
 * status instead of exiting, so it can be driven from tests and scripts.
 */
import type { CheckResult } from '@mmsim/conformance';
import { ERAS, type BackendV1, type Era } from '@mmsim/core';
import type { LoadedBackend } from '@mmsim/loader';
import { Command, CommanderError, Option } from 'commander';
import { findBackends } from './backends.js';
import type { TestCase } from './cases.js';
import {
  conformanceJson,
  conformancePlan,
  conformanceResult,
  conformanceText,
  parseEra,
  runVariantChecksStepwise,
  type ConformanceOptions,
} from './commands/conformance.js';
import { overviewText } from './commands/overview.js';
import { backendsLine, runAll, runJson, runText } from './commands/run.js';
import { checkLoadedFile, loadVectorFiles, parseIndex, vectorsJson, vectorsResult, vectorsText } from './commands/vectors.js';
import { EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, OutputError, UsageError } from './errors.js';
import { oneLine, quote, shortenQuoted } from './format.js';
import { NUM_RUNS, parseWhole, SEED, type IntRange } from './numbers.js';
import { runJobs, tick, type Job } from './progress.js';
import { backendArgs } from './repro.js';
import { junitReport } from './reporters/junit.js';
import { tapReport } from './reporters/tap.js';
import { VERSION } from './version.js';

export const PROGRAM_NAME = 'mmsim-test';

/** Where the runner writes; each call gets whole text, newlines included. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export const REPORTERS = ['default', 'json', 'junit', 'tap'] as const;
export type Reporter = (typeof REPORTERS)[number];

/** Run `body`; a UsageError it throws gets the command's name in front of each line. */
async function named<T>(command: string, body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      throw new UsageError(
        error.message
          .split('\n')
          .map((line) => `${PROGRAM_NAME} ${command}: ${line}`)
          .join('\n'),
      );
    }
    throw error;
  }
}

/** An option's value parser whose UsageError names the command. */
function parsed<T>(command: string, parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${PROGRAM_NAME} ${command}: ${error.message}`);
      throw error;
    }
  };
}

/** A whole-number option in a stated range (numbers.ts). */
function whole(command: string, option: string, range: IntRange) {
  return parsed(command, (text) => parseWhole(text, option, range));
}

/** The parser of every repeatable option. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Refuse a single-value option given twice (commander would keep the last
 * one silently): count each option's values as commander reads them.
 */
function onceEach(command: Command, name: string): void {
  const seen = new Map<string, string>();
  for (const option of command.options) {
    // the repeatable ones collect into an array that starts empty
    if (!option.required || Array.isArray(option.defaultValue)) continue;
    const flag = option.long ?? option.flags;
    command.on(`option:${option.name()}`, (value: string) => {
      const first = seen.get(flag);
      if (first !== undefined) throw new UsageError(`${name}: option ${flag} given twice (${quote(first)}, then ${quote(String(value))}); it takes one value`);
      seen.set(flag, String(value));
    });
  }
}


/** The options a command accepts, for the one-line usage errors. */
function optionNames(command: Command): string {
  return [...command.options.map((o) => o.long ?? o.short ?? o.flags), '--help'].join(', ');
}

/** Rewrite commander's errors as one line that names the bad value and the valid ones. */
function usageMessage(error: CommanderError, command: Command, defaultDispatch: boolean): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  // `mmsim-test ARGS` without a command runs `run`; its errors are the program's
  const name = command.parent && !defaultDispatch ? `${PROGRAM_NAME} ${command.name()}` : PROGRAM_NAME;
  const root = command.parent ?? command;
  switch (error.code) {
    case 'commander.unknownCommand':
      return `${PROGRAM_NAME}: unknown command ${quote(quoted)} (valid: ${command.commands.map((c) => c.name()).join(', ')})`;
    case 'commander.unknownOption':
      return `${name}: unknown option ${quote(quoted)} (valid: ${optionNames(command)})`;
    case 'commander.optionMissingArgument':
      return `${name}: option '${quoted.split(' ')[0]}' needs a value${quoted.includes('--kernel') ? ` (valid: ${ERAS.join(', ')})` : ''}`;
    case 'commander.invalidArgument': {
      // a --reporter choice: `option '--reporter <name>' argument 'x' is invalid. Allowed choices are a, b.`
      const choice = /^error: option '(--[\w-]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/s.exec(error.message);
      if (choice) return `${name}: invalid value ${quote(choice[2]!)} for ${choice[1]} (valid: ${choice[3]})`;
      return `${name}: ${shortenQuoted(oneLine(error.message.replace(/^error:\s*/, '')))}`;
    }
    case 'commander.excessArguments': {
      const extra = command.args.slice(command.registeredArguments.length);
      if (defaultDispatch && root.commands.some((c) => c.name() === extra[0])) {
        return `${PROGRAM_NAME}: options go after the command: ${PROGRAM_NAME} ${extra[0]} [options] (got '${extra[0]}' after an option)`;
      }
      if (defaultDispatch) return `${PROGRAM_NAME}: unknown command ${quote(extra[0] ?? '')} (valid: ${root.commands.map((c) => c.name()).join(', ')})`;
      if (command.name() === 'help') return `${name}: unexpected argument ${quote(extra[0] ?? '')} (help takes one command: ${root.commands.map((c) => c.name()).join(', ')})`;
      return `${name}: unexpected argument ${quote(extra[0] ?? '')} (${command.name()} takes no arguments; options: ${optionNames(command)})`;
    }
    default:
      return `${name}: ${shortenQuoted(oneLine(error.message.replace(/^error:\s*/, '')))}`;
  }
}

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

interface CommonOptions {
  backend: string[];
  reporter?: Reporter;
  json?: boolean;
}

const reporterOf = (opts: CommonOptions): Reporter => (opts.json ? 'json' : (opts.reporter ?? 'default'));

/** `--json`: the same as `--reporter json`, so not given with another --reporter. */
const jsonOption = (description: string) => new Option('--json', description).conflicts('reporter');

function addCommonOptions(command: Command, reporters = true): Command {
  command.option('--backend <path|package>', 'also load this backend: a folder, a file or an installed package (repeatable)', collect, []);
  if (reporters) {
    command.addOption(new Option('--reporter <name>', 'how to report').choices(REPORTERS).default('default'));
  }
  return command;
}

/** Build the commander program; `setExit` receives each action's exit status. */
export function createProgram(options: ProgramOptions, setExit: (status: number) => void, defaultDispatch = false): Command {
  const given = options.io ?? processIo;
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
  const print = (lines: string[]) => io.out(`${lines.join('\n')}\n`);
  const printText = (text: string) => io.out(`${text}\n`);
  // the task list draws on the real stderr: only for a real process
  // (the report on stdout stays clean: other reporters show it only on a terminal)
  const progressFor = (reporter: Reporter) =>
    given === processIo && process.env['MMSIM_TEST_PROGRESS'] !== '0' && (reporter === 'default' || process.stderr.isTTY === true);

  /** The backends a command runs against; a backend that cannot be loaded is bad input (exit 2). */
  async function backendsFor(extra: readonly string[]): Promise<LoadedBackend[]> {
    const found = await findBackends({ extra, cwd, ...(options.backends ? { from: [] } : {}) });
    if (found.problems.length > 0) throw new UsageError(found.problems.map(oneLine).join('\n'));
    const given = (options.backends ?? []).map((backend) => ({ backend, origin: backend.packageName ?? backend.name }));
    const all = [...found.backends, ...given];
    if (all.length === 0) throw new UsageError('no mmsim backend is installed here (install @mmsim/arch-x86, or give one with --backend PATH|PACKAGE)');
    return all;
  }

  function report(reporter: Reporter, command: string, cases: readonly TestCase[], order: readonly string[], json: () => string, text: () => string[]) {
    if (reporter === 'json') printText(json());
    else if (reporter === 'junit') printText(junitReport(cases, { name: `${PROGRAM_NAME} ${command}`, backendOrder: order }));
    else if (reporter === 'tap') printText(tapReport(cases));
    else print(text());
  }

  const program = new Command(PROGRAM_NAME)
    .description(
      'Check mmsim backends against the conformance suite and reference vectors. With no command: `run`, everything over every installed backend.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(false)
    .helpCommand(false)
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: () => {},
    });

  const run = program
    .command('run', { isDefault: true })
    .description('the default: the conformance suite and the vector files over every installed backend, as a backend × era × config × suite matrix')
    .option('--vectors <file>', 'also check this reference-vector file (repeatable; the bundled ones always run)', collect, [])
    .option('--arch <id>', 'only this variant id or backend name (repeatable)', collect, [])
    .addOption(new Option('--kernel <era>', `only this era (${ERAS.join(' or ')})`).argParser(parsed('run', parseEra)))
    .option('--num-runs <n>', `fast-check runs per property (${NUM_RUNS.min} to ${NUM_RUNS.max})`, whole('run', '--num-runs', NUM_RUNS))
    .option('--seed <n>', `fast-check seed (a 32-bit signed integer)`, whole('run', '--seed', SEED))
    .addOption(jsonOption('same as --reporter json'));
  addCommonOptions(run).action(
    async (opts: CommonOptions & { vectors: string[]; arch: string[]; kernel?: Era; numRuns?: number; seed?: number }) => {
      const reporter = reporterOf(opts);
      const result = await named('run', async () => {
        const backends = await backendsFor(opts.backend);
        return runAll(backends, {
          vectors: opts.vectors,
          arch: opts.arch,
          ...(opts.kernel ? { kernel: opts.kernel } : {}),
          ...(opts.numRuns !== undefined ? { numRuns: opts.numRuns } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          reproBackends: backendArgs(opts.backend, cwd),
          progress: progressFor(reporter),
          onStart: ({ backends: loaded }) => {
            if (reporter === 'default') print([backendsLine(loaded)]);
          },
        });
      });
      const order = result.backends.map((b) => b.backend.name);
      report(reporter, 'run', result.cases, order, () => runJson(result), () => runText(result));
      setExit(result.ok ? EXIT_OK : EXIT_FAILED);
    },
  );

  const vectors = program
    .command('vectors')
    .description('replay reference-vector files (linux-pte-oracle/1) through the variant each names; no FILE: the bundled ones')
    .argument('[files...]', 'vector files (a bundled file also by its name, as reports print it)')
    .option('--index <n>', "only this vector of each file (repeatable; 'constants': the constants block)", collect, [])
    .addOption(jsonOption('print one JSON object {passed, failed, failures} (same as --reporter json)'));
  addCommonOptions(vectors).action(async (files: string[], opts: CommonOptions & { index: string[] }) => {
    const reporter = reporterOf(opts);
    const backends = await named('vectors', () => backendsFor(opts.backend));
    // a bad file's line starts with the file's name, as given
    const result = await (async () => {
      const index = await named('vectors', () => opts.index.map(parseIndex));
      const vopts = { index, reproBackends: backendArgs(opts.backend, cwd) };
      const loaded = loadVectorFiles(files, backends.map((b) => b.backend), vopts);
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
      await runJobs(jobs, progressFor(reporter));
      return vectorsResult(parts);
    })();
    report(reporter, 'vectors', result.cases, backends.map((b) => b.backend.name), () => vectorsJson(result), () => vectorsText(result));
    setExit(result.failed === 0 ? EXIT_OK : EXIT_FAILED);
  });

  const conformance = program
    .command('conformance')
    .description('run the conformance suite over every installed variant and kernel configuration')
    .option('--arch <id>', 'only this variant id or backend name (repeatable)', collect, [])
    .addOption(new Option('--kernel <era>', `only this era (${ERAS.join(' or ')})`).argParser(parsed('conformance', parseEra)))
    .option('--config <NAME=y|n>', "only this kernel configuration: options that differ from the defaults, comma-separated or repeated, or 'default'", collect, [])
    .option('--check <id>', 'only this check (an id), or the checks whose id starts with this (repeatable)', collect, [])
    .option('--num-runs <n>', `fast-check runs per property (${NUM_RUNS.min} to ${NUM_RUNS.max})`, whole('conformance', '--num-runs', NUM_RUNS))
    .option('--seed <n>', 'fast-check seed, to reproduce a failure (a 32-bit signed integer)', whole('conformance', '--seed', SEED))
    .addOption(jsonOption('print the matrix and the failures as JSON (same as --reporter json)'));
  addCommonOptions(conformance).action(
    async (opts: CommonOptions & { arch: string[]; kernel?: Era; config: string[]; check: string[]; numRuns?: number; seed?: number }) => {
      const reporter = reporterOf(opts);
      const { result, backends } = await named('conformance', async () => {
        const backends = await backendsFor(opts.backend);
        const copts: ConformanceOptions = {
          arch: opts.arch,
          ...(opts.kernel ? { kernel: opts.kernel } : {}),
          only: opts.check,
          config: opts.config,
          ...(opts.numRuns !== undefined ? { numRuns: opts.numRuns } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          reproBackends: backendArgs(opts.backend, cwd),
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
        await runJobs(jobs, progressFor(reporter));
        return { result: conformanceResult(selected, perVariant, checks.length, copts), backends };
      });
      report(reporter, 'conformance', result.cases, backends.map((b) => b.backend.name), () => conformanceJson(result), () => conformanceText(result));
      setExit(result.good ? EXIT_OK : EXIT_FAILED);
    },
  );

  const overview = program.command('overview').description('every installed variant in both eras: geometry, swap limits, a sample swap pte and file pte');
  addCommonOptions(overview, false).action(async (opts: CommonOptions) => {
    const backends = await named('overview', () => backendsFor(opts.backend));
    print(overviewText(backends.map((b) => b.backend)));
    setExit(EXIT_OK);
  });

  // `help [command]`: commander's own prints the whole usage for a command it does not know
  program
    .command('help')
    .description('display help for command')
    .argument('[command]', 'the command to describe')
    .action((name: string | undefined) => {
      if (name === undefined) return void program.outputHelp();
      const command = program.commands.find((c) => c.name() === name);
      if (!command) throw new UsageError(`${PROGRAM_NAME}: unknown command ${quote(name)} (valid: ${program.commands.map((c) => c.name()).join(', ')})`);
      command.outputHelp();
      setExit(EXIT_OK);
    });

  // Each command turns commander's parse errors into one-line usage errors.
  for (const command of [program, ...program.commands]) {
    onceEach(command, command === program || (command === run && defaultDispatch) ? PROGRAM_NAME : `${PROGRAM_NAME} ${command.name()}`);
    command.exitOverride((error) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') throw error;
      throw new UsageError(usageMessage(error, command, command === run && defaultDispatch));
    });
  }
  return program;
}

/** Whether argv names no command, so commander hands it to the default one (run). */
function isDefaultDispatch(args: readonly string[]): boolean {
  const first = args.find((a) => !a.startsWith('-'));
  return first === undefined || !['run', 'vectors', 'conformance', 'overview', 'help'].includes(first);
}

/** Parse argv (node, script, args…), run, and return the exit status. */
export async function main(argv: readonly string[] = process.argv, options: ProgramOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  let status = EXIT_OK;
  try {
    await createProgram(options, (s) => (status = s), isDefaultDispatch(argv.slice(2))).parseAsync([...argv]);
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help or version asked for: 0
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError || error instanceof OutputError) {
      // a value quoted whole somewhere on the way (a backend's problem, core's config error) is cut here
      io.err(`${shortenQuoted(error.message)}\n`);
      return EXIT_USAGE;
    }
    const e = error as Error;
    io.err(`${PROGRAM_NAME}: internal error: ${oneLine(e.message ?? String(e))}\n`);
    if (process.env['MMSIM_DEBUG']) io.err(`${e.stack ?? ''}\n`);
    return EXIT_INTERNAL;
  }
}
