import { defineConfig } from 'tsup';

/**
 * One entry per public entry point (package.json `exports`, README.md "Entry
 * points"): dist/<name>.{js,cjs,d.ts,d.cts}. Code shared between entries goes
 * into chunks, in CJS as in ESM (`splitting`), so a class is one class whichever
 * entry it is imported from: `instanceof MmoSyntaxError` holds for an error
 * thrown under `@mmsim/mm/races` and caught with the root's class.
 */
export const ENTRIES = {
  index: 'src/index.ts',
  kernel: 'src/kernel/index.ts',
  model: 'src/model/index.ts',
  script: 'src/script/index.ts',
  races: 'src/races/index.ts',
  explore: 'src/explore/index.ts',
  observe: 'src/observe/index.ts',
  check: 'src/check/index.ts',
};

export default defineConfig({
  entry: ENTRIES,
  format: ['esm', 'cjs'],
  splitting: true,
  // declarations: tsc (tsconfig.build.json) and tooling/scripts/dts-entries.mjs, at half the CPU of tsup's bundled ones
  dts: false,
  sourcemap: true,
  clean: true,
  shims: true,
  target: 'node20',
});
