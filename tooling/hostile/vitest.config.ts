import { defineConfig } from 'vitest/config';

// One test: the whole seeded campaign, inside its own time budget (MMSIM_HOSTILE_BUDGET_MS) plus the
// slowest case's limit; the real-process cases spawn the built bins.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 300_000 },
});
