/**
 * Generates the FastOps of one variant as JavaScript source and compiles it
 * with `new Function`. The source is kept on the variant (`fastSource`) so a
 * reader can see exactly what the layout data turned into.
 */
import { clipField } from '../layout/clip.js';
import { emitDecode, emitEncode, joinWord, wordLiteral, type WordExprs } from '../layout/codegen.js';
import { type Field, fieldEncodeWidth, fieldWidth } from '../layout/field.js';
import { maskBig } from '../u64/pair.js';
import type { ModifierStep } from '../spec/variant-spec.js';
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
  /** PMD-mapped THP, where the variant has it */
  readonly huge?: FastHugeInputs;
}

export interface FastHugeInputs {
  readonly hpageShift: number;
  readonly pfn: Field;
  readonly maskToHpage: boolean;
  readonly maskWhen?: { mask: bigint; value: bigint };
  readonly l1tf: boolean;
  readonly supportedMode: 'none' | 'present-prot';
  /** bits pfn_pmd sets */
  readonly set: bigint;
  /** bits pmd_mkhuge sets */
  readonly mkhuge: bigint;
  /** bits pmd_mkhuge clears first */
  readonly mkhugeClear: bigint;
  readonly transHuge: readonly { mask: bigint; value: bigint }[];
  readonly present: readonly { mask: bigint; value: bigint }[];
}

const ALL64 = 0xffffffffffffffffn;
const L = (v: bigint) => wordLiteral(v, 'lo');
const H = (v: bigint) => wordLiteral(v, 'hi');
const W = (v: bigint, word: 'hi' | 'lo') => wordLiteral(v, word);

/** `expr & mask`, or just `expr` when the mask keeps every bit. */
function and(expr: string, mask: bigint, word: 'hi' | 'lo'): string {
  const m = (word === 'hi' ? mask >> 32n : mask) & 0xffffffffn;
  if (m === 0xffffffffn) return expr;
  if (m === 0n) return '0';
  return `(${expr} & ${W(mask, word)})`;
}

function encodeWords(f: Field, value: { hi: string; lo: string }, extra = 0n): { hi: string; lo: string } {
  const out: WordExprs = { hi: [], lo: [] };
  emitEncode(f, value, out);
  if (extra >> 32n) out.hi.push(H(extra));
  if (extra & 0xffffffffn) out.lo.push(L(extra));
  return { hi: joinWord(out.hi), lo: joinWord(out.lo) };
}

/**
 * Encode a value already truncated to `bits` bits. A plain field is clipped
 * to those bits; an inverted one is not (the complement of the truncated
 * value has ones above `bits`), so its input is masked instead.
 */
function encodeTruncated(f: Field, value: { hi: string; lo: string }, bits: number, extra = 0n): { hi: string; lo: string } {
  if (!f.invert) return encodeWords(clipField(f, bits), value, extra);
  if (fieldEncodeWidth(f) <= bits) return encodeWords(f, value, extra);
  const mask = maskBig(bits);
  return encodeWords(f, { hi: and(value.hi, mask, 'hi'), lo: and(value.lo, mask, 'lo') }, extra);
}

function decodeWords(f: Field, container: { hi: string; lo: string }): { hi: string; lo: string } {
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

/** The JavaScript source of the variant's fast operations. */
export function fastSource(x: FastInputs): string {
  const is64 = x.pteBits === 64;
  const src: string[] = ['"use strict";'];
  const fn = (name: string, params: string, body: string) => src.push(`function ${name}(${params}) { return ${body}; }`);
  const u32 = (expr: string) => (expr === '0' ? '0' : `${expr} >>> 0`);
  // Inputs wider than the pte are cut as a store to pte_t cuts them: on a
  // 32-bit pte the hi word is ignored.
  const hiIn = is64 ? 'hi' : '0';
  // matchers read `hi`; on a 32-bit pte it must be 0 whatever the caller passed
  const hiGuard = is64 ? '' : 'hi = 0; ';

  // --- swap: generic swp_entry masking is folded into the fields ---
  const encT = encodeTruncated(x.pteType, { hi: '0', lo: 'type' }, Math.min(x.typeBits, 32));
  const encO = encodeTruncated(x.pteOffset, { hi: 'offHi', lo: 'offLo' }, x.offsetBits);
  const orWords = (a: string, b: string, set: bigint, word: 'hi' | 'lo') => {
    const parts = [a, b].filter((e) => e !== '0');
    const s = (word === 'hi' ? set >> 32n : set) & 0xffffffffn;
    if (s) parts.push(W(set, word));
    return parts.length ? u32(parts.length === 1 ? parts[0]! : `(${parts.join(' | ')})`) : '0';
  };
  fn('swp_entry_to_pte_hi', 'type, offHi, offLo', is64 ? orWords(encT.hi, encO.hi, x.swapSet, 'hi') : '0');
  fn('swp_entry_to_pte_lo', 'type, offHi, offLo', orWords(encT.lo, encO.lo, x.swapSet, 'lo'));
  // pte_swp_clear_flags, then the fields, then the generic masks
  const keep = ~x.swapFlagMask & ALL64;
  const clearedHi = is64 ? and('hi', keep, 'hi') : '0';
  const clearedLo = and('lo', keep, 'lo');
  const decT = decodeWords(x.pteType, { hi: clearedHi, lo: clearedLo });
  const decO = decodeWords(x.pteOffset, { hi: clearedHi, lo: clearedLo });
  const typeMask = maskBig(Math.min(x.typeBits, 32));
  const offMask = maskBig(x.offsetBits);
  const typeExpr = fieldWidth(x.pteType) > x.typeBits ? `(${decT.lo} & ${L(typeMask)})` : decT.lo;
  const offNeedsMask = fieldWidth(x.pteOffset) > x.offsetBits;
  fn('pte_to_swp_type', 'hi, lo', u32(typeExpr));
  fn('pte_to_swp_offset_hi', 'hi, lo', u32(offNeedsMask ? and(decO.hi, offMask, 'hi') : decO.hi));
  fn('pte_to_swp_offset_lo', 'hi, lo', u32(offNeedsMask ? and(decO.lo, offMask, 'lo') : decO.lo));

  // --- nonlinear file ptes: pgoff is an unsigned long ---
  if (x.file) {
    const fenc = encodeTruncated(x.file.pgoff, { hi: x.wordBits === 64 ? 'pgHi' : '0', lo: 'pgLo' }, x.wordBits, x.file.set);
    const fdec = decodeWords(x.file.pgoff, { hi: hiIn, lo: 'lo' });
    fn('pgoff_to_pte_hi', 'pgHi, pgLo', is64 ? u32(fenc.hi) : '0');
    fn('pgoff_to_pte_lo', 'pgHi, pgLo', u32(fenc.lo));
    fn('pte_to_pgoff_hi', 'hi, lo', x.wordBits === 64 ? u32(fdec.hi) : '0');
    fn('pte_to_pgoff_lo', 'hi, lo', u32(fdec.lo));
  } else {
    src.push('const pgoff_to_pte_hi = undefined, pgoff_to_pte_lo = undefined, pte_to_pgoff_hi = undefined, pte_to_pgoff_lo = undefined;');
  }

  // --- pfn_pte / pte_pfn, with the L1TF inversion where the arch has it ---
  // pfn is an unsigned long: on 32-bit the high word is zero (and all ones once inverted)
  const pfnWords = { hi: x.wordBits === 64 ? 'pfnHi' : '0', lo: 'pfnLo' };
  const pEnc = encodeTruncated(x.pfn, pfnWords, x.wordBits, x.pfnSet);
  const pEncInv = encodeTruncated({ ...x.pfn, invert: !x.pfn.invert }, pfnWords, x.wordBits, x.pfnSet);
  const sm = x.supportedMask;
  // check_pgprot(): __supported_pte_mask on a present prot ('present-prot'), shared by pfn_pte and pfn_pmd
  const checkedProt = (word: 'hi' | 'lo', mode: FastInputs['supportedMode']) => {
    const p = word === 'hi' ? 'protHi' : 'protLo';
    const masked = and(p, sm, word);
    return mode === 'present-prot' && masked !== p ? `((protLo & 1) ? ${masked} : ${p})` : p;
  };
  // L1TF: a pfn placed by a non-zero non-present prot, or read from a non-zero non-present entry, is inverted
  const placedBy = (enc: string, encInv: string, l1tf: boolean) => (l1tf ? `(((protHi | protLo) !== 0 && (protLo & 1) === 0) ? ${encInv} : ${enc})` : enc);
  const readFrom = (dec: string, decInv: string, l1tf: boolean) => (l1tf ? `((((${hiIn}) | lo) !== 0 && (lo & 1) === 0) ? ${decInv} : ${dec})` : dec);
  const result = (word: 'hi' | 'lo', enc: string, encInv: string) => {
    const both = `(${placedBy(enc, encInv, x.pfnL1tf)} | ${checkedProt(word, x.supportedMode)})`;
    return u32(x.supportedMode === 'result' ? and(both, sm, word) : both);
  };
  fn('pfn_pte_hi', 'pfnHi, pfnLo, protHi, protLo', is64 ? result('hi', pEnc.hi, pEncInv.hi) : '0');
  fn('pfn_pte_lo', 'pfnHi, pfnLo, protHi, protLo', result('lo', pEnc.lo, pEncInv.lo));
  const pDec = decodeWords(x.pfn, { hi: hiIn, lo: 'lo' });
  const pDecInv = decodeWords({ ...x.pfn, invert: !x.pfn.invert }, { hi: hiIn, lo: 'lo' });
  fn('pte_pfn_hi', 'hi, lo', x.wordBits === 64 ? u32(readFrom(pDec.hi, pDecInv.hi, x.pfnL1tf)) : '0');
  fn('pte_pfn_lo', 'hi, lo', u32(readFrom(pDec.lo, pDecInv.lo, x.pfnL1tf)));

  // --- PMD-mapped THP: pfn_pmd / pmd_pfn / pmd_mkhuge / pmd_trans_huge / pmd_present ---
  const h = x.huge;
  if (h) {
    const hEnc = encodeTruncated(h.pfn, pfnWords, x.wordBits);
    const hEncInv = encodeTruncated({ ...h.pfn, invert: !h.pfn.invert }, pfnWords, x.wordBits);
    // pfn &= PHYSICAL_PMD_PAGE_MASK: the pmd bits below HPAGE_PMD_SHIFT are dropped
    const keep = h.maskToHpage ? ALL64 & ~maskBig(h.hpageShift) : ALL64;
    const hResult = (word: 'hi' | 'lo', enc: string, encInv: string) => orWords(and(placedBy(enc, encInv, h.l1tf), keep, word), checkedProt(word, h.supportedMode), h.set, word);
    fn('pfn_pmd_hi', 'pfnHi, pfnLo, protHi, protLo', is64 ? hResult('hi', hEnc.hi, hEncInv.hi) : '0');
    fn('pfn_pmd_lo', 'pfnHi, pfnLo, protHi, protLo', hResult('lo', hEnc.lo, hEncInv.lo));
    // (pmd & ~clear) | set: the clear is a literal AND where pmd_mkhuge clears a bit of this word
    const unHuge = (e: string, word: 'hi' | 'lo') => ((word === 'hi' ? h.mkhugeClear >> 32n : h.mkhugeClear) & 0xffffffffn ? `(${e} & ${W(~h.mkhugeClear & ALL64, word)})` : e);
    fn('pmd_mkhuge_hi', 'hi, lo', is64 ? orWords(unHuge('hi', 'hi'), '0', h.mkhuge, 'hi') : '0');
    fn('pmd_mkhuge_lo', 'hi, lo', orWords(unHuge('lo', 'lo'), '0', h.mkhuge, 'lo'));
    fn('mk_huge_pmd_hi', 'pfnHi, pfnLo, protHi, protLo', is64 ? orWords(unHuge('pfn_pmd_hi(pfnHi, pfnLo, protHi, protLo)', 'hi'), '0', h.mkhuge, 'hi') : '0');
    fn('mk_huge_pmd_lo', 'pfnHi, pfnLo, protHi, protLo', orWords(unHuge('pfn_pmd_lo(pfnHi, pfnLo, protHi, protLo)', 'lo'), '0', h.mkhuge, 'lo'));
    // pmd_pfn: un-invert (L1TF), read the field, then drop the value bits below HPAGE_PMD_ORDER
    const hDec = decodeWords(h.pfn, { hi: hiIn, lo: 'lo' });
    const hDecInv = decodeWords({ ...h.pfn, invert: !h.pfn.invert }, { hi: hiIn, lo: 'lo' });
    const valueKeep = h.maskToHpage ? ALL64 & ~maskBig(h.hpageShift - h.pfn.spans[0]!.lsb) : ALL64;
    const hPfn = (word: 'hi' | 'lo') => {
      const picked = readFrom(hDec[word], hDecInv[word], h.l1tf);
      const masked = and(picked, valueKeep, word);
      if (masked === picked || !h.maskWhen) return u32(masked);
      return u32(`(${matchExpr(h.maskWhen)} ? ${masked} : ${picked})`);
    };
    src.push(`function pmd_pfn_hi(hi, lo) { ${hiGuard}return ${x.wordBits === 64 ? hPfn('hi') : '0'}; }`);
    src.push(`function pmd_pfn_lo(hi, lo) { ${hiGuard}return ${hPfn('lo')}; }`);
    src.push(`function pmd_trans_huge(hi, lo) { ${hiGuard}return ${h.transHuge.map(matchExpr).join(' || ') || 'false'}; }`);
    src.push(`function pmd_present(hi, lo) { ${hiGuard}return ${h.present.map(matchExpr).join(' || ') || 'false'}; }`);
    src.push(`function pfn_pmd(pfnHi, pfnLo, protHi, protLo, out) { out.hi = pfn_pmd_hi(pfnHi, pfnLo, protHi, protLo); out.lo = pfn_pmd_lo(pfnHi, pfnLo, protHi, protLo); }
function mk_huge_pmd(pfnHi, pfnLo, protHi, protLo, out) { out.hi = mk_huge_pmd_hi(pfnHi, pfnLo, protHi, protLo); out.lo = mk_huge_pmd_lo(pfnHi, pfnLo, protHi, protLo); }
function pmd_pfn(hi, lo, out) { const h = pmd_pfn_hi(hi, lo); out.lo = pmd_pfn_lo(hi, lo); out.hi = h; }
function pmd_mkhuge(hi, lo, out) { const h = pmd_mkhuge_hi(hi, lo); out.lo = pmd_mkhuge_lo(hi, lo); out.hi = h; }`);
  } else {
    src.push(
      'const pfn_pmd_hi = undefined, pfn_pmd_lo = undefined, mk_huge_pmd_hi = undefined, mk_huge_pmd_lo = undefined, pmd_pfn_hi = undefined, pmd_pfn_lo = undefined,',
      '  pmd_mkhuge_hi = undefined, pmd_mkhuge_lo = undefined, pmd_trans_huge = undefined, pmd_present = undefined,',
      '  pfn_pmd = undefined, mk_huge_pmd = undefined, pmd_pfn = undefined, pmd_mkhuge = undefined;',
    );
  }

  // --- predicates and the classifier ---
  const ig = ~x.noneIgnore & ALL64;
  fn('pte_none', 'hi, lo', is64 ? `(${and('hi', ig, 'hi')} | ${and('lo', ig, 'lo')}) === 0` : `${and('lo', ig, 'lo')} === 0`);
  src.push(`function pte_present(hi, lo) { ${hiGuard}return ${x.present.map(matchExpr).join(' || ') || 'false'}; }`);
  fn('pte_file', 'hi, lo', x.fileMask ? `(${is64 ? `${and('hi', x.fileMask, 'hi')} | ` : ''}${and('lo', x.fileMask, 'lo')}) !== 0` : 'false');
  src.push(`function pte_protnone(hi, lo) { ${hiGuard}return ${x.protnone ? matchExpr(x.protnone) : 'false'}; }`);
  fn('is_swap_pte', 'hi, lo', '!pte_none(hi, lo) && !pte_present(hi, lo) && !pte_file(hi, lo)');
  src.push(`const TYPE_CLASS = new Uint8Array([${x.typeClass.join(',')}]);
function classify(hi, lo) {
  if (pte_none(hi, lo)) return 0;
  if (pte_present(hi, lo)) return pte_protnone(hi, lo) ? 2 : 1;
  if (pte_file(hi, lo)) return 3;
  return TYPE_CLASS[pte_to_swp_type(hi, lo) & 63];
}`);

  // --- Reg conveniences ---
  src.push(`function swp_entry_to_pte(type, offHi, offLo, out) { out.hi = swp_entry_to_pte_hi(type, offHi, offLo); out.lo = swp_entry_to_pte_lo(type, offHi, offLo); }
function pte_to_swp_entry(hi, lo, out) { out.type = pte_to_swp_type(hi, lo); const h = pte_to_swp_offset_hi(hi, lo); out.lo = pte_to_swp_offset_lo(hi, lo); out.hi = h; }
function pfn_pte(pfnHi, pfnLo, protHi, protLo, out) { out.hi = pfn_pte_hi(pfnHi, pfnLo, protHi, protLo); out.lo = pfn_pte_lo(pfnHi, pfnLo, protHi, protLo); }
function pte_pfn(hi, lo, out) { const h = pte_pfn_hi(hi, lo); out.lo = pte_pfn_lo(hi, lo); out.hi = h; }
const pgoff_to_pte = pgoff_to_pte_lo && function pgoff_to_pte(pgHi, pgLo, out) { out.hi = pgoff_to_pte_hi(pgHi, pgLo); out.lo = pgoff_to_pte_lo(pgHi, pgLo); };
const pte_to_pgoff = pte_to_pgoff_lo && function pte_to_pgoff(hi, lo, out) { const h = pte_to_pgoff_hi(hi, lo); out.lo = pte_to_pgoff_lo(hi, lo); out.hi = h; };
return { swp_entry_to_pte_hi, swp_entry_to_pte_lo, pte_to_swp_type, pte_to_swp_offset_hi, pte_to_swp_offset_lo,
  pgoff_to_pte_hi, pgoff_to_pte_lo, pte_to_pgoff_hi, pte_to_pgoff_lo, pfn_pte_hi, pfn_pte_lo, pte_pfn_hi, pte_pfn_lo,
  pte_none, pte_present, pte_file, pte_protnone, is_swap_pte, classify,
  swp_entry_to_pte, pte_to_swp_entry, pgoff_to_pte, pte_to_pgoff, pfn_pte, pte_pfn,
  pfn_pmd_hi, pfn_pmd_lo, mk_huge_pmd_hi, mk_huge_pmd_lo, pmd_pfn_hi, pmd_pfn_lo, pmd_mkhuge_hi, pmd_mkhuge_lo,
  pmd_trans_huge, pmd_present, pfn_pmd, mk_huge_pmd, pmd_pfn, pmd_mkhuge };`);
  return src.join('\n');
}

export function compileFast(source: string): FastOps {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(source)() as FastOps;
}

/**
 * A modifier's steps on pairs, generated so the masks are literals: each step
 * `(pte | set) & ~clear`, guarded by its matcher where it has one.
 */
export function compileModifier(steps: readonly ModifierStep[], pteBits: 32 | 64): FastModifier {
  const lines: string[] = ['let h = hi >>> 0, l = lo >>> 0;'];
  for (const st of steps) {
    const keep = ~(st.clear ?? 0n) & ALL64;
    const set = st.set ?? 0n;
    const apply = `h = ((h | ${H(set)}) & ${H(keep)}) >>> 0; l = ((l | ${L(set)}) & ${L(keep)}) >>> 0;`;
    const w = st.when;
    lines.push(w ? `if (((h & ${H(w.mask)}) >>> 0) === ${H(w.value)} && ((l & ${L(w.mask)}) >>> 0) === ${L(w.value)}) { ${apply} }` : apply);
  }
  lines.push(`out.hi = ${pteBits === 64 ? 'h' : '0'}; out.lo = l;`);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('hi', 'lo', 'out', lines.join('\n')) as FastModifier;
}
