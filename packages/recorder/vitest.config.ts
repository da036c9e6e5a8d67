import { defineConfig } from 'vitest/config';

// Threads, not isolated: one worker loads the package once for all its test files (see packages/mm's config).
export default defineConfig({
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], pool: 'threads', isolate: false },
});
