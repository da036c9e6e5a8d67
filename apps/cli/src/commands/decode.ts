/**
 * `mmsim decode PTE`: classify one raw value on each chosen variant (the
 * kernel's order), name every field and flag, draw it, and say what the
 * kernel would do where that is surprising — all from core's decodePte.
 */
import { MmsimError, decodePte, hex, maskBig, type DecodedPte, type Variant } from '@mmsim/core';
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { parseNumber } from '../numbers.js';
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

function toJson(raw: bigint, text: string, results: readonly Decoded[]) {
  return {
    command: 'decode',
    input: text,
    value: shortHex(raw),
    results: results.map(({ v, d, wider, error }) => ({
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
    })),
  };
}

export const decodeCommand: CommandSpec = {
  name: 'decode',
  usage: 'decode PTE',
  summary: 'classify a raw pte on each variant and name every field and flag, with a bit diagram',
  options: {},
  maxPositionals: 1,
  details: [
    'PTE: hex 0x…, decimal, binary 0b… or octal 0o…, `_` allowed between digits.',
    'With several variants (the default, or --arch all) a side-by-side table comes first.',
  ],
  run(ctx) {
    const text = ctx.positionals[0];
    if (text === undefined) throw new UsageError('needs a PTE value (hex 0x…, decimal, binary 0b… or octal 0o…; `_` allowed between digits)');
    const raw = parseNumber(text, 'PTE');
    const results = decodeAll(ctx.variants(), raw);
    if (ctx.json) {
      ctx.print([jsonDocument(toJson(raw, text, results))]);
      return EXIT_OK;
    }
    const { c } = ctx;
    const lines: string[] = [];
    if (results.length > 1) {
      lines.push(`${c.bold(`decode ${shortHex(raw)}`)} on ${results.length} variants`, '', ...summary(results, ctx));
      if (results.some((r) => r.wider)) lines.push(c.yellow('* the value is wider than that variant\'s pte: only its low bits were decoded'));
      lines.push('');
    }
    for (const r of results) {
      lines.push(...detail(r, ctx), '');
    }
    ctx.print(lines);
    return EXIT_OK;
  },
};
