/**
 * The `mmsim` command line: parse (the kit's parser over the command
 * table, shared with mmsim-test), pick the command, build its context, run
 * it, and turn every failure into one line on stderr — one JSON object
 * under --json — and an exit status. `main()` returns the status instead of
 * exiting, so tests and scripts can drive it in-process.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createParser, oneLine, reportError, strings, wantsJson } from '@mmsim/cli-kit';
import { ERAS, type BackendV1 } from '@mmsim/core';
import { loadBackends } from './backends.js';
import type { CommandSpec, Io, RunContext } from './command.js';
import { COMMANDS, TOP_LEVEL, overviewCommand } from './commands/index.js';
import { EXIT_OK } from './errors.js';
import { commandHelp, encodeHelp, mainHelp } from './help.js';
import { COMMON_OPTIONS } from './options.js';
import { colorEnabled, colors } from './render/color.js';
import { configNames, parseConfigs, parseKernels, resolveSelection, selectVariants } from './select.js';
import { VERSION } from './version.js';

export const PROGRAM_NAME = 'mmsim';

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export interface MainOptions {
  readonly io?: Io;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** is stdout a terminal (colour); default: process.stdout.isTTY */
  readonly isTTY?: boolean;
  readonly cwd?: string;
  /** folders backend discovery searches from, besides cwd; default: this package's own dist folder */
  readonly from?: readonly string[];
  /** run against these backends instead of discovering them */
  readonly backends?: readonly BackendV1[];
  /** what `-` reads (decode); default: the process's stdin */
  readonly stdin?: () => Promise<string>;
}

const parser = createParser<CommandSpec>({
  program: PROGRAM_NAME,
  commands: COMMANDS,
  common: COMMON_OPTIONS,
  defaultCommand: overviewCommand,
  mainHelp,
  commandHelp,
  groupHelp: () => encodeHelp(),
  topLevel: TOP_LEVEL,
  noCommand: 'the overview',
});

/** Parse `args` (without node and the script), run, and return the exit status. */
export async function main(args: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  const env = options.env ?? process.env;
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
    // Validate the cheap options before loading any backend.
    const eras = parseKernels(strings(values['kernel']), located.command.defaultEras ?? ERAS);
    const config = parseConfigs(strings(values['config']));
    const namedConfig = configNames(strings(values['config']));
    const json = values['json'] === true;
    const c = colors(!json && colorEnabled({ env, isTTY: options.isTTY ?? process.stdout.isTTY === true }));
    let backends: readonly BackendV1[];
    if (options.backends) {
      backends = options.backends;
    } else {
      const from = options.from ?? [dirname(fileURLToPath(import.meta.url))];
      const loaded = await loadBackends([...from, cwd], strings(values['backend']), cwd);
      for (const warning of loaded.warnings) io.err(`${PROGRAM_NAME}: warning: ${oneLine(warning)}\n`);
      backends = loaded.backends;
    }
    // Every command: --arch (and the ids of layout and diff) must name variants, and each --config
    // option must exist on at least one of them — checked before the command runs, whatever it does.
    const named = [...(located.command.variantPositionals ? positionals : []), ...strings(values['arch'])];
    resolveSelection(backends, { arch: named, eras, config, configNames: namedConfig });
    const ctx: RunContext = {
      io,
      c,
      json,
      backends,
      eras,
      config,
      values,
      positionals,
      cwd,
      print,
      ...(options.stdin ? { stdin: options.stdin } : {}),
      variants: (ids) => selectVariants(backends, { arch: ids ?? strings(values['arch']), eras, config }),
    };
    return await located.command.run(ctx);
  } catch (error) {
    const report = reportError(error, { prefix, program: PROGRAM_NAME, json: wantsJson(args), debug: Boolean(env['MMSIM_DEBUG']) });
    io.err(report.text);
    return report.status;
  }
}
