/**
 * @mmsim/mm's entry points resolve from its build as a user's Node resolves
 * them (this package depends on it; turbo builds it first): each subpath in
 * its package.json `exports`, by import() and by require(), with the same
 * names both ways, its type files present, and one binding per name across
 * entries — the root's MmoSyntaxError is the one `@mmsim/mm/races` throws,
 * in CJS as in ESM (tsup splits shared code into chunks for both).
 * One Node process for all of it: Node's own resolution is what is under test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';

const here = join(__dirname, '..');
const mmDir = dirname(createRequire(join(here, 'package.json')).resolve('@mmsim/mm/package.json'));
const manifest = JSON.parse(readFileSync(join(mmDir, 'package.json'), 'utf8')) as {
  exports: Record<string, { import: { types: string; default: string }; require: { types: string; default: string } } | string>;
  typesVersions: Record<string, Record<string, string[]>>;
};
const specifiers = Object.keys(manifest.exports)
  .filter((k) => k !== './package.json' && !k.includes('*'))
  .map((k) => (k === '.' ? '@mmsim/mm' : `@mmsim/mm/${k.slice(2)}`));

const PROBE = `
const { createRequire } = require('node:module');
const req = createRequire(process.cwd() + '/package.json');
(async () => {
  const out = {};
  for (const s of ${JSON.stringify(specifiers)}) {
    const esm = await import(s);
    const cjs = req(s);
    out[s] = { file: req.resolve(s), esm: Object.keys(esm).filter((k) => k !== 'default').sort(), cjs: Object.keys(cjs).sort(), esmNs: esm, cjsNs: cjs };
  }
  // one binding per name: each root name is the same object under every entry that exports it
  const clash = [];
  for (const how of ['esmNs', 'cjsNs'])
    for (const [name, value] of Object.entries(out['@mmsim/mm'][how]))
      for (const s of Object.keys(out)) if (name in out[s][how] && out[s][how][name] !== value) clash.push(how + ' ' + s + ' ' + name);
  for (const s of Object.keys(out)) { delete out[s].esmNs; delete out[s].cjsNs; }
  console.log(JSON.stringify({ out, clash }));
})().catch((e) => { console.error(e); process.exit(3); });
`;

describe('@mmsim/mm entry points, from its build', () => {
  test('every subpath resolves by import() and require(), the same names both ways, one binding per name', () => {
    expect(specifiers.length).toBeGreaterThan(1);
    const r = spawnSync(process.execPath, ['-e', PROBE], { cwd: here, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { out, clash } = JSON.parse(r.stdout) as { out: Record<string, { file: string; esm: string[]; cjs: string[] }>; clash: string[] };
    for (const s of specifiers) {
      expect(out[s]!.file.startsWith(join(mmDir, 'dist')), s).toBe(true);
      expect(out[s]!.esm.length, s).toBeGreaterThan(0);
      expect(out[s]!.cjs, s).toEqual(out[s]!.esm);
    }
    expect(clash).toEqual([]);
  });

  test('every entry point has its type files, for node16 (import, require) and node10 (typesVersions)', () => {
    for (const [key, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      for (const file of [target.import.types, target.import.default, target.require.types, target.require.default]) expect(existsSync(join(mmDir, file)), `${key}: ${file}`).toBe(true);
      if (key !== '.') expect(manifest.typesVersions['*']![key.slice(2)]!.every((f) => existsSync(join(mmDir, f))), key).toBe(true);
    }
  });

  test('the shipped scenario files resolve through ./scenarios/*', () => {
    const req = createRequire(join(here, 'package.json'));
    expect(existsSync(req.resolve('@mmsim/mm/scenarios/anon_basic.mmo'))).toBe(true);
  });
});
