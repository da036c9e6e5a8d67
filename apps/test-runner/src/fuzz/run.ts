/**
 * A campaign: COUNT random scripts from SEED, each on host and model;
 * counts identical / equal to a modelled alternative / divergent (and
 * invalid: a script either side refused — a generator bug, counted, never
 * hidden); each divergence shrunk and written as a fixture. Bounded by
 * --count and --time-limit; progress on stderr.
 */
import type { MachineOptions } from '@mmsim/mm';
import { checkScript, divergenceClass, makeChecker, shrink, writeFixture, type Outcome } from './campaign.js';
import { EXCLUSIONS, materialize, scriptsFor, scriptText } from './generate.js';

export interface CampaignOptions {
  readonly seed: number;
  readonly count: number;
  /** stop starting scripts after this many ms (0: no limit) */
  readonly timeLimitMs?: number;
  /** where fixtures go; undefined: none written */
  readonly out?: string;
  /** shrink divergences (default true) */
  readonly shrink?: boolean;
  /** host recordings per shrink */
  readonly shrinkBudget?: number;
  /** times a divergent script is recorded again before it counts (default 3) */
  readonly rerecord?: number;
  readonly progress?: (line: string) => void;
}

export interface Divergence {
  readonly index: number;
  readonly name: string;
  readonly klass: string;
  readonly first: NonNullable<Outcome['first']>;
  /** the script as generated, and shrunk */
  readonly script: string;
  readonly minimal?: string;
  readonly fixture?: readonly string[];
}

export interface CampaignResult {
  readonly seed: number;
  readonly asked: number;
  readonly ran: number;
  readonly identical: number;
  readonly alternative: number;
  readonly divergent: number;
  readonly invalid: number;
  /** scripts that matched only on a re-recording (the host's own timing varied) */
  readonly rerecorded: number;
  readonly stoppedEarly: boolean;
  readonly divergences: readonly Divergence[];
  readonly invalids: readonly { readonly index: number; readonly why: string; readonly script: string }[];
  /** divergence class → scripts */
  readonly classes: Readonly<Record<string, number>>;
  /** the alternatives that matched, by decision text → scripts */
  readonly alternatives: Readonly<Record<string, number>>;
  /** named exclusion → times it kept an op out */
  readonly excludedCounts: Readonly<Record<string, number>>;
  /** kinds of op lines generated → count (coverage) */
  readonly coverage: Readonly<Record<string, number>>;
  readonly exclusions: typeof EXCLUSIONS;
  readonly recordings: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

export async function runCampaign(options: MachineOptions, o: CampaignOptions): Promise<CampaignResult> {
  const t0 = Date.now();
  const c0 = process.cpuUsage();
  const ck = await makeChecker(options, 64, o.rerecord ?? 3);
  const say = o.progress ?? (() => {});
  const counts = { identical: 0, alternative: 0, divergent: 0, invalid: 0 };
  const divergences: Divergence[] = [];
  const invalids: { index: number; why: string; script: string }[] = [];
  const classes: Record<string, number> = {};
  const alternatives: Record<string, number> = {};
  const coverage: Record<string, number> = {};
  const excludedCounts: Record<string, number> = {};
  const shrunk = new Set<string>();
  let ran = 0;
  let rerecorded = 0;
  let stoppedEarly = false;
  try {
    const all = scriptsFor(o.seed, o.count);
    for (let i = 0; i < all.length; i++) {
      if (o.timeLimitMs && Date.now() - t0 > o.timeLimitMs) {
        stoppedEarly = true;
        say(`time limit reached after ${ran} of ${o.count} scripts`);
        break;
      }
      const name = `fuzz_s${o.seed}_${i}`;
      const { text, lines, excluded } = materialize(all[i]!, name);
      for (const [k, n] of Object.entries(excluded)) excludedCounts[k] = (excludedCounts[k] ?? 0) + n;
      for (const l of lines) coverage[l.kind] = (coverage[l.kind] ?? 0) + 1;
      const out = checkScript(ck, text, `${name}.mmo`);
      ran++;
      counts[out.verdict]++;
      if ((out.recordings ?? 1) > 1) rerecorded++;
      if (out.verdict === 'alternative') for (const a of out.alternative ?? []) alternatives[a] = (alternatives[a] ?? 0) + 1;
      if (out.verdict === 'invalid') invalids.push({ index: i, why: out.why ?? '', script: text });
      if (out.verdict === 'divergent') {
        const klass = divergenceClass(out);
        classes[klass] = (classes[klass] ?? 0) + 1;
        let d: Divergence = { index: i, name, klass, first: out.first!, script: text };
        // one shrink a class a campaign: the rest are the same gap
        if (o.shrink !== false && !shrunk.has(klass)) {
          shrunk.add(klass);
          say(`[${i + 1}/${o.count}] divergent at step ${out.first!.n} (${klass}); shrinking`);
          const s = shrink(ck, name, lines.map((l) => l.line), klass, o.shrinkBudget ?? 150);
          const minimal = scriptText(name, s.lines);
          d = { ...d, minimal, first: s.outcome.first ?? d.first };
          if (o.out) {
            const f = s.outcome.first ?? out.first!;
            const note = [`mmsim-test fuzz --host --seed ${o.seed}: script ${i}, shrunk in ${s.tries} host recordings`, `first differing step ${f.n} (${f.op}): ${f.fields.join(', ')}`, ...(f.kernel ? [`kernel: ${f.kernel}`] : [])];
            d = { ...d, fixture: writeFixture(o.out, name, s.lines, s.outcome, note) };
          }
        }
        divergences.push(d);
      }
      say(`[${i + 1}/${o.count}] ${out.verdict}${out.verdict === 'divergent' ? ` at step ${out.first!.n} (${out.first!.op})` : ''}${out.verdict === 'invalid' ? `: ${out.why}` : ''}`);
    }
  } finally {
    ck.close();
  }
  const cpu = process.cpuUsage(c0);
  return {
    seed: o.seed,
    asked: o.count,
    ran,
    ...counts,
    rerecorded,
    stoppedEarly,
    divergences,
    invalids,
    classes,
    alternatives,
    coverage,
    exclusions: EXCLUSIONS,
    excludedCounts,
    recordings: ck.recordings,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    wallMs: Date.now() - t0,
  };
}

/** The campaign's summary as text lines. */
export function campaignText(r: CampaignResult): string[] {
  const lines = [
    `seed ${r.seed}: ${r.ran} of ${r.asked} scripts${r.stoppedEarly ? ' (time limit)' : ''}: ${r.identical} identical, ${r.alternative} equal to a modelled alternative, ${r.divergent} divergent, ${r.invalid} invalid${r.rerecorded ? ` (${r.rerecorded} matched only when recorded again: the host's timing varied)` : ''}`,
    `${r.recordings} host recordings; ${(r.cpuMs / 1000).toFixed(1)} s CPU in this process (the recorder's own is not counted), ${(r.wallMs / 1000).toFixed(1)} s wall`,
  ];
  for (const e of r.exclusions) lines.push(`  exclusion ${e.name}: ${r.excludedCounts[e.name] ?? 0} time(s) — ${e.why}`);
  for (const [a, n] of Object.entries(r.alternatives)) lines.push(`  alternative: ${a}: ${n}`);
  for (const [k, n] of Object.entries(r.classes)) lines.push(`  divergence class ${k}: ${n} script(s)`);
  for (const d of r.divergences) {
    lines.push(`divergent: script ${d.index}, first differing step ${d.first.n} (${d.first.op}): ${d.first.fields.join(', ')}${d.first.kernel ? `; kernel: ${d.first.kernel}` : ''}`);
    if (d.minimal) lines.push(...d.minimal.trimEnd().split('\n').map((l) => `    ${l}`));
    if (d.fixture) lines.push(`  fixture: ${d.fixture.join(', ')}`);
  }
  for (const v of r.invalids) lines.push(`invalid: script ${v.index}: ${v.why}`);
  return lines;
}
