import { defineConfig } from 'vitest/config';

// The tests run mmsim in-process through main() (test/helpers.ts); bin.test.ts and write-errors.test.ts
// spawn the built launcher (dist/bin.js), for what only a real process shows.
// Threads, not isolated: one worker loads the CLI once for all its test files (see packages/mm's config).
export default defineConfig({
  // tooling/scripts/vitest-tmp-setup.mjs: the tests' temporary folders live under one folder per run, removed at the end.
  test: { include: ['test/**/*.test.ts'], globalSetup: ['../../tooling/scripts/vitest-tmp-setup.mjs'], testTimeout: 20_000, pool: 'threads', isolate: false },
});
