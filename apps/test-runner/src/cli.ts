/**
 * The mmsim-test command line. `main()` parses, runs and returns the exit
 * status instead of exiting, so it can be driven from tests and scripts.
 */
import { ERAS, type BackendV1, type Era } from '@mmsim/core';
import { Command, CommanderError, Option } from 'commander';
import { BUILTIN_BACKENDS } from './backends.js';
import { conformanceJson, conformanceText, parseEra, runConformanceMatrix } from './commands/conformance.js';
import { overviewText } from './commands/overview.js';
import { checkVectorFiles, vectorsJson, vectorsText } from './commands/vectors.js';
import { EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { oneLine } from './format.js';
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

/** Run `body`; a UsageError it throws gets the command's name in front. */
function named<T>(command: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${PROGRAM_NAME} ${command}: ${error.message}`);
    throw error;
  }
}

function nonNegativeInteger(command: string, option: string) {
  return (text: string): number => {
    if (!/^\d+$/.test(text)) throw new UsageError(`${PROGRAM_NAME} ${command}: invalid value '${text}' for ${option} (valid: a whole number, 0 or more)`);
    return Number(text);
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The options a command accepts, for the one-line usage errors. */
function optionNames(command: Command): string {
  return [...command.options.map((o) => o.long ?? o.short ?? o.flags), '--help'].join(', ');
}

/** Rewrite commander's errors as one line that names the bad value and the valid ones. */
function usageMessage(error: CommanderError, command: Command): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  const name = command.parent ? `${PROGRAM_NAME} ${command.name()}` : PROGRAM_NAME;
  switch (error.code) {
    case 'commander.unknownCommand':
      return `${PROGRAM_NAME}: unknown command '${quoted}' (valid: ${command.commands.map((c) => c.name()).join(', ')})`;
    case 'commander.unknownOption':
      return `${name}: unknown option '${quoted}' (valid: ${optionNames(command)})`;
    case 'commander.optionMissingArgument':
      return `${name}: option '${quoted.split(' ')[0]}' needs a value${quoted.includes('--kernel') ? ` (valid: ${ERAS.join(', ')})` : ''}`;
    case 'commander.excessArguments': {
      const extra = command.args.slice(command.registeredArguments.length);
      return `${name}: unexpected argument '${extra[0] ?? ''}' (${command.name()} takes no arguments; options: ${optionNames(command)})`;
    }
    default:
      return `${name}: ${oneLine(error.message.replace(/^error:\s*/, ''))}`;
  }
}

export interface ProgramOptions {
  readonly io?: Io;
  readonly backends?: readonly BackendV1[];
}

/** Build the commander program; `setExit` receives each action's exit status. */
export function createProgram(options: ProgramOptions, setExit: (status: number) => void): Command {
  const io = options.io ?? processIo;
  const backends = options.backends ?? BUILTIN_BACKENDS;
  const print = (lines: string[]) => io.out(`${lines.join('\n')}\n`);

  const program = new Command(PROGRAM_NAME)
    .description('Check mmsim backends against reference vectors and the conformance suite')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(false)
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: () => {},
    });

  program
    .command('vectors')
    .description('replay reference-vector files (linux-pte-oracle/1) through the variant each names; no FILE: the bundled sample')
    .argument('[files...]', 'vector files')
    .option('--json', 'print one JSON object {passed, failed, failures}')
    .action((files: string[], opts: { json?: boolean }) => {
      const result = checkVectorFiles(files, backends);
      print(opts.json ? [vectorsJson(result)] : vectorsText(result));
      setExit(result.failed === 0 ? EXIT_OK : EXIT_FAILED);
    });

  program
    .command('conformance')
    .description('run the conformance suite over every built-in variant and kernel configuration')
    .option('--arch <id>', 'only this variant id or backend name (repeatable)', collect, [])
    .addOption(new Option('--kernel <era>', `only this era (${ERAS.join(' or ')})`).argParser((text) => named('conformance', () => parseEra(text))))
    .option('--check <prefix>', 'only checks whose id starts with this (repeatable)', collect, [])
    .option('--num-runs <n>', 'fast-check runs per property', nonNegativeInteger('conformance', '--num-runs'))
    .option('--seed <n>', 'fast-check seed, to reproduce a failure', nonNegativeInteger('conformance', '--seed'))
    .option('--json', 'print the matrix and the failures as JSON')
    .action((opts: { arch: string[]; kernel?: Era; check: string[]; numRuns?: number; seed?: number; json?: boolean }) => {
      const result = named('conformance', () =>
        runConformanceMatrix(backends, {
          arch: opts.arch,
          ...(opts.kernel ? { kernel: opts.kernel } : {}),
          only: opts.check,
          ...(opts.numRuns !== undefined ? { numRuns: opts.numRuns } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        }),
      );
      print(opts.json ? [conformanceJson(result)] : conformanceText(result));
      setExit(result.good ? EXIT_OK : EXIT_FAILED);
    });

  program
    .command('overview')
    .description('every built-in variant in both eras: geometry, swap limits, a sample swap pte and file pte')
    .action(() => {
      print(overviewText(backends));
      setExit(EXIT_OK);
    });

  // Each command turns commander's parse errors into one-line usage errors.
  for (const command of [program, ...program.commands]) {
    command.exitOverride((error) => {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') throw error;
      throw new UsageError(usageMessage(error, command));
    });
  }
  return program;
}

/** Parse argv (node, script, args…), run, and return the exit status. */
export async function main(argv: readonly string[] = process.argv, options: ProgramOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  let status = EXIT_OK;
  try {
    await createProgram(options, (s) => (status = s)).parseAsync([...argv]);
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help or version asked for: 0; no command given: usage went to stderr, 2
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.err(`${error.message}\n`);
      return EXIT_USAGE;
    }
    const e = error as Error;
    io.err(`${PROGRAM_NAME}: internal error: ${oneLine(e.message ?? String(e))}\n`);
    if (process.env['MMSIM_DEBUG']) io.err(`${e.stack ?? ''}\n`);
    return EXIT_INTERNAL;
  }
}
