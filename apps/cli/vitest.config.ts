import { defineConfig } from 'vitest/config';

// The tests spawn the built bin (dist/bin.js); files run in parallel, each spawn is independent.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 20_000 },
});
