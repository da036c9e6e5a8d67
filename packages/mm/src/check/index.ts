/**
 * `@mmsim/mm/check` — what a run is checked against: the invariants
 * (mapcount and refcount against the ptes and caches, swap slot counts, no pte
 * on a freed frame or slot) and a POSIX reference model of memory contents.
 */
export { checkInvariants } from './invariants.js';
export type { Violation } from './invariants.js';
export { ReferenceModel } from './reference.js';
