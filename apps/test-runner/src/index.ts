/**
 * @mmsim/test-runner: the `mmsim-test` command, and the same checks as functions.
 */
export { findBackends, builtinBackends, RUNNER_DIR } from './backends.js';
export type { FoundBackends, FindOptions } from './backends.js';
export { main, processIo, PROGRAM_NAME, REPORTERS } from './cli.js';
export type { Io, ProgramOptions, Reporter } from './cli.js';
export { runAll, runJson, runText, backendsLine } from './commands/run.js';
export type { RunOptions, RunResult } from './commands/run.js';
export {
  checkVectorFiles,
  loadVectorFile,
  loadVectorFiles,
  checkLoadedFile,
  vectorPaths,
  vectorsJson,
  vectorsText,
  vectorRepro,
  parseIndex,
} from './commands/vectors.js';
export type { LoadedVectorFile, VectorsResult, VectorsOptions, VectorFailureReport } from './commands/vectors.js';
export {
  runConformanceMatrix,
  selectVariants,
  selectChecks,
  archNames,
  parseEra,
  parseConfigOption,
  parseCheckMessage,
  conformanceRepro,
  conformanceJson,
  conformanceText,
  DEFAULT_NUM_RUNS,
} from './commands/conformance.js';
export type { ConformanceOptions, ConformanceResult, MatrixRow } from './commands/conformance.js';
export { overviewRows, overviewText, overviewDocument, SAMPLE_SWAP, SAMPLE_PGOFF } from './commands/overview.js';
export type { OverviewRow } from './commands/overview.js';
export { matrix, count, totals, configLabel, SUITES } from './cases.js';
export type { TestCase, CaseStatus, Suite, Difference, MatrixCell, Counts } from './cases.js';
export { bitDiff, parseValue } from './bitdiff.js';
export type { BitDiff } from './bitdiff.js';
export { junitReport, xmlEscape } from './reporters/junit.js';
export { tapReport } from './reporters/tap.js';
export { shellQuote, shellSplit } from './repro.js';
export { UsageError, EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL } from './errors.js';
export { VERSION } from './version.js';
