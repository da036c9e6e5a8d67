import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// src/bin.ts starts with `#!/usr/bin/env node`; esbuild keeps an entry's hashbang in both formats.
// shims: src/backends.ts finds the runner's own folder through import.meta.url, which the CJS build needs shimmed.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  // declarations: tsc (tsconfig.build.json) and tooling/scripts/dts-entries.mjs, at half the CPU of tsup's bundled ones
  dts: false,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
});
