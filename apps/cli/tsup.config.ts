import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// index: the library (main() and the commands as functions).
// bin: the `mmsim` launcher (#!/usr/bin/env node, kept by esbuild); it requires run.cjs (see src/bin.ts).
// shims: the CJS build gets import.meta.url, which the CLI uses to find the backends installed beside it.
export default defineConfig({
  entry: { index: 'src/index.ts', bin: 'src/bin.ts', run: 'src/run.ts' },
  format: ['esm', 'cjs'],
  // declarations: tsc (tsconfig.build.json) and tooling/scripts/dts-entries.mjs, at half the CPU of tsup's bundled ones
  dts: false,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
});
