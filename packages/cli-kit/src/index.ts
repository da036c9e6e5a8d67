/**
 * @mmsim/cli-kit: what `mmsim` and `mmsim-test` share — one argument
 * parser over a command table, the --arch / --kernel / --config forms and
 * the variant selection behind them, exit codes and one-line (or JSON)
 * errors, help, version, tables, colour and the overview.
 */
export type { Io, OptionSpec, OptionValues, CommandBase } from './spec.js';
export { createParser, optionTable, optionList, wantsJson, strings } from './parse.js';
export type { ProgramSpec, Parsed, Located } from './parse.js';
export { commandHelp, mainHelp, optionLines } from './help.js';
export type { MainHelp } from './help.js';
export { ARCH_OPTION, KERNEL_OPTION, CONFIG_OPTION, BACKEND_OPTION, JSON_OPTION, HELP_OPTION } from './options.js';
export { VERSION_OPTION, versionOf } from './version.js';
export {
  EXIT_OK,
  EXIT_FAILED,
  EXIT_USAGE,
  EXIT_INTERNAL,
  EXIT_STOPPED,
  UsageError,
  OutputError,
  outputErrorLine,
  reportError,
} from './errors.js';
export type { ErrorReport, ReportOptions } from './errors.js';
export {
  KERNEL_FORMS,
  splitArchList,
  parseKernel,
  parseKernels,
  parseConfigs,
  configNames,
  allSpecs,
  archNames,
  parseRef,
  resolveSelection,
  selectVariants,
} from './select.js';
export type { Selection, VariantRef } from './select.js';
export { table, keyValues, pad, visibleLength } from './table.js';
export type { Align, Column } from './table.js';
export { colorEnabled, colors } from './color.js';
export type { Colors, ColorEnv } from './color.js';
export { jsonDocument, count } from './json.js';
export { QUOTE_MAX, shorten, quote, oneLine, shortenQuoted } from './text.js';
export { overviewRow, overviewText, overviewJson, variantLabel, SAMPLE_SWAP, SAMPLE_PGOFF } from './overview.js';
export type { OverviewRow, OverviewInput } from './overview.js';
