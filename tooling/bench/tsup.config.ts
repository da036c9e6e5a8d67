import { defineConfig } from 'tsup';

// A runnable script, not a library: one ESM file, dependencies left as imports of the built workspace packages.
export default defineConfig({
  entry: ['src/bench.ts', 'src/sim.ts', 'src/explore.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // the workspace packages stay imports (devDependencies would be bundled otherwise): @mmsim/mm reads its scenario files beside its dist
  external: [/^@mmsim\//],
});
