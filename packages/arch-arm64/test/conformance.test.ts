/**
 * The conformance suite (@mmsim/conformance) over every arm64 variant ×
 * era × kernel configuration: the same checks every mmsim backend passes.
 * A check the real kernel fails is declared in the variant's
 * `expectedFailures`, with the kernel's reason, never skipped here.
 */
import { registerConformanceSuite, variantMatrix } from '@mmsim/conformance';
import { describe, test } from 'vitest';
import { arm64 } from '../src/index.js';

registerConformanceSuite({ describe, test }, variantMatrix(arm64), { numRuns: 200 });
