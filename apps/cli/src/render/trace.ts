/**
 * `mmsim run`'s text trace: a step's behaviour (what the process sees, in
 * the host oracle's notation: render/legend.ts) and, apart from it, its
 * encoding (the pte words, --ptes; the walk, --walk), so that variants
 * whose behaviour agrees are printed once and their words side by side.
 */
type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/script');
export type Step = ReturnType<Mm['runScript']>['steps'][number];
type Page = Step['obs'][string]['pages'][number];

/** One page in the host oracle's compact notation (legend.ts). */
export function pageText(p: Page): string {
  if (p.st === 'present') return `${p.i}:${p.pfn}${p.pm.includes('file') ? 'f' : ''}${p.pm.includes('excl') ? 'x' : ''}${(p.kf ?? []).includes('SWAPCACHE') ? '$' : ''}[${p.mapcnt}]=${p.data}`;
  if (p.st === 'swapped') return `${p.i}:${p.slot}@${p.swap_type}(+${p.slot_rel})`;
  if (p.st === 'file') return `${p.i}:file(pgoff ${p.pgoff})`;
  if (p.st === 'marker') return `${p.i}:marker(${p.marker ?? 'other'})`;
  return `${p.i}:-${p.mc ? '(incore)' : ''}`;
}

/** @mmsim/mm's MANY_REGIONS, as text (this module loads mm lazily; tested against the constant) */
export const MANY_REGIONS_TEXT = '64';

/** What a step did and what the process sees after it: the lines compared across variants. */
export function stepLines(step: Step): string[] {
  const ret = step.ret['ok']
    ? Object.entries(step.ret).filter(([k]) => k !== 'ok' && k !== 'val').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') || 'ok'
    : `${String(step.ret['errno'] ?? step.ret['signal'] ?? step.ret['note'] ?? step.ret['oom'])}${step.ret['si_code'] ? `/${String(step.ret['si_code'])}` : ''}`;
  const lines = [`${step.n} ${step.proc === 'child' ? 'C' : 'P'} ${step.op} ${JSON.stringify(step.args)} -> ${ret}`];
  for (const [name, r] of Object.entries(step.obs)) {
    const vmas = r.vmas.map((v) => `[${v.from}-${v.to} ${v.perms} off=${v.pgoff}${v.path ? ` ${v.path}` : ''}]`).join(' ');
    // a sampled region (a `sample` line, or a big one): say how many of its pages are listed
    const total = Object.entries(r.summary).reduce((n, [k, v]) => (k === 'present' || k === 'swapped' || k === 'none' || k === 'guard' || k === 'marker' ? n + v : n), 0);
    const listed = r.pages.length < total ? `  (${r.pages.length} of ${total} pages listed)` : '';
    lines.push(`      ${name}: ${r.pages.map(pageText).join(' ')}  ${vmas}${listed}`);
  }
  // past MANY_REGIONS regions a step observes only the regions it names
  if (step.unobserved) lines.push(`      (${step.unobserved} other regions not observed: past ${MANY_REGIONS_TEXT} regions a step shows only those it names)`);
  return lines;
}

/** One page's entry: `0=0x8000000000102025 present`, `0=pmd 0x… huge`, `2=·` (no pte table). */
function entryText(p: Page): string {
  if (p.pmd !== undefined) return `${p.i}=pmd ${p.pmd} huge`;
  if (p.pte === undefined) return `${p.i}=·`;
  return `${p.i}=${p.pte} ${p.pte_class ?? '?'}`;
}

/** The listed pages' entries; the pages one huge pmd maps are named once, as a range (`0…511=pmd 0x… huge`). */
function entriesText(pages: readonly Page[]): string {
  const out: string[] = [];
  for (let k = 0; k < pages.length; k++) {
    const p = pages[k]!;
    let last = k;
    while (p.pmd !== undefined && pages[last + 1]?.pmd === p.pmd) last++;
    out.push(last === k ? entryText(p) : `${p.i}…${pages[last]!.i}=pmd ${p.pmd} huge`);
    k = last;
  }
  return out.join('  ');
}

/** The step's page-table entries, one line per region (--ptes). */
export function pteLines(step: Step): string[] {
  return Object.entries(step.obs).map(([name, r]) => `      ptes ${name}: ${entriesText(r.pages)}`);
}

/** The walk of --walk's page after the step, or nothing before its region exists. */
export function walkLines(step: Step): string[] {
  const w = step.walk;
  if (!w) return [];
  const levels = w.levels.map((l) => `${l.level}[${l.index}]=${l.entry}${l.class ? ` ${l.class}` : ''}`).join('  ');
  return [`      walk ${w.region}[${w.page}] ${w.addr}: ${levels || '(the process has no page table)'}`];
}
