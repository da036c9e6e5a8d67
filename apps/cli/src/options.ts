/**
 * The options every command takes, and the union of all options (the
 * first, lenient parse uses it to find the command wherever it appears).
 */
import type { CommandSpec, OptionSpec } from './command.js';

export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  arch: { type: 'string', multiple: true, value: 'ID', help: 'variant id (x86_64, ppc64-64k…), alias, backend name (x86, powerpc) or all; ID@ERA for one era (repeatable; default: all)' },
  kernel: { type: 'string', multiple: true, value: 'ERA', help: '2.6.21 (2.6.20 is the same encodings) or 6.18 (repeatable; default: both where it makes sense)' },
  config: { type: 'string', multiple: true, value: 'NAME=y|n', help: 'kernel option, CONFIG_ prefix optional: NONLINEAR, MIGRATION, MEMORY_FAILURE, DEVICE_PRIVATE, X86_NX (repeatable); refused unless some chosen variant has it, applied to those that do' },
  backend: { type: 'string', multiple: true, value: 'PATH|PACKAGE', help: 'load this backend too, before the installed ones (repeatable)' },
  json: { type: 'boolean', help: 'print one JSON document instead of text' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export const VERSION_OPTION: OptionSpec = { type: 'boolean', short: 'V', help: 'print the version' };

/** The parseArgs option table of a command: common options plus its own. */
export function optionTable(command: CommandSpec, extra: Readonly<Record<string, OptionSpec>> = {}) {
  const table: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries({ ...COMMON_OPTIONS, ...command.options, ...extra })) {
    table[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
  }
  return table;
}

/** `--arch, --kernel, …, --help` for error messages. */
export function optionList(command: CommandSpec, extra: Readonly<Record<string, OptionSpec>> = {}): string {
  return Object.keys({ ...COMMON_OPTIONS, ...command.options, ...extra })
    .map((n) => `--${n}`)
    .join(', ');
}
