#!/usr/bin/env node
// CI check for `pnpm gen:arch`: scaffold a backend into a scratch copy of the
// repository and prove it works as generated, the way a contributor would use it.
//
//   node tooling/generator/check-gen-arch.mjs [--name demo] [--tracked-only] [--skip-runner] [--skip-build] [--keep]
//
// 1. copy the repository into a temp dir: the files `git ls-files` lists
//    (tracked, plus untracked files that are not ignored unless --tracked-only;
//    never node_modules, dist or caches)
// 2. node tooling/generator/gen-arch.mjs NAME --dir TEMP (it needs no
//    dependencies), then pnpm install --prefer-offline there
// 3. the workspace packages as built here: `turbo run build` in this repository
//    (all cached after CI's own build step), their dist folders copied into
//    the temp copy; the copy's sources are the same files, so building them
//    again there would check nothing new (--skip-build: the dist folders as
//    they are, as after CI's build; nothing here then writes to this repository)
// 4. build @mmsim/arch-NAME, the one new package
// 5. typecheck it and run its tests (the conformance suite and the golden values)
// 6. discovery: @mmsim/loader's discoverBackends finds it from the package's own
//    folder, from apps/test-runner and from the root; the conformance suite runs
//    on the discovered backend with every result good
// 7. mmsim-test conformance --arch NAME --json, through the runner's own discovery
// 8. mmsim limits --arch NAME --json: the CLI lists the new backend at once
//    (--skip-runner leaves out steps 7 and 8)
//
// Exit status: 0 all good, 1 a step failed (its output is printed), 2 bad usage.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PNPM = 'pnpm@10.34.9';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
let name = 'demo';
let trackedOnly = false;
let keep = false;
let skipRunner = false;
let skipBuild = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--name') name = args[++i] ?? '';
  else if (args[i] === '--tracked-only') trackedOnly = true;
  else if (args[i] === '--keep') keep = true;
  else if (args[i] === '--skip-runner') skipRunner = true;
  else if (args[i] === '--skip-build') skipBuild = true;
  else {
    console.error(`check-gen-arch: unknown argument '${args[i]}' (valid: --name NAME, --tracked-only, --skip-runner, --skip-build, --keep)`);
    process.exit(2);
  }
}
const packageName = `@mmsim/arch-${name}`;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
const started = Date.now();
const timings = [];
let temp;

function fail(message, output = '') {
  if (output) console.error(output.trimEnd());
  console.error(`check-gen-arch: FAILED: ${message}`);
  if (temp && !keep) rmSync(temp, { recursive: true, force: true });
  else if (temp) console.error(`check-gen-arch: kept ${temp}`);
  process.exit(1);
}

async function step(title, body) {
  const t0 = Date.now();
  process.stdout.write(`• ${title} … `);
  const detail = await body();
  const seconds = (Date.now() - t0) / 1000;
  timings.push([title, seconds]);
  console.log(`ok (${seconds.toFixed(1)}s)${detail ? ` ${detail}` : ''}`);
}

function run(cmd, cmdArgs, cwd, what = `${cmd} ${cmdArgs.join(' ')}`) {
  const result = spawnSync(cmd, cmdArgs, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    console.log('');
    fail(`'${what}' exited ${result.status ?? result.signal}`, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout;
}
const pnpm = (pnpmArgs, cwd = temp) => run('npx', ['--yes', PNPM, ...pnpmArgs], cwd, `pnpm ${pnpmArgs.join(' ')}`);

await step(`copy the repository (git ls-files${trackedOnly ? '' : ' --others --exclude-standard'})`, () => {
  temp = mkdtempSync(join(tmpdir(), 'mmsim-gen-arch-'));
  const list = run('git', ['ls-files', '-z', '--cached', ...(trackedOnly ? [] : ['--others', '--exclude-standard'])], root);
  let copied = 0;
  for (const rel of new Set(list.split('\0').filter(Boolean))) {
    const from = join(root, rel);
    if (!existsSync(from) || !statSync(from).isFile()) continue; // deleted in the working tree
    mkdirSync(dirname(join(temp, rel)), { recursive: true });
    copyFileSync(from, join(temp, rel));
    copied++;
  }
  if (existsSync(join(temp, 'packages', `arch-${name}`))) fail(`packages/arch-${name} is part of the repository: pick another --name`);
  return `${copied} files → ${temp}`;
});

await step(`pnpm gen:arch ${name} --dir TEMP --dry-run, then for real`, () => {
  const gen = join(temp, 'tooling', 'generator', 'gen-arch.mjs');
  const dry = run('node', [gen, name, '--dir', temp, '--dry-run'], temp);
  if (existsSync(join(temp, 'packages', `arch-${name}`))) fail('--dry-run wrote files');
  const listed = dry.split('\n').filter((l) => l.startsWith('  ')).length;
  run('node', [gen, name, '--dir', temp], temp);
  // the same name again must be refused with a one-line error and exit 2
  const again = spawnSync('node', [gen, name, '--dir', temp], { cwd: temp, env, encoding: 'utf8' });
  if (again.status !== 2 || again.stderr.trim().split('\n').length !== 1) fail(`generating ${name} twice: expected exit 2 with one line, got ${again.status}`, again.stderr);
  return `${listed} files`;
});

await step('pnpm install --prefer-offline (links the new package)', () => void pnpm(['install', '--prefer-offline', '--no-frozen-lockfile', '--reporter=silent']));

const folders = ['packages', 'apps'];
await step(`the workspace packages as built in this repository (${skipBuild ? '--skip-build: as they are' : 'turbo run build here'}, dist folders copied)`, () => {
  if (!skipBuild) pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], root);
  let copied = 0;
  for (const folder of folders) {
    for (const pkg of readdirSync(join(root, folder))) {
      const dist = join(root, folder, pkg, 'dist');
      if (!existsSync(dist) || !existsSync(join(temp, folder, pkg, 'package.json'))) continue;
      cpSync(dist, join(temp, folder, pkg, 'dist'), { recursive: true });
      copied++;
    }
  }
  return `${copied} dist folders`;
});

await step(`build ${packageName}`, () => void pnpm(['--filter', packageName, 'run', 'build']));

await step(`typecheck ${packageName}`, () => void pnpm(['--filter', packageName, 'run', 'typecheck']));

await step(`test ${packageName} (vitest)`, () => {
  const out = pnpm(['--filter', packageName, 'run', 'test']);
  const tests = /Tests\s+(\d+) passed/.exec(out)?.[1];
  if (!tests) fail('vitest printed no passed-tests line', out);
  return `${tests} tests passed`;
});

await step('discovery and conformance through @mmsim/loader', async () => {
  const { discoverBackends } = await import(pathToFileURL(join(temp, 'packages', 'loader', 'dist', 'index.js')).href);
  const { runConformance, variantMatrix, isGood } = await import(pathToFileURL(join(temp, 'packages', 'conformance', 'dist', 'index.js')).href);
  let found;
  for (const from of [join(temp, 'packages', `arch-${name}`), join(temp, 'apps', 'test-runner'), temp]) {
    const { backends, problems } = await discoverBackends({ cwd: from });
    if (problems.length) fail(`discovery from ${from} reported problems`, problems.join('\n'));
    found = backends.find((b) => b.origin === packageName);
    if (!found) fail(`discoverBackends from ${from} did not find ${packageName} (found: ${backends.map((b) => b.origin).join(', ') || 'none'})`);
  }
  if (found.backend.name !== name) fail(`the discovered backend is named '${found.backend.name}', expected '${name}'`);
  const results = runConformance(variantMatrix(found.backend), { numRuns: 100 });
  const bad = results.filter((r) => !isGood(r));
  if (bad.length) fail(`conformance: ${bad.length} failures`, bad.map((r) => `${r.variant} ${r.check}: ${r.message}`).join('\n'));
  const passed = results.filter((r) => r.status === 'pass').length;
  if (passed === 0) fail('conformance: nothing passed');
  return `${found.backend.variants.length} variant(s), ${passed} checks passed, ${results.length - passed} skipped`;
});

if (!skipRunner) await step(`mmsim-test conformance --arch ${name} (the runner's own discovery)`, () => {
  const out = run('node', [join(temp, 'apps', 'test-runner', 'dist', 'bin.js'), 'conformance', '--arch', name, '--json'], temp, `mmsim-test conformance --arch ${name} --json`);
  const report = JSON.parse(out);
  const rows = report.matrix.filter((r) => r.backend === name);
  if (!report.good || rows.length === 0) fail(`mmsim-test conformance --arch ${name}: good=${report.good}, ${rows.length} rows`, out);
  return `${rows.length} variant configurations, ${report.passed} passed`;
});

if (!skipRunner) await step(`mmsim limits --arch ${name} (the CLI's own discovery, run from the repo root)`, () => {
  const out = run('node', [join(temp, 'apps', 'cli', 'dist', 'bin.js'), 'limits', '--arch', name, '--json'], temp, `mmsim limits --arch ${name} --json`);
  const report = JSON.parse(out);
  const rows = report.variants.filter((v) => v.id.startsWith(name) || v.variant.startsWith(name));
  if (rows.length === 0) fail(`mmsim limits --arch ${name}: the new backend's variants are not listed`, out);
  return `${rows.length} variant(s) listed: ${rows.map((r) => r.variant).join(', ')}`;
});

if (!keep) rmSync(temp, { recursive: true, force: true });
else console.log(`kept ${temp}`);
const total = (Date.now() - started) / 1000;
console.log(`check-gen-arch: ok — ${packageName} generated, built, tested and discovered in ${total.toFixed(1)}s`);
