import { defineConfig } from 'vitest/config';

// The host campaign (test/fuzz-host.host.ts) on its own: the test command runs it as the turbo task
// test:host, after the heavy tasks, so the host's fault counts are not those of a machine running four
// other test suites (a page still under read I/O, a fault retried: docs/fuzz.md, Verdicts).
export default defineConfig({
  test: { include: ['test/**/*.host.ts'], globalSetup: ['../../tooling/scripts/vitest-tmp-setup.mjs'], testTimeout: 300_000, pool: 'threads' },
});
