/**
 * The built-in scenarios shipped in this package's `scenarios/` folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  let dir = here;
  for (let i = 0; i < 4; i++) {
    try {
      if (readdirSync(dir).includes('scenarios') && readdirSync(dir).includes('package.json')) return dir;
    } catch {
      /* keep climbing */
    }
    dir = dirname(dir);
  }
  return join(here, '..');
}

export const SCENARIO_DIR: string = join(packageRoot(), 'scenarios');

/** Name and text of every built-in scenario, sorted by name. */
export function builtinScenarios(): { name: string; path: string; text: string }[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.mmo'))
    .sort()
    .map((f) => ({ name: f.replace(/\.mmo$/, ''), path: join(SCENARIO_DIR, f), text: readFileSync(join(SCENARIO_DIR, f), 'utf8') }));
}
