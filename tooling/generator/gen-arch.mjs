#!/usr/bin/env node
// Scaffold a new architecture backend package from tooling/generator/template:
//
//   pnpm gen:arch NAME               packages/arch-NAME, @mmsim/arch-NAME
//   pnpm gen:arch NAME --dir DIR     into the workspace rooted at DIR
//   pnpm gen:arch NAME --dry-run     list the files, write nothing
//   pnpm gen:arch NAME --no-register ship it with nothing (see below)
//   pnpm gen:arch NAME --no-install  write the files only; print what to run
//
// The package builds, typechecks and passes the conformance suite as generated: it holds one
// worked example layout (a made-up 32-bit "toy32" arch) to replace with the real header facts.
//
// Besides the package it writes a changeset and registers the backend with the workspace packages
// that ship backends: those that depend on every backend package already in the workspace (in
// `dependencies`; a private package in any group), today @mmsim/cli, @mmsim/test-runner and
// @mmsim/bench. The new package joins their dependencies, with the range they give the others, so
// that they find it beside them as they find the others, publish with it, and turbo builds it
// before their tests and re-runs those when it changes. It adds the matching pnpm-lock.yaml
// entries (lockfile.mjs), links the package (`pnpm install --frozen-lockfile`, which checks those
// entries), builds the workspace and regenerates the docs (the root `docs` script), so the
// repository's own checks pass at once. The root package.json is left alone.
//
// Exit status: 0 done, 1 a step after writing the files failed (its output is printed), 2 bad
// usage (one line on stderr).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addImporter } from './lockfile.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const TEMPLATE = join(HERE, 'template');
const DEFAULT_ROOT = resolve(HERE, '..', '..');
const SCOPE = '@mmsim';
const USAGE = 'usage: pnpm gen:arch NAME [--dir DIR] [--dry-run] [--no-register] [--no-install]';
const PNPM = 'pnpm@10.34.9';

// Identifiers the template declares or imports, and words that cannot name a const.
const TAKEN = new Set(['backend', 'defineBackend', 'BackendV1', 'VariantSpec', 'VARIANTS', 'toy32_618']);
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'implements import in instanceof interface let new null package private protected public return static super switch this ' +
    'throw true try typeof var void while with yield await arguments eval undefined')
    .split(' '),
);

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { name: undefined, dir: DEFAULT_ROOT, dryRun: false, register: true, install: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue; // `pnpm gen:arch -- NAME` passes it through
    if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--no-register') options.register = false;
    else if (arg === '--no-install') options.install = false;
    else if (arg === '--dir' || arg.startsWith('--dir=')) {
      const value = arg === '--dir' ? argv[++i] : arg.slice('--dir='.length);
      if (!value) throw new UsageError(`gen:arch: option '--dir' needs a value (a workspace root) — ${USAGE}`);
      // relative to where the user typed the command (pnpm runs root scripts from the root)
      options.dir = resolve(process.env.INIT_CWD ?? process.cwd(), value);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new UsageError(`gen:arch: unknown option '${arg}' (valid: --dir, --dry-run, --no-register, --no-install, --help)`);
    else if (options.name === undefined) options.name = arg;
    else throw new UsageError(`gen:arch: unexpected argument '${arg}' (one NAME only) — ${USAGE}`);
  }
  if (options.name === undefined) throw new UsageError(`gen:arch: missing NAME — ${USAGE}`);
  return options;
}

/** Every workspace package under the usual folders of the root: { name, dir, manifest }. */
function workspacePackages(root) {
  const found = [];
  for (const group of ['packages', 'apps', 'tooling']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base).sort()) {
      try {
        const manifest = JSON.parse(readFileSync(join(base, entry, 'package.json'), 'utf8'));
        found.push({ name: manifest.name, dir: join(base, entry), manifest });
      } catch {
        /* not a package */
      }
    }
  }
  return found;
}

/**
 * The packages that ship backends, and how: each workspace package that depends on every backend
 * package of the workspace (one with the `"mmsim": { "backend" }` field) in `dependencies` (a
 * private package: in any group), with the group and the range it gives the first of them.
 */
function shippers(packages) {
  const backends = packages.filter((p) => p.manifest.mmsim?.backend !== undefined).map((p) => p.name);
  if (backends.length === 0) return [];
  const out = [];
  for (const p of packages) {
    if (backends.includes(p.name)) continue;
    const groups = p.manifest.private ? ['dependencies', 'devDependencies', 'optionalDependencies'] : ['dependencies'];
    const group = groups.find((g) => backends.every((b) => p.manifest[g]?.[b] !== undefined));
    if (group) out.push({ ...p, group, range: p.manifest[group][backends[0]] });
  }
  return out;
}

function pascal(name) {
  return name
    .split('-')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function validate(name, root) {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) {
    throw new UsageError(
      `gen:arch: invalid NAME '${name}' (valid: lowercase letters, digits and single dashes, starting with a letter, at most 40 characters, e.g. riscv, arm-lpae, s390x)`,
    );
  }
  const camel = pascal(name).replace(/^./, (c) => c.toLowerCase());
  if (RESERVED.has(camel) || TAKEN.has(camel)) throw new UsageError(`gen:arch: invalid NAME '${name}' ('${camel}' cannot name the backend export)`);
  if (!existsSync(join(root, 'pnpm-workspace.yaml'))) throw new UsageError(`gen:arch: ${root} is not a pnpm workspace root (no pnpm-workspace.yaml)`);
  const target = join(root, 'packages', `arch-${name}`);
  const packageName = `${SCOPE}/arch-${name}`;
  if (existsSync(target)) throw new UsageError(`gen:arch: packages/arch-${name} already exists`);
  if (workspacePackages(root).some((p) => p.name === packageName)) throw new UsageError(`gen:arch: a workspace package is already named ${packageName}`);
  return { name, pascal: pascal(name), camel, packageName, target };
}

function templateFiles(dir = TEMPLATE) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...templateFiles(path));
    else out.push(path);
  }
  return out;
}

function fill(text, names) {
  return text.replaceAll('__NAME__', names.name).replaceAll('__PASCAL__', names.pascal).replaceAll('__CAMEL__', names.camel);
}

/** A package.json with `name: range` added to `group`, after the other @mmsim/arch-* entries. */
function withDependency(manifest, group, name, range) {
  const entries = Object.entries(manifest[group] ?? {});
  let at = entries.findLastIndex(([n]) => n.startsWith(`${SCOPE}/arch-`) && n < name);
  if (at < 0) at = entries.findIndex(([n]) => n > name) - 1;
  if (at < -1) at = entries.length - 1;
  entries.splice(at + 1, 0, [name, range]);
  return { ...manifest, [group]: Object.fromEntries(entries) };
}

function plan(names, root, register) {
  const writes = [];
  let manifest;
  for (const source of templateFiles()) {
    // `.tmpl` keeps the template's package.json from being taken for a package
    const rel = relative(TEMPLATE, source).replace(/\.tmpl$/, '');
    const text = fill(readFileSync(source, 'utf8'), names);
    if (rel === 'package.json') manifest = JSON.parse(text);
    writes.push({ path: join(names.target, rel), text });
  }
  const packages = workspacePackages(root);
  const ships = register ? shippers(packages) : [];
  for (const p of ships) {
    const text = `${JSON.stringify(withDependency(p.manifest, p.group, names.packageName, p.range), null, 2)}\n`;
    writes.push({ path: join(p.dir, 'package.json'), text, note: `${p.group} += "${names.packageName}": "${p.range}"` });
  }
  const published = ships.filter((p) => !p.manifest.private).map((p) => p.name);
  const bumps = [names.packageName, ...published].map((n) => `"${n}": minor`).join('\n');
  const shipped = published.length ? ` ${published.join(' and ')} depend on it, so they find it and ship it.` : '';
  writes.push({
    path: join(root, '.changeset', `arch-${names.name}.md`),
    text: `---\n${bumps}\n---\n\nNew backend: ${names.name} page-table encodings (scaffolded by \`pnpm gen:arch ${names.name}\`).${shipped}\n`,
  });
  // the lockfile entries, when pnpm's own would be exactly these (lockfile.mjs); else pnpm resolves
  let lockfile = false;
  const lockPath = join(root, 'pnpm-lock.yaml');
  if (existsSync(lockPath)) {
    const dirOf = new Map([...packages.map((p) => [p.name, p.dir]), [names.packageName, names.target]]);
    const dependents = ships.map((p) => ({ dir: p.dir, name: names.packageName, range: p.range, group: p.group }));
    const text = addImporter(readFileSync(lockPath, 'utf8'), root, { dir: names.target, manifest }, dependents, dirOf);
    if (text !== null) {
      writes.push({ path: lockPath, text, note: `importer ${relative(root, names.target).split(sep).join('/')}${ships.length ? `, and a link to it in ${ships.length} more` : ''}` });
      lockfile = true;
    }
  }
  return { writes, lockfile };
}

/** One step after the files are written: a pnpm command in the workspace; exit 1 with its output when it fails. */
function pnpm(root, args) {
  const result = spawnSync('npx', ['--yes', PNPM, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) return { ok: false, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trimEnd() };
  return { ok: true, output: result.stdout };
}

function main() {
  let options;
  let names;
  try {
    options = parseArgs(process.argv.slice(2));
    names = validate(options.name, options.dir);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
  const root = options.dir;
  const { writes, lockfile } = plan(names, root, options.register);
  const show = (path) => relative(root, path).split(sep).join('/');
  if (options.dryRun) {
    console.log(`gen:arch: would write (dry run, under ${root}):`);
    for (const w of writes) console.log(`  ${show(w.path)}${w.note ? `  (${w.note})` : ''}`);
    return;
  }
  for (const w of writes) {
    mkdirSync(dirname(w.path), { recursive: true });
    writeFileSync(w.path, w.text);
  }
  const filter = names.packageName;
  console.log(`gen:arch: created ${show(names.target)} (${filter}) with ${writes.length} files:`);
  for (const w of writes) console.log(`  ${show(w.path)}${w.note ? `  (${w.note})` : ''}`);
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const docs = rootManifest.scripts?.docs !== undefined;
  const install = lockfile ? ['install', '--frozen-lockfile', '--prefer-offline'] : ['install', '--prefer-offline'];
  const steps = [
    [install, lockfile ? 'link the new package; pnpm checks the lockfile entries written for it' : 'link the new package and resolve its dependencies'],
    [['run', 'build', '--output-logs=errors-only'], 'build the workspace, the new package included'],
    ...(docs ? [[['run', 'docs'], 'regenerate the generated docs (docs/layouts.md, docs/support-matrix.md), which list every backend']] : []),
  ];
  if (!options.install) {
    console.log(`\nNext (--no-install: nothing was installed, built or regenerated):`);
    for (const [args, why] of steps) console.log(`  pnpm ${args.join(' ')}    # ${why}`);
  } else {
    console.log('');
    for (const [args, why] of steps) {
      const t = Date.now();
      process.stdout.write(`gen:arch: ${why}: pnpm ${args.join(' ')} … `);
      const result = pnpm(root, args);
      if (!result.ok) {
        console.log('failed');
        console.error(result.output);
        console.error(`gen:arch: 'pnpm ${args.join(' ')}' failed; the files above are written. Fix the cause, then run the rest of: ${steps.map(([a]) => `pnpm ${a.join(' ')}`).join(', ')}`);
        process.exit(1);
      }
      console.log(`ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    }
  }
  console.log(`
Then:
  pnpm --filter ${filter} test          # the conformance suite and the example's golden values
  replace the example layout (src/v6.18/toy32.ts) with the real one: docs/adding-an-arch.md
  pnpm build && pnpm docs               # after every change to the layouts (pnpm docs:check fails on stale docs)`);
}

main();
