/**
 * A pte as a row of bits in the terminal: two ruler lines (tens, units) over
 * the 32 or 64 bit positions, MSB left; optionally the value's bits; then
 * each range (field, flag, constant) drawn under its bits, coloured, with
 * its name where it fits and a one-letter key (explained below) where not.
 *
 *             6666555555555544444444443333333333222222222211111111110000000000
 *       bit   3210987654321098765432109876543210987654321098765432109876543210
 *     value   0000000000000000000000000000000000000000000000000101000001000000
 *    layout   ├───────────────────────────pgoff──────────────────────────┤·F······
 */
import type { Colors } from './color.js';
import { pad, visibleLength } from './table.js';

export interface DiagramRange {
  readonly msb: number;
  readonly lsb: number;
  readonly name: string;
  readonly detail?: string;
  readonly kind?: 'field' | 'flag' | 'constant' | 'zero';
}

export interface DiagramOptions {
  readonly bits: 32 | 64;
  readonly ranges: readonly DiagramRange[];
  /** the pte to show bit by bit */
  readonly value?: bigint;
  /** set bits no range accounts for: shown in red */
  readonly stray?: bigint;
  readonly c: Colors;
  readonly indent?: string;
}

const LABEL_WIDTH = 8;
/** legend lines stay within an 80-column terminal */
const LEGEND_WIDTH = 80;

type Paint = (text: string) => string;

function palette(c: Colors): Paint[] {
  return [c.cyan, c.magenta, c.yellow, c.green, c.blue, c.red];
}

function center(text: string, width: number, fill: string): string {
  const left = Math.floor((width - text.length) / 2);
  return fill.repeat(left) + text + fill.repeat(width - text.length - left);
}

/** The cells a range is drawn with, or undefined when its name does not fit. */
function labelCells(name: string, width: number): string | undefined {
  if (name.length + 2 <= width) return `├${center(name, width - 2, '─')}┤`;
  if (name.length <= width) return center(name, width, '─');
  return undefined;
}

/** A one-character key for a range too narrow for its name: its initial (lower, then upper case) when free, else another of its letters, else any. */
function pickKey(name: string, used: Set<string>): string {
  // _PAGE_FILE is keyed f, H_PAGE_BUSY b: the macro prefix says nothing
  const letters = name.replace(/^_*([A-Z]+_)?PAGE_/, '').replace(/[^a-z0-9]/gi, '');
  const first = letters.slice(0, 1);
  const candidates = [first.toLowerCase(), first.toUpperCase(), ...letters.slice(1).toLowerCase(), ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
  const key = candidates.find((k) => !used.has(k)) ?? '?';
  used.add(key);
  return key;
}

export function bitSpanText(r: { msb: number; lsb: number }): string {
  return r.msb === r.lsb ? `${r.lsb}` : `${r.msb}:${r.lsb}`;
}

export function bitDiagram(options: DiagramOptions): string[] {
  const { bits, c } = options;
  const indent = options.indent ?? '';
  const label = (text: string) => indent + text.padStart(LABEL_WIDTH - 2).padEnd(LABEL_WIDTH);
  const column = (bit: number) => bits - 1 - bit;

  // Same name, same colour: the two pieces of a split pgoff belong together.
  const colours = palette(c);
  const colourOf = new Map<string, Paint>();
  const paintFor = (r: DiagramRange): Paint => {
    if (r.kind === 'constant') return c.dim;
    let p = colourOf.get(r.name);
    if (!p) colourOf.set(r.name, (p = colours[colourOf.size % colours.length]!));
    return p;
  };

  // Each bit belongs to the first range that claims it; ranges sharing a bit
  // (ppc64 6.18 _PAGE_SAO inside _PAGE_TOLERANT) are listed under the diagram.
  const owner: (DiagramRange | undefined)[] = new Array(bits).fill(undefined);
  const cells: string[] = new Array(bits).fill('·');
  const legend: string[] = [];
  const used = new Set<string>();
  for (const r of options.ranges) {
    if (r.lsb >= bits) continue;
    const msb = Math.min(r.msb, bits - 1);
    const free: number[] = [];
    for (let b = msb; b >= r.lsb; b--) if (!owner[b]) free.push(b);
    const what = `${r.name}${r.detail && r.detail !== r.name && r.detail !== '1' ? ` (${r.detail})` : ''}${r.kind === 'constant' ? ' = 1' : ''}`;
    const contiguous = free.length === msb - r.lsb + 1;
    if (!contiguous) {
      legend.push(`${bitSpanText(r)} ${what}, shares bits with ${[...new Set(Array.from({ length: msb - r.lsb + 1 }, (_, i) => owner[r.lsb + i]?.name).filter(Boolean))].join(', ')}`);
      for (const b of free) {
        owner[b] = r;
        cells[column(b)] = paintFor(r)('▪');
      }
      continue;
    }
    for (const b of free) owner[b] = r;
    const width = free.length;
    let text = labelCells(r.name, width);
    if (text === undefined) {
      const key = pickKey(r.name, used);
      text = width === 1 ? key : key + '─'.repeat(width - 2) + '┤';
      legend.push(`${paintFor(r)(key)} ${bitSpanText({ msb, lsb: r.lsb })} ${what}`);
    } else if (r.detail && r.detail !== '1') {
      // drawn by name; its macro, or which value bits a split or inverted field piece holds, goes below
      legend.push(`${bitSpanText({ msb, lsb: r.lsb })} ${what}`);
    }
    for (let i = 0; i < width; i++) cells[column(msb - i)] = paintFor(r)(text[i]!);
  }

  const tens: string[] = [];
  const units: string[] = [];
  for (let b = bits - 1; b >= 0; b--) {
    tens.push(String(Math.floor(b / 10)));
    units.push(String(b % 10));
  }
  const lines = [label('') + c.dim(tens.join('')), label('bit') + c.dim(units.join(''))];
  if (options.value !== undefined) {
    const value = options.value;
    const row: string[] = [];
    for (let b = bits - 1; b >= 0; b--) {
      const bit = (value >> BigInt(b)) & 1n;
      const r = owner[b];
      const stray = options.stray !== undefined && ((options.stray >> BigInt(b)) & 1n) === 1n;
      const ch = bit ? '1' : '0';
      row.push(stray ? c.bold(c.red(ch)) : r ? (bit ? c.bold(paintFor(r)(ch)) : paintFor(r)(ch)) : c.dim(ch));
    }
    lines.push(label('value') + row.join(''));
  }
  if (options.ranges.length) lines.push(label('layout') + cells.join(''));
  lines.push(...grid(legend, indent + ' '.repeat(LABEL_WIDTH), LEGEND_WIDTH));
  return lines;
}

/** Legend entries in aligned columns (filled top to bottom, like ls), as many columns as fit in `width`. */
function grid(entries: readonly string[], prefix: string, width: number): string[] {
  if (entries.length === 0) return [];
  const room = width - visibleLength(prefix);
  for (let columns = entries.length; columns >= 1; columns--) {
    const rows = Math.ceil(entries.length / columns);
    const widths: number[] = [];
    for (let col = 0; col * rows < entries.length; col++) {
      widths.push(Math.max(...entries.slice(col * rows, (col + 1) * rows).map(visibleLength)));
    }
    const total = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
    if (total > room && columns > 1) continue;
    const lines: string[] = [];
    for (let row = 0; row < rows; row++) {
      const cells = widths.map((w, col) => pad(entries[col * rows + row] ?? '', w));
      lines.push((prefix + cells.join('   ')).trimEnd());
    }
    return lines;
  }
  return [];
}
