/**
 * A race replay drawn as swimlanes (mmsim replay --svg): one lane per
 * thread, time going down, each step a box in its thread's lane labelled
 * with what the kernel path did and the values that decided it; the spans
 * a thread holds each lock as bars down the lane's left edge; preemptions,
 * the end of the given schedule, the failing step and the broken rule
 * marked; and the ptes and pages at the failing (or last) step below.
 * Hovering a step shows the state after it (each box's <title>).
 *
 * Plain SVG 1.1 text (no script, no external font or stylesheet), so it
 * reads the same in a browser and in rsvg-convert.
 */
import type { ReplayResult, ReplayStep } from '@mmsim/mm/explore';

export interface TraceSvgInput {
  readonly title: string;
  readonly subtitle: string;
  readonly result: ReplayResult;
}

const FONT = 12;
const LINE = 15;
/** about how wide a monospace character is at FONT */
const CHAR = 7.25;
const MARGIN = 20;
const GUTTER = 44;
const LANE = 600;
const LANE_GAP = 16;
/** the left part of a lane where lock bars run */
const BARS = 34;
const BAR = 7;
const WRAP = Math.floor((LANE - BARS - 16) / CHAR);
const PALETTE = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Text broken into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(' ', width);
    if (cut < width / 3) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length || out.length === 0) out.push(rest);
  return out;
}

/** The thread's name: the part of its `where` before the first colon ("fault: do_no_page: …"). */
function threadName(steps: readonly ReplayStep[], t: number): string {
  const s = steps.find((x) => x.thread === t);
  const i = s ? s.where.indexOf(': ') : -1;
  return i > 0 ? s!.where.slice(0, i) : '';
}

function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

interface Span {
  readonly lock: string;
  readonly thread: number;
  readonly from: number;
  to: number;
  slot: number;
}

/** Which lock each thread holds from which step to which (a lock never dropped runs to the last step). */
function lockSpans(steps: readonly ReplayStep[]): Span[] {
  const spans: Span[] = [];
  const open = new Map<string, Span>();
  for (const s of steps) {
    if (s.action.startsWith('lock ')) {
      const lock = s.action.slice(5);
      const busy = new Set([...open.values()].filter((x) => x.thread === s.thread).map((x) => x.slot));
      let slot = 0;
      while (busy.has(slot)) slot++;
      const span = { lock, thread: s.thread, from: s.step, to: steps.length - 1, slot };
      open.set(lock, span);
      spans.push(span);
    } else if (s.action.startsWith('unlock ')) {
      const span = open.get(s.action.slice(7));
      if (span) {
        span.to = s.step;
        open.delete(span.lock);
      }
    }
  }
  return spans;
}

export function traceSvg(input: TraceSvgInput): string {
  const r = input.result;
  const threads = Math.max(1, ...r.steps.map((s) => s.thread + 1));
  const laneX = (t: number): number => MARGIN + GUTTER + t * (LANE + LANE_GAP);
  const width = laneX(threads) - LANE_GAP + MARGIN;
  const failing = r.failure === null ? -1 : r.steps.length - 1;
  const body: string[] = [];
  const back: string[] = [];
  let y = MARGIN + 16;
  body.push(text(MARGIN, y, input.title, 'font-size="16" font-weight="bold"'));
  for (const line of wrap(input.subtitle, Math.floor((width - 2 * MARGIN) / CHAR))) {
    y += LINE + 2;
    body.push(text(MARGIN, y, line, 'fill="#444"'));
  }
  y += LINE + 14;
  const laneTop = y - LINE;
  for (let t = 0; t < threads; t++) {
    const name = threadName(r.steps, t);
    body.push(text(laneX(t) + BARS, y, `T${t}${name ? ` · ${name}` : ''}`, 'font-weight="bold" font-size="13"'));
  }
  y += 10;
  // the rows: each step's box in its thread's lane
  const rowTop: number[] = [];
  const rowBottom: number[] = [];
  const palette = new Map<string, string>();
  const colour = (lock: string): string => {
    let c = palette.get(lock);
    if (c === undefined) palette.set(lock, (c = PALETTE[palette.size % PALETTE.length]!));
    return c;
  };
  for (const s of r.steps) {
    if (s.rest && (s.step === 0 || !r.steps[s.step - 1]?.rest)) {
      y += 4;
      body.push(`<line x1="${MARGIN}" y1="${y}" x2="${width - MARGIN}" y2="${y}" stroke="#999" stroke-dasharray="6 4"/>`);
      body.push(text(MARGIN + GUTTER, y + LINE, 'the schedule given ends here; the rest runs in thread order', 'fill="#777" font-style="italic"'));
      y += LINE + 8;
    }
    const name = threadName(r.steps, s.thread);
    const what = name && s.where.startsWith(`${name}: `) ? s.where.slice(name.length + 2) : s.where;
    const head = `${s.action === 'step' ? '' : `[${s.action}] `}${what}`;
    const lines = wrap(head, WRAP);
    const values = s.values ? Object.entries(s.values).map(([k, v]) => `${k} = ${String(v)}`) : [];
    const valueLines = values.flatMap((v) => wrap(v, WRAP - 2));
    const h = (lines.length + valueLines.length) * LINE + 10;
    const x = laneX(s.thread) + BARS;
    const fail = s.step === failing;
    rowTop.push(y);
    rowBottom.push(y + h);
    const tip = [`step ${s.step}, T${s.thread}: ${s.where}`, ...values, ...(s.state ? ['', 'after this step:', s.state] : [])].join('\n');
    body.push(`<g><title>${esc(tip)}</title>`);
    body.push(`<rect x="${x}" y="${y}" width="${LANE - BARS - 6}" height="${h}" rx="4" fill="${fail ? '#fde8e8' : s.rest ? '#f6f6f6' : '#eef4fb'}" stroke="${fail ? '#c62828' : s.preemption ? '#e08a00' : '#9db4cc'}" stroke-width="${fail || s.preemption ? 2.2 : 1}"${s.rest ? ' stroke-dasharray="4 3"' : ''}/>`);
    let ty = y + LINE;
    for (const [k, line] of lines.entries()) {
      body.push(text(x + 8, ty, `${k === 0 && fail ? '✗ ' : ''}${line}`, fail ? 'fill="#b71c1c" font-weight="bold"' : ''));
      ty += LINE;
    }
    for (const line of valueLines) {
      body.push(text(x + 14, ty, line, 'fill="#00695c"'));
      ty += LINE;
    }
    body.push('</g>');
    body.push(text(MARGIN, y + LINE, String(s.step).padStart(3), 'fill="#888"'));
    if (s.preemption) body.push(text(x + LANE - BARS - 70, y - 2, 'preempts', 'fill="#e08a00" font-size="10"'));
    y += h + 6;
  }
  // lane backgrounds and the lock-held spans, behind the boxes
  for (let t = 0; t < threads; t++) back.push(`<rect x="${laneX(t)}" y="${laneTop}" width="${LANE}" height="${y - laneTop}" fill="${t % 2 ? '#fafafa' : '#f3f3f3'}"/>`);
  for (const span of lockSpans(r.steps)) {
    const x = laneX(span.thread) + 4 + span.slot * (BAR + 2);
    const top = rowTop[span.from]!;
    const bottom = rowBottom[span.to]!;
    back.push(`<rect x="${x}" y="${top}" width="${BAR}" height="${bottom - top}" rx="2" fill="${colour(span.lock)}"><title>${esc(`T${span.thread} holds ${span.lock} (steps ${span.from}–${span.to})`)}</title></rect>`);
  }
  // the lock legend, the verdict, the state
  y += 8;
  if (palette.size) {
    let x = MARGIN + GUTTER;
    body.push(text(MARGIN, y + 10, 'locks held:', 'fill="#444"'));
    x += 50;
    for (const [lock, c] of palette) {
      const w = (lock.length + 4) * CHAR;
      if (x + w > width - MARGIN) {
        x = MARGIN + GUTTER + 50;
        y += LINE + 4;
      }
      body.push(`<rect x="${x}" y="${y}" width="${BAR}" height="12" rx="2" fill="${c}"/>`, text(x + BAR + 5, y + 10, lock));
      x += w;
    }
    y += LINE + 14;
  }
  const verdict = r.failure !== null ? `✗ broken rule at step ${failing}: ${r.failure}` : r.finished ? '✓ every thread finished; every check held' : 'the schedule ended before every thread finished; every check held so far';
  for (const line of wrap(verdict, Math.floor((width - 2 * MARGIN) / CHAR))) {
    body.push(text(MARGIN, y, line, r.failure !== null ? 'fill="#b71c1c" font-weight="bold"' : 'fill="#1b5e20" font-weight="bold"'));
    y += LINE;
  }
  if (r.state !== undefined) {
    y += 10;
    body.push(text(MARGIN, y, r.failure !== null ? 'ptes and pages at the failing step:' : 'ptes and pages after the last step:', 'font-weight="bold"'));
    y += 6;
    const lines = r.state.split('\n').flatMap((l) => wrap(l, Math.floor((width - 2 * MARGIN - 16) / CHAR)));
    back.push(`<rect x="${MARGIN}" y="${y}" width="${width - 2 * MARGIN}" height="${lines.length * LINE + 10}" fill="#fffbe6" stroke="#e0d8a8"/>`);
    y += LINE;
    for (const line of lines) {
      body.push(text(MARGIN + 8, y, line));
      y += LINE;
    }
  }
  const height = Math.ceil(y + MARGIN);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${height}" viewBox="0 0 ${Math.ceil(width)} ${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="${FONT}">`,
    `<title>${esc(input.title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...back,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
