/**
 * `@mmsim/mm/races` — the historic mm races: scenario files
 * (scenarios/races/) made runnable by the explorer, each with the policies
 * (model/policies.ts) it compares.
 */
export { RACES, RACE_DIR, findRace, raceFromFile } from './registry.js';
export type { RaceScenario } from './registry.js';
export { parseRaceFile, MAX_RACE_BOUND, RACE_DIRECTIVES } from './scenario-file.js';
export type { RaceFile } from './scenario-file.js';
export { raceProgram, describeState } from './scenario-program.js';
export type { RaceProgramOptions } from './scenario-program.js';
