/** The historic mm races as explorer programs (one module per race). */
export { opProgram } from './op-program.js';
export type { Op, OpProgramSpec } from './op-program.js';
export { cowGupVmsplice, cowGupDevice } from './cow-gup.js';
export { RACES, findRace } from './registry.js';
export type { RaceScenario } from './registry.js';
export { faultInvalidate, faultTruncate } from './fault-truncate.js';
export type { FaultPolicy } from './fault-truncate.js';
export { mremapRmap } from './mremap-rmap.js';
export type { MremapPolicy } from './mremap-rmap.js';
export { thpSplitZap } from './thp-split-zap.js';
export type { SplitPolicy } from './thp-split-zap.js';
