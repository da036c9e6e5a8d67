/**
 * Help text, written from the command table so it cannot drift from what
 * the parser accepts.
 */
import type { CommandBase, OptionSpec } from './spec.js';

export function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`, o.help] as const);
  const width = Math.max(0, ...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}

/** `PROGRAM COMMAND --help`: usage, summary, details, its options, the common ones. */
export function commandHelp(program: string, command: CommandBase, common: Readonly<Record<string, OptionSpec>>): string[] {
  const lines = [`Usage: ${program} ${command.usage} [options]`, '', command.summary, ''];
  if (command.details?.length) lines.push(...command.details, '');
  if (Object.keys(command.options).length) lines.push(`Options of ${command.name}:`, ...optionLines(command.options), '');
  lines.push('Options of every command:', ...optionLines(common));
  return lines;
}

export interface MainHelp {
  readonly program: string;
  /** lines after the usage line */
  readonly description: readonly string[];
  readonly commands: readonly CommandBase[];
  readonly common: Readonly<Record<string, OptionSpec>>;
  /** lines at the end: numbers, exit statuses */
  readonly footer?: readonly string[];
}

/** `PROGRAM --help`: every command, one line each, and the common options. */
export function mainHelp(help: MainHelp): string[] {
  const width = Math.max(...help.commands.map((c) => c.usage.length));
  const lines = [
    `Usage: ${help.program} [COMMAND] [options]`,
    '',
    ...help.description,
    '',
    'Commands:',
    ...help.commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Options of every command:',
    ...optionLines(help.common),
  ];
  if (help.footer?.length) lines.push('', ...help.footer);
  return lines;
}
