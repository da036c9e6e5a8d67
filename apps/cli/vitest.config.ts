import { defineConfig } from 'vitest/config';

// The tests run mmsim in-process through main() (test/helpers.ts); bin.test.ts and write-errors.test.ts
// spawn the built launcher (dist/bin.js), for what only a real process shows.
// Threads, not isolated: one worker loads the CLI once for all its test files (see packages/mm's config).
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 20_000, pool: 'threads', isolate: false },
});
