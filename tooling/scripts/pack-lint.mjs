#!/usr/bin/env node
// Pack every publishable workspace package with pnpm (which rewrites
// `workspace:` ranges as a publish would) and lint the tarballs offline:
// publint for package.json/exports hygiene, attw for the types each
// resolution mode (node10, node16 CJS/ESM, bundler) would see.
//
// Run alone (`pnpm lint:pack`) it packs into a temporary folder and removes
// it; release-check.mjs imports the same functions and keeps the tarballs.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PNPM = 'pnpm@10.34.9';
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = (name) => join(ROOT, 'node_modules', '.bin', name);

/**
 * How to run pnpm: the one running us when we run under `pnpm run` (npm_execpath
 * names it), which saves npx's ~0.6 s resolution per call; else through npx.
 */
export const PNPM_COMMAND = /pnpm/.test(basename(process.env['npm_execpath'] ?? '')) ? [process.execPath, process.env['npm_execpath']] : ['npx', '--yes', PNPM];

/** Run a command to completion, output captured; colours off. */
export function run(cmd, args, cwd, env = process.env) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', error: result.error };
}

/** Every package under packages/ and apps/ that is not private: { dir, name, version, manifest }. */
export function publishablePackages() {
  const out = [];
  for (const group of ['packages', 'apps']) {
    const base = join(ROOT, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base).sort()) {
      const manifestPath = join(base, entry, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (!manifest.private) out.push({ dir: join(base, entry), name: manifest.name, version: manifest.version, manifest });
    }
  }
  return out;
}

/** The same as run(), without waiting: several at once. */
export function runAsync(cmd, args, cwd, env = process.env) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd, env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', (error) => done({ status: null, stdout, stderr, error }));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** body(item) for every item, `limit` at a time (default: one per core); the results in order. */
export async function pool(items, body, limit = availableParallelism()) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await body(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * `pnpm pack` every package of `packages` into `out` in one pnpm process (`pnpm -r --filter NAME …
 * pack --json`): each pnpm start costs about a second, a pack a few milliseconds. Returns, in the
 * order given, { ok, tarball, files, output } per package.
 */
export async function packAll(packages, out) {
  const filters = packages.flatMap((p) => ['--filter', p.name]);
  const pack = await runAsync(PNPM_COMMAND[0], [...PNPM_COMMAND.slice(1), '-r', ...filters, 'pack', '--pack-destination', out, '--json'], ROOT);
  const failed = (why) => packages.map(() => ({ ok: false, output: why }));
  if (pack.status !== 0) return failed(pack.stdout + pack.stderr);
  let list;
  try {
    list = JSON.parse(pack.stdout.slice(pack.stdout.search(/[[{]/)));
  } catch {
    return failed(`cannot read pnpm pack's --json output:\n${pack.stdout}${pack.stderr}`);
  }
  const byName = new Map((Array.isArray(list) ? list : [list]).map((j) => [j.name, j]));
  return packages.map((pkg) => {
    const json = byName.get(pkg.name);
    if (!json) return { ok: false, output: `pnpm -r pack did not pack ${pkg.name}` };
    return { ok: true, tarball: resolve(out, json.filename), files: json.files?.map((f) => f.path) ?? [], output: '' };
  });
}

/**
 * publint --strict and attw on one tarball: { publint: {ok, output}, attw: {ok, output} }. Both run
 * in this process through their libraries (the checks their CLIs run, `publint run TARBALL --strict`
 * and `attw TARBALL`): attw's CLI loads the TypeScript compiler again for every package (2 s of CPU
 * each, most of this check's cost), here it is loaded once.
 */
export async function lintTarball(tarball) {
  const [{ publint }, { formatMessage }, attw] = await Promise.all([import('publint'), import('publint/utils'), import('@arethetypeswrong/core')]);
  const data = readFileSync(tarball);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  // publint: every message counts (--strict makes warnings errors; a suggestion is a problem here too)
  let publintResult;
  try {
    const { messages, pkg } = await publint({ pack: { tarball: bytes.slice().buffer }, strict: true, level: 'suggestion' });
    publintResult = { ok: messages.length === 0, output: messages.map((m, i) => `${i + 1}. ${formatMessage(m, pkg) ?? m.code}`).join('\n') };
  } catch (error) {
    publintResult = { ok: false, output: `publint failed: ${error?.message ?? error}` };
  }
  // attw: any problem in any resolution mode (node10, node16 CJS and ESM, bundler) fails, as the CLI's exit code does
  let attwResult;
  try {
    const analysis = await attw.checkPackage(attw.createPackageFromTarballData(bytes));
    const problems = analysis.types ? analysis.problems : [];
    attwResult = {
      ok: problems.length === 0,
      output: problems.map((p) => `${p.kind}${p.entrypoint ? ` ${p.entrypoint}` : ''}${p.resolutionKind ? ` (${p.resolutionKind})` : ''}${p.fileName ? ` ${p.fileName}` : ''}`).join('\n'),
    };
  } catch (error) {
    attwResult = { ok: false, output: `attw failed: ${error?.message ?? error}` };
  }
  return { publint: publintResult, attw: attwResult };
}

async function main() {
  const out = mkdtempSync(join(tmpdir(), 'mmsim-pack-'));
  let problems = 0;
  try {
    const packages = publishablePackages();
    const packs = await packAll(packages, out);
    const results = await pool(packages, async (pkg, i) => {
      const packed = packs[i];
      return { packed, lint: packed.ok ? await lintTarball(packed.tarball) : undefined };
    });
    for (const [i, pkg] of packages.entries()) {
      const { packed, lint } = results[i];
      if (!packed.ok) {
        console.log(`✗ ${pkg.name}: pnpm pack failed\n${packed.output}`);
        problems++;
        continue;
      }
      const { publint, attw } = lint;
      console.log(`${publint.ok && attw.ok ? '✓' : '✗'} ${pkg.name}: publint ${publint.ok ? 'clean' : 'PROBLEMS'}, attw ${attw.ok ? 'clean' : 'PROBLEMS'}`);
      if (!publint.ok) console.log(publint.output);
      if (!attw.ok) console.log(attw.output);
      if (!publint.ok || !attw.ok) problems++;
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  if (problems) {
    console.log(`pack-lint: ${problems} package(s) with problems`);
    process.exit(1);
  }
  console.log('pack-lint: every package is clean');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
