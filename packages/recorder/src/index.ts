/**
 * `@mmsim/recorder` — record a `.mmo` script on the running Linux kernel
 * (the C recorder in csrc/, built on demand with the system C compiler)
 * and compare the recording with a simulated trace, step by step.
 */
export { recorderBinary, sourceDir, cacheDir, findCompiler, hostProblem, RecorderUnavailable } from './build.js';
export { recordScript, recorderOps, privilegeProblem, RecorderScriptError } from './record.js';
export type { Recording, RecordedStep, RecordOptions } from './record.js';
export { compareSteps, sideBySide, stepEssence } from './compare.js';
export type { Comparison } from './compare.js';
export { hostProfile, NoProfile } from './host.js';
export type { HostProfile } from './host.js';
export { hostCheckable } from './available.js';
export type { HostCheck } from './available.js';
export { recordingLines } from './render.js';
