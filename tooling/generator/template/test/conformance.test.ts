/**
 * The conformance suite (@mmsim/conformance) over every __NAME__ variant ×
 * era × kernel configuration: the same checks every mmsim backend passes.
 * A check the real kernel fails is declared in the variant's
 * `expectedFailures`, with the kernel's reason, never skipped here.
 */
import { registerConformanceSuite, variantMatrix } from '@mmsim/conformance';
import { describe, test } from 'vitest';
import { __CAMEL__ } from '../src/index.js';

registerConformanceSuite({ describe, test }, variantMatrix(__CAMEL__), { numRuns: 200 });
