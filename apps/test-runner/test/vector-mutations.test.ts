/**
 * Random mutations of valid vector files through `mmsim-test vectors`
 * (in-process): a changed type, a dropped key, a huge number, wrong nesting,
 * a flipped bit. None may end in exit 3, a stack trace or more than the
 * capped problem lines; none may end in exit 0 unless the file stayed valid
 * and correct — the mutation touched only what carries no kernel fact
 * (provenance, notes, an optional block or table entry left out, a vector left out) or wrote
 * the same value another exact way.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { powerpc } from '@mmsim/arch-powerpc';
import { x86 } from '@mmsim/arch-x86';
import { bundledVectorFiles, MAX_LISTED_PROBLEMS, OPS } from '@mmsim/conformance';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { main, type Io } from '../src/cli.js';

type Json = Record<string, unknown>;
type Path = readonly (string | number)[];

/** Both eras, 32- and 64-bit words, a 64-bit pte on a 32-bit word. */
const BASES = ['v6.18-x86_64.json', 'v2.6.20-i386-pae.json', 'v6.18-ppc64-book3s-64k.json'].map((name) => {
  const path = bundledVectorFiles().find((p) => basename(p) === name)!;
  return JSON.parse(readFileSync(path, 'utf8')) as Json;
});

/** The inputs of each op (vectors/README.md): a value the checker computes from, so only a malformed one is generated. */
const INPUTS: Readonly<Record<string, readonly string[]>> = {
  swp_entry: ['type', 'offset'],
  pte_to_swp: ['pte'],
  pgoff_to_pte: ['pgoff'],
  pte_to_pgoff: ['pte'],
  pte_file: ['pte'],
  pfn_pte: ['pfn', 'prot'],
  pte_predicates: ['pte'],
  pte_swp_mkexclusive: ['pte'],
  pte_swp_mksoft_dirty: ['pte'],
  pte_swp_mkuffd_wp: ['pte'],
};
/** Top-level fields that hold no kernel fact (the era comes from `variant` as well as `kernel`). */
const FREE_TOP = ['sample', 'assumptions', 'source_repos', 'source_files', 'counts', 'kernel'];
/** Constants a file may leave out, and tables it may list fewer entries of (each entry present is compared). */
const OPTIONAL_CONSTANTS = ['PTE_MARKER'];
const SUBSET_TABLES = ['prots', 'special_types_all_config', 'PTE_MARKER'];
/** MAX_SWAPFILES entries a file may leave out (the era's required ones aside); `formula` is documentation. */
const OPTIONAL_MAX_SWAPFILES = ['minimal', 'formula'];

type Mutation =
  | { kind: 'replace'; value: unknown }
  | { kind: 'delete' }
  | { kind: 'wrap'; inArray: boolean }
  | { kind: 'addKey' }
  | { kind: 'flip'; bit: number };

type Role = 'free' | 'input' | 'checked';

/** Whether a mutation at `path` may leave the file valid and correct (free), must be malformed (input) or must be caught (checked). */
function roleOf(doc: Json, path: Path, kind: Mutation['kind']): Role {
  const [top, second, third] = path;
  if (FREE_TOP.includes(top as string)) return 'free';
  if (top === 'constants') {
    if (second === 'MAX_SWAPFILES' && third === 'formula') return 'free';
    if (kind === 'delete' && path.length === 2 && OPTIONAL_CONSTANTS.includes(second as string)) return 'free';
    if (kind === 'delete' && path.length === 3 && SUBSET_TABLES.includes(second as string)) return 'free';
    if (kind === 'delete' && path.length === 3 && second === 'MAX_SWAPFILES' && OPTIONAL_MAX_SWAPFILES.includes(third as string)) return 'free';
    return 'checked';
  }
  if (top === 'vectors' && path.length === 2 && kind === 'delete') return 'free';
  if (top === 'vectors' && path.length >= 3) {
    const vector = (doc['vectors'] as Json[])[second as number]!;
    const op = vector['op'] as string;
    if (third === 'note' || third === 'prot_name') return 'free';
    if (INPUTS[op]?.includes(third as string)) return 'input';
    if (kind === 'delete' && path.length === 3 && OPS[op] && Object.hasOwn(OPS[op].optional, third as string)) return 'free';
  }
  return 'checked';
}

/** Every path to a value in the document, containers included. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), pathsOf(v, [...prefix, i], out)));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) out.push([...prefix, k]), pathsOf(v, [...prefix, k], out);
  return out;
}

const BASE_PATHS = BASES.map((doc) => pathsOf(doc));

/** The parent container of `path` and the last key. */
function locate(doc: unknown, path: Path): { parent: Record<string | number, unknown>; key: string | number } {
  let parent = doc as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  return { parent, key: path.at(-1)! };
}

/** Apply a mutation to a deep copy; returns the copy and the path whose role decides what is expected. */
function mutate(base: Json, path: Path, m: Mutation): { doc: Json; at: Path; kind: Mutation['kind'] } {
  const doc = structuredClone(base);
  const { parent, key } = locate(doc, path);
  const value = parent[key];
  switch (m.kind) {
    case 'replace':
      parent[key] = m.value;
      return { doc, at: path, kind: 'replace' };
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      return { doc, at: path, kind: 'delete' };
    case 'wrap':
      parent[key] = m.inArray ? [value] : { value };
      return { doc, at: path, kind: 'wrap' };
    case 'addKey':
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        (value as Json)['extra_field'] = 1;
        return { doc, at: [...path, 'extra_field'], kind: 'addKey' };
      }
      parent[key] = null;
      return { doc, at: path, kind: 'replace' };
    case 'flip':
      if (typeof value === 'string' && /^0x[0-9a-f]+$/.test(value)) {
        const bits = (value.length - 2) * 4;
        const flipped = BigInt(value) ^ (1n << BigInt(m.bit % bits));
        parent[key] = `0x${flipped.toString(16).padStart(value.length - 2, '0')}`;
      } else if (typeof value === 'number' && Number.isInteger(value)) parent[key] = value ^ (1 << m.bit % 5);
      else if (typeof value === 'boolean') parent[key] = !value;
      else parent[key] = [value];
      return { doc, at: path, kind: 'flip' };
  }
}

/** The same document, each exact number written one way: hex strings and safe integers as BigInt text. */
function normal(value: unknown): unknown {
  if (typeof value === 'string' && /^0x[0-9a-fA-F]+$/.test(value)) return `#${BigInt(value)}`;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `#${value}`;
  if (Array.isArray(value)) return value.map(normal);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normal(v)]));
  return value;
}

/** Values no input field may hold: wrong types, huge or fractional numbers, bad hex, nesting. */
const MALFORMED: readonly unknown[] = [2 ** 53, 1e300, -1, 1.5, -0.5, '', '0x', `0x${'f'.repeat(17)}`, '0xg', ' 0x1', '12', 'x'.repeat(5000), null, true, false, [], {}, [[[[[]]]]], { op: 'swp_entry' }, '__proto__'];
const HEXISH = /^0x[0-9a-fA-F]{1,16}$/;
const malformedInput = fc.oneof(
  fc.constantFrom(...MALFORMED),
  fc.string({ maxLength: 30 }).filter((s) => !HEXISH.test(s)),
  fc.double().filter((d) => !Number.isSafeInteger(d) || d < 0),
);
const anyValue = fc.oneof(fc.constantFrom(...MALFORMED, 0, 31, 32, 2 ** 32, 'PAGE_SHARED', 'constructor', 'toString'), fc.jsonValue({ maxDepth: 2 }));

const mutation = (role: Role): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), value: role === 'input' ? malformedInput : anyValue }),
    fc.constant({ kind: 'delete' as const }),
    fc.record({ kind: fc.constant('wrap' as const), inArray: fc.boolean() }),
    fc.constant({ kind: 'addKey' as const }),
    ...(role === 'input' ? [] : [fc.record({ kind: fc.constant('flip' as const), bit: fc.nat(63) })]),
  );

/** A base file, a path in it, and a mutation that fits the path's role. */
const cases = fc
  .nat(BASES.length - 1)
  .chain((b) => fc.record({ b: fc.constant(b), p: fc.nat(BASE_PATHS[b]!.length - 1) }))
  .chain(({ b, p }) => {
    const path = BASE_PATHS[b]![p]!;
    return mutation(roleOf(BASES[b]!, path, 'replace')).map((m) => ({ b, path, m }));
  });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmsim-test-mutants-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The fixed seed CI runs with; a failure prints the case and fast-check's own seed and path. */
export const MUTATION_SEED = 0x6d6d;
export const MUTATION_RUNS = 300;

describe('mutated vector files', () => {
  test('never exit 3, a stack trace or unbounded output; exit 0 only when still valid and correct', async () => {
    const file = join(dir, 'mutant.json');
    await fc.assert(
      fc.asyncProperty(cases, async ({ b, path, m }) => {
        const base = BASES[b]!;
        const { doc, at, kind } = mutate(base, path, m);
        writeFileSync(file, JSON.stringify(doc));
        const run = { stdout: '', stderr: '' };
        const io: Io = { out: (t) => void (run.stdout += t), err: (t) => void (run.stderr += t) };
        const status = await main(['node', 'mmsim-test', 'vectors', '--json', file], { io, backends: [x86, powerpc] });
        const role = roleOf(base, at, kind);
        const same = isDeepStrictEqual(normal(doc), normal(base));
        const where = `${String(base['variant'])} ${JSON.stringify(at)} ${JSON.stringify(m).slice(0, 200)} → exit ${status} ${run.stderr.slice(0, 300)}`;

        expect([0, 1, 2], where).toContain(status);
        expect(run.stderr, where).not.toMatch(/^\s+at |internal error/m);
        const lines = run.stderr === '' ? [] : run.stderr.trimEnd().split('\n');
        // one line (a JSON object under --json) holding at most MAX_LISTED_PROBLEMS problems and a count of the rest
        expect(lines.length, where).toBeLessThanOrEqual(1);
        for (const line of lines) expect(line.length, where).toBeLessThan((file.length + 700) * (MAX_LISTED_PROBLEMS + 1));
        if (status === 2) expect(run.stdout, where).toBe('');
        else expect(() => JSON.parse(run.stdout), where).not.toThrow();
        if (status === 0) expect(role === 'free' || same, where).toBe(true);
        if (role === 'checked' && !same) expect(status, where).not.toBe(0);
        if (role === 'input' && !same) expect(status, where).toBe(2);
      }),
      { seed: MUTATION_SEED, numRuns: MUTATION_RUNS },
    );
  });
});
