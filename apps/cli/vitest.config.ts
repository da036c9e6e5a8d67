import { defineConfig } from 'vitest/config';

// The tests run mmsim in-process through main() (test/helpers.ts); bin.test.ts and write-errors.test.ts
// spawn the built launcher (dist/bin.js), for what only a real process shows.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 20_000 },
});
