#!/usr/bin/env node
// pnpm release:check — what `pnpm release` would publish, checked as a user
// would get it, before anything is published:
//
//   1. build every package (turbo; --skip-build to use the dist folders as they are)
//   2. pack every publishable package under packages/ and apps/ with `pnpm pack`
//      (which rewrites workspace: ranges to real versions, as publishing does)
//   3. publint --strict and attw on each tarball (the pack-lint.mjs checks)
//   4. a fresh project in a temporary folder, every tarball installed into it
//      with npm from the tarballs alone: `npm install --offline ./a.tgz ./b.tgz …`;
//      the external dependencies (commander, picocolors, listr2, fast-check, …)
//      come from the npm cache. When the cache lacks one (a fresh machine: pnpm
//      fills its own store, not npm's cache), --offline fails with ENOTCACHED and
//      the install is retried with --prefer-offline, which fetches just what is
//      missing from the registry and says so in the summary. No @mmsim package
//      may come from anywhere but its tarball: the lockfile is checked for that.
//   5. in that project: import every package from ESM and require it from CJS
//      (same export names both ways), real calls through the public API
//      (compileVariant on an x86 spec, backend discovery finding exactly the packed
//      backend packages, the bundled vectors, a conformance run), the `mmsim-test` bin (vectors --json must report failed
//      0; the default run on x86_64, every backend discovered, must pass) and the `mmsim`
//      bin when @mmsim/cli is in the workspace.
//
// Prints a summary; exits 1 on any problem, 2 on bad usage.
//
//   node tooling/scripts/release-check.mjs [--skip-build] [--exclude @mmsim/NAME]... [--keep]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { lintTarball, packAll, PNPM, pool, publishablePackages, ROOT, run } from './pack-lint.mjs';

const HELP = `usage: node tooling/scripts/release-check.mjs [--skip-build] [--exclude NAME]... [--keep]
  --skip-build    use the dist folders as they are (default: turbo run build first)
  --exclude NAME  leave this package out (not built, packed or installed), e.g. one still being written
  --keep          keep the temporary project and the tarballs (printed at the end)`;

function parseArgs(argv) {
  const settings = { build: true, exclude: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--skip-build') settings.build = false;
    else if (arg === '--keep') settings.keep = true;
    else if (arg === '--exclude' && argv[i + 1]) settings.exclude.push(argv[++i]);
    else if (arg.startsWith('--exclude=')) settings.exclude.push(arg.slice('--exclude='.length));
    else if (arg === '--help' || arg === '-h') {
      console.log(HELP);
      process.exit(0);
    } else {
      console.error(`release-check: unknown argument '${arg}'\n${HELP}`);
      process.exit(2);
    }
  }
  return settings;
}

const settings = parseArgs(process.argv.slice(2));
const started = Date.now();
/** { section, name, ok: true|false|null (skipped), detail, seconds } */
const steps = [];
let problems = 0;

function step(section, name, ok, detail = '', seconds) {
  steps.push({ section, name, ok, detail, seconds });
  if (ok === false) problems++;
  const mark = ok === null ? '-' : ok ? '✓' : '✗';
  console.log(`${mark} ${section.padEnd(8)} ${name}${detail ? `: ${detail}` : ''}${seconds !== undefined ? ` (${seconds.toFixed(1)} s)` : ''}`);
}

function timed(body) {
  const t = Date.now();
  const value = body();
  return { value, seconds: (Date.now() - t) / 1000 };
}

/** The last lines of a command's output, indented, for a failure. */
function tail(text, lines = 25) {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).map((l) => `    ${l}`).join('\n');
}

/**
 * The environment for npm and the smoke tests: without what a `pnpm run`
 * around us put there (npm_config_local_prefix would point npm at the repo),
 * keeping the settings that say how to reach the registry.
 */
function cleanEnv() {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig', 'npm_config_cafile', 'npm_config_proxy', 'npm_config_https_proxy', 'npm_config_noproxy', 'npm_config_strict_ssl']);
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm|pnpm)_/i.test(key) && !keep.has(key.toLowerCase())) continue;
    if (key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

// ---------------------------------------------------------------- 1. build
const all = publishablePackages();
const packages = all.filter((p) => !settings.exclude.includes(p.name));
for (const name of settings.exclude) {
  if (all.some((p) => p.name === name)) step('exclude', name, null, 'left out (--exclude)');
  else step('exclude', name, false, `no publishable package is named so (there are: ${all.map((p) => p.name).join(', ')})`);
}
if (settings.build) {
  const filters = settings.exclude.map((name) => `--filter=!${name}`);
  const { value: build, seconds } = timed(() =>
    // through pnpm, so turbo finds the package manager binary it insists on
    run('npx', ['--yes', PNPM, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only', ...filters], ROOT, { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }),
  );
  step('build', `turbo run build${filters.length ? ` ${filters.join(' ')}` : ''}`, build.status === 0, build.status === 0 ? '' : `failed\n${tail(build.stdout + build.stderr)}`, seconds);
} else {
  step('build', 'skipped (--skip-build): using the dist folders as they are', null);
}

// ---------------------------------------------------------------- 2–3. pack and lint
const work = mkdtempSync(join(tmpdir(), 'mmsim-release-check-'));
const tarballDir = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(tarballDir);
mkdirSync(project);

/** body() timed; its value and the seconds it took. */
async function timedAsync(body) {
  const t = Date.now();
  const value = await body();
  return { value, seconds: (Date.now() - t) / 1000 };
}

// packed in one pnpm process, then linted in this one; reported in order
const packs = await timedAsync(() => packAll(packages, tarballDir));
const packedAndLinted = await pool(packages, async (pkg, i) => {
  const pack = { value: packs.value[i], seconds: i === 0 ? packs.seconds : 0 };
  const lint = pack.value.ok ? await timedAsync(() => lintTarball(pack.value.tarball)) : undefined;
  return { pack, lint };
});
const packed = [];
for (const [i, pkg] of packages.entries()) {
  const { value: result, seconds } = packedAndLinted[i].pack;
  if (!result.ok) {
    step('pack', pkg.name, false, `pnpm pack failed\n${tail(result.output)}`, seconds);
    continue;
  }
  const manifest = JSON.parse(run('tar', ['-xzOf', result.tarball, 'package/package.json'], work).stdout || '{}');
  const workspaceRanges = Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }).filter(([, range]) =>
    String(range).startsWith('workspace:'),
  );
  const ok = workspaceRanges.length === 0;
  step('pack', pkg.name, ok, ok ? `${basename(result.tarball)}, ${result.files.length} files` : `workspace: ranges left in the tarball: ${workspaceRanges.map(([n, r]) => `${n}@${r}`).join(', ')}`, seconds);
  packed.push({ ...pkg, tarball: result.tarball, packedManifest: manifest, lint: packedAndLinted[i].lint });
}
for (const pkg of packed) {
  const { value: lint, seconds } = pkg.lint;
  const ok = lint.publint.ok && lint.attw.ok;
  let detail = `publint ${lint.publint.ok ? 'clean' : 'PROBLEMS'}, attw ${lint.attw.ok ? 'clean' : 'PROBLEMS'}`;
  if (!lint.publint.ok) detail += `\n${tail(lint.publint.output)}`;
  if (!lint.attw.ok) detail += `\n${tail(lint.attw.output)}`;
  step('lint', pkg.name, ok, detail, seconds);
}

// ---------------------------------------------------------------- 4. install into a fresh project
const env = cleanEnv();
const names = packed.map((p) => p.name);
let installed = false;
if (packed.length > 0) {
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'mmsim-release-check', version: '0.0.0', private: true }, null, 2)}\n`);
  // the tarballs sit in the project, so the lockfile names them relatively
  for (const pkg of packed) copyFileSync(pkg.tarball, join(project, basename(pkg.tarball)));
  const tarballs = packed.map((p) => `./${basename(p.tarball)}`);
  const npmInstall = (mode) => run('npm', ['install', mode, '--no-audit', '--no-fund', '--no-update-notifier', ...tarballs], project, env);
  let { value: install, seconds } = timed(() => npmInstall('--offline'));
  let mode = '--offline';
  if (install.status !== 0 && /ENOTCACHED/.test(install.stdout + install.stderr)) {
    // The npm cache lacks an external dependency (a fresh machine: `pnpm install` fills pnpm's store,
    // not npm's cache). Fetch only what is missing; the next run is offline.
    const first = /request to (\S+) failed: cache mode is 'only-if-cached'/.exec(install.stdout + install.stderr)?.[1];
    const retry = timed(() => npmInstall('--prefer-offline'));
    install = retry.value;
    seconds += retry.seconds;
    mode =
      '--prefer-offline: --offline failed with ENOTCACHED (the npm cache lacked external dependencies' +
      `${first ? `, first ${decodeURIComponent(first.replace(/^.*\/\/[^/]+\//, ''))}` : ''}); what was missing came from the registry and is cached for the next run`;
  }
  installed = install.status === 0;
  const how = mode === '--offline' ? 'every external dependency from the npm cache' : mode.slice(mode.indexOf(' ') + 1);
  step('install', `npm install ${mode.split(/[ :]/)[0]} of ${packed.length} tarballs into ${project}`, installed, installed ? how : `failed\n${tail(install.stdout + install.stderr)}`, seconds);
}

if (installed) {
  // Every @mmsim package must be the one from its tarball: once, at the top, resolved to a file.
  const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
  const wrong = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    const name = path.replace(/^.*node_modules\//, '');
    if (!name.startsWith('@mmsim/')) continue;
    if (path !== `node_modules/${name}`) wrong.push(`${path} (a nested copy)`);
    else if (!String(entry.resolved ?? '').startsWith('file:')) wrong.push(`${path} from ${entry.resolved ?? 'the registry'}`);
    else if (!names.includes(name)) wrong.push(`${path} (no tarball of that name)`);
  }
  for (const name of names) if (!lock.packages?.[`node_modules/${name}`]) wrong.push(`${name} is not installed`);
  step('install', 'every @mmsim package comes from its tarball, once', wrong.length === 0, wrong.join('; '));
}

// ---------------------------------------------------------------- 5. use it as a user would
function node(args, label) {
  const result = run(process.execPath, args, project, env);
  if (result.status !== 0) return { ok: false, detail: `${label} failed\n${tail(result.stdout + result.stderr)}` };
  return { ok: true, stdout: result.stdout };
}

if (installed) {
  // every package's export names, from ESM and from CJS: one process each way, a package that fails to load named alone
  const list = (load, keys) =>
    `const out = {}; for (const name of ${JSON.stringify(names)}) { try { const m = ${load}; out[name] = ${keys}; } catch (e) { out[name] = { error: String(e && e.stack || e).split('\\n').slice(0, 5).join('\\n') }; } } console.log(JSON.stringify(out));`;
  const esmAll = node(['--input-type=module', '-e', `${list('await import(name)', "Object.keys(m).filter((k) => k !== 'default').sort()")}`], 'import()');
  const cjsAll = node(['-e', `(async () => { ${list('require(name)', 'Object.keys(m).sort()')} })()`], 'require()');
  const esmByName = esmAll.ok ? JSON.parse(esmAll.stdout) : {};
  const cjsByName = cjsAll.ok ? JSON.parse(cjsAll.stdout) : {};
  for (const pkg of packed) {
    const got = (all, byName, how) => (!all.ok ? all : Array.isArray(byName[pkg.name]) ? { ok: true, names: byName[pkg.name] } : { ok: false, detail: `${how} failed\n${tail(byName[pkg.name]?.error ?? 'no result')}` });
    const esm = got(esmAll, esmByName, 'import()');
    const cjs = got(cjsAll, cjsByName, 'require()');
    const esmNames = esm.ok ? esm.names : [];
    const cjsNames = cjs.ok ? cjs.names : [];
    step('esm', pkg.name, esm.ok && esmNames.length > 0, esm.ok ? `import() gives ${esmNames.length} exports` : esm.detail);
    const same = JSON.stringify(esmNames) === JSON.stringify(cjsNames);
    step(
      'cjs',
      pkg.name,
      cjs.ok && cjsNames.length > 0 && same,
      !cjs.ok ? cjs.detail : same ? `require() gives the same ${cjsNames.length} exports` : `require() and import() differ: only ESM ${esmNames.filter((n) => !cjsNames.includes(n)).join(', ') || '—'}; only CJS ${cjsNames.filter((n) => !esmNames.includes(n)).join(', ') || '—'}`,
    );
  }

  // Real calls through the public API, once through import() and once through require().
  // The backend packages: every packed package with the "mmsim": { "backend" } field. Discovery must
  // find exactly these, whatever they are (a new one from pnpm gen:arch included).
  const backendPackages = packed.filter((p) => p.packedManifest.mmsim?.backend !== undefined).map((p) => p.name).sort();
  const api = `
const has = (name) => ${JSON.stringify(names)}.includes(name);
const backendPackages = ${JSON.stringify(backendPackages)};
async function check(load) {
  const done = [];
  const fail = (message) => { throw new Error(message); };
  if (has('@mmsim/core') && has('@mmsim/arch-x86')) {
    const { compileVariant, hex } = await load('@mmsim/core');
    const { x86_64_2621, x86 } = await load('@mmsim/arch-x86');
    const v = compileVariant(x86_64_2621);
    const pte = v.kernel.swp_entry_to_pte(v.kernel.swp_entry(3, 0x1234n));
    if (pte !== 0x123406n) fail('compileVariant(x86_64 2.6.21): swp_entry_to_pte(swp_entry(3, 0x1234)) = ' + hex(pte, 64) + ', the kernel gives 0x0000000000123406');
    for (const spec of x86.variants) compileVariant(spec);
    done.push('compileVariant(x86_64 2.6.21) swap pte (3, 0x1234) = ' + hex(pte, 64) + ', all ' + x86.variants.length + ' x86 variants compile');
  }
  if (has('@mmsim/core') && has('@mmsim/arch-powerpc')) {
    const { compileVariant } = await load('@mmsim/core');
    const { powerpc } = await load('@mmsim/arch-powerpc');
    for (const spec of powerpc.variants) compileVariant(spec);
    done.push('all ' + powerpc.variants.length + ' powerpc variants compile');
  }
  if (has('@mmsim/conformance') && has('@mmsim/arch-x86')) {
    const c = await load('@mmsim/conformance');
    const { x86 } = await load('@mmsim/arch-x86');
    const files = c.bundledVectorFiles();
    if (files.length === 0) fail('@mmsim/conformance ships no vector files');
    const fs = await load('node:fs');
    const file = files.find((f) => f.endsWith('v6.18-x86_64.json')) ?? fail('no v6.18-x86_64.json among the bundled vector files');
    const parsed = c.parseVectorFile(fs.readFileSync(file, 'utf8'), file);
    const report = c.checkVectorFile(c.variantForVectors(parsed, [x86]), parsed, 'v6.18-x86_64.json');
    if (report.failed !== 0) fail('v6.18-x86_64.json: ' + report.failed + ' failed');
    const results = c.runConformance(c.variantMatrix(x86).slice(0, 2), { numRuns: 5 });
    if (!results.every(c.isGood)) fail('conformance over two x86 variant configurations: ' + results.filter((r) => !c.isGood(r)).map((r) => r.check + ': ' + r.message).join('; '));
    done.push(files.length + ' bundled vector files, v6.18-x86_64.json passes; ' + results.length + ' conformance results good');
  }
  if (has('@mmsim/loader')) {
    const { discoverBackends } = await load('@mmsim/loader');
    const found = await discoverBackends({ from: [process.cwd()] });
    if (found.problems.length) fail('discoverBackends: ' + found.problems.join('; '));
    const origins = found.backends.map((b) => b.origin).sort().join(', ');
    if (origins !== backendPackages.join(', ')) fail('discoverBackends finds ' + (origins || 'none') + ', not the packed backend packages ' + backendPackages.join(', '));
    done.push('discoverBackends finds ' + found.backends.map((b) => b.backend.name).sort().join(', ') + ': every packed backend package');
  }
  if (has('@mmsim/test-runner')) {
    const { builtinBackends, findBackends } = await load('@mmsim/test-runner');
    const installed = await findBackends({ from: [process.cwd()] });
    const origins = installed.backends.map((b) => b.origin).sort().join(', ');
    if (origins !== backendPackages.join(', ')) fail('mmsim-test finds ' + (origins || 'none') + ', not the packed backend packages ' + backendPackages.join(', '));
    const builtin = (await builtinBackends()).map((b) => b.name).sort().join(', ');
    const expected = installed.backends.map((b) => b.backend.name).sort().join(', ');
    if (builtin !== expected) fail('builtinBackends() gives ' + (builtin || 'none') + ', not ' + expected);
    done.push('builtinBackends() gives ' + builtin + ': every packed backend package');
  }
  return done;
}
`;
  for (const [section, code] of [
    ['api esm', `${api}\nconsole.log(JSON.stringify(await check((n) => import(n))));`],
    ['api cjs', `${api}\ncheck(async (n) => require(n)).then((d) => console.log(JSON.stringify(d)), (e) => { console.error(e.message); process.exit(1); });`],
  ]) {
    const result = node(section === 'api esm' ? ['--input-type=module', '-e', code] : ['-e', code], section);
    if (!result.ok) step(section.split(' ')[0], section === 'api esm' ? 'through import()' : 'through require()', false, result.detail);
    else for (const line of JSON.parse(result.stdout.trim().split('\n').at(-1))) step(section.split(' ')[0], section === 'api esm' ? 'import()' : 'require()', true, line);
  }

  // The bins, through npx as a user runs them (--no: never install anything).
  const npx = (args) => run('npx', ['--no', '--', ...args], project, env);
  if (names.includes('@mmsim/test-runner')) {
    const vectors = npx(['mmsim-test', 'vectors', '--json']);
    let detail;
    let ok = false;
    try {
      const report = JSON.parse(vectors.stdout);
      ok = vectors.status === 0 && report.failed === 0 && report.passed > 0;
      detail = `${report.passed} passed, ${report.failed} failed, exit ${vectors.status}`;
    } catch {
      detail = `exit ${vectors.status}, no JSON report\n${tail(vectors.stdout + vectors.stderr)}`;
    }
    step('bin', 'npx mmsim-test vectors --json', ok, detail);

    // The installed bin's default run over the discovered backends, on x86_64 (both eras, every suite;
    // it has THP, so every race file runs; 5 runs per property): the whole matrix is the runner's own
    // test (apps/test-runner/test/run.test.ts) on the same code; here what is checked is that the
    // published files run it, every backend discovered.
    const everything = npx(['mmsim-test', '--reporter', 'json', '--arch', 'x86_64', '--num-runs', '5']);
    try {
      const report = JSON.parse(everything.stdout);
      const backends = report.backends.map((b) => `${b.name} (${b.origin})`).join(', ');
      step(
        'bin',
        'npx mmsim-test --arch x86_64 --num-runs 5 (the default run, backends discovered in node_modules)',
        everything.status === 0 && report.ok === true && report.backends.length >= 2,
        `${report.totals.passed} passed, ${report.totals.failed} failed, ${report.totals.skipped} skipped over ${backends}, exit ${everything.status}`,
      );
    } catch {
      step('bin', 'npx mmsim-test', false, `exit ${everything.status}, no JSON report\n${tail(everything.stdout + everything.stderr)}`);
    }
  } else {
    step('bin', 'mmsim-test', null, '@mmsim/test-runner is not packed (skipped)');
  }
  const cli = packed.find((p) => p.name === '@mmsim/cli');
  if (cli) {
    const version = npx(['mmsim', '--version']);
    step('bin', 'npx mmsim --version', version.status === 0 && version.stdout.trim().endsWith(cli.version), version.status === 0 ? version.stdout.trim() : `exit ${version.status}\n${tail(version.stdout + version.stderr)}`);
    const help = npx(['mmsim', '--help']);
    step('bin', 'npx mmsim --help', help.status === 0 && /usage/i.test(help.stdout + help.stderr), help.status === 0 ? `${help.stdout.trim().split('\n').length} lines of help` : `exit ${help.status}\n${tail(help.stdout + help.stderr)}`);
  } else {
    step('bin', 'mmsim', null, existsSync(join(ROOT, 'apps', 'cli')) ? '@mmsim/cli is excluded or did not pack (skipped)' : 'there is no @mmsim/cli (apps/cli) yet (skipped)');
  }
}

// ---------------------------------------------------------------- summary
const seconds = (Date.now() - started) / 1000;
const counted = steps.filter((s) => s.ok !== null);
console.log('');
console.log(`release-check: ${packed.length} of ${packages.length} packages packed (${packed.map((p) => `${p.name}@${p.version}`).join(', ')})`);
for (const s of steps.filter((x) => x.ok === false)) console.log(`  ✗ ${s.section} ${s.name}: ${s.detail.split('\n')[0]}`);
if (settings.keep || problems > 0) console.log(`release-check: the project and the tarballs are kept in ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`release-check: ${counted.length - problems} passed, ${problems} failed (${seconds.toFixed(1)} s)`);
process.exit(problems > 0 ? 1 : 0);
