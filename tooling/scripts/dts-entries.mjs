#!/usr/bin/env node
// After `tsc -p tsconfig.build.json` (tooling/tsconfig/declarations.json) has written a package's
// declarations to dist/types/, write the files its package.json exports name as types: for each
// export whose types are dist/NAME.d.ts and dist/NAME.d.cts, where PATH is src/NAME.ts or
// src/NAME/index.ts (as the tsup entries are):
//   dist/NAME.d.ts    export * from './types/PATH.js'        (ESM: the package is "type": "module")
//   dist/NAME.d.cts   export * from './types-cjs/PATH.js'    (CommonJS: a copy of the tree under a
//                                                              package.json of "type": "commonjs", so
//                                                              `require` consumers get CJS-typed files)
// Run from the package's folder. The declarations are tsc's own, one file per source file; tsup's
// bundled ones (rollup-plugin-dts) cost twice the CPU for the same types.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.cwd();
const dist = join(dir, 'dist');
if (!existsSync(join(dist, 'types'))) {
  console.error(`dts-entries: ${join(dist, 'types')} does not exist: run tsc -p tsconfig.build.json first`);
  process.exit(1);
}
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const names = new Set();
for (const entry of Object.values(manifest.exports ?? {})) {
  const types = typeof entry === 'object' ? entry?.import?.types : undefined;
  const m = /^\.\/dist\/([\w-]+)\.d\.ts$/.exec(types ?? '');
  if (m) names.add(m[1]);
}
if (names.size === 0) {
  console.error('dts-entries: no export in package.json names its types as ./dist/NAME.d.ts');
  process.exit(1);
}
cpSync(join(dist, 'types'), join(dist, 'types-cjs'), { recursive: true });
writeFileSync(join(dist, 'types-cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
for (const name of names) {
  const path = existsSync(join(dist, 'types', `${name}.d.ts`)) ? `${name}.js` : `${name}/index.js`;
  if (!existsSync(join(dist, 'types', path.replace(/\.js$/, '.d.ts')))) {
    console.error(`dts-entries: no declarations for the export ${name} (looked for dist/types/${name}.d.ts and dist/types/${name}/index.d.ts)`);
    process.exit(1);
  }
  writeFileSync(join(dist, `${name}.d.ts`), `export * from './types/${path}';\n`);
  writeFileSync(join(dist, `${name}.d.cts`), `export * from './types-cjs/${path}';\n`);
}
