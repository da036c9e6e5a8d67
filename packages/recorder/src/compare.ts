/**
 * A host recording against a simulated trace, step by step. Everything a
 * step holds is compared — op, arguments, return, and every region's pages
 * (state, pagemap bits, scan categories, mincore, PFN label, folio, kpageflags,
 * mapcount, data, swap slot), summary and VMAs — except the return's `val`,
 * which the host tests leave out too (settle's Writeback kB, a pwrite's byte
 * count are measurements, not model state), and the page-table words the
 * model's trace carries for each page (`pte`, `pte_class`, `pmd`): user
 * space cannot read a pte, so a recording has none — what the kernel lets it
 * see of one (pagemap, kpageflags, mincore) is compared.
 */
import type { RecordedStep } from './record.js';
import type { Page, Region } from './render.js';

/** A value with its object keys sorted, as text: equal steps give equal text. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The fields of a page only the model has: its page-table words (see above). */
const MODEL_ONLY = ['pte', 'pte_class', 'pmd'] as const;

/** A step's observations without the model-only page fields. */
function visible(obs: unknown): unknown {
  if (obs === null || typeof obs !== 'object') return obs;
  const out: Record<string, unknown> = {};
  for (const [name, region] of Object.entries(obs as Record<string, unknown>)) {
    const r = region as { pages?: Record<string, unknown>[] } | null;
    if (r && typeof r === 'object' && Array.isArray(r.pages)) {
      out[name] = {
        ...r,
        pages: r.pages.map((p) => {
          const q = { ...p };
          for (const k of MODEL_ONLY) delete q[k];
          return q;
        }),
      };
    } else out[name] = region;
  }
  return out;
}

/** What two steps must agree on. */
export function stepEssence(step: RecordedStep): string {
  const ret = { ...step.ret };
  delete ret['val'];
  return canonical({ n: step.n, proc: step.proc, op: step.op, args: step.args, ret, obs: visible(step.obs ?? {}) });
}

export interface Comparison {
  readonly identical: boolean;
  /** the step numbers (1-based positions) that differ */
  readonly differing: readonly number[];
}

export function compareSteps(host: readonly RecordedStep[], model: readonly RecordedStep[]): Comparison {
  const differing: number[] = [];
  for (let i = 0; i < Math.max(host.length, model.length); i++) {
    const h = host[i];
    const m = model[i];
    if (!h || !m || stepEssence(h) !== stepEssence(m)) differing.push(i + 1);
  }
  return { identical: differing.length === 0, differing };
}

/** One page in the host oracle's compact notation (view.jq), with whatever else the page holds after it. */
function pageText(p: Page): string {
  const rest = canonical({ ...p, i: undefined, st: undefined, pfn: undefined, mapcnt: undefined, data: undefined, slot: undefined, swap_type: undefined, slot_rel: undefined, mc: undefined, pte: undefined, pte_class: undefined, pmd: undefined });
  const extra = rest === '{}' ? '' : ` ${rest}`;
  if (p.st === 'present') return `${p.pfn}[${p.mapcnt}]=${p.data}${extra}`;
  if (p.st === 'swapped') return `${p.slot}@${p.swap_type}(+${p.slot_rel})${extra}`;
  return `${p.st}${p.mc ? '(incore)' : ''}${extra}`;
}

function retText(s: RecordedStep): string {
  const r = { ...s.ret };
  delete r['val'];
  return canonical(r);
}

/** The rows of one step: a label and its text. */
function rows(s: RecordedStep | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!s) return out;
  out.set('step', `${s.proc === 'child' ? 'C' : 'P'} ${s.op} ${canonical(s.args)}`);
  out.set('ret', retText(s));
  for (const [name, r] of Object.entries((s.obs ?? {}) as Record<string, Region & Record<string, unknown>>)) {
    for (const p of r.pages ?? []) out.set(`${name}[${p.i}]`, pageText(p));
    out.set(`${name} summary`, canonical(r['summary']));
    out.set(`${name} vmas`, (r.vmas ?? []).map((v) => canonical(v)).join(' '));
  }
  return out;
}

/**
 * The two side by side: one line for an identical step, and for a
 * differing one every row of host and model in two columns, the rows that
 * differ marked ≠.
 */
export function sideBySide(host: readonly RecordedStep[], model: readonly RecordedStep[], width = 60): string[] {
  const lines: string[] = [];
  const cut = (t: string) => (t.length > width ? `${t.slice(0, width - 1)}…` : t.padEnd(width));
  lines.push(`   ${'step'.padEnd(12)} ${cut('host')} │ model`);
  for (let i = 0; i < Math.max(host.length, model.length); i++) {
    const h = host[i];
    const m = model[i];
    const same = h !== undefined && m !== undefined && stepEssence(h) === stepEssence(m);
    const s = (h ?? m)!;
    if (same) {
      lines.push(`=  ${String(s.n).padStart(3)} ${s.proc === 'child' ? 'C' : 'P'} ${s.op} ${canonical(s.args)}`);
      continue;
    }
    lines.push(`≠  ${String(s.n).padStart(3)} ${s.proc === 'child' ? 'C' : 'P'} ${s.op} ${canonical(s.args)}${h ? '' : '   (the host has no such step)'}${m ? '' : '   (the model has no such step)'}`);
    const hr = rows(h);
    const mr = rows(m);
    const keys = [...new Set([...hr.keys(), ...mr.keys()])];
    for (const k of keys) {
      const a = hr.get(k) ?? '(none)';
      const b = mr.get(k) ?? '(none)';
      const mark = a === b ? ' ' : '≠';
      // a row too long for its column is shown whole, one side under the other
      if (a !== b && (a.length > width || b.length > width)) {
        lines.push(`${mark}      ${k.padEnd(12)} host : ${a}`);
        lines.push(`${mark}      ${''.padEnd(12)} model: ${b}`);
      } else lines.push(`${mark}      ${k.padEnd(12)} ${cut(a)} │ ${b}`);
    }
  }
  return lines;
}
