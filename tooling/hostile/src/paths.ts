/**
 * The repository's seed corpora, found from this package (src/ under vitest,
 * dist/ when built: both sit two folders below the root).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SCENARIOS = join(ROOT, 'packages/mm/scenarios');
export const RACES = join(SCENARIOS, 'races');
export const VECTORS = join(ROOT, 'packages/conformance/vectors');
export const CLI_BIN = join(ROOT, 'apps/cli/dist/bin.js');
export const RUNNER_BIN = join(ROOT, 'apps/test-runner/dist/bin.js');

export interface Seed {
  readonly name: string;
  readonly text: string;
}

function load(dir: string, ext: string): Seed[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

let cache: { scripts: Seed[]; races: Seed[]; vectors: Seed[] } | undefined;

/** The shipped scenarios, race files and vector files, sorted by name (the seed's replay depends on the order). */
export function seeds() {
  cache ??= { scripts: load(SCENARIOS, '.mmo'), races: load(RACES, '.mmo'), vectors: load(VECTORS, '.json') };
  return cache;
}
