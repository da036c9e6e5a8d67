import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { sources } from '../../tooling/scripts/vitest-sources.mjs';

// One worker per core: vitest's default leaves one core free (a single worker on CI's 2 cores), and
// this package's test files are the longest task of the test command.
// Threads, not isolated: each worker loads the simulator once and runs its files one after another
// instead of loading it again for every file (a third of this package's test time went to that).
// Safe because nothing in the simulator keeps state at module level (every machine's state lives on
// its Machine; the module-level caches hold only values derived from a variant), and a test file's
// own module is evaluated afresh for each file all the same.
// The workspace packages from their sources: these tests need no build (turbo.json starts them first).
// The test command runs them beside the builds, typechecks and other tests on 2 cores: a generous
// limit (a hang guard, not a speed check), as the random-sequence tests already set for themselves.
export default defineConfig({
  resolve: { alias: sources('core', 'arch-x86', 'arch-powerpc') },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    maxWorkers: availableParallelism(),
    pool: 'threads',
    isolate: false,
    testTimeout: 60_000,
  },
});
