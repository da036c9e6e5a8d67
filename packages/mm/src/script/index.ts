/**
 * `@mmsim/mm/script` — the `.mmo` language (docs/mmo.md): parse a
 * script, run it to a trace in the recorder's JSON schema, read one from a file
 * with the size cap, turn a host recording back into a script; the value
 * parsers its ops share; the built-in scenarios shipped in `scenarios/`.
 */
export { parseMmo, streamMmo, mmoOps, MmoSyntaxError } from './parse.js';
export type { MmoScript, MmoOp, MmoSource, MmoHeader } from './parse.js';
export { runScript, runScriptSteps, startScript, InvariantViolation, ExpectationFailed, ProcessKilled, MANY_REGIONS } from './run.js';
export type { Step, Trace, RunOptions, RunEnd, ScriptRun, TraceHeader } from './run.js';
export { readScriptFile, ScriptFileError, MAX_SCRIPT_BYTES } from './read-file.js';
export { BadValue, choices, nearest, shorten, uint, whole, int32, loffBytes, flagSet, oneOf, tag, protLetters, SHOWN_CHARS, MAX_WORD, LOFF_MAX } from './values.js';
export type { FlagNames } from './values.js';
export { recordingToMmo } from './from-recording.js';
export { OP_SPECS, OPS } from './ops/index.js';
export { OP_FAMILIES, EXAMPLE_SETUP, EXAMPLE_ERRNO } from './ops/spec.js';
export type { OpSpec, OpDoc, OpFamily } from './ops/spec.js';
export { SCRIPT_DIRECTIVES } from './parse.js';
export { runTimed, timedRuns } from './alternatives.js';
export type { TimedRun, AlternativesOptions } from './alternatives.js';
export type { Recording, RecordedStep } from './from-recording.js';
export { builtinScenarios, SCENARIO_DIR } from '../scenarios.js';
