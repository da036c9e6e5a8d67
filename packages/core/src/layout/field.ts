/**
 * A layout is described once, as data: fields with bit ranges in a container
 * (a pte, or an arch swp_entry_t value). Encoders, decoders, the BigInt
 * reference, docs, diagrams and conformance checks are all derived from it.
 *
 * Bit n is the bit of value 2^n in the logical pte_val() (LSB = 0), also on
 * powerpc, whose own manuals number from the MSB.
 */

/** One contiguous run of container bits. */
export interface Span {
  /** lowest container bit */
  readonly lsb: number;
  /** number of bits */
  readonly width: number;
}

export interface Field {
  /** kernel-flavoured name: `type`, `offset`, `pgoff`, `pfn` */
  readonly name: string;
  /**
   * Where the value's bits live, lowest value bits first. A split field
   * (i386 2-level file pte: pgoff bits 0–4 at pte bits 1–5, the rest at 8–31)
   * has several spans; value bits continue from one span to the next.
   */
  readonly spans: readonly Span[];
  /** Stored complemented (6.18 x86 swap offsets, L1TF pfn inversion). */
  readonly invert?: boolean;
  /**
   * The kernel's encoder does not mask: it shifts the whole value in, so
   * value bits beyond `width` land above the field until the container
   * truncates them (2.6.20 x86_64 pgoff_to_pte: 52 bits written, 34 read
   * back). Only for single-span fields. Defaults to the decode width.
   */
  readonly encodeWidth?: number;
  /** one line on why, for docs and diagrams */
  readonly doc?: string;
}

/** A single-span field. */
export function field(name: string, lsb: number, width: number, extra: Partial<Omit<Field, 'name' | 'spans'>> = {}): Field {
  return { name, spans: [{ lsb, width }], ...extra };
}

/** A field split over several spans, lowest value bits first. */
export function splitField(name: string, spans: readonly Span[], extra: Partial<Omit<Field, 'name' | 'spans'>> = {}): Field {
  return { name, spans, ...extra };
}

/** Number of value bits the decoder recovers. */
export function fieldWidth(f: Field): number {
  let width = 0;
  for (const span of f.spans) width += span.width;
  return width;
}

/** Number of value bits the encoder writes (before container truncation). */
export function fieldEncodeWidth(f: Field): number {
  if (f.encodeWidth === undefined) return fieldWidth(f);
  if (f.spans.length !== 1) throw new Error(`field ${f.name}: encodeWidth needs a single span`);
  return f.encodeWidth;
}

/** Container bits the field occupies when decoding, as a bigint mask. */
export function fieldMask(f: Field): bigint {
  let mask = 0n;
  for (const span of f.spans) mask |= ((1n << BigInt(span.width)) - 1n) << BigInt(span.lsb);
  return mask;
}

/** A named single bit or small bit group of a pte. */
export interface PteBit {
  readonly name: string;
  /** lowest bit */
  readonly bit: number;
  /** width in bits, default 1 */
  readonly width?: number;
  /** kernel macro name, for docs: `_PAGE_PRESENT` */
  readonly macro?: string;
  /** when the bit has this meaning: always, only in present ptes, only in non-present ones */
  readonly when?: 'always' | 'present' | 'not-present' | 'swap';
  readonly doc?: string;
}
