/**
 * The `mmsim` command line: parse, pick the command, build its context,
 * run it, and turn every failure into one line on stderr and an exit
 * status. `main()` returns the status instead of exiting, so tests and
 * scripts can drive it in-process.
 *
 * Parsing uses node:util parseArgs (no dependency to load at startup). It
 * runs twice: leniently over every option any command knows, to find the
 * command wherever it sits among the options, then strictly with that
 * command's own options, for exact errors.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ERAS, MmsimError, type BackendV1 } from '@mmsim/core';
import { loadBackends } from './backends.js';
import type { CommandSpec, Io, OptionSpec, OptionValues, RunContext } from './command.js';
import { COMMANDS, ENCODE_KINDS, TOP_LEVEL, findCommand, overviewCommand } from './commands/index.js';
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { commandHelp, encodeHelp, mainHelp } from './help.js';
import { COMMON_OPTIONS, VERSION_OPTION, optionList, optionTable } from './options.js';
import { colorEnabled, colors } from './render/color.js';
import { configNames, parseConfigs, parseKernels, resolveSelection, selectVariants } from './select.js';
import { quote } from './text.js';
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
}

const EXTRA = { version: VERSION_OPTION } as const;

/** Every option of every command: the lenient first parse knows them all. */
function unionTable() {
  const all: Record<string, OptionSpec> = { ...COMMON_OPTIONS, ...EXTRA };
  for (const c of COMMANDS) Object.assign(all, c.options);
  return optionTable({ ...overviewCommand, options: all });
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

interface Located {
  readonly command: CommandSpec;
  /** the words that named it: `decode`, `encode swap`, or none for the overview */
  readonly words: number;
  readonly prefix: string;
}

/** Which command the positionals name; `help` is handled by the caller. */
function locate(positionals: readonly string[]): Located {
  const word = positionals[0];
  if (word === undefined) return { command: overviewCommand, words: 0, prefix: PROGRAM_NAME };
  if (word === 'encode') {
    const kind = positionals[1];
    const kinds = ENCODE_KINDS.map((k) => k.name.split(' ')[1]).join(', ');
    if (kind === undefined) throw new UsageError(`needs what to encode (valid: ${kinds})`, `${PROGRAM_NAME} encode`);
    const command = findCommand(`encode ${kind}`);
    if (!command) throw new UsageError(`unknown kind ${quote(kind)} (valid: ${kinds})`, `${PROGRAM_NAME} encode`);
    return { command, words: 2, prefix: `${PROGRAM_NAME} ${command.name}` };
  }
  const command = findCommand(word);
  if (!command) {
    throw new UsageError(`unknown command ${quote(word)} (valid: ${TOP_LEVEL.join(', ')}; no command: the overview)`, PROGRAM_NAME);
  }
  return { command, words: 1, prefix: `${PROGRAM_NAME} ${command.name}` };
}

/** parseArgs' messages rewritten as one line naming the option and what it takes. */
function parseErrorMessage(error: Error & { code?: string }, command: CommandSpec): string {
  const name = shortenOption(/'(--?[\w-]+)/.exec(error.message)?.[1] ?? '');
  const spec = ({ ...COMMON_OPTIONS, ...command.options, ...EXTRA } as Record<string, OptionSpec>)[name.replace(/^-+/, '')];
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(error.message)) return `option '${name}' takes no value`;
    return `option '${name}' needs a value${spec?.value ? ` ${spec.value}` : ''}${spec ? ` (${spec.help})` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${name}' (valid: ${optionList(command, EXTRA)})`;
  return oneLine(error.message).slice(0, 200);
}

function shortenOption(name: string): string {
  return quote(name).slice(1, -1);
}

/**
 * parseArgs reads `-1` as the short option `-1`, so `--type -1` would be
 * "needs a value" and `decode -5` an unknown option. A word that starts
 * like a negative number is a value: it is marked here (a NUL cannot come
 * from a command line) and unmarked after parsing, so the option that
 * gets it names it as a bad value.
 */
const NEGATIVE = /^-[0-9.]/;
const MARK = '\u0000';
const mark = (args: readonly string[]): string[] => args.map((a) => (NEGATIVE.test(a) ? `${MARK}${a}` : a));
const unmark = (text: string): string => (text.startsWith(MARK) ? text.slice(1) : text);

function unmarkValues(values: Record<string, unknown>): OptionValues {
  const out: Record<string, string | boolean | string[] | undefined> = {};
  for (const [k, v] of Object.entries(values)) {
    out[k] = typeof v === 'string' ? unmark(v) : Array.isArray(v) ? (v as string[]).map(unmark) : (v as boolean | undefined);
  }
  return out;
}

/** A single-value option given twice would keep the last silently: refuse it, naming both values. */
function refuseRepeats(
  tokens: readonly { kind: string; name?: string; value?: string | undefined }[],
  command: CommandSpec,
  extra: Readonly<Record<string, OptionSpec>>,
  prefix: string,
): void {
  const specs = { ...COMMON_OPTIONS, ...command.options, ...extra } as Record<string, OptionSpec>;
  const first = new Map<string, string>();
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name === undefined) continue;
    const spec = specs[token.name];
    if (!spec || spec.type !== 'string' || spec.multiple) continue;
    const value = unmark(token.value ?? '');
    const before = first.get(token.name);
    if (before !== undefined) {
      throw new UsageError(`option '--${token.name}' given twice (${quote(before)}, then ${quote(value)}); it takes one value`, prefix);
    }
    first.set(token.name, value);
  }
}

interface Parsed {
  readonly located: Located;
  readonly values: OptionValues;
  readonly positionals: readonly string[];
}

function parse(rawArgs: readonly string[]): Parsed | { help: string[] } | { version: true } {
  const args = mark(rawArgs);
  const lenient = parseArgs({ args, options: unionTable(), strict: false, allowPositionals: true, tokens: true });
  const words = lenient.positionals.map(unmark);
  if (words[0] === 'help') {
    if (words[1] === undefined) return { help: mainHelp() };
    if (words[1] === 'encode' && words[2] === undefined) return { help: encodeHelp() };
    return { help: commandHelp(locate(words.slice(1)).command) };
  }
  if (lenient.values['version'] === true && words.length === 0) return { version: true };
  if (lenient.values['help'] === true && words.length === 0) return { help: mainHelp() };
  if (lenient.values['help'] === true && words[0] === 'encode' && words.length === 1) return { help: encodeHelp() };
  const located = locate(words);
  const { command, prefix } = located;
  // --version is accepted on its own (handled above) and beside no command
  const extra = located.words === 0 ? EXTRA : {};
  const allowed = new Set(Object.keys({ ...COMMON_OPTIONS, ...command.options, ...extra }));
  for (const token of lenient.tokens ?? []) {
    if (token.kind === 'option' && !allowed.has(token.name)) {
      throw new UsageError(`unknown option '${shortenOption(token.rawName)}' (valid: ${optionList(command, extra)})`, prefix);
    }
  }
  let strict;
  try {
    strict = parseArgs({ args, options: optionTable(command, extra), strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new UsageError(parseErrorMessage(error as Error & { code?: string }, command), prefix);
  }
  if (strict.values['help'] === true) return { help: commandHelp(command) };
  refuseRepeats(strict.tokens, command, extra, prefix);
  const positionals = strict.positionals.slice(located.words).map(unmark);
  if (positionals.length > command.maxPositionals) {
    throw new UsageError(`unexpected argument ${quote(positionals[command.maxPositionals]!)} (usage: mmsim ${command.usage})`, prefix);
  }
  return { located, values: unmarkValues(strict.values), positionals };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : [];
}

/**
 * --arch values, each a name or a comma-separated list of names (`--arch
 * x86_64,ppc64`); a variant's own config list (`x86_64@2.6.21+A=n,B=n`)
 * stays with its variant: a piece after a `+` that is a NAME=VALUE (or
 * empty, for that config's own error) belongs to it.
 */
function archList(value: unknown): string[] {
  return strings(value).flatMap((v) => {
    const out: string[] = [];
    for (const piece of v.split(',')) {
      const last = out.length - 1;
      if (last >= 0 && out[last]!.includes('+') && (piece === '' || /^[^@+]*=/.test(piece))) out[last] += `,${piece}`;
      else out.push(piece);
    }
    return out.filter((a) => a !== '');
  });
}

/** Parse `args` (without node and the script), run, and return the exit status. */
export async function main(args: readonly string[], options: MainOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const print = (lines: readonly string[]) => io.out(`${lines.join('\n')}\n`);
  let prefix = PROGRAM_NAME;
  try {
    const parsed = parse(args);
    if ('help' in parsed) {
      print(parsed.help);
      return EXIT_OK;
    }
    if ('version' in parsed) {
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
    const named = [...(located.command.variantPositionals ? positionals : []), ...archList(values['arch'])];
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
      variants: (ids) => selectVariants(backends, { arch: ids ?? archList(values['arch']), eras, config }),
    };
    return await located.command.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.prefix ?? prefix}: ${oneLine(error.message)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof MmsimError) {
      io.err(`${prefix}: ${oneLine(error.message)}\n`);
      return EXIT_USAGE;
    }
    const e = error as Error;
    io.err(`${PROGRAM_NAME}: internal error: ${oneLine(e?.message ?? String(e))} (set MMSIM_DEBUG=1 for the stack trace)\n`);
    if (env['MMSIM_DEBUG']) io.err(`${e?.stack ?? ''}\n`);
    return EXIT_INTERNAL;
  }
}
