/**
 * The pte formats of a compiled variant (present, swap, file, migration) as
 * rows of bit ranges, derived from the layout data. The CLI's diagrams and
 * docs/layouts.md are rendered from this, never written by hand.
 */
import type { Variant } from '../compile/variant.js';
import { fieldWidth, type Field, type PteBit } from './field.js';

export interface BitRange {
  /** highest bit, inclusive */
  readonly msb: number;
  readonly lsb: number;
  readonly name: string;
  /** `value[4:0]` for a field piece, the macro for a flag */
  readonly detail?: string;
  readonly kind: 'field' | 'flag' | 'constant' | 'zero';
}

export interface PteFormat {
  readonly name: 'present' | 'swap' | 'file' | 'migration' | 'huge-pmd';
  readonly title: string;
  /** ranges, highest bits first */
  readonly ranges: readonly BitRange[];
  readonly source?: string;
}

function fieldRanges(f: Field, label = f.name): BitRange[] {
  const out: BitRange[] = [];
  let at = 0;
  const inverted = f.invert ? '~' : '';
  for (const span of f.spans) {
    const detail = f.spans.length > 1 || f.invert ? `${inverted}${label}[${at + span.width - 1}:${at}]` : undefined;
    out.push({ msb: span.lsb + span.width - 1, lsb: span.lsb, name: label, kind: 'field', ...(detail ? { detail } : {}) });
    at += span.width;
  }
  return out;
}

function bitsOf(mask: bigint): number[] {
  const bits: number[] = [];
  for (let b = 0; b < 64; b++) if ((mask >> BigInt(b)) & 1n) bits.push(b);
  return bits;
}

function sorted(ranges: BitRange[]): BitRange[] {
  return ranges.sort((a, b) => b.lsb - a.lsb);
}

function named(v: Variant, bit: number, when: 'present' | 'not-present' | 'swap'): string | undefined {
  const match = v.spec.bits.find((b) => b.bit === bit && (b.when ?? 'always') !== (when === 'present' ? 'not-present' : 'present'));
  return match?.macro ?? match?.name;
}

/** A bit a present pte (or a huge pmd) carries: not one that exists only in not-present or swap ptes. */
const inPresent = (b: PteBit): boolean => b.when !== 'not-present' && b.when !== 'swap';

/** The flag range of a named bit, its macro as the detail. */
const flagRange = (b: PteBit): BitRange => ({ msb: b.bit + (b.width ?? 1) - 1, lsb: b.bit, name: b.name, kind: 'flag', ...(b.macro ? { detail: b.macro } : {}) });

export function pteFormats(v: Variant): PteFormat[] {
  const formats: PteFormat[] = [];
  const src = (s: { file: string; lines?: string }) => `${s.file}${s.lines ? ` ${s.lines}` : ''} (${v.spec.era === '2.6.21' ? 'v2.6.21' : 'v6.18'})`;

  const present: BitRange[] = [...fieldRanges(v.spec.pfn.field)];
  const pfnLsb = v.spec.pfn.field.spans[0]!.lsb;
  const pfnMsb = pfnLsb + fieldWidth(v.spec.pfn.field) - 1;
  for (const b of v.spec.bits) if (inPresent(b) && (b.bit < pfnLsb || b.bit > pfnMsb)) present.push(flagRange(b));
  formats.push({ name: 'present', title: 'present pte (pfn_pte)', ranges: sorted(present), source: src(v.spec.pfn.source) });

  const swapRanges = (typeLabel: string, offsetLabel: string): BitRange[] => {
    const d = v.derivedSwap;
    const r = [...fieldRanges(d.pteType, typeLabel), ...fieldRanges(d.pteOffset, offsetLabel)];
    const flags = v.spec.swap.flags ?? {};
    for (const [name, bit] of Object.entries(flags)) {
      if (bit !== undefined) r.push({ msb: bit, lsb: bit, name: `swp_${name}`, kind: 'flag' });
    }
    for (const bit of bitsOf(d.set)) r.push({ msb: bit, lsb: bit, name: named(v, bit, 'swap') ?? `bit ${bit}`, kind: 'constant', detail: '1' });
    return sorted(r);
  };
  formats.push({ name: 'swap', title: 'swap pte (swp_entry_to_pte)', ranges: swapRanges('type', 'offset'), source: src(v.spec.swap.source) });

  if (v.constants.PTE_FILE_MAX_BITS && v.spec.file) {
    const r = fieldRanges(v.spec.file.pgoff);
    for (const bit of bitsOf(v.spec.file.set)) r.push({ msb: bit, lsb: bit, name: named(v, bit, 'not-present') ?? 'file', kind: 'constant', detail: '1' });
    formats.push({ name: 'file', title: `nonlinear file pte (pgoff_to_pte, PTE_FILE_MAX_BITS ${v.constants.PTE_FILE_MAX_BITS})`, ranges: sorted(r), source: src(v.spec.file.source) });
  }
  if (v.config.MIGRATION) {
    const types = v.swapTypes.special.filter((s) => s.kind === 'migration').map((s) => `${s.type}`);
    formats.push({ name: 'migration', title: `migration entry (swap type ${types.join('/')}, offset = pfn)`, ranges: swapRanges('type', 'pfn') });
  }
  return formats;
}

/**
 * The PMD-mapped THP format, mk_huge_pmd = pmd_mkhuge(pfn_pmd(pfn, prot)),
 * where the variant has THP. Kept out of pteFormats: it is a pmd, not a pte.
 */
export function hugePmdFormat(v: Variant): PteFormat | undefined {
  const h = v.spec.huge; // only a 6.18 spec compiles with huge
  if (!h) return undefined;
  const f = h.pfn.field;
  const lsb = f.spans[0]!.lsb;
  const top = lsb + fieldWidth(f) - 1;
  const ranges: BitRange[] = [];
  if (h.pfn.maskToHpage) {
    const from = h.HPAGE_PMD_SHIFT - lsb;
    const inv = h.pfn.l1tfInvert ? ' (~ when not present, L1TF)' : '';
    ranges.push({ msb: top, lsb: h.HPAGE_PMD_SHIFT, name: 'pfn', kind: 'field', detail: `pfn[${top - lsb}:${from}]${inv}` });
    ranges.push({ msb: h.HPAGE_PMD_SHIFT - 1, lsb, name: 'pfn below HPAGE_PMD_ORDER', kind: 'zero', detail: 'pfn_pmd masks the pfn out of these bits' });
  } else {
    ranges.push(...fieldRanges(f));
  }
  const constants = h.mkhuge.set | (h.pfn.set ?? 0n);
  const hugeBitName = (bit: number) => {
    const own = h.bits?.find((b) => b.bit === bit);
    const pte = v.spec.bits.find((b) => b.bit === bit && inPresent(b));
    return own?.macro ?? own?.name ?? pte?.macro ?? pte?.name ?? `bit ${bit}`;
  };
  for (const bit of bitsOf(constants)) ranges.push({ msb: bit, lsb: bit, name: hugeBitName(bit), kind: 'constant', detail: '1' });
  const taken = (bit: number) => (bit >= lsb && bit <= top) || ((constants >> BigInt(bit)) & 1n) === 1n;
  for (const b of [...(h.bits ?? []), ...v.spec.bits]) {
    if (inPresent(b) && !taken(b.bit) && !ranges.some((r) => r.kind === 'flag' && r.lsb === b.bit)) ranges.push(flagRange(b));
  }
  const src = h.pfn.source;
  return {
    name: 'huge-pmd',
    title: `PMD-mapped THP (pmd_mkhuge(pfn_pmd), HPAGE_PMD_SHIFT ${h.HPAGE_PMD_SHIFT})`,
    ranges: sorted(ranges),
    source: `${src.file}${src.lines ? ` ${src.lines}` : ''} (v6.18)`,
  };
}

/** `63:59` or `6` */
export function bitSpan(r: { msb: number; lsb: number }): string {
  return r.msb === r.lsb ? `${r.lsb}` : `${r.msb}:${r.lsb}`;
}
