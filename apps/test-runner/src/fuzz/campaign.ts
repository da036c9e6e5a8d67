/**
 * One random script on the host (the recorder) and on the simulator (the
 * host's profile), compared step by step as `mmsim check` compares them:
 * exactly (compareSteps), the model's timing alternatives tried when its
 * own run differs (timedRuns). A divergence is shrunk by delta debugging
 * over the script's lines, each candidate re-recorded on the host, and
 * written with its host recording as a regression fixture.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineOptions } from '@mmsim/mm';
import { kernelFunction } from './kernel-path.js';

type Rec = typeof import('@mmsim/recorder');
type MmScript = typeof import('@mmsim/mm/script');
type Step = import('@mmsim/recorder').RecordedStep;

export type Verdict = 'identical' | 'alternative' | 'divergent' | 'invalid';

export interface Outcome {
  readonly verdict: Verdict;
  /** the alternative that matched: the decisions flipped */
  readonly alternative?: readonly string[];
  /** the first differing step (1-based), its op and what differs */
  readonly first?: { readonly n: number; readonly op: string; readonly fields: readonly string[]; readonly kernel?: string };
  /** why a script is invalid (a refusal or a script error: a generator bug) */
  readonly why?: string;
  readonly host?: import('@mmsim/recorder').Recording;
  /** host recordings it took: more than 1 when the first differed and a re-recording matched (host timing) */
  readonly recordings?: number;
}

export interface Checker {
  readonly rec: Rec;
  readonly mm: MmScript;
  readonly options: MachineOptions;
  readonly dir: string;
  /** the most model runs (timing alternatives) per script */
  readonly runs: number;
  /** host recordings made so far */
  recordings: number;
  /** times a divergent script is recorded again (host timing) before it counts as divergent */
  readonly rerecord: number;
  close(): void;
}

export async function makeChecker(options: MachineOptions, runs = 64, rerecord = 3): Promise<Checker> {
  const rec: Rec = await import('@mmsim/recorder');
  const mm: MmScript = await import('@mmsim/mm/script');
  const dir = mkdtempSync(join(tmpdir(), 'mmsim-fuzz-'));
  return { rec, mm, options, dir, runs, rerecord, recordings: 0, close: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The top-level keys of a step that differ, and inside obs the page fields: `ret.errno`, `obs.pages.pfn`, `obs.vmas` … */
export function differingFields(h: Step | undefined, m: Step | undefined, rec: Rec): string[] {
  if (!h || !m) return [h ? 'missing in the model' : 'missing on the host'];
  const out = new Set<string>();
  if (h.op !== m.op) out.add('op');
  if (JSON.stringify(h.args) !== JSON.stringify(m.args)) out.add('args');
  const hr: Record<string, unknown> = h.ret;
  const mr: Record<string, unknown> = m.ret;
  for (const k of new Set([...Object.keys(hr), ...Object.keys(mr)])) if (k !== 'val' && JSON.stringify(hr[k]) !== JSON.stringify(mr[k])) out.add(`ret.${k}`);
  const ho = (h.obs ?? {}) as Record<string, Record<string, unknown>>;
  const mo = (m.obs ?? {}) as Record<string, Record<string, unknown>>;
  for (const name of new Set([...Object.keys(ho), ...Object.keys(mo)])) {
    const a = ho[name];
    const b = mo[name];
    if (!a || !b) {
      out.add('obs.region');
      continue;
    }
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (k === 'pages') {
        const pa = (a['pages'] ?? []) as Record<string, unknown>[];
        const pb = (b['pages'] ?? []) as Record<string, unknown>[];
        for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
          const x = pa[i] ?? {};
          const y = pb[i] ?? {};
          for (const f of new Set([...Object.keys(x), ...Object.keys(y)])) {
            if (f === 'pte' || f === 'pte_class' || f === 'pmd') continue;
            if (JSON.stringify(x[f]) !== JSON.stringify(y[f])) out.add(`obs.pages.${f}`);
          }
        }
      } else if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.add(`obs.${k}`);
    }
  }
  void rec;
  return [...out].sort();
}

/** Run TEXT on both sides and judge. Never throws for what the script does; a script error is `invalid`. */
export function checkScript(ck: Checker, text: string, file = 'fuzz.mmo'): Outcome {
  const { rec, mm } = ck;
  let script: import('@mmsim/mm/script').MmoScript;
  let runs: Generator<import('@mmsim/mm/script').TimedRun, void, void>;
  let model: import('@mmsim/mm/script').TimedRun;
  try {
    script = mm.parseMmo(text, file);
    runs = mm.timedRuns(script, ck.options, file, { runs: ck.runs });
    model = runs.next().value as import('@mmsim/mm/script').TimedRun;
  } catch (error) {
    return { verdict: 'invalid', why: `the simulator: ${(error as Error).message}` };
  }
  const path = join(ck.dir, file);
  writeFileSync(path, text);
  let host: import('@mmsim/recorder').Recording;
  try {
    ck.recordings++;
    host = rec.recordScript(path);
  } catch (error) {
    if (error instanceof rec.RecorderScriptError) return { verdict: 'invalid', why: `the recorder: ${error.message}` };
    throw error;
  }
  const first = rec.compareSteps(host.steps, model.trace.steps);
  if (first.identical) return { verdict: 'identical', host };
  const alts: import('@mmsim/mm/script').TimedRun[] = [];
  try {
    for (const alt of runs) {
      alts.push(alt);
      if (rec.compareSteps(host.steps, alt.trace.steps).identical) return { verdict: 'alternative', alternative: alt.flipped, host };
    }
  } catch (error) {
    return { verdict: 'invalid', why: `the simulator (an alternative): ${(error as Error).message}` };
  }
  // The host is not deterministic everywhere (a fault retried under contention with the child: one minor fault more).
  // Recorded again, each recording is compared as exactly with the model's run and its alternatives; a match counts,
  // and says it took more than one recording.
  for (let again = 2; again <= ck.rerecord + 1; again++) {
    ck.recordings++;
    const h2 = rec.recordScript(path);
    if (rec.compareSteps(h2.steps, model.trace.steps).identical) return { verdict: 'identical', host: h2, recordings: again };
    for (const alt of alts) if (rec.compareSteps(h2.steps, alt.trace.steps).identical) return { verdict: 'alternative', alternative: alt.flipped, host: h2, recordings: again };
  }
  const n = first.differing[0]!;
  const h = host.steps[n - 1];
  const m = model.trace.steps[n - 1] as unknown as Step | undefined;
  const op = (h ?? m)?.op ?? '?';
  const kernel = kernelFunction(op, (h ?? m)?.args ?? {});
  return { verdict: 'divergent', first: { n, op, fields: differingFields(h, m, rec), ...(kernel ? { kernel } : {}) }, host };
}

/** A divergence's class: the first differing step's op and what differs there. */
export function divergenceClass(o: Outcome): string {
  return o.first ? `${o.first.op}: ${o.first.fields.join(', ')}` : o.verdict;
}

/**
 * Delta debugging (ddmin over the lines): drop chunks, then single lines,
 * while the script still diverges in the same class. Each candidate is
 * re-recorded on the host; `budget` caps the recordings.
 */
export function shrink(ck: Checker, name: string, lines: readonly string[], klass: string, budget = 150): { lines: string[]; outcome: Outcome; tries: number } {
  const { scriptText } = SCRIPT;
  let best = [...lines];
  let bestOutcome = checkScript(ck, scriptText(name, best));
  let tries = 1;
  const still = (cand: string[]): Outcome | undefined => {
    if (tries >= budget) return undefined;
    tries++;
    const o = checkScript(ck, scriptText(name, cand));
    return o.verdict === 'divergent' && divergenceClass(o) === klass ? o : undefined;
  };
  let chunk = Math.max(1, best.length >> 1);
  while (chunk >= 1 && tries < budget) {
    let progressed = false;
    for (let at = 0; at < best.length && tries < budget; ) {
      const cand = [...best.slice(0, at), ...best.slice(at + chunk)];
      const o = cand.length > 0 ? still(cand) : undefined;
      if (o) {
        best = cand;
        bestOutcome = o;
        progressed = true;
      } else at += chunk;
    }
    if (!progressed) chunk >>= 1;
  }
  return { lines: best, outcome: bestOutcome, tries };
}

const SCRIPT = { scriptText: (name: string, lines: readonly string[]) => `scenario ${name} a random script (mmsim-test fuzz), shrunk\n${lines.join('\n')}\n` };

/** Write the minimal script and its host recording as a fixture: NAME.mmo, NAME.json. */
export function writeFixture(out: string, name: string, lines: readonly string[], outcome: Outcome, note: readonly string[]): string[] {
  mkdirSync(out, { recursive: true });
  const mmo = join(out, `${name}.mmo`);
  const json = join(out, `${name}.json`);
  writeFileSync(mmo, `${note.map((l) => `# ${l}`).join('\n')}\n${SCRIPT.scriptText(name, lines)}`);
  writeFileSync(json, `${JSON.stringify(outcome.host)}\n`);
  return [mmo, json];
}
