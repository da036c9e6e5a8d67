/**
 * Decode a raw pte the way a kernel reader would: classify it in the
 * kernel's order, then name every field and flag of that format, and say
 * what the kernel would do with it where that is surprising (a file pte fed
 * to the swap decoder BUG()s; pte_file() is meaningless on a present pte).
 * For the CLI's `decode`, crash-dump reading, and the simulator's traces.
 */
import { fieldMask, type Field } from '../layout/field.js';
import { pteFormats, type PteFormat } from '../layout/describe.js';
import type { SpecialType } from '../generic/swap-types.js';
import { PTE_MARKER } from '../generic/swap-types.js';
import { swp_offset_pfn } from '../generic/special-entries.js';
import { hex, maskBig, truncate } from '../u64/pair.js';
import type { PteClass } from './fast-ops.js';
import type { Variant } from './variant.js';

export interface DecodedField {
  readonly name: string;
  readonly value: bigint;
  /** where its bits are in the pte (several for a split field) */
  readonly ranges: readonly { msb: number; lsb: number }[];
  readonly note?: string;
}

export interface DecodedFlag {
  readonly name: string;
  readonly bit: number;
  readonly width: number;
  readonly value: number;
  readonly macro?: string;
}

export interface DecodedPte {
  readonly variant: string;
  readonly pte: bigint;
  readonly class: PteClass;
  readonly predicates: Readonly<Record<string, boolean>>;
  readonly fields: readonly DecodedField[];
  readonly flags: readonly DecodedFlag[];
  readonly special?: SpecialType;
  /** the layout to draw it with */
  readonly format?: PteFormat;
  /** set bits that no field or flag of the format accounts for */
  readonly strayBits: bigint;
  readonly notes: readonly string[];
}

function rangesOf(f: Field): { msb: number; lsb: number }[] {
  return f.spans.map((s) => ({ msb: s.lsb + s.width - 1, lsb: s.lsb }));
}

function flagsFrom(v: Variant, pte: bigint, when: (w: string) => boolean): DecodedFlag[] {
  const out: DecodedFlag[] = [];
  for (const b of v.spec.bits) {
    if (!when(b.when ?? 'always')) continue;
    const width = b.width ?? 1;
    out.push({ name: b.name, bit: b.bit, width, value: Number((pte >> BigInt(b.bit)) & maskBig(width)), ...(b.macro ? { macro: b.macro } : {}) });
  }
  return out;
}

function flagMask(flags: readonly DecodedFlag[]): bigint {
  let m = 0n;
  for (const f of flags) m |= maskBig(f.width) << BigInt(f.bit);
  return m;
}

/** The macro of the present-pte bit _PAGE_FILE reuses (x86 _PAGE_DIRTY, powerpc _PAGE_USER), from the spec's bit table. */
function sharesFileBit(v: Variant): string {
  const file = v.spec.predicates.file ?? 0n;
  const b = v.spec.bits.find((x) => x.when === 'present' && ((file >> BigInt(x.bit)) & 1n) === 1n);
  return b?.macro ?? b?.name ?? 'a present-pte bit';
}

export function decodePte(v: Variant, raw: bigint): DecodedPte {
  const P = v.constants.pteBits;
  const pte = truncate(raw, P);
  const k = v.kernel;
  const cls = v.classify(pte);
  const formats = pteFormats(v);
  const predicates: Record<string, boolean> = {
    pte_none: k.pte_none(pte),
    pte_present: k.pte_present(pte),
    is_swap_pte: k.is_swap_pte(pte),
  };
  if (v.era === '2.6.21' && v.spec.file) predicates['pte_file'] = k.pte_file(pte) !== 0n;
  if (v.spec.predicates.protnone) predicates['pte_protnone'] = k.pte_protnone(pte);
  const notes: string[] = [];
  if (raw !== pte) notes.push(`the value is wider than a ${P}-bit pte: bits above ${P - 1} were dropped`);

  if (cls === 'none') {
    if (pte !== 0n) notes.push(`pte_none() is true although bits ${hex(pte, P)} are set: it ignores ${hex(v.spec.predicates.none.ignore, P)} (bits the hardware or the hash MMU bookkeeping may set)`);
    return { variant: v.key, pte, class: cls, predicates, fields: [], flags: [], strayBits: 0n, notes };
  }

  if (cls === 'present' || cls === 'protnone') {
    const pf = v.spec.pfn;
    const inverted = pf.l1tfInvert === true && pte !== 0n && (pte & 1n) === 0n;
    const fields: DecodedField[] = [
      { name: 'pfn', value: k.pte_pfn(pte), ranges: rangesOf(pf.field), ...(inverted ? { note: 'stored inverted (L1TF mitigation, asm/pgtable-invert.h)' } : {}) },
    ];
    const flags = flagsFrom(v, pte, (w) => w !== 'swap' && (w !== 'not-present' || cls === 'protnone'));
    const notPresentBits = new Set(v.spec.bits.filter((b) => b.when === 'not-present').map((b) => b.bit));
    const isNotPresentName = (f: DecodedFlag) => v.spec.bits.find((b) => b.name === f.name)?.when === 'not-present';
    // In a protnone pte the not-present name of the protnone bit (spec.roles.protnone) wins where two names share it (protnone, not global).
    const protnoneBit = v.spec.roles.protnone;
    const visible =
      cls === 'protnone'
        ? flags.filter((f) => (isNotPresentName(f) ? f.bit === protnoneBit : !notPresentBits.has(f.bit) || f.bit !== protnoneBit))
        : flags.filter((f) => !isNotPresentName(f));
    if (predicates['pte_file'] && cls === 'present') {
      notes.push(`pte_file() is also true here, but only means something when the pte is not present (_PAGE_FILE shares its bit with ${sharesFileBit(v)})`);
    }
    if (cls === 'protnone') notes.push('PROT_NONE (or a NUMA-hinting fault marker): pte_present() is true though the hardware present bit is clear');
    const stray = pte & ~(fieldMask(pf.field) | flagMask(visible));
    return { variant: v.key, pte, class: cls, predicates, fields, flags: visible, format: formats.find((f) => f.name === 'present')!, strayBits: stray, notes };
  }

  if (cls === 'file') {
    const file = v.spec.file!;
    const pgoff = k.pte_to_pgoff(pte);
    notes.push('a nonlinear file pte (remap_file_pages): feeding it to pte_to_swp_entry would BUG_ON(pte_file(pte))');
    const fields: DecodedField[] = [{ name: 'pgoff', value: pgoff, ranges: rangesOf(file.pgoff) }];
    const stray = pte & ~(fieldMask(file.pgoff) | file.set);
    if (stray) notes.push(`bits ${hex(stray, P)} are set outside pgoff and _PAGE_FILE; pte_to_pgoff ignores them`);
    return { variant: v.key, pte, class: cls, predicates, fields, flags: [], format: formats.find((f) => f.name === 'file')!, strayBits: stray, notes };
  }

  // a swap-format pte: swap, migration, device, hwpoison or marker
  const entry = k.pte_to_swp_entry(pte);
  const type = k.swp_type(entry);
  const offset = k.swp_offset(entry);
  const special = v.swapTypes.byType(type);
  const d = v.derivedSwap;
  const fields: DecodedField[] = [
    { name: 'type', value: BigInt(type), ranges: rangesOf(d.pteType), ...(special ? { note: special.name } : {}) },
    { name: 'offset', value: offset, ranges: rangesOf(d.pteOffset), ...(d.pteOffset.invert ? { note: 'stored inverted' } : {}) },
  ];
  if (special && special.kind !== 'marker') {
    fields.push({ name: 'pfn', value: swp_offset_pfn(v, entry), ranges: rangesOf(d.pteOffset), note: 'the low SWP_PFN_BITS of the offset' });
  }
  if (special?.kind === 'marker') {
    const bits = Number(offset);
    const names = Object.entries(PTE_MARKER).filter(([, m]) => bits & m).map(([n]) => `PTE_MARKER_${n}`);
    notes.push(`pte marker: ${names.join(' | ') || 'no known bits'}`);
  }
  const flags: DecodedFlag[] = [];
  const sf = v.spec.swap.flags ?? {};
  for (const [name, bit] of Object.entries(sf)) {
    if (bit !== undefined) flags.push({ name: `swp_${name}`, bit, width: 1, value: Number((pte >> BigInt(bit)) & 1n) });
  }
  const stray = pte & ~(fieldMask(d.pteType) | fieldMask(d.pteOffset) | d.flagMask | d.set);
  if (stray) notes.push(`bits ${hex(stray, P)} are set outside the swap fields; the decoder ignores them`);
  if (type >= v.constants.MAX_SWAPFILES && !special) notes.push(`type ${type} is not a swap file (MAX_SWAPFILES ${v.constants.MAX_SWAPFILES})`);
  const format = formats.find((f) => f.name === (special?.kind === 'migration' ? 'migration' : 'swap'))!;
  return { variant: v.key, pte, class: cls, predicates, fields, flags, ...(special ? { special } : {}), format, strayBits: stray, notes };
}

