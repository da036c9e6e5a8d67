// The pnpm-lock.yaml entries for a generated backend, written the way pnpm writes them.
//
// A generated package depends only on workspace packages (`workspace:` ranges), and so does each
// package that ships it, so the lockfile entries are fully determined: an importer for the new
// package and one more `link:` dependency in each shipping package's importer. Writing exactly
// those keeps the lockfile diff to the new lines. Letting `pnpm install` re-resolve the whole
// workspace instead rewrites unrelated entries (this repository's lockfile, for one, gains the
// optional platform packages of rollup and turbo), which changes turbo's global hash: every task
// of every package then misses the cache, although nothing they depend on changed.
//
// pnpm itself checks the result: gen-arch.mjs installs with --frozen-lockfile, which refuses a
// lockfile that does not match the manifests. Anything this module cannot write (an external
// dependency in the template, a lockfile in a format it does not know) returns null, and the
// caller lets pnpm resolve instead.
import { posix, relative, sep } from 'node:path';

const WORKSPACE_RANGE = /^workspace:/;
const GROUPS = ['dependencies', 'devDependencies', 'optionalDependencies'];

/** A YAML key as pnpm writes a package name: quoted when it starts with '@'. */
const key = (name) => (name.startsWith('@') ? `'${name}'` : name);
const unquote = (text) => text.replace(/^'(.*)'$/, '$1');
const toPosix = (path) => path.split(sep).join(posix.sep);

/** The dependency lines of one group, in pnpm's order (by name). */
function groupLines(group, deps) {
  const names = Object.keys(deps).sort();
  if (names.length === 0) return [];
  return [`    ${group}:`, ...names.flatMap((name) => [`      ${key(name)}:`, `        specifier: ${deps[name].specifier}`, `        version: ${deps[name].version}`])];
}

/**
 * The lockfile text with the new importer added and a dependency on it added to each shipping
 * importer, or null when that cannot be done by hand.
 *
 * - text: pnpm-lock.yaml as it is
 * - root: the workspace root
 * - importer: { dir, manifest } of the new package
 * - dependents: [{ dir, name, range, group }]: add `name@range` (a workspace range) to `dir`'s `group`
 * - dirOf: package name → folder, for every workspace package
 */
export function addImporter(text, root, importer, dependents, dirOf) {
  const lines = text.split('\n');
  if (!/^lockfileVersion: '9\.\d+'$/.test(lines[0] ?? '')) return null;
  const start = lines.indexOf('importers:');
  if (start < 0) return null;
  let end = lines.findIndex((line, i) => i > start && /^\S/.test(line));
  if (end < 0) end = lines.length;
  const importerPath = (dir) => toPosix(relative(root, dir)) || '.';
  const link = (from, name) => (dirOf.has(name) ? `link:${toPosix(relative(from, dirOf.get(name)))}` : null);

  // the new importer's block
  const block = [`  ${importerPath(importer.dir)}:`];
  for (const group of GROUPS) {
    const deps = {};
    for (const [name, specifier] of Object.entries(importer.manifest[group] ?? {})) {
      const version = WORKSPACE_RANGE.test(specifier) ? link(importer.dir, name) : null;
      if (!version) return null; // an external dependency: pnpm has to resolve it
      deps[name] = { specifier, version };
    }
    block.push(...groupLines(group, deps));
  }
  if (block.length === 1) block[0] += ' {}';

  // the importers section as blocks: [path, lines]; each block ends with its blank line
  const blocks = [];
  for (let i = start + 1; i < end; i++) {
    const match = /^ {2}(\S.*?):( \{\})?$/.exec(lines[i]);
    if (match) blocks.push([unquote(match[1]), [lines[i]]]);
    else if (blocks.length) blocks.at(-1)[1].push(lines[i]);
    else if (lines[i] !== '') return null;
  }
  const path = importerPath(importer.dir);
  if (blocks.some(([p]) => p === path)) return null;

  for (const dependent of dependents) {
    const target = blocks.find(([p]) => p === importerPath(dependent.dir));
    if (!target) return null;
    const body = target[1];
    const version = link(dependent.dir, dependent.name);
    if (!version || !WORKSPACE_RANGE.test(dependent.range)) return null;
    const group = dependent.group ?? 'dependencies';
    if (!GROUPS.includes(group)) return null;
    const at = body.indexOf(`    ${group}:`);
    const entry = [`      ${key(dependent.name)}:`, `        specifier: ${dependent.range}`, `        version: ${version}`];
    if (at < 0) {
      // no such group yet: before the groups that sort after it (pnpm's order is GROUPS')
      if (body[0].endsWith(' {}')) body[0] = body[0].slice(0, -3);
      const later = GROUPS.slice(GROUPS.indexOf(group) + 1).map((g) => body.indexOf(`    ${g}:`)).filter((i) => i >= 0);
      const where = later.length ? Math.min(...later) : body.findLastIndex((l) => l !== '') + 1;
      body.splice(where, 0, `    ${group}:`, ...entry);
      continue;
    }
    // the first dependency of that group whose name sorts after the new one, or the group's end
    let i = at + 1;
    while (i < body.length && body[i].startsWith('      ')) {
      const dep = /^ {6}(\S.*):$/.exec(body[i]);
      if (dep && unquote(dep[1]) > dependent.name) break;
      i++;
    }
    body.splice(i, 0, ...entry);
  }

  blocks.push([path, [...block, '']]);
  blocks.sort(([a], [b]) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  // each block followed by one blank line, as pnpm writes them
  const section = blocks.flatMap(([, body]) => {
    const trimmed = [...body];
    while (trimmed.at(-1) === '') trimmed.pop();
    return [...trimmed, ''];
  });
  return [...lines.slice(0, start + 1), '', ...section, ...lines.slice(end)].join('\n');
}
