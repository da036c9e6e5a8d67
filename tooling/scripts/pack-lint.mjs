#!/usr/bin/env node
// Pack every publishable workspace package with pnpm (which rewrites
// `workspace:` ranges as a publish would) and lint the tarballs offline:
// publint for package.json/exports hygiene, attw for the types each
// resolution mode (node10, node16 CJS/ESM, bundler) would see.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = mkdtempSync(join(tmpdir(), 'mmsim-pack-'));

function packages() {
  const dirs = [];
  for (const group of ['packages', 'apps']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const manifest = join(base, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (!pkg.private) dirs.push({ dir: join(base, name), name: pkg.name });
    }
  }
  return dirs;
}

function run(cmd, args, cwd) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
}

let problems = 0;
for (const { dir, name } of packages()) {
  const pack = run('npx', ['--yes', 'pnpm@10.34.9', 'pack', '--pack-destination', out], dir);
  if (pack.status !== 0) {
    console.log(`✗ ${name}: pnpm pack failed\n${pack.stderr}`);
    problems++;
    continue;
  }
  const tarball = join(out, readdirSync(out).find((f) => f.startsWith(name.replace('@', '').replace('/', '-')) && f.endsWith('.tgz')));
  const publint = run(bin('publint'), ['run', tarball, '--strict'], dir);
  const publintClean = publint.status === 0 && !/\b(warning|error|suggestion)s?\b/i.test(publint.stdout.replace(/All good!/, ''));
  const attw = run(bin('attw'), [tarball, '--format', 'table-flipped', '--no-emoji'], dir);
  const attwClean = attw.status === 0;
  console.log(`${publintClean && attwClean ? '✓' : '✗'} ${name}: publint ${publintClean ? 'clean' : 'PROBLEMS'}, attw ${attwClean ? 'clean' : 'PROBLEMS'}`);
  if (!publintClean) console.log(publint.stdout + publint.stderr);
  if (!attwClean) console.log(attw.stdout + attw.stderr);
  if (!publintClean || !attwClean) problems++;
}
rmSync(out, { recursive: true, force: true });
if (problems) {
  console.log(`pack-lint: ${problems} package(s) with problems`);
  process.exit(1);
}
console.log('pack-lint: every package is clean');
