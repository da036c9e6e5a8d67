/**
 * Restrict a field to its low `bits` value bits: what survives when the
 * value was already truncated to that width (a generic swp_entry mask, an
 * unsigned long). Lets the generator drop input masks and dead pieces.
 */
import { type Field, fieldEncodeWidth } from './field.js';

export function clipField(f: Field, bits: number): Field {
  if (f.encodeWidth !== undefined) {
    return { ...f, encodeWidth: Math.min(fieldEncodeWidth(f), bits) };
  }
  const spans = [];
  let at = 0;
  for (const span of f.spans) {
    const width = Math.min(span.width, bits - at);
    if (width <= 0) break;
    spans.push({ lsb: span.lsb, width });
    at += span.width;
  }
  return { ...f, spans };
}
