/**
 * `mmsim layout ID`: a variant's pte formats (present, swap, nonlinear file,
 * migration) from core's pteFormats, as terminal diagrams and tables, and
 * optionally as one SVG (bit-field) or an HTML page embedding them.
 */
import { hex, pteFormats, type Variant } from '@mmsim/core';
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { planOutputs, writeOutputs } from '../output.js';
import { archNames } from '../select.js';
import { bitDiagram } from '../render/diagram.js';
import { variantHeading } from '../render/describe.js';
import { jsonDocument } from '../render/json.js';
import { keyValues } from '../render/table.js';

function geometry(v: Variant): [string, string][] {
  const c = v.constants;
  return [
    ['word / pte bits', `${c.wordBits} / ${c.pteBits}${v.spec.byteOrder === 'big' ? ' (big-endian in memory)' : ''}`],
    ['PAGE_SHIFT', `${c.PAGE_SHIFT} (${c.PAGE_SIZE / 1024} KiB pages)`],
    ['levels', `${v.spec.levels.map((l) => `${l.name} ${l.bits} bits @${l.shift}`).join(', ')} (${c.vaBits}-bit VA)`],
    ['pfn bits', `${c.pfnBits} (MAX_PHYSMEM_BITS ${c.physBits})`],
    ['MAX_SWAPFILES', String(c.MAX_SWAPFILES)],
    ['swap offset', `${c.maxSwapOffsetBits} bits, max ${hex(c.maxSwapOffset, c.wordBits)}`],
    [
      'PTE_FILE_MAX_BITS',
      c.PTE_FILE_MAX_BITS === null
        ? '— (no nonlinear mappings)'
        : `${c.PTE_FILE_MAX_BITS}${c.fileRoundtripBits !== c.PTE_FILE_MAX_BITS ? ` (only ${c.fileRoundtripBits} survive pte_to_pgoff)` : ''}`,
    ],
  ];
}

function variantText(v: Variant, ctx: RunContext): string[] {
  const { c } = ctx;
  const lines = [variantHeading(v, c), ...keyValues(geometry(v)), ''];
  for (const format of pteFormats(v)) {
    lines.push(`  ${c.bold(format.title)}${format.source ? c.dim(`  from ${format.source}`) : ''}`);
    // every range is in the diagram or its legend; the tables are in --html (and docs/layouts.md)
    lines.push(...bitDiagram({ bits: v.constants.pteBits, ranges: format.ranges, c, indent: '  ' }), '');
  }
  if (v.spec.quirks?.length) {
    lines.push(`  ${c.bold('quirks')}`, ...v.spec.quirks.map((q) => `  - ${q}`), '');
  }
  return lines;
}

export const layoutCommand: CommandSpec = {
  name: 'layout',
  usage: 'layout ID... [--svg FILE] [--html FILE]',
  summary: "a variant's present, swap, file and migration pte layouts as diagrams (terminal, SVG, HTML)",
  options: {
    svg: { type: 'string', value: 'FILE', help: 'also write the diagrams as one SVG file (drawn with bit-field)' },
    html: { type: 'string', value: 'FILE', help: 'also write an HTML page with the SVGs and the layout tables' },
  },
  maxPositionals: Infinity,
  variantPositionals: true,
  details: ['ID: a variant id, alias or backend name (or --arch); ID@ERA picks one era, else both (or --kernel).'],
  async run(ctx) {
    if (ctx.positionals.length === 0 && !(ctx.values['arch'] as string[] | undefined)?.length) {
      throw new UsageError(`needs a variant ID (valid: ${archNames(ctx.backends).join(', ')})`);
    }
    const variants = ctx.variants([...ctx.positionals, ...((ctx.values['arch'] as string[] | undefined) ?? [])]);
    const requests: { option: string; given: string; kind: 'svg' | 'html' }[] = [];
    for (const kind of ['svg', 'html'] as const) {
      const given = ctx.values[kind];
      if (typeof given === 'string') requests.push({ option: `--${kind}`, given, kind });
    }
    // every path checked before anything is drawn or written
    const outputs = planOutputs(requests, ctx.cwd);
    const files: Record<string, string> = {};
    if (outputs.length) {
      // loaded only here: bit-field and onml stay off every other command's startup path
      const { svgDocument } = await import('../render/svg.js');
      const { htmlPage } = await import('../render/html.js');
      const contents = requests.map(({ kind }) => {
        if (kind === 'svg') {
          const sections = variants.map((v) => ({
            title: `${v.key} — ${v.spec.title}`,
            formats: pteFormats(v).map((format) => ({ format, bits: v.constants.pteBits })),
          }));
          return svgDocument(sections);
        }
        return htmlPage(`mmsim layouts: ${variants.map((v) => v.key).join(', ')}`, variants);
      });
      writeOutputs(outputs, contents);
      requests.forEach(({ kind }, i) => (files[kind] = outputs[i]!.path));
    }
    if (ctx.json) {
      ctx.print([
        jsonDocument({
          command: 'layout',
          variants: variants.map((v) => ({ variant: v.key, id: v.id, era: v.era, title: v.spec.title, constants: v.constants, formats: pteFormats(v) })),
          files,
        }),
      ]);
      return EXIT_OK;
    }
    const lines = variants.flatMap((v) => variantText(v, ctx));
    for (const [kind, path] of Object.entries(files)) lines.push(`wrote ${kind.toUpperCase()} ${path}`);
    ctx.print(lines);
    return EXIT_OK;
  },
};
