/**
 * From the arch swap description, derive where type and offset sit in the
 * pte and which value bits survive the whole swp_entry → __swp_entry →
 * __swp_entry_to_pte chain (and back). Every truncation on the way is a
 * field width or a word width, so the survivors are a low-bit mask.
 */
import { type Field, type Span, fieldEncodeWidth, fieldWidth } from '../layout/field.js';
import type { SwpEntryLayout } from '../generic/swp-entry.js';
import type { VariantSpec } from '../spec/variant-spec.js';

/** Shift a field's spans up by `shift`, dropping container bits at and above `limit`. */
export function shiftField(f: Field, shift: number, limit: number): Field {
  const spans: Span[] = [];
  for (const span of f.spans) {
    const lsb = span.lsb + shift;
    const width = Math.min(span.width, limit - lsb);
    if (width > 0) spans.push({ lsb, width });
    if (lsb + span.width > limit) break;
  }
  const shifted: Field = { ...f, spans };
  if (f.encodeWidth !== undefined) {
    const lsb = f.spans[0]!.lsb + shift;
    return { ...shifted, encodeWidth: Math.max(0, Math.min(f.encodeWidth, limit - lsb)) };
  }
  return shifted;
}

/** Value bits of `f` that survive an encode then decode inside a container of `limit` bits. */
export function survivingBits(f: Field, limit: number): number {
  const lsb = f.spans[0]?.lsb ?? 0;
  const written = f.spans.length === 1 ? Math.min(fieldEncodeWidth(f), limit - lsb) : fieldWidth(f);
  let readable = 0;
  for (const span of f.spans) {
    const w = Math.min(span.width, limit - span.lsb);
    if (w <= 0) break;
    readable += w;
    if (w < span.width) break;
  }
  return Math.max(0, Math.min(written, readable));
}

export interface DerivedSwap {
  /** type and offset fields in the pte */
  readonly pteType: Field;
  readonly pteOffset: Field;
  /** bits __swp_entry_to_pte always sets (ppc64 6.18 _PAGE_PTE) */
  readonly set: bigint;
  /** value bits of type / offset that survive generic + arch packing */
  readonly typeBits: number;
  readonly offsetBits: number;
  /** swap-flag bits, cleared before decoding (pte_swp_clear_flags) */
  readonly flagMask: bigint;
}

export function deriveSwap(spec: VariantSpec, generic: SwpEntryLayout): DerivedSwap {
  const { arch, toPte, flags } = spec.swap;
  const W = spec.wordBits;
  const P = spec.pteBits;
  let pteType: Field;
  let pteOffset: Field;
  let set = 0n;
  let typeBits = generic.typeBits;
  let offsetBits = generic.SWP_TYPE_SHIFT;
  if (toPte.kind === 'shift') {
    const limit = Math.min(P, W + toPte.shift);
    pteType = shiftField(arch.type, toPte.shift, limit);
    pteOffset = shiftField(arch.offset, toPte.shift, limit);
    set = toPte.set ?? 0n;
  } else {
    // The entry is unpacked by __swp_type/__swp_offset and packed again:
    // whatever the arch value could not hold is gone before the pte sees it.
    pteType = toPte.type;
    pteOffset = toPte.offset;
    typeBits = Math.min(typeBits, survivingBits(arch.type, W));
    offsetBits = Math.min(offsetBits, survivingBits(arch.offset, W));
  }
  let flagMask = 0n;
  for (const bit of [flags?.exclusive, flags?.softDirty, flags?.uffdWp]) {
    if (bit !== undefined) flagMask |= 1n << BigInt(bit);
  }
  return { pteType, pteOffset, set, typeBits, offsetBits, flagMask };
}
