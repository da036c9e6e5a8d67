import type { ConformanceCheck } from '../types.js';
import { BASIC_CHECKS } from './basic.js';
import { CLASSIFIER_CHECKS } from './classifier.js';
import { FILE_CHECKS } from './file.js';
import { HUGE_CHECKS } from './huge.js';
import { LAYOUT_CHECKS } from './layout.js';
import { ORACLE_CHECKS } from './oracle.js';
import { SPECIAL_CHECKS } from './special.js';
import { SWAP_CHECKS } from './swap.js';

/** Every check, in the order they run. */
export const CHECKS: readonly ConformanceCheck[] = [
  ...LAYOUT_CHECKS,
  ...BASIC_CHECKS,
  ...SWAP_CHECKS,
  ...FILE_CHECKS,
  ...SPECIAL_CHECKS,
  ...CLASSIFIER_CHECKS,
  ...HUGE_CHECKS,
  ...ORACLE_CHECKS,
];
