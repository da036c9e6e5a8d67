/**
 * `mmsim encode swap|file|pfn|migration`: one encoding across the chosen
 * variants, side by side. Each goes through the checked layer; a variant
 * that refuses (out of range, or no such encoding in that era/config) is
 * reported with the limit and what the kernel would silently have made,
 * the others still print, and the exit status is 1.
 */
import { MmsimError, PteRangeError, hex, type Era, type Variant } from '@mmsim/core';
import type { CommandSpec, OptionSpec, RunContext } from '../command.js';
import { encodeFile, encodeMigration, encodePfn, encodeSwap, type Encoded } from '../encoders.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { parseNumber, parseSmall } from '../numbers.js';
import { className, ptehex, variantLabel } from '../render/describe.js';
import { jsonDocument } from '../render/json.js';
import { table } from '../render/table.js';
import { shortHex } from '../render/units.js';
import { quote } from '../text.js';

interface Outcome {
  readonly v: Variant;
  readonly encoded?: Encoded;
  readonly refusal?: MmsimError;
}

type Encoder = (v: Variant) => Encoded;

interface Prepared {
  /** the inputs, for the heading and the JSON */
  readonly input: Record<string, string | number | boolean>;
  readonly encode: Encoder;
}

function required(ctx: RunContext, name: string, placeholder: string): string {
  const value = ctx.values[name];
  if (typeof value !== 'string') throw new UsageError(`needs --${name} ${placeholder}`);
  return value;
}

function optionalString(ctx: RunContext, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

function run(ctx: RunContext, kind: string, prepared: Prepared): number {
  const outcomes: Outcome[] = ctx.variants().map((v) => {
    try {
      return { v, encoded: prepared.encode(v) };
    } catch (error) {
      if (error instanceof MmsimError) return { v, refusal: error };
      throw error;
    }
  });
  const refused = outcomes.filter((o) => o.refusal).length;
  if (ctx.json) {
    ctx.print([jsonDocument(toJson(kind, prepared, outcomes, refused))]);
  } else {
    ctx.print(text(ctx, kind, prepared, outcomes, refused));
  }
  return refused ? EXIT_FAILED : EXIT_OK;
}

function toJson(kind: string, prepared: Prepared, outcomes: readonly Outcome[], refused: number) {
  return {
    command: 'encode',
    kind,
    input: prepared.input,
    encoded: outcomes.length - refused,
    refused,
    results: outcomes.map(({ v, encoded, refusal }) => {
      const base = { variant: v.key, id: v.id, era: v.era, pteBits: v.constants.pteBits };
      if (encoded) return { ...base, ok: true, pte: ptehex(v, encoded.pte), class: v.classify(encoded.pte), readBack: encoded.readBack };
      const r = refusal!;
      const range =
        r instanceof PteRangeError
          ? {
              what: r.what,
              value: shortHex(r.value),
              limit: shortHex(r.limit),
              ...(r.kernelResult !== undefined ? { kernelWouldStore: ptehex(v, r.kernelResult) } : {}),
            }
          : {};
      return { ...base, ok: false, error: { type: r.name, message: r.message, ...range } };
    }),
  };
}

function text(ctx: RunContext, kind: string, prepared: Prepared, outcomes: readonly Outcome[], refused: number): string[] {
  const { c } = ctx;
  const inputs = Object.entries(prepared.input)
    .map(([k, v]) => (typeof v === 'boolean' ? (v ? k : '') : `${k} ${v}`))
    .filter(Boolean)
    .join(', ');
  const lines = [`${c.bold(`encode ${kind}`)} (${inputs}) on ${outcomes.length} variant${outcomes.length === 1 ? '' : 's'}`, ''];
  lines.push(
    ...table(
      [{ header: 'variant' }, { header: 'era' }, { header: 'pte', align: 'right' }, { header: 'class' }, { header: 'reads back' }],
      outcomes.map(({ v, encoded, refusal }) => [
        variantLabel(v),
        v.era,
        encoded ? ptehex(v, encoded.pte) : c.red('refused'),
        encoded ? className(v.classify(encoded.pte), c) : '',
        encoded
          ? Object.entries(encoded.readBack)
              .map(([k, value]) => `${k} ${value}`)
              .join(', ')
          : c.dim(refusal instanceof PteRangeError ? `${refusal.what} ${refusal.what === 'prot' ? 'mask' : 'limit'} ${shortHex(refusal.limit)}` : 'not in this era/config'),
      ]),
    ),
  );
  if (refused) {
    lines.push('', c.bold(`refused on ${refused} variant${refused === 1 ? '' : 's'}:`));
    for (const { refusal } of outcomes) if (refusal) lines.push(`  ${c.red('✗')} ${refusal.message}`);
  }
  lines.push('', `${outcomes.length - refused} encoded, ${refused} refused`);
  return lines;
}

const ONLY_2621: readonly Era[] = ['2.6.21'];

function kind(
  name: string,
  summary: string,
  options: Record<string, OptionSpec>,
  prepare: (ctx: RunContext) => Prepared,
  defaultEras?: readonly Era[],
): CommandSpec {
  return {
    name: `encode ${name}`,
    usage: `encode ${name} ${Object.entries(options)
      .map(([o, s]) => (s.type === 'boolean' ? `[--${o}]` : `--${o} ${s.value}`))
      .join(' ')}`,
    summary,
    options,
    maxPositionals: 0,
    ...(defaultEras ? { defaultEras } : {}),
    run: (ctx) => run(ctx, name, prepare(ctx)),
  };
}

export const encodeSwapCommand = kind(
  'swap',
  'swp_entry_to_pte(swp_entry(TYPE, OFFSET)) on each variant',
  {
    type: { type: 'string', value: 'T', help: 'swap type, 0..31 (default 0); types from MAX_SWAPFILES up are reserved' },
    offset: { type: 'string', value: 'O', help: 'swap offset (page index in the swap device)' },
  },
  (ctx) => {
    const typeText = optionalString(ctx, 'type') ?? '0';
    const type = parseSmall(typeText, '--type', 31);
    const offset = parseNumber(required(ctx, 'offset', 'O (the swap offset, e.g. 0x1234)'), '--offset');
    return { input: { type, offset: shortHex(offset) }, encode: (v) => encodeSwap(v, type, offset) };
  },
);

export const encodeFileCommand = kind(
  'file',
  'pgoff_to_pte(PGOFF): a nonlinear file pte (2.6.21; removed in v4.0)',
  { pgoff: { type: 'string', value: 'P', help: 'page offset in the file' } },
  (ctx) => {
    const pgoff = parseNumber(required(ctx, 'pgoff', 'P (the file page offset, e.g. 0x1234)'), '--pgoff');
    return { input: { pgoff: shortHex(pgoff) }, encode: (v) => encodeFile(v, pgoff) };
  },
  ONLY_2621,
);

export const encodePfnCommand = kind(
  'pfn',
  'pfn_pte(PFN, PROT): a present pte',
  {
    pfn: { type: 'string', value: 'N', help: 'page frame number' },
    prot: { type: 'string', value: 'NAME', help: 'a protection of the variant (PAGE_SHARED, PAGE_READONLY, PAGE_NONE…) or a raw value' },
  },
  (ctx) => {
    const pfn = parseNumber(required(ctx, 'pfn', 'N (the page frame number)'), '--pfn');
    const protText = required(ctx, 'prot', 'NAME (a protection such as PAGE_SHARED, or a raw value)');
    // a number is a raw pgprot value; anything else names one of the variant's prots
    const prot: bigint | string = /^-?\d/.test(protText.trim()) ? parseNumber(protText, '--prot') : protText;
    if (typeof prot === 'string') {
      const variants = ctx.variants();
      if (!variants.some((v) => Object.hasOwn(v.spec.prots, prot))) {
        const names = [...new Set(variants.flatMap((v) => Object.keys(v.spec.prots)))].sort();
        throw new UsageError(`unknown prot ${quote(prot)} (valid: ${names.join(', ')}, or a raw value such as 0x63)`);
      }
    }
    return {
      input: { pfn: shortHex(pfn), prot: typeof prot === 'string' ? prot : hex(prot, 64) },
      encode: (v) => encodePfn(v, pfn, prot),
    };
  },
);

export const encodeMigrationCommand = kind(
  'migration',
  'make_migration_entry(PFN, write) as a pte',
  {
    pfn: { type: 'string', value: 'N', help: 'page frame number of the page being migrated' },
    write: { type: 'boolean', help: 'a writable migration entry (SWP_MIGRATION_WRITE); default: read' },
  },
  (ctx) => {
    const pfn = parseNumber(required(ctx, 'pfn', 'N (the page frame number)'), '--pfn');
    const write = ctx.values['write'] === true;
    return { input: { pfn: shortHex(pfn), write }, encode: (v) => encodeMigration(v, pfn, write) };
  },
);

export const ENCODE_KINDS: readonly CommandSpec[] = [encodeSwapCommand, encodeFileCommand, encodePfnCommand, encodeMigrationCommand];
