#!/usr/bin/env node
// Scaffold a new architecture backend package from tooling/generator/template:
//
//   pnpm gen:arch NAME               packages/arch-NAME, @mmsim/arch-NAME
//   pnpm gen:arch NAME --dir DIR     into the workspace rooted at DIR
//   pnpm gen:arch NAME --dry-run     list the files, write nothing
//   pnpm gen:arch NAME --no-register leave the root package.json alone
//
// The package builds, typechecks and passes the conformance suite as soon as
// `pnpm install` has linked it: it holds one worked example layout (a made-up
// 32-bit "toy32" arch) to replace with the real header facts. Besides the
// package it writes a changeset, and registers the package in the root
// package.json devDependencies so that pnpm links it at
// node_modules/@mmsim/arch-NAME, where backend discovery (@mmsim/loader: the
// `mmsim` CLI, mmsim-test) finds it from any folder of the workspace.
// (pnpm's publicHoistPattern would not do: it hoists only packages that some
// workspace package depends on, and nothing depends on a new backend yet.)
//
// Exit status: 0 done, 2 bad usage (one line on stderr).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const TEMPLATE = join(HERE, 'template');
const DEFAULT_ROOT = resolve(HERE, '..', '..');
const SCOPE = '@mmsim';
const USAGE = 'usage: pnpm gen:arch NAME [--dir DIR] [--dry-run] [--no-register]';

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
  const options = { name: undefined, dir: DEFAULT_ROOT, dryRun: false, register: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue; // `pnpm gen:arch -- NAME` passes it through
    if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--no-register') options.register = false;
    else if (arg === '--dir' || arg.startsWith('--dir=')) {
      const value = arg === '--dir' ? argv[++i] : arg.slice('--dir='.length);
      if (!value) throw new UsageError(`gen:arch: option '--dir' needs a value (a workspace root) — ${USAGE}`);
      // relative to where the user typed the command (pnpm runs root scripts from the root)
      options.dir = resolve(process.env.INIT_CWD ?? process.cwd(), value);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new UsageError(`gen:arch: unknown option '${arg}' (valid: --dir, --dry-run, --no-register, --help)`);
    else if (options.name === undefined) options.name = arg;
    else throw new UsageError(`gen:arch: unexpected argument '${arg}' (one NAME only) — ${USAGE}`);
  }
  if (options.name === undefined) throw new UsageError(`gen:arch: missing NAME — ${USAGE}`);
  return options;
}

/** All workspace package names under the usual folders of the root, for the collision check. */
function workspacePackageNames(root) {
  const names = new Set();
  for (const group of ['packages', 'apps', 'tooling']) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      try {
        names.add(JSON.parse(readFileSync(join(base, entry, 'package.json'), 'utf8')).name);
      } catch {
        /* not a package */
      }
    }
  }
  return names;
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
  if (workspacePackageNames(root).has(packageName)) throw new UsageError(`gen:arch: a workspace package is already named ${packageName}`);
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

function plan(names, root, register) {
  const writes = [];
  for (const source of templateFiles()) {
    // `.tmpl` keeps the template's package.json from being taken for a package
    const rel = relative(TEMPLATE, source).replace(/\.tmpl$/, '');
    writes.push({ path: join(names.target, rel), text: fill(readFileSync(source, 'utf8'), names) });
  }
  writes.push({
    path: join(root, '.changeset', `arch-${names.name}.md`),
    text: `---\n"${names.packageName}": minor\n---\n\nNew backend: ${names.name} page-table encodings (scaffolded by \`pnpm gen:arch ${names.name}\`).\n`,
  });
  if (register) {
    const manifestPath = join(root, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const dev = { ...(manifest.devDependencies ?? {}), [names.packageName]: 'workspace:*' };
    manifest.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    writes.push({ path: manifestPath, text: `${JSON.stringify(manifest, null, 2)}\n`, note: `devDependencies += "${names.packageName}": "workspace:*"` });
  }
  return writes;
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
  const writes = plan(names, root, options.register);
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
  console.log(`
Next:
  pnpm install                          # link the new package
  pnpm --filter ${filter}... build
  pnpm --filter ${filter} typecheck
  pnpm --filter ${filter} test          # the conformance suite and the example's golden values
Then replace the example layout (src/v6.18/toy32.ts) with the real one: docs/adding-an-arch.md.`);
}

main();
