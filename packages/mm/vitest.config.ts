import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One worker per core: vitest's default leaves one core free (a single worker on CI's 2 cores), and
// this package's test files are the longest task of the test command, mostly run with nothing beside it.
export default defineConfig({
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], maxWorkers: availableParallelism() },
});
