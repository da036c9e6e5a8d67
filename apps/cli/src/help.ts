/**
 * Help text, written from the command specs so it cannot drift from what
 * the parser accepts.
 */
import type { CommandSpec, OptionSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { COMMON_OPTIONS, VERSION_OPTION } from './options.js';

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`, o.help] as const);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}

export function commandHelp(command: CommandSpec): string[] {
  const lines = [`Usage: mmsim ${command.usage} [options]`, '', command.summary, ''];
  if (command.details?.length) lines.push(...command.details, '');
  if (Object.keys(command.options).length) lines.push(`Options of ${command.name}:`, ...optionLines(command.options), '');
  lines.push('Options of every command:', ...optionLines(COMMON_OPTIONS));
  return lines;
}

/** `mmsim encode --help`: the four kinds. */
export function encodeHelp(): string[] {
  const kinds = COMMANDS.filter((c) => c.name.startsWith('encode '));
  const width = Math.max(...kinds.map((c) => c.usage.length));
  return [
    'Usage: mmsim encode KIND [options]',
    '',
    'Encode through the checked layer on each chosen variant, side by side; a variant that refuses',
    'says why (its limit, and what the kernel would silently have stored). Exit 1 if any refused.',
    '',
    ...kinds.map((c) => `  mmsim ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'mmsim encode KIND --help for the options of one kind.',
  ];
}

export function mainHelp(): string[] {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'Usage: mmsim [COMMAND] [options]',
    '',
    'A bit-exact model of Linux page-table entries (x86 and powerpc, kernels 2.6.21 and 6.18).',
    'No command: the overview of every variant.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Options of every command:',
    ...optionLines({ ...COMMON_OPTIONS, version: VERSION_OPTION }),
    '',
    'Numbers: hex 0x…, decimal, binary 0b…, octal 0o…, `_` between digits, for every option. NO_COLOR=1 turns colour off.',
    'An option that takes one value may be given once; --arch, --kernel, --config and --backend repeat.',
    '--config NAME=y|n must exist on at least one chosen variant (NONLINEAR: 2.6.21; MEMORY_FAILURE, DEVICE_PRIVATE: 6.18;',
    'X86_NX: variants with an NX bit); with several variants it applies to those that have it, the others keep their default.',
    'Exit status: 0 ok; 1 a refusal or a found failure (an arch refused an encode, a race failed unexpectedly);',
    '2 bad usage or input, or output that cannot be written (a bad --svg path; stdout on a full disk:',
    '"mmsim: cannot write output: ENOSPC (no space left on device)"; or EPIPE when the reader went away, as | head does);',
    '3 internal error (MMSIM_DEBUG=1 for the stack); 4 explore stopped by --max-schedules or --time-limit before a verdict.',
  ];
}
