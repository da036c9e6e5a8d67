import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // declarations: tsc (tsconfig.build.json) and tooling/scripts/dts-entries.mjs, at half the CPU of tsup's bundled ones
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
