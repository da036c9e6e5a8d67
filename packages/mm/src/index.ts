/**
 * `@mmsim/mm` — the simulator's front door: a Machine for a variant, a `.mmo`
 * script run to its trace, a race searched and replayed, and the errors a run
 * ends in. Everything else is under a subpath named for what it holds
 * (README.md, "Entry points"): `@mmsim/mm/kernel` (the kernel functions),
 * `/model`, `/script`, `/races`, `/explore`, `/observe`, `/check`.
 * The list is pinned by test/public-api.test.ts.
 */
// the machine, and the errors a run ends in
export { Machine } from './model/machine.js';
export type { MachineOptions, Mm, Process } from './model/machine.js';
export { SyscallError, NotModelled } from './model/errno.js';
export { OutOfFramesError } from './model/frames.js';
export { KernelBug } from './kernel/filemap.js';
// a script run to its trace
export { parseMmo, streamMmo, MmoSyntaxError } from './script/parse.js';
export type { MmoScript, MmoSource } from './script/parse.js';
export { runScript, runScriptSteps, InvariantViolation, ExpectationFailed } from './script/run.js';
export type { Step, Trace, RunOptions, RunEnd } from './script/run.js';
export { readScriptFile, ScriptFileError } from './script/read-file.js';
export { builtinScenarios } from './scenarios.js';
// a race searched and replayed
export { RACES, findRace, raceFromFile } from './races/registry.js';
export type { RaceScenario } from './races/registry.js';
export { exploreDfs } from './explore/dfs.js';
export { exploreRandom, explorePct } from './explore/random.js';
export { replay } from './explore/replay.js';
export type { Program } from './explore/program.js';
export type { ExploreResult, Failure, SearchOptions } from './explore/result.js';
export type { DfsOptions } from './explore/dfs.js';
export type { RandomOptions, PctOptions } from './explore/random.js';
export type { ReplayResult } from './explore/replay.js';
