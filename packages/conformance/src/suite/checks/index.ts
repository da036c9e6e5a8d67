import type { ConformanceCheck } from '../types.js';

/** Every check, in the order they run. */
export const CHECKS: readonly ConformanceCheck[] = [];
