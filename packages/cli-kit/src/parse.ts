/**
 * One argument parser for every mmsim CLI: a table of commands, each with
 * its options, parsed with node:util parseArgs (nothing to load at
 * startup). It runs twice: leniently over every option any command knows,
 * to find the command wherever it sits among the options, then strictly
 * with that command's own options, for exact errors. Every problem is a
 * UsageError naming the bad value and what is valid. A single-value option
 * given twice is refused (never the last silently kept); a repeatable one
 * keeps every value.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import type { CommandBase, OptionSpec, OptionValues } from './spec.js';
import { VERSION_OPTION } from './version.js';
import { oneLine, quote, shorten } from './text.js';

export interface ProgramSpec<C extends CommandBase> {
  /** `mmsim`, `mmsim-test` */
  readonly program: string;
  readonly commands: readonly C[];
  /** options every command takes */
  readonly common: Readonly<Record<string, OptionSpec>>;
  /** what runs when no command word is given */
  readonly defaultCommand: C;
  /** `PROGRAM --help` */
  mainHelp(): string[];
  /** `PROGRAM COMMAND --help` */
  commandHelp(command: C): string[];
  /** `PROGRAM GROUP --help` for a word that starts two-word commands (`encode`) */
  groupHelp?(group: string): string[];
  /** the command words an unknown-command error lists (default: the table's, then help) */
  readonly topLevel?: readonly string[];
  /** what no command does, for that error: `the overview` (default: the default command's name) */
  readonly noCommand?: string;
}

export interface Located<C> {
  readonly command: C;
  /** the words that named it: 1 (`decode`), 2 (`encode swap`), 0 (the default) */
  readonly words: number;
  /** `mmsim decode`: how errors are prefixed */
  readonly prefix: string;
}

export type Parsed<C> =
  | { readonly kind: 'help'; readonly lines: string[] }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly located: Located<C>; readonly values: OptionValues; readonly positionals: readonly string[] };

const EXTRA = { version: VERSION_OPTION } as const;

/** The parseArgs option table of a set of specs. */
export function optionTable(options: Readonly<Record<string, OptionSpec>>) {
  const table: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(options)) {
    table[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
  }
  return table;
}

/** `--arch, --kernel, …, --help` for error messages. */
export function optionList(options: Readonly<Record<string, OptionSpec>>): string {
  return Object.keys(options)
    .map((n) => `--${n}`)
    .join(', ');
}

/**
 * parseArgs reads `-1` as the short option `-1`, so `--type -1` would be
 * "needs a value" and `decode -5` an unknown option. A word that starts
 * like a negative number is a value: it is marked (a NUL cannot come from
 * a command line) and unmarked after parsing, so the option that gets it
 * names it as a bad value.
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

const shortenOption = (name: string): string => shorten(name);

/** Did the command line ask for JSON (so errors are JSON too)? `--json`, or `--reporter json`. */
export function wantsJson(args: readonly string[]): boolean {
  for (const [i, a] of args.entries()) {
    if (a === '--') return false;
    if (a === '--json' || a === '--reporter=json' || (a === '--reporter' && args[i + 1] === 'json')) return true;
  }
  return false;
}

export function createParser<C extends CommandBase>(spec: ProgramSpec<C>) {
  const { program, commands, common } = spec;
  const groups = new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));
  const topLevel = [...new Set(commands.map((c) => c.name.split(' ')[0]!))];
  const find = (name: string) => commands.find((c) => c.name === name);
  const optionsOf = (command: C, extra: Readonly<Record<string, OptionSpec>> = {}) => ({ ...common, ...command.options, ...extra });

  function union(): Record<string, OptionSpec> {
    const all: Record<string, OptionSpec> = { ...common, ...EXTRA };
    for (const c of commands) Object.assign(all, c.options);
    return all;
  }

  function locate(positionals: readonly string[]): Located<C> {
    const word = positionals[0];
    if (word === undefined) return { command: spec.defaultCommand, words: 0, prefix: program };
    if (groups.has(word)) {
      const kind = positionals[1];
      const kinds = commands.filter((c) => c.name.startsWith(`${word} `)).map((c) => c.name.split(' ')[1]).join(', ');
      if (kind === undefined) throw new UsageError(`needs what to ${word} (valid: ${kinds})`, `${program} ${word}`);
      const command = find(`${word} ${kind}`);
      if (!command) throw new UsageError(`unknown kind ${quote(kind)} (valid: ${kinds})`, `${program} ${word}`);
      return { command, words: 2, prefix: `${program} ${command.name}` };
    }
    const command = find(word);
    if (!command) {
      const valid = spec.topLevel ?? [...topLevel, 'help'];
      throw new UsageError(`unknown command ${quote(word)} (valid: ${valid.join(', ')}; no command: ${spec.noCommand ?? spec.defaultCommand.name})`, program);
    }
    return { command, words: 1, prefix: `${program} ${command.name}` };
  }

  function parseErrorMessage(error: Error & { code?: string }, options: Record<string, OptionSpec>): string {
    const name = shortenOption(/'(--?[\w-]+)/.exec(error.message)?.[1] ?? '');
    const o = options[name.replace(/^-+/, '')];
    if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/does not take an argument/.test(error.message)) return `option '${name}' takes no value`;
      return `option '${name}' needs a value${o?.value ? ` ${o.value}` : ''}${o ? ` (${o.help})` : ''}`;
    }
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${name}' (valid: ${optionList(options)})`;
    return oneLine(error.message).slice(0, 200);
  }

  /** A single-value option given twice would keep the last silently: refuse it, naming both values. */
  function refuseRepeats(tokens: readonly { kind: string; name?: string; value?: string | undefined }[], options: Record<string, OptionSpec>, prefix: string): void {
    const first = new Map<string, string>();
    for (const token of tokens) {
      if (token.kind !== 'option' || token.name === undefined) continue;
      const o = options[token.name];
      if (!o || o.type !== 'string' || o.multiple) continue;
      const value = unmark(token.value ?? '');
      const before = first.get(token.name);
      if (before !== undefined) {
        throw new UsageError(`option '--${token.name}' given twice (${quote(before)}, then ${quote(value)}); it takes one value`, prefix);
      }
      first.set(token.name, value);
    }
  }

  function helpFor(words: readonly string[]): string[] {
    if (words[0] === undefined) return spec.mainHelp();
    if (groups.has(words[0]) && words[1] === undefined && spec.groupHelp) return spec.groupHelp(words[0]);
    return spec.commandHelp(locate(words).command);
  }

  /** Parse `rawArgs` (without node and the script). */
  function parse(rawArgs: readonly string[]): Parsed<C> {
    const args = mark(rawArgs);
    const lenient = parseArgs({ args, options: optionTable(union()), strict: false, allowPositionals: true, tokens: true });
    const words = lenient.positionals.map(unmark);
    if (words[0] === 'help') {
      if (words.length > 2 && !groups.has(words[1] ?? '')) {
        throw new UsageError(`unexpected argument ${quote(words[2]!)} (help takes one command: ${topLevel.join(', ')})`, `${program} help`);
      }
      return { kind: 'help', lines: helpFor(words.slice(1)) };
    }
    if (lenient.values['version'] === true && words.length === 0) return { kind: 'version' };
    if (lenient.values['help'] === true && (words.length === 0 || (groups.has(words[0]!) && words.length === 1))) return { kind: 'help', lines: helpFor(words) };
    const located = locate(words);
    const { command, prefix } = located;
    // --version is accepted on its own (handled above) and beside no command
    const options = optionsOf(command, located.words === 0 ? EXTRA : {});
    for (const token of lenient.tokens ?? []) {
      if (token.kind === 'option' && !(token.name in options)) {
        throw new UsageError(`unknown option '${shortenOption(token.rawName)}' (valid: ${optionList(options)})`, prefix);
      }
    }
    let strict;
    try {
      strict = parseArgs({ args, options: optionTable(options), strict: true, allowPositionals: true, tokens: true });
    } catch (error) {
      throw new UsageError(parseErrorMessage(error as Error & { code?: string }, options), prefix);
    }
    if (strict.values['help'] === true) return { kind: 'help', lines: spec.commandHelp(command) };
    refuseRepeats(strict.tokens, options, prefix);
    const positionals = strict.positionals.slice(located.words).map(unmark);
    if (positionals.length > command.maxPositionals) {
      throw new UsageError(`unexpected argument ${quote(positionals[command.maxPositionals]!)} (usage: ${program} ${command.usage})`, prefix);
    }
    return { kind: 'run', located, values: unmarkValues(strict.values), positionals };
  }

  return { parse, locate, optionsOf };
}

/** Every value of a repeatable option (none: []). */
export function strings(value: unknown): string[] {
  return Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];
}
