/**
 * Help text, written from the command specs by the kit so it cannot drift
 * from what the parser accepts.
 */
import { commandHelp as kitCommandHelp, mainHelp as kitMainHelp } from '@mmsim/cli-kit';
import type { CommandSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { COMMON_OPTIONS, VERSION_OPTION } from './options.js';

export function commandHelp(command: CommandSpec): string[] {
  return kitCommandHelp('mmsim', command, COMMON_OPTIONS);
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
  return kitMainHelp({
    program: 'mmsim',
    description: ['A bit-exact model of Linux page-table entries (x86 and powerpc, kernels 2.6.21 and 6.18).', 'No command: the overview of every variant.'],
    commands: COMMANDS,
    common: { ...COMMON_OPTIONS, version: VERSION_OPTION },
    footer: [
      'Numbers: hex 0x…, decimal, binary 0b…, octal 0o…, `_` between digits, for every option (decode: see mmsim decode --help). NO_COLOR=1 turns colour off.',
      'An option that takes one value may be given once; --arch, --kernel, --config and --backend repeat, and --arch and --kernel take comma-separated lists.',
      '--config NAME=y|n must exist on at least one chosen variant (NONLINEAR: 2.6.21; MEMORY_FAILURE, DEVICE_PRIVATE: 6.18;',
      'X86_NX: variants with an NX bit); with several variants it applies to those that have it, the others keep their default.',
      '--json: one JSON document on stdout; an error is one JSON object {"error": {"message", "status"}} on stderr.',
      'Exit status: 0 ok; 1 a refusal or a found failure (an arch refused an encode, a race failed unexpectedly);',
      '2 bad usage or input, or output that cannot be written (a bad --svg path; stdout on a full disk:',
      '"mmsim: cannot write output: ENOSPC (no space left on device)"; or EPIPE when the reader went away, as | head does);',
      '3 internal error (MMSIM_DEBUG=1 for the stack); 4 explore stopped by --max-schedules or --time-limit before a verdict.',
    ],
  });
}
