/**
 * The option forms every mmsim CLI spells the same way. A command table
 * picks the ones it takes; the help and the errors quote these texts.
 */
import type { OptionSpec } from './spec.js';

export const ARCH_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'ID',
  help: 'variant id (x86_64, ppc64-64k…), alias, backend name (x86, powerpc) or all; ID@ERA for one era; a comma-separated list (repeatable; default: all)',
};
export const KERNEL_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'ERA',
  help: '2.6.21 (2.6.20 is the same encodings) or 6.18, or a comma-separated list (repeatable; default: both where it makes sense)',
};
export const CONFIG_OPTION: OptionSpec = {
  type: 'string',
  multiple: true,
  value: 'NAME=y|n',
  help: 'kernel option, CONFIG_ prefix optional: NONLINEAR, MIGRATION, MEMORY_FAILURE, DEVICE_PRIVATE, X86_NX (repeatable); refused unless some chosen variant has it, applied to those that do',
};
export const BACKEND_OPTION: OptionSpec = { type: 'string', multiple: true, value: 'PATH|PACKAGE', help: 'load this backend too, before the installed ones (repeatable)' };
export const JSON_OPTION: OptionSpec = { type: 'boolean', help: 'print one JSON document instead of text (errors: one JSON object on stderr)' };
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'show this help' };
