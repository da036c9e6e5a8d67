/**
 * `mmsim diff A B`: where two variants differ, item by item — geometry,
 * derived constants, reserved swap types, each pte format's bit ranges,
 * the named bits, the protections. A report: exit 0 whether or not they
 * differ (2 for ids that name nothing).
 *
 *   mmsim diff x86_64@2.6.21 x86_64@6.18   two eras of one variant
 *   mmsim diff i386 i386-pae               two variants, in each era
 *   mmsim diff --arch all                  every variant, 2.6.21 against 6.18
 */
import { describeConfig, hex, pteFormats, type Variant } from '@mmsim/core';
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { bitSpanText } from '../render/diagram.js';
import { jsonDocument } from '../render/json.js';
import { table } from '../render/table.js';
import { shortHex } from '../render/units.js';
import { quote } from '../text.js';

/** One comparable item: section, name, and its value on each side (null: absent there). */
export interface Difference {
  readonly section: string;
  readonly item: string;
  readonly a: string | null;
  readonly b: string | null;
}

type Items = Map<string, string>;

function show(value: unknown): string {
  if (typeof value === 'bigint') return shortHex(value);
  if (value === null || value === undefined) return '—';
  if (typeof value === 'object') return JSON.stringify(value, (_k, x: unknown) => (typeof x === 'bigint' ? shortHex(x) : x));
  return String(value);
}

/** Every comparable fact of a variant, by section then item. */
export function facts(v: Variant): Map<string, Items> {
  const sections = new Map<string, Items>();
  const section = (name: string) => {
    let s = sections.get(name);
    if (!s) sections.set(name, (s = new Map()));
    return s;
  };
  const spec = v.spec;
  const geo = section('geometry');
  geo.set('word bits', String(spec.wordBits));
  geo.set('pte bits', String(spec.pteBits));
  geo.set('PAGE_SHIFT', String(spec.PAGE_SHIFT));
  geo.set('levels', spec.levels.map((l) => `${l.name} ${l.bits}@${l.shift}`).join(', '));
  geo.set('byte order', spec.byteOrder ?? 'little');
  geo.set('config', describeConfig(v.era, v.config) || 'default');

  const constants = section('constants');
  for (const [name, value] of Object.entries(v.constants)) {
    if (name === 'swapSizeLimit') {
      constants.set('swap size limit', `${v.constants.swapSizeLimit.name} ${shortHex(v.constants.swapSizeLimit.pages)} pages`);
    } else {
      constants.set(name, show(value));
    }
  }
  const types = section('swap types');
  for (const s of v.swapTypes.special) types.set(s.name, String(s.type));

  for (const format of pteFormats(v)) {
    const items = section(`${format.name} format`);
    const byName = new Map<string, string[]>();
    for (const r of format.ranges) {
      const list = byName.get(r.name) ?? [];
      list.push(`${bitSpanText(r)}${r.detail && r.detail !== '1' ? ` ${r.detail}` : r.kind === 'constant' ? ' =1' : ''}`);
      byName.set(r.name, list);
    }
    for (const [name, spans] of byName) items.set(name, spans.join(', '));
  }
  const bits = section('named bits');
  for (const b of spec.bits) {
    const key = b.when && b.when !== 'always' ? `${b.name} (${b.when})` : b.name;
    bits.set(key, `${b.width && b.width > 1 ? `${b.bit + b.width - 1}:${b.bit}` : b.bit}${b.macro ? ` ${b.macro}` : ''}`);
  }
  const prots = section('prots');
  for (const [name, value] of Object.entries(spec.prots)) prots.set(name, hex(value, spec.pteBits));
  return sections;
}

export function differences(a: Variant, b: Variant): { differences: Difference[]; same: number } {
  const fa = facts(a);
  const fb = facts(b);
  const out: Difference[] = [];
  let same = 0;
  const sectionNames = [...new Set([...fa.keys(), ...fb.keys()])];
  for (const section of sectionNames) {
    const ia = fa.get(section) ?? new Map<string, string>();
    const ib = fb.get(section) ?? new Map<string, string>();
    for (const item of new Set([...ia.keys(), ...ib.keys()])) {
      const va = ia.get(item) ?? null;
      const vb = ib.get(item) ?? null;
      if (va === vb) same++;
      else out.push({ section, item, a: va, b: vb });
    }
  }
  return { differences: out, same };
}

/**
 * Ids among `variants` whose backend declares them in one era only (a backend
 * may model an arch that did not exist in the other era), with that era.
 */
function singleEraIds(ctx: RunContext, variants: readonly Variant[]): { readonly id: string; readonly era: string }[] {
  const eras = new Map<string, Set<string>>();
  for (const b of ctx.backends) for (const spec of b.variants) eras.set(spec.id, (eras.get(spec.id) ?? new Set()).add(spec.era));
  const out = new Map<string, string>();
  for (const v of variants) if (eras.get(v.id)?.size === 1) out.set(v.id, v.era);
  return [...out].map(([id, era]) => ({ id, era }));
}

/** The pairs to compare, from the positional ids and --arch / --kernel, and the ids with one era only (nothing to compare across eras). */
function pairs(ctx: RunContext): { readonly pairs: [Variant, Variant][]; readonly singleEra: { readonly id: string; readonly era: string }[] } {
  const ids = ctx.positionals;
  if (ids.length < 2) {
    // one id (or none: --arch, default all): each variant, its 2.6.21 spec against its 6.18 one
    const variants = ctx.variants(ids.length ? ids : undefined);
    const out: [Variant, Variant][] = [];
    const byId = new Map<string, Variant[]>();
    for (const v of variants) byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
    for (const list of byId.values()) for (let i = 1; i < list.length; i++) out.push([list[0]!, list[i]!]);
    const singleEra = singleEraIds(ctx, variants);
    if (out.length === 0 && singleEra.length === 0) throw new UsageError(`needs two variants to compare: give ID ID (ID or ID@ERA), or an ID that exists in both eras`);
    return { pairs: out, singleEra };
  }
  const left = ctx.variants([ids[0]!]);
  const right = ctx.variants([ids[1]!]);
  if (left.length === right.length) return { pairs: left.map((v, i) => [v, right[i]!]), singleEra: [] };
  // one side has fewer eras (an arch modelled in one era only): compare within the eras both have
  const sameEra = left.flatMap((a) => right.filter((b) => b.era === a.era).map((b): [Variant, Variant] => [a, b]));
  if (sameEra.length > 0) return { pairs: sameEra, singleEra: [] };
  if (left.length === 1) return { pairs: right.map((v) => [left[0]!, v]), singleEra: [] };
  if (right.length === 1) return { pairs: left.map((v) => [v, right[0]!]), singleEra: [] };
  throw new UsageError(`cannot pair ${quote(ids[0]!)} (${left.length} variants) with ${quote(ids[1]!)} (${right.length}): name one era, e.g. ${ids[0]}@6.18`);
}

export const diffCommand: CommandSpec = {
  name: 'diff',
  usage: 'diff [ID[@ERA] [ID[@ERA]]]',
  summary: 'where two variants (or two eras of one) differ: geometry, constants, formats, bits, prots',
  options: {},
  maxPositionals: 2,
  variantPositionals: true,
  details: [
    'Two ids: compared in each era both have (or the --kernel ones); ID@ERA pins one era.',
    'One id, or --arch: that variant in 2.6.21 against 6.18 (a variant modelled in one era only is named, with nothing to compare). Exit 0 whether or not they differ.',
  ],
  run(ctx) {
    const chosen = pairs(ctx);
    const results = chosen.pairs.map(([a, b]) => ({ a, b, ...differences(a, b) }));
    if (ctx.json) {
      ctx.print([
        jsonDocument({
          command: 'diff',
          pairs: results.map((r) => ({ a: r.a.key, b: r.b.key, same: r.differences.length === 0, sameItems: r.same, differences: r.differences })),
          ...(chosen.singleEra.length ? { singleEra: chosen.singleEra } : {}),
        }),
      ]);
      return EXIT_OK;
    }
    const { c } = ctx;
    const lines: string[] = [];
    for (const r of results) {
      lines.push(
        `${c.bold(`diff ${r.a.key} ${r.b.key}`)}: ${r.differences.length ? `${r.differences.length} difference${r.differences.length === 1 ? '' : 's'}` : c.green('identical')}, ${r.same} item${r.same === 1 ? '' : 's'} the same`,
      );
      const sections = [...new Set(r.differences.map((d) => d.section))];
      for (const section of sections) {
        lines.push('', `  ${c.bold(section)}`);
        lines.push(
          ...table(
            [{ header: '' }, { header: r.a.key }, { header: r.b.key }],
            r.differences.filter((d) => d.section === section).map((d) => [d.item, d.a ?? c.dim('—'), d.b ?? c.dim('—')]),
            '    ',
          ),
        );
      }
      lines.push('');
    }
    for (const { id, era } of chosen.singleEra) {
      lines.push(c.dim(`${id}: modelled in ${era} only (its backend declares no other era), nothing to compare across eras; give a second ID to compare it with another variant`));
    }
    ctx.print(lines);
    return EXIT_OK;
  },
};
