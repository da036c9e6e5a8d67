import { defineConfig } from 'vitest/config';

// The whole matrix runs once (run.test.ts, a beforeAll, in-process); a few tests spawn the built bin.
// CI runs other packages' tests, typechecks and checks beside them on 2 cores: generous limits (hang
// guards, not speed checks; the whole matrix took over 120 s on a 2-core machine loaded by other work).
// Threads, not isolated: one worker loads the runner once for all its test files (see packages/mm's config).
export default defineConfig({
  // tooling/scripts/vitest-tmp-setup.mjs: the tests' temporary folders live under one folder per run, removed at the end.
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], globalSetup: ['../../tooling/scripts/vitest-tmp-setup.mjs'], testTimeout: 120_000, hookTimeout: 300_000, pool: 'threads', isolate: false },
});
