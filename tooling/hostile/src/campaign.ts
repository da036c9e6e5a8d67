/**
 * The campaign: the fixed table (the issue's reproductions, the argument
 * table, the real-process cases), then seeded mutants — `.mmo` scripts,
 * race files, vector files, argument vectors — until the case count or the
 * time budget runs out. Each case runs in a fresh directory (its cwd); a
 * failing one keeps its directory, with the files and a repro line.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ARGUMENT_TABLE, BASES, controlCase, mutateArgs, type ArgCase } from './args.js';
import type { Case, Family, Outcome } from './case.js';
import { check, patternsFor, type Broken } from './check.js';
import { RULES, type Rule } from './expect.js';
import { HAND_RACES, HAND_SCRIPTS, type HandCase } from './hand.js';
import { mutateMmo } from './mmo.js';
import { seeds } from './paths.js';
import { Pool, type Limits } from './pool.js';
import { caseRng } from './prng.js';
import { PROCESS_CASES, runProcess, type ProcessCase } from './processes.js';
import { mutateRace } from './races.js';
import { TWO_53 } from './values.js';
import { mutateVectors } from './vectors.js';

export interface CampaignOptions {
  readonly seed: number;
  /** generated mutants (the fixed table always runs) */
  readonly cases: number;
  /** stop drawing mutants after this long */
  readonly budgetMs: number;
  readonly limits: Limits;
  readonly workers: number;
  /** run only these case ids (`mmo#17`, `hand:alias-x86_64-slot4194304`) */
  readonly only?: readonly string[];
  /** run the fixed table too (default); off: only the mutants, for a long campaign */
  readonly fixed?: boolean;
  readonly log?: (line: string) => void;
}

export interface Failure {
  readonly case: Case;
  readonly broken: readonly Broken[];
  readonly outcome: Outcome;
  /** where its files are kept */
  readonly dir: string;
}

export interface CampaignReport {
  readonly seed: number;
  readonly run: number;
  readonly byFamily: Readonly<Record<string, number>>;
  readonly byRule: Readonly<Record<Rule, number>>;
  readonly failures: readonly Failure[];
  readonly elapsedMs: number;
  readonly budgetReached: boolean;
  readonly keptIn: string;
}

// ---- the cases ---------------------------------------------------------

/** The seed corpora's vector file the vector cases start from (x86_64, 6.18: every op kind). */
function vectorText(): string {
  return seeds().vectors.find((v) => v.name === 'v6.18-x86_64.json')!.text;
}

/** File contents named by a marker in the argument table. */
function materialize(content: string): string {
  const doc = () => JSON.parse(vectorText()) as Record<string, unknown> & { vectors: Record<string, unknown>[] };
  switch (content) {
    case 'VECTORS':
      return vectorText();
    case 'VECTORS-NO-CONSTANTS': {
      const { constants: _, ...rest } = doc();
      return JSON.stringify(rest, null, 1);
    }
    case 'VECTORS-EMPTY-CONSTANTS':
      return JSON.stringify({ ...doc(), constants: {} }, null, 1);
    case 'VECTORS-TYPE-2^53':
    case 'VECTORS-TYPE-1e300': {
      const d = doc();
      const i = d.vectors.findIndex((v) => v['op'] === 'swp_entry');
      // JSON.stringify writes 2^53 exactly and 1e300 as 1e+300: both are numbers a reader must refuse as a swap type
      d.vectors[i] = { ...d.vectors[i], type: content.endsWith('2^53') ? Number(TWO_53) : 1e300 };
      return JSON.stringify(d, null, 1);
    }
    default:
      return content;
  }
}

function fromArgs(id: string, family: Family, a: ArgCase): Case {
  const files: Record<string, string> = {};
  for (const [name, content] of Object.entries(a.files ?? {})) files[name] = materialize(content);
  const base = BASES.find((b) => b.args[0] === a.args[0] && b.tool === a.tool && (b.args[0] !== 'encode' || b.args[1] === a.args[1]));
  if (base?.needs === 'script' && a.args.includes('script.mmo')) files['script.mmo'] = seeds().scripts.find((s) => s.name === 'anon_basic.mmo')!.text;
  if (base?.needs === 'vectors' && a.args.includes('{dir}/v.json') && !files['v.json']) files['v.json'] = vectorText();
  return { id, family, kind: a.kind ?? 'table', tool: a.tool, args: a.args, files, expect: a.expect, why: a.why, ...(a.token ? { token: a.token } : {}), ...(a.maxLines ? { maxLines: a.maxLines } : {}) };
}

function fromHand(h: HandCase): Case {
  const file = h.script !== undefined ? 'script.mmo' : 'race.mmo';
  const args = h.script !== undefined ? ['run', file, ...(h.extra ?? [])] : ['explore', file, ...(h.extra ?? [])];
  return {
    id: `hand:${h.name}`,
    family: 'hand',
    kind: h.script !== undefined ? 'script' : 'race',
    tool: 'mmsim',
    args,
    files: { [file]: (h.script ?? h.race)! },
    expect: h.expect,
    why: h.why,
    ...(h.token ? { token: h.token } : {}),
    ...(h.stdoutMustNot ? { stdoutMustNot: h.stdoutMustNot } : {}),
    ...(h.errnoStep ? { errnoStep: h.errnoStep } : {}),
  };
}

/** The fixed table: controls, the issue's reproductions, the argument table, the real processes. */
export function fixedCases(): Case[] {
  return [
    ...BASES.map((b, i) => fromArgs(`control#${i}`, 'args', controlCase(b))),
    ...ARGUMENT_TABLE.map((a, i) => fromArgs(`table#${i}`, 'args', a)),
    ...HAND_SCRIPTS.map(fromHand),
    ...HAND_RACES.map(fromHand),
    ...PROCESS_CASES,
  ];
}

/** How the mutants are drawn: scripts most, then arguments, races and vectors. */
const FAMILIES: readonly [Family, number][] = [['mmo', 9], ['race', 4], ['vector', 3], ['args', 4]];

/** Mutant `index` of `seed`: the same case whatever ran before it. */
export function mutant(seed: number, index: number): Case {
  const r = caseRng(seed, index);
  let x = r.int(FAMILIES.reduce((s, [, w]) => s + w, 0));
  const [family] = FAMILIES.find(([, w]) => (x -= w) < 0)!;
  const id = `${family}#${index}`;
  const corpus = seeds();
  if (family === 'mmo') {
    const from = r.pick(corpus.scripts);
    const m = mutateMmo(from.text, r);
    const arch = r.chance(0.2) ? ['--arch', r.pick(['i386', 'ppc64-64k', 'ppc32', 'i386-pae']), '--kernel', r.pick(['2.6.21', '6.18'])] : [];
    return { id, family, kind: m.operator, tool: 'mmsim', args: ['run', from.name, ...arch], files: { [from.name]: m.text }, expect: m.expect, why: `${from.name} [${m.operator}] ${m.why}`, ...(m.token ? { token: m.token } : {}) };
  }
  if (family === 'race') {
    const from = r.pick(corpus.races);
    const m = mutateRace(from.text, r);
    const search = r.pick([['--bound', '1'], ['--strategy', 'random', '--runs', '20']]);
    return { id, family, kind: m.kind ?? 'ops', tool: 'mmsim', args: ['explore', from.name, ...search], files: { [from.name]: m.text }, expect: m.expect, why: `${from.name}: ${m.why}`, ...(m.token ? { token: m.token } : {}) };
  }
  if (family === 'vector') {
    const from = r.pick(corpus.vectors);
    const m = mutateVectors(from.text, r);
    return { id, family, kind: m.kind ?? '-', tool: 'mmsim-test', args: ['vectors', `{dir}/${from.name}`], files: { [from.name]: m.text }, expect: m.expect, why: `${from.name}: ${m.why}` };
  }
  return fromArgs(id, 'args', mutateArgs(r));
}

// ---- running -----------------------------------------------------------

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(relative(dir, p));
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

function shellQuote(arg: string): string {
  const shown = arg.length > 200 ? `${arg.slice(0, 40)}…(${arg.length} chars; see repro.json)` : arg;
  return /^[\w./@:=,+*-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(c: Case, dir: string): string {
  const bin = c.tool === 'mmsim' ? 'apps/cli/dist/bin.js' : 'apps/test-runner/dist/bin.js';
  return `(cd ${dir} && node "$MMSIM_ROOT/${bin}" ${c.args.map((a) => shellQuote(a.replaceAll('{dir}', dir))).join(' ')})`;
}

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const log = options.log ?? (() => {});
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), `mmsim-hostile-${options.seed}-`));
  const pool = new Pool(Math.max(1, options.workers), options.limits);
  const byFamily: Record<string, number> = {};
  const byRule = Object.fromEntries(Object.keys(RULES).map((r) => [r, 0])) as Record<Rule, number>;
  const failures: Failure[] = [];
  let run = 0;
  let budgetReached = false;

  async function runOne(c: Case): Promise<void> {
    const dir = join(root, c.id.replace(/[^\w.-]+/g, '_'));
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    const before = new Set(listFiles(dir));
    const args = c.args.map((a) => a.replaceAll('{dir}', dir));
    const outcome = 'stdout' in c ? await runProcess(c as ProcessCase, dir, options.limits) : await pool.run({ tool: c.tool, args, cwd: dir, patterns: patternsFor(c) });
    const written = listFiles(dir).filter((f) => !before.has(f));
    const broken = check(c, outcome, written);
    run++;
    byFamily[c.family] = (byFamily[c.family] ?? 0) + 1;
    for (const b of broken) byRule[b.rule]++;
    if (broken.length === 0) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    writeFileSync(join(dir, 'repro.json'), `${JSON.stringify({ id: c.id, seed: options.seed, tool: c.tool, args, expect: c.expect, why: c.why, broken, exit: outcome.status ?? null, stderr: outcome.stderr.slice(0, 2000) }, null, 1)}\n`);
    failures.push({ case: c, broken, outcome, dir });
    log(`✗ ${c.id} ${broken.map((b) => b.rule).join(', ')}: ${c.why.slice(0, 160)}`);
  }

  const wanted = (c: Case) => !options.only || options.only.includes(c.id);
  try {
    const queue: Case[] = options.fixed === false ? [] : fixedCases().filter(wanted);
    if (options.only) {
      for (const id of options.only) {
        const m = /^(mmo|race|vector|args)#(\d+)$/.exec(id);
        if (m) queue.push(mutant(options.seed, Number(m[2])));
      }
    }
    const inFlight = new Set<Promise<void>>();
    let next = 0;
    const take = (): Case | undefined => {
      if (queue.length) return queue.shift();
      if (options.only) return undefined;
      if (next >= options.cases) return undefined;
      if (performance.now() - started > options.budgetMs) {
        budgetReached = true;
        return undefined;
      }
      return mutant(options.seed, next++);
    };
    for (;;) {
      while (inFlight.size < Math.max(1, options.workers)) {
        const c = take();
        if (!c) break;
        const p: Promise<void> = runOne(c).finally(() => inFlight.delete(p));
        inFlight.add(p);
        // the real-process cases run alone: their memory is their own, and they do not starve the pool
        if ('stdout' in c) await p;
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
      if (run % 100 === 0 && run > 0) log(`  … ${run} cases, ${failures.length} failing, ${Math.round(performance.now() - started)} ms`);
    }
  } finally {
    await pool.close();
  }
  if (failures.length === 0) rmSync(root, { recursive: true, force: true });
  return { seed: options.seed, run, byFamily, byRule, failures, elapsedMs: performance.now() - started, budgetReached, keptIn: root };
}

// ---- the report --------------------------------------------------------

/** The shape of a detail: file names, quoted values, numbers and long runs taken out, so one cause is one group. */
function gist(detail: string): string {
  return detail
    .replace(/\S+\.(mmo|json)(:\d+)*:?/g, 'FILE:')
    .replace(/'[^']*'|"[^"]*"/g, "'…'")
    .replace(/(.)\1{20,}/g, '$1…')
    .replace(/\d+/g, 'N')
    .slice(0, 90);
}

/** Failures grouped by rule, mutation and the shape of what went wrong, one example each. */
export function groups(failures: readonly Failure[]): { key: string; count: number; example: Failure; detail: string }[] {
  const by = new Map<string, { count: number; example: Failure; detail: string }>();
  for (const f of failures) {
    for (const b of f.broken) {
      const key = `${b.rule} [${f.case.family}:${f.case.kind ?? '-'}/${f.case.expect}] ${gist(b.detail)}`;
      const g = by.get(key);
      if (g) g.count++;
      else by.set(key, { count: 1, example: f, detail: b.detail });
    }
  }
  return [...by.entries()].map(([key, g]) => ({ key, ...g })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

export function summary(report: CampaignReport, options: CampaignOptions): string[] {
  const lines = [
    `hostile-input suite: seed ${report.seed}, ${report.run} cases (${Object.entries(report.byFamily).map(([f, n]) => `${f} ${n}`).join(', ')}) in ${(report.elapsedMs / 1000).toFixed(1)} s` +
      `${report.budgetReached ? ` — time budget ${options.budgetMs} ms reached before ${options.cases} mutants` : ''}; limits ${options.limits.timeMs} ms, heap ${options.limits.heapMb} MB, resident ${options.limits.rssMb} MB per case`,
    `rules broken: ${Object.entries(report.byRule).map(([r, n]) => `${r} ${n}`).join(', ')}`,
  ];
  if (report.failures.length === 0) {
    lines.push('every case kept every rule');
    return lines;
  }
  lines.push(`${report.failures.length} failing cases; their files are kept in ${report.keptIn} (each folder: the inputs and repro.json)`, '', 'by cause:');
  for (const g of groups(report.failures)) {
    const c = g.example.case;
    lines.push(`  ${String(g.count).padStart(4)}× ${g.key}`, `        e.g. ${c.id}: ${c.why.slice(0, 200)}`, `        ${g.detail.slice(0, 240)}`, `        ${commandLine(c, g.example.dir)}`);
  }
  lines.push('', `reproduce one case: MMSIM_HOSTILE_SEED=${report.seed} MMSIM_HOSTILE_ONLY=ID pnpm --filter @mmsim/hostile run campaign  (MMSIM_ROOT=<repo> for the command lines above)`);
  return lines;
}
