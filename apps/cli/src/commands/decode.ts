/**
 * `mmsim decode VALUE…`: classify raw ptes on each chosen variant (the
 * kernel's order), name every field and flag, draw them, and say what the
 * kernel would do where that is surprising — all from core's decodePte.
 * Values come from arguments, stdin (`-`) or files, bare or inside the
 * kernel's own log lines (decode/dmesg.ts), read by one printed rule
 * (decode/radix.ts). A value wider than a variant's entry is refused (the
 * checked layer) unless --truncate asks for the kernel's silent cut.
 */
import { MmsimError, decodePte, hex, maskBig, swp_offset, swp_type, type DecodedPte, type Variant } from '@mmsim/core';
import type { CommandSpec, RunContext } from '../command.js';
import { DMESG_LINES } from '../decode/dmesg.js';
import { gather, readStdin, MAX_VALUES, type DecodeItem } from '../decode/input.js';
import { RULE_SUMMARY, RULE_TEXT } from '../decode/radix.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { bitDiagram, bitSpanText } from '../render/diagram.js';
import { CLASS_MEANING, className, ptehex, variantHeading, variantLabel } from '../render/describe.js';
import { jsonDocument } from '../render/json.js';
import { keyValues, table } from '../render/table.js';
import { hexDec, shortHex } from '../render/units.js';

interface Decoded {
  readonly v: Variant;
  /** the raw value does not fit this variant's pte (decoded truncated) */
  readonly wider: boolean;
  readonly d?: DecodedPte;
  /** decodePte itself refused (an MmsimError): reported for this variant only */
  readonly error?: string;
}

function decodeAll(variants: readonly Variant[], raw: bigint): Decoded[] {
  return variants.map((v) => {
    const wider = raw > maskBig(v.constants.pteBits);
    try {
      // wider only under --truncate: decodePte keeps the low bits, as a pte_t does, and says so
      return { v, wider, d: decodePte(v, raw) };
    } catch (error) {
      if (error instanceof MmsimError) return { v, wider, error: error.message };
      throw error;
    }
  });
}

function fieldsText(d: DecodedPte): string {
  // swap types are small and read in decimal (MAX_SWAPFILES 30); the rest are bit patterns
  return d.fields.map((f) => `${f.name}=${f.name === 'type' ? f.value : shortHex(f.value)}`).join(' ');
}

/** A few words per note for the side-by-side table; the full notes follow in each variant's block. */
function shortNotes(d: DecodedPte, wider: boolean, bits: number): string {
  const tags: string[] = [];
  if (wider) tags.push(`wider than a ${bits}-bit pte`);
  if (d.class === 'file') tags.push('BUG_ON if swap-decoded');
  if (d.class === 'present' && d.predicates['pte_file']) tags.push('pte_file() also true');
  if (d.class === 'protnone') tags.push('PROT_NONE');
  if (d.strayBits) tags.push('stray bits');
  for (const n of d.notes) {
    if (/^pte marker|is not a swap file|pte_none\(\) is true/.test(n)) tags.push(clip(n, 40));
  }
  return tags.join('; ');
}

function setFlags(d: DecodedPte): string[] {
  return d.flags.filter((f) => f.value !== 0).map((f) => (f.width > 1 ? `${f.name}=${f.value}` : f.name));
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

function detail(r: Decoded, ctx: RunContext): string[] {
  const { c } = ctx;
  const { v, d } = r;
  const lines = [variantHeading(v, c)];
  if (!d) return [...lines, `  ${c.red('cannot decode')}: ${r.error}`];
  const pairs: [string, string][] = [
    ['pte', ptehex(v, d.pte)],
    ['class', `${className(d.class, c)}  ${c.dim(CLASS_MEANING[d.class])}`],
  ];
  if (d.special) pairs.push(['special', `${d.special.name} (swap type ${d.special.type})`]);
  for (const f of d.fields) {
    pairs.push([f.name, `${hexDec(f.value)}  ${c.dim(`bits ${f.ranges.map(bitSpanText).join(', ')}`)}${f.note ? `  ${c.dim(f.note)}` : ''}`]);
  }
  if (d.flags.length) pairs.push(['flags', setFlags(d).join(' ') || c.dim('none set')]);
  if (d.strayBits) pairs.push(['stray', `${ptehex(v, d.strayBits)}  ${c.dim('set bits no field or flag of this format explains')}`]);
  pairs.push(['kernel', Object.entries(d.predicates).map(([name, on]) => `${name} ${on ? c.green('yes') : c.dim('no')}`).join(', ')]);
  for (const note of d.notes) pairs.push(['note', c.yellow(note)]);
  lines.push(...keyValues(pairs));
  const ranges = d.format ? d.format.ranges : [];
  lines.push(...bitDiagram({ bits: v.constants.pteBits, ranges, value: d.pte, stray: d.strayBits, c, indent: '  ' }));
  return lines;
}

function summary(results: readonly Decoded[], ctx: RunContext): string[] {
  const { c } = ctx;
  return table(
    [{ header: 'variant' }, { header: 'era' }, { header: 'pte', align: 'right' }, { header: 'class' }, { header: 'fields' }, { header: 'flags set' }, { header: 'notes' }],
    results.map(({ v, d, wider, error }) => [
      variantLabel(v),
      v.era,
      d ? ptehex(v, d.pte) : '',
      d ? className(d.class, c) + (wider ? c.yellow('*') : '') : c.red('error'),
      d ? fieldsText(d) : (error ?? ''),
      d ? setFlags(d).join(' ') : '',
      d ? shortNotes(d, wider, v.constants.pteBits) : '',
    ]),
  );
}

/** The width of the word an item of this kind is held in on `v`. */
function widthOf(item: DecodeItem, v: Variant): number {
  return item.kind === 'pte' || item.kind === 'table' ? v.constants.pteBits : v.constants.wordBits;
}

interface Planned {
  readonly item: DecodeItem;
  readonly variants: Variant[];
  /** variants left out because the value does not fit them (--arch not given) */
  readonly leftOut: Variant[];
}

/**
 * The checked layer's rule: a value wider than the entry it names is
 * refused on a variant the user chose, left out (with a note) of the
 * default all-variant view, and cut to its low bits only under --truncate.
 */
function plan(items: readonly DecodeItem[], variants: readonly Variant[], ctx: RunContext): Planned[] {
  const truncate = ctx.values['truncate'] === true;
  // a variant named by its id (`i386`, `i386@2.6.21`), not swept in by `all` or a backend name
  const named = new Set(
    (Array.isArray(ctx.values['arch']) ? (ctx.values['arch'] as string[]) : []).map((a) => a.split(/[@+]/)[0]!),
  );
  const byName = (v: Variant) => named.has(v.id) || (v.spec.aliases ?? []).some((a) => named.has(a));
  return items.map((item) => {
    if (truncate) return { item, variants: [...variants], leftOut: [] };
    const fits = variants.filter((v) => item.value <= maskBig(widthOf(item, v)));
    const leftOut = variants.filter((v) => !fits.includes(v));
    const refused = fits.length === 0 ? leftOut : leftOut.filter(byName);
    if (refused.length > 0) {
      const v = refused[0]!;
      const bits = widthOf(item, v);
      throw new UsageError(
        `${item.origin}: ${item.name} ${shortHex(item.value)} is wider than the ${bits}-bit ${item.kind === 'pte' || item.kind === 'table' ? 'pte' : 'word'} of ${v.key}; valid: 0–${shortHex(maskBig(bits))} (--truncate decodes its low ${bits} bits, as the kernel's cast would keep them)`,
      );
    }
    return { item, variants: fits, leftOut };
  });
}

function dmesgSource(id: string | undefined): string | undefined {
  return DMESG_LINES.find((l) => l.id === id)?.source;
}

function itemHeading(p: Planned, ctx: RunContext): string[] {
  const { c } = ctx;
  const { item } = p;
  const lines = [`${c.bold(`${item.name} ${shortHex(item.value)}`)}  ${c.dim(`${item.origin}: ${RULE_TEXT[item.rule]}`)}`];
  if (item.dmesg) lines.push(c.dim(`  from ${dmesgSource(item.dmesg)}: ${item.input}`));
  if (p.leftOut.length) {
    lines.push(c.yellow(`  left out: ${p.leftOut.map((v) => v.key).join(', ')} — the value is wider than their entry (--truncate decodes the low bits)`));
  }
  return lines;
}

function swpLines(p: Planned, ctx: RunContext): string[] {
  return table(
    [{ header: 'variant' }, { header: 'era' }, { header: 'swp_type', align: 'right' }, { header: 'swp_offset', align: 'right' }, { header: 'note' }],
    p.variants.map((v) => {
      const type = swp_type(v.generic, p.item.value);
      return [
        variantLabel(v),
        v.era,
        String(type),
        shortHex(swp_offset(v.generic, p.item.value)),
        type >= v.constants.MAX_SWAPFILES ? `type ≥ MAX_SWAPFILES (${v.constants.MAX_SWAPFILES}): no swap device has it` : '',
      ];
    }),
  ).map((l) => `  ${l}`);
}

function otherLines(p: Planned, ctx: RunContext): string[] {
  const { c } = ctx;
  const what: Record<string, string> = {
    table: 'an upper-level table entry: shown as the kernel printed it (decode classifies leaf ptes)',
    pfn: 'a page frame number',
    page_flags: "a struct page's flags word (its bit names depend on the kernel's config)",
  };
  return [`  ${c.dim(what[p.item.kind] ?? '')}`];
}

function pteLines(p: Planned, ctx: RunContext): string[] {
  const { c } = ctx;
  const results = decodeAll(p.variants, p.item.value);
  const lines: string[] = [];
  if (results.length > 1) {
    lines.push(`${c.bold(`decode ${shortHex(p.item.value)}`)} on ${results.length} variants`, '', ...summary(results, ctx));
    if (results.some((r) => r.wider)) lines.push(c.yellow("* the value is wider than that variant's pte: only its low bits were decoded (--truncate)"));
    lines.push('');
  }
  for (const r of results) {
    lines.push(...detail(r, ctx));
    if (r.wider && results.length === 1) lines.push(c.yellow(`  --truncate: ${shortHex(p.item.value)} is wider than this ${r.v.constants.pteBits}-bit pte; its low bits were decoded`));
    lines.push('');
  }
  return lines;
}

function resultsJson(results: readonly Decoded[]) {
  return results.map(({ v, d, wider, error }) => ({
    variant: v.key,
    id: v.id,
    era: v.era,
    pteBits: v.constants.pteBits,
    fits: !wider,
    ...(error ? { error } : {}),
    ...(d
      ? {
          pte: ptehex(v, d.pte),
          class: d.class,
          predicates: d.predicates,
          fields: d.fields.map((f) => ({ name: f.name, value: shortHex(f.value), ranges: f.ranges, ...(f.note ? { note: f.note } : {}) })),
          flags: d.flags,
          ...(d.special ? { special: d.special } : {}),
          format: d.format ? { name: d.format.name, title: d.format.title, ranges: d.format.ranges } : null,
          strayBits: hex(d.strayBits, v.constants.pteBits),
          notes: d.notes,
        }
      : {}),
  }));
}

function itemJson(p: Planned) {
  const { item } = p;
  const base = {
    origin: item.origin,
    input: item.input,
    name: item.name,
    kind: item.kind,
    value: shortHex(item.value),
    rule: item.rule,
    ruleText: RULE_TEXT[item.rule],
    ...(item.dmesg ? { dmesg: item.dmesg, printedBy: dmesgSource(item.dmesg) } : {}),
    leftOut: p.leftOut.map((v) => v.key),
  };
  if (item.kind === 'pte') return { ...base, results: resultsJson(decodeAll(p.variants, item.value)) };
  if (item.kind === 'swp_entry') {
    return {
      ...base,
      results: p.variants.map((v) => ({
        variant: v.key,
        swp_type: swp_type(v.generic, item.value),
        swp_offset: shortHex(swp_offset(v.generic, item.value)),
        MAX_SWAPFILES: v.constants.MAX_SWAPFILES,
      })),
    };
  }
  return base;
}

export const decodeCommand: CommandSpec = {
  name: 'decode',
  usage: 'decode VALUE… | - | @FILE',
  summary: 'classify raw ptes (or dmesg lines that print them) on each variant and name every field and flag, with a bit diagram',
  options: {
    file: { type: 'string', multiple: true, value: 'FILE', help: 'decode the values and dmesg lines in FILE (repeatable; same as @FILE)' },
    truncate: { type: 'boolean', help: "decode a value wider than the pte by its low bits, as the kernel's cast keeps them (default: refused)" },
  },
  maxPositionals: MAX_VALUES,
  details: [
    'VALUE: a pte, or a quoted kernel log line that prints one; - reads stdin, @FILE a file (one value or log line per line;',
    `lines with neither are skipped and counted). Numbers: ${RULE_SUMMARY}.`,
    "Log lines: 'BUG: Bad page map in process … pte:… [pmd:…]' and the 'pgd:… pmd:…' line after it (6.18),",
    "'Bad pte = …' (2.6.21), 'Bad swap file entry …' (a swp_entry_t, split into type and offset), page dumps (pfn).",
    'A value wider than a chosen variant\'s pte is refused; without --arch those variants are left out, with a note.',
    'With several variants (the default, or --arch all) a side-by-side table comes first.',
  ],
  async run(ctx) {
    const files = Array.isArray(ctx.values['file']) ? (ctx.values['file'] as string[]) : [];
    if (ctx.positionals.length === 0 && files.length === 0) {
      throw new UsageError(`needs a VALUE, - (stdin) or @FILE (${RULE_SUMMARY})`);
    }
    const { items, skipped } = await gather({ positionals: ctx.positionals, files, cwd: ctx.cwd, stdin: ctx.stdin ?? (() => readStdin()) });
    if (items.length === 0) {
      throw new UsageError(`no value to decode: ${skipped} line(s) read, none a number or a kernel log line decode knows`);
    }
    const planned = plan(items, ctx.variants(), ctx);
    if (ctx.json) {
      const docs = planned.map(itemJson);
      // one value: its fields at the top too, as before several were accepted
      const first = planned.length === 1 && planned[0]!.item.kind === 'pte' ? { input: planned[0]!.item.input, value: docs[0]!.value, results: (docs[0] as { results: unknown }).results } : {};
      ctx.print([jsonDocument({ command: 'decode', ...first, items: docs, skippedLines: skipped })]);
      return EXIT_OK;
    }
    const lines: string[] = [];
    const many = planned.length > 1 || planned.some((p) => p.item.dmesg !== undefined || p.item.rule !== 'prefix');
    for (const p of planned) {
      if (many || p.leftOut.length) lines.push(...itemHeading(p, ctx), '');
      if (p.item.kind === 'pte') lines.push(...pteLines(p, ctx));
      else if (p.item.kind === 'swp_entry') lines.push(...swpLines(p, ctx), '');
      else lines.push(...otherLines(p, ctx), '');
    }
    if (skipped > 0) lines.push(ctx.c.dim(`${skipped} line(s) with no value or kernel log line decode knows were skipped`));
    ctx.print(lines);
    return EXIT_OK;
  },
};
