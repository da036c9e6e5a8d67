/**
 * pte layouts as SVG, drawn by the `bit-field` package (WaveDrom's
 * register diagrams) and serialised with `onml`, the JsonML library
 * bit-field itself depends on. Both are CommonJS and loaded only when an
 * SVG is asked for, so `mmsim decode` never pays for them.
 */
import { createRequire } from 'node:module';
import type { PteFormat } from '@mmsim/core';

type JsonML = [string, Record<string, unknown>?, ...unknown[]];

interface BitFieldEntry {
  bits: number;
  name?: string;
  attr?: string;
  type?: number;
  rotate?: number;
}

interface BitField {
  render(desc: BitFieldEntry[], options: Record<string, unknown>): JsonML;
  stringify(jsonml: unknown, indentation?: number): string;
}

let loaded: BitField | undefined;

/** bit-field's renderer, and the onml that bit-field resolves (not a copy of our own). */
function bitField(): BitField {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    const renderPath = require.resolve('bit-field/lib/render.js');
    const fromBitField = createRequire(renderPath);
    const onml = fromBitField('onml') as { stringify: BitField['stringify'] };
    loaded = { render: require(renderPath) as BitField['render'], stringify: onml.stringify };
  }
  return loaded;
}

const FONT_SIZE = 12;
const HSPACE = 960;
/** about how wide a character is at FONT_SIZE in a sans-serif font */
const CHAR_WIDTH = 7;

const FIELD_TYPES = [4, 5, 6, 7];
const FLAG_TYPE = 3;
const CONSTANT_TYPE = 2;

/** Text for SVG: the renderer writes names verbatim. */
function plain(text: string): string {
  return text.replace(/&/g, 'and').replace(/[<>"]/g, '');
}

export interface SvgDiagram {
  readonly svg: JsonML;
  readonly width: number;
  readonly height: number;
  /** ranges that share bits with another and could not be drawn on their own */
  readonly hidden: string[];
}

/** One format of `bits` bits as a bit-field diagram: 32 bits per lane, MSB top left. */
export function formatDiagram(format: PteFormat, bits: 32 | 64): SvgDiagram {
  // The first range to claim a bit keeps it (the same rule as the terminal diagram).
  const owner: (PteFormat['ranges'][number] | undefined)[] = new Array(bits).fill(undefined);
  const hidden: string[] = [];
  for (const r of format.ranges) {
    const msb = Math.min(r.msb, bits - 1);
    let free = 0;
    for (let b = r.lsb; b <= msb; b++) if (!owner[b]) free++;
    if (free !== msb - r.lsb + 1) {
      hidden.push(`${r.name} ${r.msb === r.lsb ? r.lsb : `${r.msb}:${r.lsb}`}${r.detail && r.detail !== '1' ? ` (${r.detail})` : ''}`);
      continue;
    }
    for (let b = r.lsb; b <= msb; b++) owner[b] = r;
  }
  const lanes = bits / 32;
  const step = (HSPACE - 8) / 32;
  const fieldType = new Map<string, number>();
  const desc: BitFieldEntry[] = [];
  let longestRotated = 0;
  for (let b = 0; b < bits; ) {
    const r = owner[b];
    let end = b;
    while (end + 1 < bits && owner[end + 1] === r) end++;
    // bit-field draws one lane at a time: split entries at the lane boundary
    while (Math.floor(end / 32) !== Math.floor(b / 32)) end = Math.floor(b / 32) * 32 + 31;
    const width = end - b + 1;
    if (!r) {
      desc.push({ bits: width });
    } else {
      const name = plain(r.name);
      const entry: BitFieldEntry = { bits: width, name };
      if (r.kind === 'field') {
        if (!fieldType.has(r.name)) fieldType.set(r.name, FIELD_TYPES[fieldType.size % FIELD_TYPES.length]!);
        entry.type = fieldType.get(r.name)!;
        if (r.detail) entry.attr = plain(r.detail);
      } else {
        entry.type = r.kind === 'constant' ? CONSTANT_TYPE : FLAG_TYPE;
        if (r.kind === 'constant') entry.attr = '1';
      }
      if (name.length * CHAR_WIDTH > width * step - 2) {
        entry.rotate = -90;
        longestRotated = Math.max(longestRotated, name.length);
      }
      desc.push(entry);
    }
    b = end + 1;
  }
  // Room for the rotated names of one-bit flags, plus the bit numbers above and the attr line below.
  const vspace = Math.max(80, longestRotated * CHAR_WIDTH + 3 * FONT_SIZE + 16);
  const svg = bitField().render(desc, { bits, lanes, hspace: HSPACE, vspace, fontsize: FONT_SIZE, fontfamily: 'sans-serif' });
  return { svg, width: HSPACE, height: vspace * lanes, hidden };
}

export interface SvgSection {
  readonly title: string;
  readonly formats: readonly { readonly format: PteFormat; readonly bits: 32 | 64 }[];
}

const TITLE_HEIGHT = 28;
const CAPTION_HEIGHT = 22;

/** Several sections (one per variant) of diagrams (one per format) stacked in one SVG document. */
export function svgDocument(sections: readonly SvgSection[]): string {
  const children: unknown[] = [];
  let y = 8;
  const text = (content: string, size: number, weight: string) =>
    ['text', { x: 8, y: y + size, 'font-family': 'sans-serif', 'font-size': size, 'font-weight': weight }, plain(content)];
  for (const section of sections) {
    children.push(text(section.title, 16, 'bold'));
    y += TITLE_HEIGHT;
    for (const { format, bits } of section.formats) {
      children.push(text(format.title, 13, 'normal'));
      y += CAPTION_HEIGHT;
      const d = formatDiagram(format, bits);
      const [, attrs = {}, ...rest] = d.svg;
      children.push(['svg', { ...attrs, x: 0, y }, ...rest]);
      y += d.height + 8;
      if (d.hidden.length) {
        children.push(text(`also: ${d.hidden.join('; ')} (sharing bits drawn above)`, 11, 'normal'));
        y += CAPTION_HEIGHT;
      }
    }
    y += 8;
  }
  const root = ['svg', { xmlns: 'http://www.w3.org/2000/svg', width: HSPACE, height: y, viewBox: `0 0 ${HSPACE} ${y}` }, ['rect', { width: '100%', height: '100%', fill: 'white' }], ...children];
  return `<?xml version="1.0" encoding="UTF-8"?>\n${bitField().stringify(root, 2)}\n`;
}

/** One diagram as an inline <svg> for HTML. */
export function inlineSvg(format: PteFormat, bits: 32 | 64): { svg: string; hidden: string[] } {
  const d = formatDiagram(format, bits);
  return { svg: bitField().stringify(d.svg, 2), hidden: d.hidden };
}
