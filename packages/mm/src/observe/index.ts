/**
 * `@mmsim/mm/observe` — a region as a trace observes it (docs/mmo.md): its VMAs,
 * its pages (present, swapped, file, none) with their pfns, mapcounts and
 * flags, sampled above SAMPLE_THRESHOLD pages.
 */
export { observeRegion, SAMPLE_THRESHOLD, SAMPLE_EDGE, ALL_PAGES_CAP } from './observe.js';
export type { RegionObs, PageObs, VmaObs, Region, ObserveOptions } from './observe.js';
export { PfnLabels } from './labels.js';
export { pteWords, pteClassName } from './pte-words.js';
export { walkPage } from './walk.js';
export type { WalkObs, WalkLevel } from './walk.js';
