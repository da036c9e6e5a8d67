/**
 * The public API: a small root (`@mmsim/mm`) and one subpath per area. The
 * root's names are listed here, so a new one is a decision made in review,
 * not an append; every root name has one home among the subpaths, and no
 * name has two. package.json `exports`, `typesVersions` and tsup's entries
 * name the same entry points. (That each resolves from the built package,
 * ESM and CJS, is apps/cli/test/mm-entry-points.test.ts: this package's tests
 * run on its sources, beside its build.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { ENTRIES } from '../tsup.config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};

/** What a user of the simulator needs: a Machine, a script run, a race searched, the errors a run ends in. */
const ROOT = [
  'ExpectationFailed',
  'InvariantViolation',
  'KernelBug',
  'Machine',
  'MmoSyntaxError',
  'NotModelled',
  'OutOfFramesError',
  'RACES',
  'ScriptFileError',
  'SyscallError',
  'builtinScenarios',
  'exploreDfs',
  'explorePct',
  'exploreRandom',
  'findRace',
  'parseMmo',
  'raceFromFile',
  'readScriptFile',
  'replay',
  'runScript',
  'runScriptSteps',
  'streamMmo',
];

const SUBPATHS = ['check', 'explore', 'kernel', 'model', 'observe', 'races', 'script'];

const load = (entry: string): Promise<Record<string, unknown>> => import(join(root, ENTRIES[entry as keyof typeof ENTRIES]));

describe('the public API', () => {
  test('the root exports stay small: exactly these names', async () => {
    expect(Object.keys(await load('index')).sort()).toEqual([...ROOT].sort());
  });

  test('package.json exports, typesVersions and the tsup entries name the same entry points', () => {
    const subpaths = Object.keys(manifest.exports).filter((k) => k !== '.' && k !== './package.json' && !k.includes('*'));
    expect(subpaths.map((k) => k.slice(2)).sort()).toEqual(SUBPATHS);
    expect(Object.keys(ENTRIES).sort()).toEqual(['index', ...SUBPATHS].sort());
    expect(Object.keys(manifest.typesVersions['*'] ?? {}).sort()).toEqual(SUBPATHS);
    for (const name of Object.keys(ENTRIES)) {
      expect(existsSync(join(root, ENTRIES[name as keyof typeof ENTRIES])), ENTRIES[name as keyof typeof ENTRIES]).toBe(true);
      const dist = (ext: string) => `./dist/${name}.${ext}`;
      expect(manifest.exports[name === 'index' ? '.' : `./${name}`], name).toEqual({
        import: { types: dist('d.ts'), default: dist('js') },
        require: { types: dist('d.cts'), default: dist('cjs') },
      });
      if (name !== 'index') expect(manifest.typesVersions['*']![name], name).toEqual([dist('d.ts')]);
    }
  });

  test('every root name has one home among the subpaths, the same binding; no name has two homes', async () => {
    const rootNs = await load('index');
    const homes = new Map<string, string[]>();
    for (const sub of SUBPATHS) {
      const ns = await load(sub);
      expect(Object.keys(ns).length, sub).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(ns)) {
        homes.set(name, [...(homes.get(name) ?? []), sub]);
        if (name in rootNs) expect(rootNs[name], `${name} from ${sub}`).toBe(value);
      }
    }
    expect([...homes].filter(([, at]) => at.length > 1)).toEqual([]);
    expect(ROOT.filter((name) => !homes.has(name))).toEqual([]);
  });
});
