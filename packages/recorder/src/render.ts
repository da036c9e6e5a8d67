/**
 * A recording as text, a step to a line and a line per region, in the host
 * oracle's compact page notation (view.jq): `P3fx$[2]=A1` is label P3,
 * pagemap file and exclusive bits, in the swap cache, mapcount 2, data A1;
 * `S4@T0(+7)` a swapped page; `-(incore)` not mapped but cached.
 */
import type { RecordedStep } from './record.js';

/** A page of a recorded step, as the trace schema has it (what render and compare read of it). */
export interface Page {
  i: number;
  st: string;
  pm?: string[];
  kf?: string[];
  pfn?: string;
  mapcnt?: number;
  data?: string;
  mc?: number;
  slot?: string;
  swap_type?: string;
  slot_rel?: number;
  marker?: string;
  /** the model's page-table words (a recording has none: compare.ts leaves them out) */
  pte?: string;
  pte_class?: string;
  pmd?: string;
}
export interface Region {
  pages?: Page[];
  vmas?: { from: number; to: number; perms: string; pgoff: number; path: string }[];
}

function page(p: Page): string {
  if (p.st === 'present') return `${p.i}:${p.pfn}${p.pm?.includes('file') ? 'f' : ''}${p.pm?.includes('excl') ? 'x' : ''}${p.kf?.includes('SWAPCACHE') ? '$' : ''}[${p.mapcnt}]=${p.data}`;
  if (p.st === 'swapped') return `${p.i}:${p.slot}@${p.swap_type}(+${p.slot_rel})`;
  if (p.st === 'marker') return `${p.i}:marker(${p.marker})`;
  return `${p.i}:-${p.mc ? '(incore)' : ''}`;
}

export function recordingLines(steps: readonly RecordedStep[]): string[] {
  const lines: string[] = [];
  for (const s of steps) {
    const r = s.ret;
    const ret = r['ok']
      ? Object.entries(r).filter(([k]) => k !== 'ok' && k !== 'val').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') || 'ok'
      : `${String(r['errno'] ?? r['signal'])}${r['si_code'] ? `/${String(r['si_code'])}` : ''}`;
    lines.push(`${s.n} ${s.proc === 'child' ? 'C' : 'P'} ${s.op} ${JSON.stringify(s.args)} -> ${ret}`);
    for (const [name, region] of Object.entries((s.obs ?? {}) as Record<string, Region>)) {
      const vmas = (region.vmas ?? []).map((v) => `[${v.from}-${v.to} ${v.perms} off=${v.pgoff}${v.path ? ` ${v.path}` : ''}]`).join(' ');
      lines.push(`      ${name}: ${(region.pages ?? []).map(page).join(' ')}  ${vmas}`);
    }
  }
  return lines;
}
