/**
 * The conformance suite over every x86 variant × era × configuration.
 */
import { registerConformanceSuite, variantMatrix } from '@mmsim/conformance';
import { describe, test } from 'vitest';
import { x86 } from '../src/index.js';

registerConformanceSuite({ describe, test }, variantMatrix(x86), { numRuns: 200 });
