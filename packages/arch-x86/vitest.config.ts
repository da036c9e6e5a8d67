import { defineConfig } from 'vitest/config';
import { sources } from '../../tooling/scripts/vitest-sources.mjs';

// Threads, not isolated: one worker loads the package once for all its test files (see packages/mm's config).
// The workspace packages from their sources, as this package's own: the sources are what these tests test.
export default defineConfig({
  resolve: { alias: sources('core', 'conformance') },
  test: { include: ['test/**/*.test.ts', 'src/**/*.test.ts'], pool: 'threads', isolate: false },
});
