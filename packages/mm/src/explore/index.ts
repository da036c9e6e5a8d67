/**
 * `@mmsim/mm/explore` — the interleaving explorer: threads with stop points,
 * DFS / random / PCT search, replay of a schedule.
 */
export { ACT_DONE, ACT_STEP, lockAct, unlockAct, isLockAct, isUnlockAct, lockOf, fromGenerator, MAX_LOCKS, MAX_THREADS } from './thread.js';
export type { Thread, Stop } from './thread.js';
export { ProgramError } from './program.js';
export type { Program, Instance } from './program.js';
export type { ExploreResult, Failure, Progress, SearchOptions, StopReason } from './result.js';
export { MAX_SCHEDULES_CAP, MAX_TIME_LIMIT_MS } from './caps.js';
export { exploreDfs } from './dfs.js';
export type { DfsOptions } from './dfs.js';
export { exploreUnbounded, prefixes, KEY_MODES, StateKeys } from './unbounded.js';
export type { UnboundedOptions, UnboundedResult, Shard, KeyMode } from './unbounded.js';
export { StateHasher, KeySet, keyHex, UNKEYED_FIELDS } from './state-key.js';
export { exploreRandom, explorePct } from './random.js';
export type { RandomOptions, PctOptions } from './random.js';
export { replay, REST_CAP } from './replay.js';
export type { ReplayStep, ReplayResult, ReplayOptions } from './replay.js';
export { formatSchedule, parseSchedule, ScheduleSyntaxError } from './schedule.js';
export { Prng } from './prng.js';
