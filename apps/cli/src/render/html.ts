/**
 * `mmsim layout --html FILE`: one self-contained page per run, each variant
 * rendered from core's variantMarkdown (the same text as docs/layouts.md)
 * with the bit-field SVG of each pte format placed under its heading.
 * Only the markdown variantMarkdown emits is understood: headings, pipe
 * tables, list items, paragraphs and `code`.
 */
import { pteFormats, variantMarkdown, type Variant } from '@mmsim/core';
import { inlineSvg } from './svg.js';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(text: string): string {
  return escape(text).replace(/`([^`]*)`/g, '<code>$1</code>');
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

/** The markdown subset of variantMarkdown to HTML; `after(heading)` may add HTML under a `###` heading. */
export function markdownToHtml(markdown: string, after: (heading: string) => string = () => ''): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('### ')) {
      out.push(`<h3>${inline(line.slice(4))}</h3>`, after(line.slice(4)));
    } else if (line.startsWith('## ')) {
      out.push(`<h2>${inline(line.slice(3))}</h2>`);
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) rows.push(cells(lines[i++]!));
      i--;
      const [head = [], , ...body] = rows;
      const headed = head.some((c) => c !== '');
      out.push('<table>');
      if (headed) out.push(`<thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead>`);
      out.push('<tbody>', ...body.map((r) => `<tr>${r.map((c, j) => (j === 0 && !headed ? `<th>${inline(c)}</th>` : `<td>${inline(c)}</td>`)).join('')}</tr>`), '</tbody></table>');
    } else if (line.startsWith('- ')) {
      out.push('<ul>');
      while (i < lines.length && lines[i]!.startsWith('- ')) out.push(`<li>${inline(lines[i++]!.slice(2))}</li>`);
      i--;
      out.push('</ul>');
    } else if (line.trim() !== '') {
      out.push(`<p>${inline(line)}</p>`);
    }
  }
  return out.filter(Boolean).join('\n');
}

export function variantHtml(v: Variant): string {
  const formats = pteFormats(v);
  return markdownToHtml(variantMarkdown(v), (heading) => {
    const format = formats.find((f) => f.title === heading);
    if (!format) return '';
    const { svg, hidden } = inlineSvg(format, v.constants.pteBits);
    const note = hidden.length ? `<p class="note">Sharing bits with the ranges drawn: ${escape(hidden.join('; '))}</p>` : '';
    return `<figure>${svg}</figure>${note}`;
  });
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; color: #222; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .3rem; margin-top: 3rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: .2rem .6rem; text-align: left; vertical-align: top; }
thead th { background: #f4f4f4; }
code { font-family: ui-monospace, monospace; font-size: .92em; }
figure { margin: .5rem 0; overflow-x: auto; }
.note { color: #666; font-size: .9em; }
`;

export function htmlPage(title: string, variants: readonly Variant[]): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escape(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escape(title)}</h1>`,
    '<p>Bit n is the bit of value 2<sup>n</sup> in the logical <code>pte_val()</code>. Rendered by <code>mmsim layout</code> from the same layout data the encoders are generated from.</p>',
    ...variants.map((v) => `<section id="${escape(v.key)}">\n${variantHtml(v)}\n</section>`),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
