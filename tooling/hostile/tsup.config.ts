import { defineConfig } from 'tsup';

// Runnable scripts, not a library: the worker the pool starts (worker_threads needs JavaScript) and the
// campaign command line. The CLIs stay imports of their built packages (they read files beside their dist).
export default defineConfig({
  entry: ['src/worker.ts', 'src/campaign-cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: [/^@mmsim\//],
});
