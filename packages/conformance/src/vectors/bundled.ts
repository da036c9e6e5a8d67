/**
 * The public sample of reference vectors ships with this package
 * (`vectors/*.json`), so third parties and the runner can check against it.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  // dist/index.js and src/vectors/bundled.ts both sit below the package root
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 4; i++) {
    try {
      if (readdirSync(dir).includes('package.json') && readdirSync(dir).includes('vectors')) return dir;
    } catch {
      /* keep climbing */
    }
    dir = dirname(dir);
  }
  return join(here, '..');
}

export const BUNDLED_VECTOR_DIR: string = join(packageRoot(), 'vectors');

/** Absolute paths of the bundled vector files. */
export function bundledVectorFiles(): string[] {
  return readdirSync(BUNDLED_VECTOR_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(BUNDLED_VECTOR_DIR, name));
}
