/**
 * Straight-line JavaScript derived from a Field: every shift and mask is a
 * literal, so V8 compiles the generated encoders and decoders to a handful of
 * integer instructions. This is how "described once as data" stays fast.
 *
 * Values and containers are u64 as two u32 words; an expression list per
 * destination word is produced and OR-ed together by the caller.
 */
import { type Field, fieldEncodeWidth } from './field.js';

export interface WordExprs {
  hi: string[];
  lo: string[];
}

function maskLiteral(bits: number): string {
  return `0x${(bits >= 32 ? 0xffffffff : 2 ** bits - 1).toString(16)}`;
}

/**
 * Expressions that move `width` bits from source bit `from` to destination
 * bit `to`. `src` names the source words; `invert` complements the source.
 * Destination bits at 64 and above are dropped, as a u64 shift drops them.
 */
export function emitMove(src: { hi: string; lo: string }, from: number, width: number, to: number, invert: boolean, out: WordExprs): void {
  const end = Math.min(to + width, 64);
  for (let dword = 0; dword < 2; dword++) {
    const dStart = Math.max(to, 32 * dword);
    const dEnd = Math.min(end, 32 * dword + 32);
    if (dStart >= dEnd) continue;
    const sStart = from + (dStart - to);
    const sEnd = sStart + (dEnd - dStart);
    for (let sword = 0; sword < 2; sword++) {
      const a = Math.max(sStart, 32 * sword);
      const b = Math.min(sEnd, 32 * sword + 32);
      if (a >= b) continue;
      const n = b - a;
      const srcBit = a - 32 * sword;
      const dstBit = dStart + (a - sStart) - 32 * dword;
      const word = sword === 0 ? src.lo : src.hi;
      let e = invert ? `~${word}` : word;
      if (srcBit > 0) e = `(${e} >>> ${srcBit})`;
      // a left shift to the top of the word drops the high bits by itself
      if (n < 32 && !(srcBit > 0 && srcBit + n === 32) && dstBit + n !== 32) e = `(${e} & ${maskLiteral(n)})`;
      if (dstBit > 0) e = `(${e} << ${dstBit})`;
      (dword === 0 ? out.lo : out.hi).push(e);
    }
  }
}

/** Expressions placing value words (vh, vl) into the field's container bits. */
export function emitEncode(f: Field, value: { hi: string; lo: string }, out: WordExprs): void {
  if (f.encodeWidth !== undefined) {
    const span = f.spans[0]!;
    emitMove(value, 0, Math.min(fieldEncodeWidth(f), 64), span.lsb, f.invert === true, out);
    return;
  }
  let at = 0;
  for (const span of f.spans) {
    emitMove(value, at, span.width, span.lsb, f.invert === true, out);
    at += span.width;
  }
}

/** Expressions extracting the field's value from container words (ch, cl). */
export function emitDecode(f: Field, container: { hi: string; lo: string }, out: WordExprs): void {
  let at = 0;
  for (const span of f.spans) {
    emitMove(container, span.lsb, span.width, at, f.invert === true, out);
    at += span.width;
  }
}

/** OR a list of word expressions into one int32 expression (the caller makes it unsigned once, with `>>> 0`). */
export function joinWord(exprs: readonly string[]): string {
  if (exprs.length === 0) return '0';
  if (exprs.length === 1) return exprs[0]!;
  return `(${exprs.join(' | ')})`;
}

/** Literal of a bigint's word: hi (bits 32..63) or lo. */
export function wordLiteral(value: bigint, word: 'hi' | 'lo'): string {
  const w = word === 'hi' ? (value >> 32n) & 0xffffffffn : value & 0xffffffffn;
  return `0x${w.toString(16)}`;
}
