/**
 * Generates the FastOps of one variant as JavaScript source and compiles it
 * with `new Function`. The source is kept on the variant (`fastSource`) so a
 * reader can see exactly what the layout data turned into.
 */
import { emitDecode, emitEncode, joinWord, wordLiteral, type WordExprs } from '../layout/codegen.js';
import type { Field } from '../layout/field.js';
import { maskBig } from '../u64/pair.js';
import type { FastModifier, FastOps } from './fast-ops.js';

export interface FastInputs {
  readonly pteBits: 32 | 64;
  readonly wordBits: 32 | 64;
  readonly pteType: Field;
  readonly pteOffset: Field;
  readonly swapSet: bigint;
  readonly swapFlagMask: bigint;
  readonly typeBits: number;
  readonly offsetBits: number;
  readonly file?: { pgoff: Field; set: bigint };
  /** pte_file mask; 0 when there are no file ptes (or CONFIG_NONLINEAR=n) */
  readonly fileMask: bigint;
  readonly pfn: Field;
  readonly pfnSet: bigint;
  readonly pfnL1tf: boolean;
  readonly supportedMask: bigint;
  readonly supportedMode: 'none' | 'result' | 'present-prot';
  readonly noneIgnore: bigint;
  readonly present: readonly { mask: bigint; value: bigint }[];
  readonly protnone?: { mask: bigint; value: bigint };
  /** class code for each of the 64 possible decoded types */
  readonly typeClass: readonly number[];
  readonly fileClassCode: number;
}

const L = (v: bigint) => wordLiteral(v, 'lo');
const H = (v: bigint) => wordLiteral(v, 'hi');

function words(exprs: WordExprs, extra?: bigint): { hi: string; lo: string } {
  const hi = [...exprs.hi];
  const lo = [...exprs.lo];
  if (extra) {
    if (extra >> 32n) hi.push(H(extra));
    if (extra & 0xffffffffn) lo.push(L(extra));
  }
  return { hi: joinWord(hi), lo: joinWord(lo) };
}

function encodeInto(f: Field, value: { hi: string; lo: string }): WordExprs {
  const out: WordExprs = { hi: [], lo: [] };
  emitEncode(f, value, out);
  return out;
}

function decodeFrom(f: Field, container: { hi: string; lo: string }): { hi: string; lo: string } {
  const out: WordExprs = { hi: [], lo: [] };
  emitDecode(f, container, out);
  return { hi: joinWord(out.hi), lo: joinWord(out.lo) };
}

function matchExpr(m: { mask: bigint; value: bigint }): string {
  const parts: string[] = [];
  if (m.mask & 0xffffffffn) parts.push(`(lo & ${L(m.mask)}) === ${L(m.value)}`);
  if (m.mask >> 32n) parts.push(`((hi & ${H(m.mask)}) >>> 0) === ${H(m.value)}`);
  return parts.length ? `(${parts.join(' && ')})` : 'true';
}

function merge(a: WordExprs, b: WordExprs): WordExprs {
  return { hi: [...a.hi, ...b.hi], lo: [...a.lo, ...b.lo] };
}

/** The JavaScript source of the variant's fast operations. */
export function fastSource(x: FastInputs): string {
  const is64 = x.pteBits === 64;
  const wordMask = maskBig(x.wordBits);
  const offMask = maskBig(x.offsetBits);
  const typeMask = x.typeBits >= 32 ? 0xffffffff : 2 ** x.typeBits - 1;
  const src: string[] = ['"use strict";'];
  // Inputs wider than the pte are cut as a store to pte_t cuts them.
  src.push(`const HI = ${is64 ? '(h) => h' : '(h) => 0'};`);

  // swap: generic swp_entry masking, then the arch packing, then flags/constant bits
  const enc = merge(encodeInto(x.pteType, { hi: '0', lo: 't' }), encodeInto(x.pteOffset, { hi: 'oh', lo: 'ol' }));
  const swapOut = words(enc, x.swapSet);
  src.push(`function swp_entry_to_pte(type, offHi, offLo, out) {
  const t = (type & ${typeMask}) >>> 0;
  const oh = (offHi & ${H(offMask)}) >>> 0, ol = (offLo & ${L(offMask)}) >>> 0;
  out.hi = ${is64 ? swapOut.hi : '0'};
  out.lo = ${swapOut.lo};
}`);
  const clearHi = H(~x.swapFlagMask & 0xffffffffffffffffn);
  const clearLo = L(~x.swapFlagMask & 0xffffffffffffffffn);
  const dt = decodeFrom(x.pteType, { hi: 'h', lo: 'l' });
  const doff = decodeFrom(x.pteOffset, { hi: 'h', lo: 'l' });
  src.push(`function pte_to_swp_entry(hi, lo, out) {
  const h = (HI(hi) & ${clearHi}) >>> 0, l = (lo & ${clearLo}) >>> 0;
  out.type = (${dt.lo} & ${typeMask}) >>> 0;
  out.hi = (${doff.hi} & ${H(offMask)}) >>> 0;
  out.lo = (${doff.lo} & ${L(offMask)}) >>> 0;
}`);

  // nonlinear file ptes: pgoff is an unsigned long
  if (x.file) {
    const fenc = words(encodeInto(x.file.pgoff, { hi: 'ph', lo: 'pl' }), x.file.set);
    const fdec = decodeFrom(x.file.pgoff, { hi: 'h', lo: 'l' });
    src.push(`function pgoff_to_pte(pgHi, pgLo, out) {
  const ph = (pgHi & ${H(wordMask)}) >>> 0, pl = pgLo >>> 0;
  out.hi = ${is64 ? fenc.hi : '0'};
  out.lo = ${fenc.lo};
}
function pte_to_pgoff(hi, lo, out) {
  const h = HI(hi) >>> 0, l = lo >>> 0;
  out.hi = (${fdec.hi} & ${H(wordMask)}) >>> 0;
  out.lo = ${fdec.lo};
}`);
  } else {
    src.push('const pgoff_to_pte = undefined, pte_to_pgoff = undefined;');
  }

  // pfn_pte / pte_pfn, with the L1TF inversion where the arch has it
  const pEnc = words(encodeInto(x.pfn, { hi: 'ph', lo: 'pl' }), x.pfnSet);
  const pDec = decodeFrom(x.pfn, { hi: 'h', lo: 'l' });
  const invField: Field = { ...x.pfn, invert: !x.pfn.invert };
  const pEncInv = words(encodeInto(invField, { hi: 'ph', lo: 'pl' }), x.pfnSet);
  const pDecInv = decodeFrom(invField, { hi: 'h', lo: 'l' });
  const sm = x.supportedMask;
  let protHi = 'protHi';
  let protLo = 'protLo';
  if (x.supportedMode === 'present-prot') {
    protHi = `((protLo & 1) ? (protHi & ${H(sm)}) : protHi)`;
    protLo = `((protLo & 1) ? (protLo & ${L(sm)}) : protLo)`;
  }
  const resultMask = (w: string, word: 'hi' | 'lo') =>
    x.supportedMode === 'result' ? `((${w}) & ${word === 'hi' ? H(sm) : L(sm)})` : `(${w})`;
  const invertTest = '((protHi | protLo) !== 0 && (protLo & 1) === 0)';
  const encHi = x.pfnL1tf ? `(${invertTest} ? ${pEncInv.hi} : ${pEnc.hi})` : pEnc.hi;
  const encLo = x.pfnL1tf ? `(${invertTest} ? ${pEncInv.lo} : ${pEnc.lo})` : pEnc.lo;
  src.push(`function pfn_pte(pfnHi, pfnLo, protHi, protLo, out) {
  const ph = (pfnHi & ${H(wordMask)}) >>> 0, pl = pfnLo >>> 0;
  protHi = HI(protHi);
  out.hi = ${is64 ? `(${resultMask(`${encHi} | ${protHi}`, 'hi')}) >>> 0` : '0'};
  out.lo = (${resultMask(`${encLo} | ${protLo}`, 'lo')}) >>> 0;
}`);
  const decTest = '((h | l) !== 0 && (l & 1) === 0)';
  src.push(`function pte_pfn(hi, lo, out) {
  const h = HI(hi) >>> 0, l = lo >>> 0;
  const inv = ${x.pfnL1tf ? decTest : 'false'};
  out.hi = ((inv ? ${pDecInv.hi} : ${pDec.hi}) & ${H(wordMask)}) >>> 0;
  out.lo = (inv ? ${pDecInv.lo} : ${pDec.lo}) >>> 0;
}`);

  // predicates
  const ig = ~x.noneIgnore & 0xffffffffffffffffn;
  src.push(`function pte_none(hi, lo) {
  return ((HI(hi) & ${H(ig)}) | (lo & ${L(ig)})) === 0;
}
function pte_present(hi, lo) {
  hi = HI(hi);
  return ${x.present.map(matchExpr).join(' || ') || 'false'};
}
function pte_file(hi, lo) {
  return ${x.fileMask ? `((HI(hi) & ${H(x.fileMask)}) | (lo & ${L(x.fileMask)})) !== 0` : 'false'};
}
function pte_protnone(hi, lo) {
  hi = HI(hi);
  return ${x.protnone ? matchExpr(x.protnone) : 'false'};
}
function is_swap_pte(hi, lo) {
  return !pte_none(hi, lo) && !pte_present(hi, lo) && !pte_file(hi, lo);
}
const TYPE_CLASS = new Uint8Array([${x.typeClass.join(',')}]);
function classify(hi, lo) {
  if (pte_none(hi, lo)) return 0;
  if (pte_present(hi, lo)) return pte_protnone(hi, lo) ? 2 : 1;
  if (pte_file(hi, lo)) return ${x.fileClassCode};
  const h = (HI(hi) & ${clearHi}) >>> 0, l = (lo & ${clearLo}) >>> 0;
  return TYPE_CLASS[(${dt.lo} & ${typeMask}) & 63];
}
return { swp_entry_to_pte, pte_to_swp_entry, pgoff_to_pte, pte_to_pgoff, pfn_pte, pte_pfn,
  pte_none, pte_present, pte_file, pte_protnone, is_swap_pte, classify };`);
  return src.join('\n');
}

export function compileFast(source: string): FastOps {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(source)() as FastOps;
}

/** out = (pte | set) & ~clear, on pairs; generated so the masks are literals. */
export function compileModifier(set: bigint, clear: bigint, pteBits: 32 | 64): FastModifier {
  const keep = ~clear & 0xffffffffffffffffn;
  const hi = pteBits === 64 ? `(((hi | ${H(set)}) & ${H(keep)}) >>> 0)` : '0';
  const body = `out.hi = ${hi}; out.lo = (((lo | ${L(set)}) & ${L(keep)}) >>> 0);`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('hi', 'lo', 'out', body) as FastModifier;
}
