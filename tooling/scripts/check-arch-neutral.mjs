#!/usr/bin/env node
// No code outside an arch package asks which arch it is, and none looks a pte
// bit up by its name: it asks the typed data core derives (Variant.caps,
// roleWords, roleBits, spec.roles). This check scans the arch-neutral folders
// for the patterns that break that and fails naming file:line.
//
//   node tooling/scripts/check-arch-neutral.mjs [--root DIR] [FILES…]
//
// Flagged:
//   arch     a comparison (===, !==, ==, !=, case, includes) with a literal
//            arch/backend name, variant id or alias — the names are read from
//            the arch packages (packages/arch-*/src), so a new arch is covered
//   id       `.arch` or `.id` compared with anything, or a literal compared
//            with `.id` / `.arch` (variant.id === 'x86_64', spec.arch === 'x86')
//   bit      a pte bit found by name: `b.name === 'dirty'` on a line about bits,
//            `KEEP.includes(b.name)`, a list of two or more bit-name literals,
//            bitsNamed()/bitNamed()
// A line that must stay (vocabulary of a file format, say) carries a
// `// arch-neutral: <reason>` comment on it or on the line above.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
let root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rootAt = args.indexOf('--root');
if (rootAt >= 0) {
  root = args[rootAt + 1];
  args.splice(rootAt, 2);
}

/** The arch-neutral folders, and the arch-description types inside core that may name things. */
const SCAN = ['packages/mm/src', 'packages/core/src', 'packages/conformance/src', 'apps'];
const EXEMPT = ['packages/core/src/spec/variant-spec.ts', 'packages/core/src/spec/backend.ts'];
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test', '.turbo', 'coverage']);

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name) && !/\.(test|spec|d)\.[mc]?[tj]s$/.test(name)) out.push(path);
  }
  return out;
}

/** Arch names, variant ids, aliases and pte bit names, as the arch packages declare them. */
function archVocabulary() {
  const names = new Set();
  const bits = new Set();
  const packages = join(root, 'packages');
  for (const pkg of existsSync(packages) ? readdirSync(packages) : []) {
    if (!pkg.startsWith('arch-')) continue;
    for (const file of walk(join(packages, pkg, 'src'), [])) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:id|arch):\s*'([^']+)'/g)) names.add(m[1]);
      for (const m of text.matchAll(/\bname:\s*'([^']+)'/g)) {
        // a backend's name (defineBackend) sits next to specificationVersion; a bit's next to `bit:`
        const tail = text.slice(m.index, m.index + 200);
        if (/^[^}]*\bbit:\s*\d/.test(tail)) bits.add(m[1]);
        else if (/specificationVersion|packageName/.test(text.slice(Math.max(0, m.index - 200), m.index + 200))) names.add(m[1]);
      }
      const aliases = text.match(/aliases:\s*\[([^\]]*)\]/g) ?? [];
      for (const a of aliases) for (const m of a.matchAll(/'([^']+)'/g)) names.add(m[1]);
    }
  }
  return { names, bits };
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alt = (set) => [...set].sort((a, b) => b.length - a.length).map(esc).join('|');

export function rulesFor({ names, bits }) {
  const N = alt(names);
  const B = alt(bits);
  const q = `['"\`]`;
  const rules = [];
  if (N) {
    rules.push({ kind: 'arch', re: new RegExp(`(?:===|!==|==|!=)\\s*${q}(?:${N})${q}`), why: 'compares with an arch name or variant id' });
    rules.push({ kind: 'arch', re: new RegExp(`${q}(?:${N})${q}\\s*(?:===|!==|==|!=)`), why: 'compares with an arch name or variant id' });
    rules.push({ kind: 'arch', re: new RegExp(`\\bcase\\s+${q}(?:${N})${q}\\s*:`), why: 'switches on an arch name or variant id' });
    rules.push({ kind: 'arch', re: new RegExp(`\\.(?:includes|indexOf|has)\\(\\s*${q}(?:${N})${q}\\s*\\)`), why: 'looks an arch name or variant id up' });
  }
  rules.push({ kind: 'id', re: new RegExp(`\\.(?:arch|id)\\s*(?:===|!==|==|!=)\\s*${q}`), why: 'compares an arch or variant id with a literal' });
  rules.push({ kind: 'id', re: new RegExp(`${q}\\s*(?:===|!==|==|!=)\\s*[\\w$.?]*\\.(?:arch|id)\\b(?!\\s*\\()`), why: 'compares an arch or variant id with a literal' });
  rules.push({ kind: 'bit', re: /\bbits?Named\b/, why: 'looks pte bits up by name' });
  if (B) {
    rules.push({ kind: 'bit', re: new RegExp(`\\bname\\s*(?:===|!==|==|!=)\\s*${q}(?:${B})${q}(?=.*\\bbits?\\b|.*\\bb\\.)|\\bbits?\\b.*\\bname\\s*(?:===|!==)\\s*${q}(?:${B})${q}|\\bb\\.name\\s*(?:===|!==)\\s*${q}(?:${B})${q}`), why: 'finds a pte bit by its name' });
    rules.push({ kind: 'bit', re: new RegExp(`(?=.*bit)(?:.*)\\[\\s*${q}(?:${B})${q}\\s*,\\s*${q}(?:${B})${q}`, 'i'), why: 'lists pte bits by name' });
  }
  rules.push({ kind: 'bit', re: /(?=.*bit).*\.includes\(\s*\w+\.name\s*\)/i, why: 'matches pte bits against a list of names' });
  return rules;
}

export function scanText(text, rules) {
  const hits = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const code = line.replace(/^\s*(?:\/\/|\*|\/\*).*$/, '');
    if (!code.trim()) continue;
    if (/arch-neutral:\s*\S/.test(line) || (i > 0 && /\/\/\s*arch-neutral:\s*\S/.test(lines[i - 1]))) continue;
    for (const rule of rules) {
      if (rule.re.test(code)) {
        hits.push({ line: i + 1, kind: rule.kind, why: rule.why, text: line.trim() });
        break;
      }
    }
  }
  return hits;
}

/**
 * The patterns issue 11 removed, planted, must each be caught; lines that
 * only look alike (a user's --arch selection, an inode id, a migration
 * kind list) must not be. Runs before every scan, so a rule that stops
 * matching fails the check instead of passing everything.
 */
const PLANTED = [
  "  if (m.era !== '6.18' || m.variant.id !== 'x86_64') return;",
  "  return m.variant.constants.hasThp && spec.arch === 'x86' && spec.wordBits === 64;",
  "      notes.push(`shares its bit with ${v.arch === 'powerpc' ? '_PAGE_USER' : '_PAGE_DIRTY'}`);",
  "  const bit = spec.bits.find((b) => b.name === 'uffd_wp' && b.when !== 'not-present')?.bit;",
  "    const present = v.spec.bits.find((b) => b.name === 'soft_dirty' && b.when !== 'not-present')?.bit;",
  "      if ((b.name === 'dirty' || b.name === 'saved_dirty') && b.when !== 'not-present') dirty |= 1n << BigInt(b.bit);",
  "const KEEP_BITS = ['accessed', 'dirty', 'special', 'soft_dirty', 'uffd_wp', 'saved_dirty', 'pcd', 'pwt'];",
  "    if (KEEP_BITS.includes(b.name) && b.when !== 'not-present') mask |= 1n << BigInt(b.bit);",
  "      const mask = bitsNamed(v, ['rw', 'write']);",
  "  return all.filter((v) => v.id === 'x86_64');",
  "  switch (spec.arch) { case 'powerpc': return 1; }",
  "  if ('ppc64-64k' === variant.id) return;",
  "  if (['x86', 'i386'].includes('x86')) return;",
];
const LOOKALIKES = [
  "    if (arch.length > 0 && !arch.includes(backend.name) && !arch.includes(variant.id)) continue;",
  "  const byId = specs.filter((s) => s.spec.id === name || (s.spec.aliases ?? []).includes(name));",
  "  for (const vma of p.mm.vmas.list) if (vma.file?.inode === inode.id) out.push({ mm: p.mm, vma });",
  "  return v.era === '2.6.21' ? ['read', 'write'] : ['read', 'read-exclusive', 'write'];",
  "    return { format: formats.find((f) => f.name === 'present')! };",
  "  if (m.era !== '6.18') return;",
  "  if (!m.variant.caps.ptReclaim) return;",
  "  const SWP_FLAGS = ['exclusive', 'soft_dirty', 'uffd_wp']; // arch-neutral: the vector files' own vocabulary",
];

function selfTest(rules) {
  const problems = [];
  for (const line of PLANTED) if (scanText(line, rules).length === 0) problems.push(`not caught: ${line.trim()}`);
  for (const line of LOOKALIKES) for (const hit of scanText(line, rules)) problems.push(`caught by mistake (${hit.why}): ${line.trim()}`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-arch-neutral self-test: ${p}`);
    process.exit(3);
  }
}

function main() {
  const vocabulary = archVocabulary();
  // the self-test plants x86 and powerpc names; a checkout without those packages still needs them to test the rules
  const rules = rulesFor(vocabulary);
  selfTest(rulesFor({ names: new Set([...vocabulary.names, 'x86', 'x86_64', 'i386', 'powerpc', 'ppc64-64k']), bits: new Set([...vocabulary.bits, 'dirty', 'soft_dirty', 'uffd_wp', 'rw', 'write']) }));
  const files = args.length > 0 ? args : SCAN.flatMap((d) => walk(join(root, d), []));
  let count = 0;
  for (const file of files) {
    const rel = relative(root, file);
    if (EXEMPT.includes(rel)) continue;
    for (const hit of scanText(readFileSync(file, 'utf8'), rules)) {
      count++;
      console.error(`${rel}:${hit.line}: ${hit.why} (${hit.kind}): ${hit.text.length > 120 ? `${hit.text.slice(0, 119)}…` : hit.text}`);
    }
  }
  if (count > 0) {
    console.error(
      `check-arch-neutral: ${count === 1 ? '1 place asks' : `${count} places ask`} which arch this is or look a pte bit up by name; ask the typed data instead ` +
        `(Variant.caps, roleWords, roleBits, spec.roles, spec.selects — docs/adding-an-arch.md), or mark a line that must stay with '// arch-neutral: <reason>'`,
    );
    process.exit(1);
  }
  console.log(`check-arch-neutral: ${files.length} files, no arch or variant tests and no bit looked up by name`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
