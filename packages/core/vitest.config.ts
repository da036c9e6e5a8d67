import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { sources } from '../../tooling/scripts/vitest-sources.mjs';

// One worker per core: vitest's default leaves one core free (a single worker on CI's 2 cores).
// Threads, not isolated: one worker loads the package once for all its test files (see packages/mm's config).
// @mmsim/core from its sources too, for the arch packages' sources these tests import (one copy of
// core, not src and dist side by side).
export default defineConfig({
  resolve: { alias: sources('core') },
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], maxWorkers: availableParallelism(), pool: 'threads', isolate: false },
});
