/**
 * The conformance suite over every powerpc variant × era × configuration.
 */
import { registerConformanceSuite, variantMatrix } from '@mmsim/conformance';
import { describe, test } from 'vitest';
import { powerpc } from '../src/index.js';

registerConformanceSuite({ describe, test }, variantMatrix(powerpc), { numRuns: 200 });
