#!/usr/bin/env node
// CI check for `pnpm gen:arch`: a generated backend must leave the whole repository green. It
// scaffolds a backend into a scratch copy of the repository, as a contributor would, and runs the
// repository's full test command there, so that any test, script or doc that lists the backends or
// counts their variants fails here.
//
//   node tooling/generator/check-gen-arch.mjs [--name demo] [--tracked-only] [--keep] [--quick]
//
// The test command runs it with --quick, beside its tests (a turbo task after the builds): what a
// generated backend can break on its own, without rebuilding what ships backends. Step 1 also copies
// the built dist/ of apps/cli and apps/test-runner (their bundles keep every backend external and find
// backends at run time through their package.json, so a new backend changes no byte of them); step 2
// runs gen:arch with --no-install, then `pnpm install --frozen-lockfile --offline` (which checks the
// lockfile lines gen:arch wrote), builds packages/* (cache hits but the new one), typechecks and tests
// the new package, and regenerates the docs, which list every backend; step 4 runs as below, so the
// registration is checked by the CLIs' own discovery. Without --quick (`pnpm check:gen-arch`, before
// changing the generator, a template or anything that lists backends) gen:arch installs, builds and
// documents as a contributor's run does, and step 3 runs the whole test command in the copy: every
// test, script and doc that lists the backends or counts their variants. That costs a second test
// command (~80 s on a 2-core machine); the test command must stay under two minutes (issue 10), so it
// is the separate command.
//
// 1. copy the repository into a temp dir: the files `git ls-files` lists (tracked, plus untracked
//    files that are not ignored unless --tracked-only; never node_modules, dist or caches)
// 2. node tooling/generator/gen-arch.mjs NAME --dir TEMP: --dry-run first (it must write nothing),
//    then for real, as `pnpm gen:arch NAME` does it: the package, its registration with the
//    packages that ship backends, the lockfile entries, `pnpm install --frozen-lockfile`, the
//    build and the regenerated docs. Generating NAME again must be refused (one line, exit 2), and
//    the root package.json must be left alone (docs/adding-an-arch.md says so).
// 3. the README's test command there (`npm run test:all`, i.e. tooling/scripts/bootstrap.mjs test:
//    install, then `pnpm run ci:test`: build, typecheck and test every package, docs:check,
//    release:check, the bench smoke), with turbo's cache pointed at this repository's cache
//    (TURBO_CACHE_DIR). A task whose inputs the new backend does not change is a cache hit there,
//    replayed; the packages that depend on it (the ones that ship backends, and what depends on
//    them) and the new package itself run for real. The scripts outside turbo (docs:check,
//    release:check, the bench smoke) always run. This check itself, started again inside the copy
//    by ci:test, skips there with that reason.
// 4. mmsim-test and mmsim, as built in the copy, list the new backend.
//
// Turbo's cache is only right if every task declares what it reads: gen:arch makes the new backend
// a dependency of the packages that discover backends, so their hashes change with it. Were one of
// them to discover a backend it does not depend on, its cached result would be replayed here, and
// the check would say so only through step 4.
//
// Exit status: 0 all good (or skipped inside its own copy), 1 a step failed (its output is
// printed), 2 bad usage.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const INSIDE = 'MMSIM_CHECK_GEN_ARCH_COPY';
if (process.env[INSIDE]) {
  console.log(`check-gen-arch: skipped: this is the copy it generated '${process.env[INSIDE]}' into (the outer check runs this test command here)`);
  process.exit(0);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
let name = 'demo';
let trackedOnly = false;
let keep = false;
let quick = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--name') name = args[++i] ?? '';
  else if (args[i] === '--tracked-only') trackedOnly = true;
  else if (args[i] === '--keep') keep = true;
  else if (args[i] === '--quick') quick = true;
  else {
    console.error(`check-gen-arch: unknown argument '${args[i]}' (valid: --name NAME, --tracked-only, --keep, --quick)`);
    process.exit(2);
  }
}
const packageName = `@mmsim/arch-${name}`;
const started = Date.now();
let temp;

/**
 * This repository's turbo cache: TURBO_CACHE_DIR if set, else .turbo/cache in the main working
 * tree (turbo shares one cache between the git worktrees of a repository), as turbo finds it.
 */
function turboCacheDir() {
  const set = process.env.TURBO_CACHE_DIR;
  if (set) return isAbsolute(set) ? set : resolve(root, set);
  const common = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' });
  const main = common.status === 0 ? dirname(common.stdout.trim()) : root;
  return join(main, '.turbo', 'cache');
}

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  TURBO_CACHE_DIR: turboCacheDir(),
  [INSIDE]: name,
};

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
  console.log(`ok (${((Date.now() - t0) / 1000).toFixed(1)}s)${detail ? ` ${detail}` : ''}`);
}

function run(cmd, cmdArgs, cwd, what = `${cmd} ${cmdArgs.join(' ')}`) {
  const result = spawnSync(cmd, cmdArgs, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) {
    console.log('');
    fail(`'${what}' exited ${result.status ?? result.signal}`, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  }
  return result.stdout;
}

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
  if (quick) {
    for (const app of ['cli', 'test-runner']) {
      const dist = join(root, 'apps', app, 'dist');
      if (!existsSync(join(dist, 'bin.js'))) fail(`apps/${app} is not built (--quick uses its dist/): run pnpm build first`);
      cpSync(dist, join(temp, 'apps', app, 'dist'), { recursive: true });
    }
  }
  return `${copied} files${quick ? ' and the dist/ of apps/cli and apps/test-runner' : ''} → ${temp}`;
});

await step(`pnpm gen:arch ${name} --dir TEMP: --dry-run, then for real (${quick ? '--no-install' : 'install, build, docs'})`, () => {
  const gen = join(temp, 'tooling', 'generator', 'gen-arch.mjs');
  const rootManifest = readFileSync(join(temp, 'package.json'), 'utf8');
  const dry = run('node', [gen, name, '--dir', temp, '--dry-run'], temp);
  if (existsSync(join(temp, 'packages', `arch-${name}`))) fail('--dry-run wrote files');
  const listed = dry.split('\n').filter((l) => l.startsWith('  ')).length;
  run('node', [gen, name, '--dir', temp, ...(quick ? ['--no-install'] : [])], temp, `pnpm gen:arch ${name}`);
  if (readFileSync(join(temp, 'package.json'), 'utf8') !== rootManifest) fail('gen:arch changed the root package.json, which docs/adding-an-arch.md says it leaves alone');
  // the same name again must be refused with a one-line error and exit 2
  const again = spawnSync('node', [gen, name, '--dir', temp], { cwd: temp, env, encoding: 'utf8' });
  if (again.status !== 2 || again.stderr.trim().split('\n').length !== 1) fail(`generating ${name} twice: expected exit 2 with one line, got ${again.status}`, again.stderr);
  return `${listed} files`;
});

if (quick) {
  await step(`install (frozen lockfile), build packages/*, the new package's typecheck and tests, pnpm docs, in the copy (turbo cache: ${env.TURBO_CACHE_DIR})`, () => {
    // the pnpm the repository names (package.json packageManager), as bootstrap.mjs runs it
    const manager = JSON.parse(readFileSync(join(temp, 'package.json'), 'utf8')).packageManager;
    const pnpm = (args, what) => run('npx', ['--yes', manager, ...args], temp, `${what} (in the copy)`);
    pnpm(['install', '--frozen-lockfile', '--offline'], 'pnpm install --frozen-lockfile --offline');
    const built = pnpm(['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], 'turbo run build --filter=./packages/*');
    const tested = pnpm(['exec', 'turbo', 'run', 'typecheck', 'test', `--filter=${packageName}`, '--output-logs=errors-only'], `turbo run typecheck test --filter=${packageName}`);
    pnpm(['run', '--silent', 'docs'], 'pnpm docs');
    const cached = /^\s*Cached:\s+(\d+) cached, (\d+) total/m.exec(built);
    const tasks = /^\s*Tasks:\s+(\d+) successful/m.exec(tested);
    return [cached && `build: ${cached[1]} of ${cached[2]} cached`, tasks && `${tasks[1]} tasks of ${packageName}`].filter(Boolean).join('; ');
  });
} else {
  await step(`the README's test command in the copy (npm run test:all; turbo cache: ${env.TURBO_CACHE_DIR})`, () => {
    const out = run('node', [join(temp, 'tooling', 'scripts', 'bootstrap.mjs'), 'test'], temp, 'npm run test:all (in the copy)');
    // what turbo ran for real and what it replayed: the honest cost of this check
    const ran = [...out.matchAll(/^(\S+):(\S+): cache miss, executing/gm)].map((m) => `${m[1]}#${m[2]}`);
    const summary = /^\s*Cached:\s+(\d+) cached, (\d+) total/m.exec(out);
    const detail = summary ? `turbo: ${summary[1]} of ${summary[2]} tasks cached; ran ${ran.length}: ${ran.join(', ')}` : '';
    const tests = /^tests: .*$/m.exec(out)?.[0];
    // where the time went: turbo's run, then each script after it
    const times = [/^\s*Time:\s+(\S+)/m.exec(out)?.[1] && `turbo ${/^\s*Time:\s+(\S+)/m.exec(out)[1]}`, ...[...out.matchAll(/^parallel: '(.*?)' ok \(([\d.]+ s)\)$/gm)].map((m) => `${m[1].split(' ').slice(0, 2).join(' ')} ${m[2]}`)];
    return [detail, tests && `(${tests}, of the packages that ran)`, times.filter(Boolean).join(', ')].filter(Boolean).join('; ');
  });
}

await step(`mmsim-test and mmsim in the copy list ${packageName}`, () => {
  const conformance = JSON.parse(run('node', [join(temp, 'apps', 'test-runner', 'dist', 'bin.js'), 'conformance', '--arch', name, '--json', '--num-runs', '20'], temp, `mmsim-test conformance --arch ${name} --json`));
  const rows = conformance.matrix.filter((r) => r.backend === name);
  if (!conformance.good || rows.length === 0) fail(`mmsim-test conformance --arch ${name}: good=${conformance.good}, ${rows.length} rows`);
  const limits = JSON.parse(run('node', [join(temp, 'apps', 'cli', 'dist', 'bin.js'), 'limits', '--arch', name, '--json'], temp, `mmsim limits --arch ${name} --json`));
  if (limits.variants.length === 0) fail(`mmsim limits --arch ${name}: the new backend's variants are not listed`);
  return `${rows.length} variant configurations conform; ${limits.variants.map((v) => v.variant).join(', ')}`;
});

if (!keep) rmSync(temp, { recursive: true, force: true });
else console.log(`kept ${temp}`);
console.log(`check-gen-arch: ok — ${packageName} generated, and ${quick ? 'its own checks, registration and docs passed (--quick)' : 'the whole test command passed with it'}, in ${((Date.now() - started) / 1000).toFixed(1)}s`);
