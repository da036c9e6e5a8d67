/**
 * @mmsim/test-runner: the `mmsim-test` command, and the same checks as functions.
 */
export { BUILTIN_BACKENDS } from './backends.js';
export { main, createProgram, processIo, PROGRAM_NAME } from './cli.js';
export type { Io, ProgramOptions } from './cli.js';
export { checkVectorFiles, loadVectorFile, vectorPaths, vectorsJson, vectorsText } from './commands/vectors.js';
export type { LoadedVectorFile, VectorsResult } from './commands/vectors.js';
export { runConformanceMatrix, selectVariants, archNames, parseEra, conformanceJson, conformanceText } from './commands/conformance.js';
export type { ConformanceOptions, ConformanceResult, MatrixRow } from './commands/conformance.js';
export { overviewRows, overviewText, SAMPLE_SWAP, SAMPLE_PGOFF } from './commands/overview.js';
export type { OverviewRow } from './commands/overview.js';
export { UsageError, EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL } from './errors.js';
export { VERSION } from './version.js';
