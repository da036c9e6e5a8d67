/**
 * The default run (the matrix), the reporters, and --backend with backends
 * that live outside this repository: one that passes, one with a planted
 * bug whose failures must show a bit diff and a repro command that, run,
 * fails in exactly the same way.
 *
 * In-process: each real run happens once (a beforeAll) and every reporter is
 * rendered from that one result; the commands go through main() with their
 * own io and cwd. What only a real process shows (the launcher, the task list
 * on stderr, stdout write errors) is in cli.test.ts and stdout-errors.test.ts.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { builtinBackends, findBackends } from '../src/backends.js';
import { main } from '../src/cli.js';
import { backendsLine, runAll, runJson, runText, type RunResult } from '../src/commands/run.js';
import { junitReport } from '../src/reporters/junit.js';
import { tapReport } from '../src/reporters/tap.js';
import { backendArgs, shellSplit } from '../src/repro.js';
import { DESCRIBED, WORKSPACE_NAMES } from './workspace.js';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** `mmsim-test ARGS` in-process, from `cwd` (default: this package's folder, as vitest runs it). */
async function run(args: readonly string[], cwd?: string): Promise<Run> {
  const out = { status: -1, stdout: '', stderr: '' };
  const io = { out: (text: string) => void (out.stdout += text), err: (text: string) => void (out.stderr += text) };
  out.status = await main(['node', 'mmsim-test', ...args], { io, ...(cwd ? { cwd } : {}) });
  return out;
}

/** Run a printed repro line (`mmsim-test …`) with extra arguments. */
async function runRepro(line: string, ...extra: string[]): Promise<Run> {
  const words = shellSplit(line);
  expect(words[0]).toBe('mmsim-test');
  return run([...words.slice(1), ...extra], tmp);
}

/** One real run, as `mmsim-test run --backend … --arch …` does it: the result every reporter is rendered from. */
async function realRun(extra: readonly string[], arch: readonly string[], kernel?: '2.6.21' | '6.18'): Promise<{ result: RunResult; text: string; order: string[] }> {
  const cwd = process.cwd();
  const found = await findBackends({ extra, cwd });
  expect(found.problems).toEqual([]);
  const result = await runAll(found.backends, { arch, ...(kernel ? { kernel } : {}), reproBackends: backendArgs(extra, cwd) });
  const text = `${[backendsLine(result.backends), ...runText(result)].join('\n')}\n`;
  return { result, text, order: result.backends.map((b) => b.backend.name) };
}

type Json = Record<string, unknown>;

/**
 * Well-formed XML, checked by hand: one root, every tag closed in order,
 * attributes quoted, no bare `&` or `<`. Returns the element names met, with counts.
 */
function checkXml(xml: string): Map<string, number> {
  const names = new Map<string, number>();
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  let i = 0;
  if (xml.startsWith('<?xml')) i = xml.indexOf('?>') + 2;
  const stack: string[] = [];
  let roots = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (entity.test(text)) throw new Error(`bare & in text near ${i}`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root near ${i}`);
    if (lt < 0) break;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) throw new Error(`unclosed tag at ${lt}`);
    const tag = xml.slice(lt + 1, gt);
    if (tag.includes('<')) throw new Error(`< inside a tag at ${lt}`);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}> at ${lt}`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const match = /^([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"]*")*)\s*$/.exec(body);
      if (!match) throw new Error(`malformed tag <${tag}> at ${lt}`);
      const seen = new Set<string>();
      for (const a of match[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (seen.has(a[1]!)) throw new Error(`attribute ${a[1]} twice at ${lt}`);
        seen.add(a[1]!);
        if (entity.test(a[2]!)) throw new Error(`bare & in attribute at ${lt}`);
      }
      if (stack.length === 0) roots++;
      names.set(match[1]!, (names.get(match[1]!) ?? 0) + 1);
      if (!selfClosing) stack.push(match[1]!);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return names;
}

let tmp: string;
let mine: string;
let planted: string;

/** A backend package in a folder outside the repository, built on a spec of the built @mmsim/arch-x86. */
function writeBackend(dir: string, name: string, body: string): void {
  mkdirSync(dir, { recursive: true });
  const x86Dist = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('@mmsim/arch-x86')), 'index.js')).href;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', mmsim: { backend: './index.mjs' } }, null, 2));
  writeFileSync(join(dir, 'index.mjs'), `import * as x86 from '${x86Dist}';\n${body}\n`);
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'mmsim-backends-'));
  expect(tmp.startsWith(REPO)).toBe(false);
  mine = join(tmp, 'my-arch');
  writeBackend(
    mine,
    'mmsim-backend-mine',
    `export const backend = { specificationVersion: 'v1', name: 'mine', variants: [{ ...x86.x86_64_618, id: 'x86_64-mine', title: 'my x86_64', aliases: [] }] };`,
  );
  planted = join(tmp, 'planted-arch');
  // the planted bug: PAGE_READONLY_EXEC carries bit 12, the lowest pfn bit; the variant answers to the
  // bundled 2.6.21 x86_64 vector file's name, so those vectors run through it too
  writeBackend(
    planted,
    'mmsim-backend-planted',
    [
      'const base = x86.x86_64_2621;',
      "const spec = { ...base, id: 'x86_64-planted', title: 'x86_64 with a planted bug', aliases: ['v2.6.20-x86_64'],",
      '  prots: { ...base.prots, PAGE_READONLY_EXEC: base.prots.PAGE_READONLY_EXEC | 0x1000n } };',
      "export const backend = { specificationVersion: 'v1', name: 'planted', variants: [spec] };",
    ].join('\n'),
  );
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('discovery', () => {
  test('the built-in backends are found beside the runner, not listed: every backend package of the workspace', async () => {
    const names = (await builtinBackends()).map((b) => b.name);
    expect(names).toEqual(WORKSPACE_NAMES);
    const found = await findBackends({ extra: [mine], cwd: tmp });
    expect(found.problems).toEqual([]);
    expect(found.backends.map((b) => b.backend.name)).toEqual(['mine', ...WORKSPACE_NAMES]);
    expect(found.backends[0]!.origin).toBe('mmsim-backend-mine');
  });

  test('a backend installed in the current folder is discovered without --backend', async () => {
    const project = join(tmp, 'project');
    cpSync(mine, join(project, 'node_modules', 'mmsim-backend-mine'), { recursive: true });
    const result = await run(['overview'], project);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^x86_64-mine\s+4K\s/m);
    expect(result.stdout).toContain(`${WORKSPACE_NAMES.length + 1} backends (${[...WORKSPACE_NAMES, 'mine'].join(', ')})`);
    // and by package name, resolved from the current folder
    const byName = await run(['conformance', '--backend', 'mmsim-backend-mine', '--arch', 'x86_64-mine', '--num-runs', '10', '--json'], project);
    expect(byName.status).toBe(0);
    expect((JSON.parse(byName.stdout) as { matrix: Json[] }).matrix[0]).toMatchObject({ backend: 'mine', variant: 'x86_64-mine' });
  });

  test('a --backend that cannot be loaded: one line, exit 2', async () => {
    const missing = join(tmp, 'no-such-backend');
    for (const command of [[], ['vectors'], ['conformance'], ['overview']]) {
      const result = await run([...command, '--backend', missing]);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      // the path is named (a long one cut short by the loader, so only its start is certain)
      expect(result.stderr).toContain(`--backend ${missing.slice(0, 40)}`);
    }
  });
});

describe('the default run: conformance and vectors over every installed backend', () => {
  // the whole matrix, once; the default, json, junit and tap reports are all rendered from it
  let result: RunResult;
  let text: string;
  let order: string[];
  let report: {
    ok: boolean;
    backends: Json[];
    totals: Record<string, number>;
    matrix: { backend: string; era: string; config: string; suite: string; pass: number; fail: number; skip: number; xfail: number; xpass: number }[];
    failures: Json[];
  };

  beforeAll(async () => {
    ({ result, text, order } = await realRun([], []));
    report = JSON.parse(runJson(result));
  });

  test('the readable report: the backend × era × config × suite matrix', () => {
    expect(result.ok).toBe(true);
    expect(text.split('\n')).toContain(`mmsim-test: ${DESCRIBED.length} backends: ${DESCRIBED.join(', ')}`);
    expect(text).toMatch(/^backend\s+era\s+config\s+suite\s+pass\s+fail\s+skip\s+xfail\s+xpass$/m);
    for (const backend of ['x86', 'powerpc']) {
      for (const era of ['2.6.21', '6.18']) {
        expect(text).toMatch(new RegExp(`^${backend}\\s+${era.replace(/\./g, '\\.')}\\s+default\\s+conformance\\s+[1-9]\\d*\\s+0\\s`, 'm'));
        expect(text).toMatch(new RegExp(`^${backend}\\s+${era.replace(/\./g, '\\.')}\\s+default\\s+vectors\\s+[1-9]\\d*\\s+0\\s`, 'm'));
      }
    }
    expect(text).toMatch(/^x86\s+2\.6\.21\s+NONLINEAR=n\s+conformance\s/m);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^total: \d+ passed, 0 failed, \d+ skipped$/);
  });

  test('the json report: every suite on every backend and era, no failures', async () => {
    expect(report.ok).toBe(true);
    expect(report.backends.map((b) => b['name'])).toEqual(WORKSPACE_NAMES);
    expect(report.totals['fail']).toBe(0);
    expect(report.totals['xpass']).toBe(0);
    expect(report.failures).toEqual([]);
    const suites = new Set(report.matrix.map((m) => `${m.backend} ${m.era} ${m.suite}`));
    for (const b of ['x86', 'powerpc']) for (const e of ['2.6.21', '6.18']) for (const s of ['conformance', 'vectors', 'scenarios', 'races']) expect(suites).toContain(`${b} ${e} ${s}`);
    // races: each scenario under each policy on every variant that has what it needs (13 cases a variant in 2.6.21;
    // 13 in 6.18, plus 5 for the two THP scenarios on the THP variants: all three x86 ones, ppc64-64k only)
    // (the counts are powerpc's and x86's; any other backend's races pass too)
    const races = report.matrix.filter((m) => m.suite === 'races');
    expect(races.filter((m) => m.fail > 0)).toEqual([]);
    expect(races.filter((m) => m.backend === 'powerpc' || m.backend === 'x86').map((m) => [m.backend, m.era, m.pass, m.fail])).toEqual([
      ['powerpc', '2.6.21', 39, 0],
      ['powerpc', '6.18', 44, 0],
      ['x86', '2.6.21', 39, 0],
      ['x86', '6.18', 54, 0],
    ]);
    // the vector counts are the bundled files' (each vector, and each constants block)
    const vectors = report.matrix.filter((m) => m.suite === 'vectors').reduce((n, m) => n + m.pass, 0);
    const alone = JSON.parse((await run(['vectors', '--json'])).stdout) as { passed: number };
    expect(vectors).toBe(alone.passed);
  });

  test('junit: well-formed XML, a testsuite per matrix cell, a testcase per case', () => {
    const junit = junitReport(result.cases, { name: 'mmsim-test run', backendOrder: order });
    expect(junit.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const names = checkXml(junit);
    expect(names.get('testsuites')).toBe(1);
    expect(names.get('testsuite')).toBe(report.matrix.length);
    expect(names.get('testcase')).toBe(report.totals['cases']);
    expect(names.get('failure') ?? 0).toBe(0);
    expect(names.get('skipped')).toBe(report.totals['skip']! + report.totals['xfail']!);
    expect(junit).toContain('<testsuite name="x86 2.6.21 NONLINEAR=n conformance"');
  });

  test('tap: version 13, the plan, one ok line per case', () => {
    const lines = tapReport(result.cases).trimEnd().split('\n');
    expect(lines[0]).toBe('TAP version 13');
    expect(lines[1]).toBe(`1..${report.totals['cases']}`);
    const tests = lines.filter((l) => /^(not )?ok \d+ /.test(l));
    expect(tests).toHaveLength(report.totals['cases']!);
    tests.forEach((line, i) => expect(line).toMatch(new RegExp(`^(not )?ok ${i + 1} - `)));
    // expected failures are TODO, skips SKIP; nothing else is not ok
    for (const line of tests.filter((l) => l.startsWith('not ok'))) expect(line).toMatch(/ # TODO expected failure: /);
    expect(tests.filter((l) => / # SKIP /.test(l))).toHaveLength(report.totals['skip']!);
  });

  test('through main(): no command is `run`, --json is --reporter json, --reporter picks the report (on one variant configuration)', async () => {
    const only = ['--arch', 'ppc32', '--kernel', '2.6.21'];
    const readable = await run(only);
    expect(readable.status).toBe(0);
    expect(readable.stderr).toBe('');
    expect(readable.stdout.split('\n')).toContain(`mmsim-test: ${DESCRIBED.length} backends: ${DESCRIBED.join(', ')}`);
    expect(readable.stdout).toMatch(/^powerpc\s+2\.6\.21\s+default\s+races\s+[1-9]\d*\s+0\s/m);
    const json = await run(['run', '--json', ...only]);
    expect(json.status).toBe(0);
    const totals = (JSON.parse(json.stdout) as { totals: Record<string, number> }).totals;
    expect(readable.stdout.trimEnd().split('\n').at(-1)).toBe(`total: ${totals['passed']} passed, ${totals['failed']} failed, ${totals['skipped']} skipped`);
    // the same cases as the whole run's for that variant configuration
    const mine = result.cases.filter((c) => c.backend === 'powerpc' && c.variantId === 'ppc32' && c.era === '2.6.21');
    expect(totals['cases']).toBe(mine.length);
  });

  test('the vectors and conformance commands take every reporter too', async () => {
    const tap = await run(['vectors', '--reporter', 'tap', 'v6.18-x86_64.json']);
    expect(tap.status).toBe(0);
    expect(tap.stdout.split('\n').slice(0, 2)).toEqual(['TAP version 13', '1..96']);
    const junit = await run(['conformance', '--reporter', 'junit', '--arch', 'i386', '--kernel', '2.6.21', '--num-runs', '10']);
    expect(junit.status).toBe(0);
    const names = checkXml(junit.stdout);
    expect(names.get('testsuite')).toBe(3); // default, NONLINEAR=n, MIGRATION=n
    const json = await run(['conformance', '--reporter', 'json', '--arch', 'ppc32', '--num-runs', '10']);
    expect((JSON.parse(json.stdout) as { good: boolean }).good).toBe(true);
  });
});

describe('--backend: a backend outside this repository', () => {
  test('a good one runs beside the built-ins and passes, exit 0', async () => {
    // its own variant only: the built-ins' run is the default run's above
    const result = await run(['--backend', mine, '--arch', 'mine']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toContain(`mmsim-test: ${DESCRIBED.length + 1} backends: mine (mmsim-backend-mine 1.0.0, 1 variant), ${DESCRIBED.join(', ')}`);
    expect(result.stdout).toMatch(/^mine\s+6\.18\s+default\s+conformance\s+[1-9]\d*\s+0\s/m);
    expect(result.stdout).toMatch(/^mine\s+6\.18\s+MIGRATION=n\s+conformance\s/m);
    expect(result.stdout).toContain('note: no reference-vector files for backend mine');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toMatch(/^total: \d+ passed, 0 failed, \d+ skipped$/);
    const only = await run(['conformance', '--backend', mine, '--arch', 'mine', '--json']);
    expect(only.status).toBe(0);
    const report = JSON.parse(only.stdout) as { good: boolean; matrix: Json[] };
    expect(report.good).toBe(true);
    expect(new Set(report.matrix.map((r) => r['variant']))).toEqual(new Set(['x86_64-mine']));
    // a relative path works from the folder it is relative to
    expect((await run(['overview', '--backend', './my-arch'], tmp)).stdout).toMatch(/^x86_64-mine\s+4K\s/m);
  });

  describe('one with a planted bug', () => {
    // one run: the planted variant, and beside it the built-in x86_64 2.6.21 it was copied from
    let result: RunResult;
    let text: string;
    let order: string[];
    let report: { ok: boolean; failures: (Json & { suite: string; name: string; repro: string; message: string; differences: Json[] })[] };

    beforeAll(async () => {
      ({ result, text, order } = await realRun([planted], ['planted', 'x86_64'], '2.6.21'));
      report = JSON.parse(runJson(result));
    });

    test('it fails; the matrix shows where; the built-ins still pass when run beside it', () => {
      expect(result.ok).toBe(false);
      expect(report.ok).toBe(false);
      expect(text).toMatch(/^planted\s+2\.6\.21\s+default\s+conformance\s+\d+\s+[1-9]\d*\s/m);
      expect(text).toMatch(/^planted\s+2\.6\.21\s+default\s+vectors\s+\d+\s+[1-9]\d*\s/m);
      expect(text.trimEnd().split('\n').at(-1)).toMatch(/^total: \d+ passed, [1-9]\d* failed, \d+ skipped$/);
      const builtins = result.cases.filter((c) => c.backend === 'x86');
      expect(new Set(builtins.map((c) => c.suite))).toEqual(new Set(['conformance', 'scenarios', 'races']));
      expect(builtins.filter((c) => c.status === 'fail' || c.status === 'xpass')).toEqual([]);
      expect(report.failures.every((f) => f['backend'] === 'planted')).toBe(true);
    });

    test('each failure: the variant, the input, expected and actual in hex, the bit diff, a repro line', () => {
      const conformance = text.split('\n\n').find((block) => block.startsWith('FAIL x86_64-planted@2.6.21 basic.pfn-roundtrip'))!;
      expect(conformance).toBeDefined();
      expect(conformance).toMatch(/variant\s+x86_64-planted@2\.6\.21 \(backend planted, config default\)/);
      expect(conformance).toMatch(/input\s+pte_pfn\(pfn_pte\([0-9a-f]+, PAGE_READONLY_EXEC\)\)/);
      expect(conformance).toMatch(/expected\s+0x[0-9a-f]{16}\n\s+actual\s+0x[0-9a-f]{16}/);
      // the two values in binary, aligned, bit 0 marked and listed
      expect(conformance).toMatch(/^\s+63\s+55\s+47\s+39\s+31\s+23\s+15\s+7$/m);
      const binary = [...conformance.matchAll(/^ {4}(expected|actual) +((?:[01]{8} ){7}[01]{8})$/gm)];
      expect(binary).toHaveLength(2);
      expect(binary[0]!.index! < binary[1]!.index!).toBe(true);
      const marks = /^( +)\^$/m.exec(conformance)!;
      expect(marks[1]!.length).toBe(binary[1]![0].length - 1); // under the last bit
      expect(conformance).toMatch(/differ\s+bit 0 \(expected 0, actual 1\)/);
      expect(conformance).toMatch(/repro\s+mmsim-test conformance --backend \S+ --arch x86_64-planted --kernel 2\.6\.21 --config default --check basic\.pfn-roundtrip --seed(?:=| )-?\d+$/m);

      const vector = text.split('\n\n').find((block) => /^FAIL vectors v2\.6\.20-x86_64\.json vector \d+/.test(block))!;
      expect(vector).toBeDefined();
      expect(vector).toMatch(/op\s+pfn_pte/);
      expect(vector).toMatch(/input\s+.*prot_name=PAGE_READONLY_EXEC/);
      expect(vector).toMatch(/field\s+prots\.PAGE_READONLY_EXEC\n\s+expected\s+0x0000000000000025\n\s+actual\s+0x0000000000001025/);
      expect(vector).toMatch(/differ\s+bit 12 \(expected 0, actual 1\)/);
      expect(vector).toMatch(/repro\s+mmsim-test vectors v2\.6\.20-x86_64\.json --index \d+ --backend \S+$/m);
    });

    test('a conformance repro line, run, reproduces exactly that failure and nothing else, exit 1', async () => {
      const failure = report.failures.find((f) => f.suite === 'conformance')!;
      expect(failure.repro).toMatch(/--seed/);
      const again = await runRepro(failure.repro, '--json');
      expect(again.status).toBe(1);
      const rerun = JSON.parse(again.stdout) as { variants: number; failed: number; passed: number; failures: { check: string; variant: string; message: string }[] };
      expect(rerun.variants).toBe(1);
      expect(rerun.passed).toBe(0);
      expect(rerun.failures).toHaveLength(1);
      expect(rerun.failures[0]).toMatchObject({ check: failure.name, variant: failure['variant'], message: failure.message });
      // the readable report's own repro line prints the same block again
      const block = (r: string) => r.split('\n\n').find((b) => b.startsWith('FAIL x86_64-planted@2.6.21 basic.pfn-roundtrip'))!;
      const line = /^ {4}repro {5}(.*)$/m.exec(block(text))![1]!;
      const readable = await runRepro(line);
      expect(readable.status).toBe(1);
      expect(block(readable.stdout)).toBe(block(text));
      expect(readable.stdout.trimEnd().split('\n').at(-1)).toBe('conformance: 0 passed, 1 failed, 0 skipped');
    });

    test('a vectors repro line, run, reproduces exactly that failure and nothing else, exit 1', async () => {
      const failure = report.failures.find((f) => f.suite === 'vectors' && f['index'] !== -1)!;
      const again = await runRepro(failure.repro, '--json');
      expect(again.status).toBe(1);
      const rerun = JSON.parse(again.stdout) as { passed: number; failed: number; failures: Json[] };
      expect(rerun).toMatchObject({ passed: 0, failed: 1 });
      expect(rerun.failures.map((f) => [f['index'], f['field'], f['expected'], f['actual']])).toEqual(
        failure.differences.map((d) => [failure['index'], d['field'], d['expected'], d['actual']]),
      );
      const constants = report.failures.find((f) => f.suite === 'vectors' && f['index'] === -1)!;
      expect(constants.repro).toMatch(/--index constants/);
      const c = JSON.parse((await runRepro(constants.repro, '--json')).stdout) as { failed: number; failures: Json[] };
      expect(c.failed).toBe(1);
      expect(c.failures[0]).toMatchObject({ op: 'constants', field: 'constants.prots.PAGE_READONLY_EXEC', expected: '0x0000000000000025' });
    });

    test('junit and tap carry the failures', () => {
      const junit = junitReport(result.cases, { name: 'mmsim-test run', backendOrder: order });
      const names = checkXml(junit);
      expect(names.get('failure')).toBe(report.failures.length);
      expect(junit).toMatch(/<failure message="[^"]*expected 0x0+, got 0x0+1[^"]*" type="fail">/);
      expect(junit).toContain('differ    bit 12 (expected 0, actual 1)');
      expect(junit).toContain('repro     mmsim-test vectors v2.6.20-x86_64.json --index');
      const tap = tapReport(result.cases);
      const lines = tap.split('\n');
      const plan = Number(/^1\.\.(\d+)$/.exec(lines[1]!)![1]);
      expect(lines.filter((l) => /^(not )?ok \d+ /.test(l))).toHaveLength(plan);
      const bad = lines.filter((l) => /^not ok \d+ /.test(l) && !l.includes('# TODO'));
      expect(bad).toHaveLength(report.failures.length);
      expect(tap).toMatch(/^ {2}repro: "mmsim-test conformance --backend /m);
      expect(tap).toMatch(/^ {6}bits: \[12\]$/m);
    });
  });
});
