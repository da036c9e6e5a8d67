import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { discoverBackends, loadBackendFrom, scanBackends } from '../src/index.js';

function pkg(dir: string, manifest: object, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

const BACKEND = (name: string) => `export const backend = { specificationVersion: 'v1', name: '${name}', variants: [] };\n`;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'mmsim-loader-'));
  const nm = join(root, 'node_modules');
  pkg(join(nm, '@acme', 'arch-toy'), { name: '@acme/arch-toy', version: '1.2.3', type: 'module', main: 'index.js', mmsim: { backend: '.' } }, { 'index.js': BACKEND('toy') });
  pkg(join(nm, 'arch-file'), { name: 'arch-file', version: '0.1.0', type: 'module', mmsim: { backend: './lib/b.js' } }, {});
  mkdirSync(join(nm, 'arch-file', 'lib'));
  writeFileSync(join(nm, 'arch-file', 'lib', 'b.js'), BACKEND('file'));
  pkg(join(nm, 'not-a-backend'), { name: 'not-a-backend', version: '1.0.0' }, { 'index.js': '' });
  pkg(join(nm, 'arch-broken'), { name: 'arch-broken', version: '1.0.0', type: 'module', main: 'index.js', mmsim: { backend: '.' } }, { 'index.js': "export const backend = { specificationVersion: 'v9', name: 'x', variants: [] };\n" });
  return root;
}

describe('discovery', () => {
  test('finds packages that declare the mmsim field, scoped or not, and only those', () => {
    const names = scanBackends([tree()]).map((m) => m.name).sort();
    expect(names).toEqual(['@acme/arch-toy', 'arch-broken', 'arch-file']);
  });

  test('loads them, and reports a contract mismatch as one line', async () => {
    const { backends, problems } = await discoverBackends({ cwd: tree() });
    expect(backends.map((b) => b.backend.name).sort()).toEqual(['file', 'toy']);
    expect(backends.find((b) => b.backend.name === 'toy')!.version).toBe('1.2.3');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/arch-broken has backend specificationVersion 'v9'/);
    expect(problems[0]).not.toContain('\n');
  });

  test('searches upwards from a nested folder', async () => {
    const root = tree();
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    const { backends } = await discoverBackends({ cwd: nested });
    expect(backends.map((b) => b.backend.name)).toContain('toy');
  });
});

describe('explicit --backend', () => {
  test('a folder outside any node_modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-wip-'));
    pkg(dir, { name: 'wip', type: 'module', main: 'main.js', mmsim: { backend: '.' } }, { 'main.js': BACKEND('wip') });
    expect((await loadBackendFrom(dir)).backend.name).toBe('wip');
  });

  test('a single module file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-wip-'));
    writeFileSync(join(dir, 'b.mjs'), BACKEND('single'));
    expect((await loadBackendFrom(join(dir, 'b.mjs'))).backend.name).toBe('single');
  });

  test('an installed package by name', async () => {
    const root = tree();
    expect((await loadBackendFrom('@acme/arch-toy', root)).backend.name).toBe('toy');
  });

  test('something that does not exist is one line naming it', async () => {
    await expect(loadBackendFrom('./nope-not-here', tmpdir())).rejects.toThrow(/^--backend \.\/nope-not-here: not a folder, file or installed package$/);
  });

  test('explicit backends come first and are not loaded twice', async () => {
    const root = tree();
    const { backends } = await discoverBackends({ cwd: root, extra: ['@acme/arch-toy'] });
    expect(backends.filter((b) => b.backend.name === 'toy')).toHaveLength(1);
    expect(backends[0]!.backend.name).toBe('toy');
  });
});

describe('in this workspace', () => {
  test('the built-in backends are found the same way', async () => {
    // arch-x86 and arch-powerpc are devDependencies of this package, so turbo builds them first
    const { backends, problems } = await discoverBackends({ cwd: join(__dirname, '..') });
    expect(problems).toEqual([]);
    expect(backends.map((b) => b.backend.name).sort()).toEqual(expect.arrayContaining(['powerpc', 'x86']));
  });
});
