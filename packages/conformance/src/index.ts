// Reference vectors (format linux-pte-oracle/1)
export { parseVectorFile, vectorEra, VectorFormatError } from './vectors/format.js';
export type { VectorFile, Vector } from './vectors/format.js';
export { checkVectorFile } from './vectors/check.js';
export type { VectorFailure, VectorReport } from './vectors/check.js';
export { variantForVectors } from './vectors/locate.js';
export { validateVectorJson, eraOf, MAX_LISTED_PROBLEMS, MAX_NOTE_CHARS } from './vectors/schema.js';
export { OPS, CONSTANTS, MAX_SWAP_TYPE } from './vectors/fields.js';
export type { ValueKind, ConstantKind, OpFields, ConstantField } from './vectors/fields.js';
export { bundledVectorFiles, BUNDLED_VECTOR_DIR } from './vectors/bundled.js';

// The conformance suite
export { CHECKS } from './suite/checks/index.js';
export { runConformance, runCheck, isGood, isDeclaredFailure } from './suite/run.js';
export type { RunOptions } from './suite/run.js';
export { registerConformanceSuite } from './suite/register.js';
export { skipReason } from './suite/requirements.js';
export type { Requirement } from './suite/requirements.js';
export type { TestApi } from './suite/register.js';
export { configsFor, variantMatrix } from './suite/matrix.js';
export { ConformanceFailure } from './suite/types.js';
export type { ConformanceCheck, CheckContext, CheckGroup, CheckResult, CheckStatus } from './suite/types.js';
