import { defineConfig } from 'vitest/config';

// The tests spawn the built bin, often a full run (~1 s each alone); CI runs other packages' tests beside them on 2 cores.
export default defineConfig({
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
