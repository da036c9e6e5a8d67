import { defineConfig } from 'vitest/config';

// The whole matrix runs once (run.test.ts, a beforeAll, in-process); a few tests spawn the built bin.
// CI runs other packages' tests beside them on 2 cores: generous limits.
// Threads, not isolated: one worker loads the runner once for all its test files (see packages/mm's config).
export default defineConfig({
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, pool: 'threads', isolate: false },
});
