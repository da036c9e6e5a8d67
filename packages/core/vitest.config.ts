import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One worker per core: vitest's default leaves one core free (a single worker on CI's 2 cores), and
// this package's test files are the longest task of the test command, mostly run with nothing beside it.
// Threads, not isolated: one worker loads the package once for all its test files (see packages/mm's config).
export default defineConfig({
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], maxWorkers: availableParallelism(), pool: 'threads', isolate: false },
});
