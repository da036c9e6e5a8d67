/**
 * @mmsim/cli: the `mmsim` command, and its pieces as functions for scripts
 * and tests (main() runs a command line in-process and returns the status).
 */
export { main, processIo, PROGRAM_NAME } from './cli.js';
export type { MainOptions } from './cli.js';
export type { CommandSpec, Io, OptionSpec, RunContext } from './command.js';
export { COMMANDS } from './commands/index.js';
export { encodeSwap, encodeFile, encodePfn, encodeMigration } from './encoders.js';
export type { Encoded } from './encoders.js';
export { limitsRow } from './commands/limits.js';
export type { LimitsRow } from './commands/limits.js';
export { differences, facts } from './commands/diff.js';
export type { Difference } from './commands/diff.js';
export { SAMPLE_SWAP, SAMPLE_PGOFF } from './commands/overview.js';
export { bitDiagram } from './render/diagram.js';
export type { DiagramRange, DiagramOptions } from './render/diagram.js';
export { selectVariants, parseRef, parseKernel, archNames } from './select.js';
export type { Selection, VariantRef } from './select.js';
export { UsageError, EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL } from './errors.js';
export { VERSION } from './version.js';
