/**
 * The backends mmsim-test (and the benchmarks) run against. This is the one
 * place that lists them: add or drop a backend here.
 */
import { powerpc } from '@mmsim/arch-powerpc';
import { x86 } from '@mmsim/arch-x86';
import type { BackendV1 } from '@mmsim/core';

export const BUILTIN_BACKENDS: readonly BackendV1[] = [x86, powerpc];
