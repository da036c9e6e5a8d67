/**
 * The conformance suite (@mmsim/conformance) over every riscv variant ×
 * era × kernel configuration: the same checks every mmsim backend passes.
 * A check the real kernel fails is declared in the variant's
 * `expectedFailures`, with the kernel's reason, never skipped here.
 */
import { registerConformanceSuite, variantMatrix } from '@mmsim/conformance';
import { describe, test } from 'vitest';
import { riscv } from '../src/index.js';

registerConformanceSuite({ describe, test }, variantMatrix(riscv), { numRuns: 200 });
