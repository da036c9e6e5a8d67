/**
 * Replays a reference-vector file through a compiled variant, through both
 * the kernel-faithful BigInt layer and the u32-pair fast layer, and reports
 * every field that differs.
 */
import { hex, MAX_SWAPFILES_SHIFT, newReg, PTE_MARKER, swapTypes, toBig, type Variant } from '@mmsim/core';
import { MAX_SWAPFILES_CONFIGS } from './fields.js';
import type { Vector, VectorFile } from './format.js';

export interface VectorFailure {
  readonly file: string;
  readonly index: number;
  readonly op: string;
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
  readonly note?: string;
  readonly input?: Readonly<Record<string, unknown>>;
}

export interface VectorReport {
  readonly file: string;
  readonly variant: string;
  readonly passed: number;
  readonly failed: number;
  readonly failures: VectorFailure[];
}

type Value = bigint | boolean | number | string | null | undefined;

function show(value: Value, bits: number): string {
  if (typeof value === 'bigint') return hex(value, bits);
  return String(value);
}

/** A value the schema let through as exact: a "0x…" string or a safe whole number. */
const big = (v: unknown): bigint => BigInt(v as string | number);

/** A file's value as the checker compares it: a number field as a BigInt where the actual value is one. */
function expectedValue(raw: unknown, actual: Value): Value {
  if (typeof actual === 'bigint' && (typeof raw === 'number' || (typeof raw === 'string' && raw.startsWith('0x')))) return BigInt(raw);
  return raw as Value;
}
const lo = (v: bigint) => Number(v & 0xffffffffn);
const hi = (v: bigint) => Number((v >> 32n) & 0xffffffffn);

/** Run one vector; return the (field, expected, actual) triples that differ. */
function runVector(v: Variant, vec: Vector): { field: string; expected: string; actual: string }[] {
  const k = v.kernel;
  const f = v.fast;
  const P = v.constants.pteBits;
  const W = v.constants.wordBits;
  const diffs: { field: string; expected: string; actual: string }[] = [];
  const reg = newReg();
  const expectField = (field: string, actual: Value, bits = P) => {
    if (!(field in vec)) return;
    const expected = expectedValue(vec[field], actual);
    if (expected !== actual) diffs.push({ field, expected: show(expected, bits), actual: show(actual, bits) });
  };
  const fastDiff = (field: string, expected: Value, actual: Value, bits = P) => {
    if (expected !== actual) diffs.push({ field: `${field} (fast)`, expected: show(expected, bits), actual: show(actual, bits) });
  };
  const predicates = (pte: bigint) => {
    expectField('pte_none', k.pte_none(pte));
    expectField('pte_present', k.pte_present(pte));
    if ('pte_file' in vec && typeof vec['pte_file'] === 'boolean') expectField('pte_file', k.pte_file(pte) !== 0n);
    expectField('pte_protnone', k.pte_protnone(pte));
    expectField('is_swap_pte', k.is_swap_pte(pte));
    expectField('pte_none_radix', k.pte_none_radix(pte));
    fastDiff('pte_none', k.pte_none(pte), f.pte_none(hi(pte), lo(pte)));
    fastDiff('pte_present', k.pte_present(pte), f.pte_present(hi(pte), lo(pte)));
    fastDiff('pte_file', k.pte_file(pte) !== 0n, f.pte_file(hi(pte), lo(pte)));
    fastDiff('is_swap_pte', k.is_swap_pte(pte), f.is_swap_pte(hi(pte), lo(pte)));
  };

  switch (vec.op) {
    case 'swp_entry': {
      const type = vec['type'] as number;
      const offset = big(vec['offset']);
      const e = k.swp_entry(type, offset);
      expectField('swp_val', e, W);
      expectField('arch_val', k.__swp_entry(k.swp_type(e), k.swp_offset(e)), W);
      const pte = k.swp_entry_to_pte(e);
      expectField('pte', pte);
      f.swp_entry_to_pte(type, hi(offset), lo(offset), reg);
      fastDiff('pte', pte, toBig(reg.hi, reg.lo));
      const back = k.pte_to_swp_entry(pte);
      expectField('decoded_type', k.swp_type(back));
      expectField('decoded_offset', k.swp_offset(back), W);
      f.pte_to_swp_entry(hi(pte), lo(pte), reg);
      fastDiff('decoded_type', k.swp_type(back), reg.type);
      fastDiff('decoded_offset', k.swp_offset(back), toBig(reg.hi, reg.lo), W);
      expectField('roundtrip', k.swp_type(back) === k.swp_type(e) && k.swp_offset(back) === k.swp_offset(e));
      expectField('offset_in_range', offset <= v.constants.maxSwapOffset);
      predicates(pte);
      break;
    }
    case 'pte_to_swp': {
      const pte = big(vec['pte']);
      const e = k.pte_to_swp_entry(pte);
      expectField('type', k.swp_type(e));
      expectField('offset', k.swp_offset(e), W);
      expectField('swp_val', e, W);
      expectField('swp_exclusive', k.pte_swp_exclusive(pte));
      expectField('swp_soft_dirty', k.pte_swp_soft_dirty(pte));
      expectField('swp_uffd_wp', k.pte_swp_uffd_wp(pte));
      f.pte_to_swp_entry(hi(pte), lo(pte), reg);
      fastDiff('type', k.swp_type(e), reg.type);
      fastDiff('offset', k.swp_offset(e), toBig(reg.hi, reg.lo), W);
      break;
    }
    case 'pgoff_to_pte': {
      const pgoff = big(vec['pgoff']);
      const pte = k.pgoff_to_pte(pgoff);
      expectField('pte', pte);
      const back = k.pte_to_pgoff(pte);
      expectField('pte_to_pgoff', back, W);
      expectField('roundtrip', back === pgoff);
      const maxBits = v.constants.PTE_FILE_MAX_BITS ?? 0;
      expectField('within_PTE_FILE_MAX_BITS', maxBits >= W || pgoff < 1n << BigInt(maxBits));
      f.pgoff_to_pte!(hi(pgoff), lo(pgoff), reg);
      fastDiff('pte', pte, toBig(reg.hi, reg.lo));
      f.pte_to_pgoff!(hi(pte), lo(pte), reg);
      fastDiff('pte_to_pgoff', back, toBig(reg.hi, reg.lo), W);
      predicates(pte);
      break;
    }
    case 'pte_to_pgoff': {
      const pte = big(vec['pte']);
      expectField('pgoff', k.pte_to_pgoff(pte), W);
      f.pte_to_pgoff!(hi(pte), lo(pte), reg);
      fastDiff('pgoff', k.pte_to_pgoff(pte), toBig(reg.hi, reg.lo), W);
      break;
    }
    case 'pte_file': {
      const pte = big(vec['pte']);
      expectField('result', k.pte_file(pte) !== 0n);
      expectField('raw', k.pte_file(pte));
      expectField('pte_present', k.pte_present(pte));
      fastDiff('result', k.pte_file(pte) !== 0n, f.pte_file(hi(pte), lo(pte)));
      break;
    }
    case 'pfn_pte': {
      const pfn = big(vec['pfn']);
      const prot = big(vec['prot']);
      const pte = k.pfn_pte(pfn, prot);
      expectField('pte', pte);
      expectField('pte_pfn', k.pte_pfn(pte), W);
      expectField('pte_present', k.pte_present(pte));
      expectField('pte_protnone', k.pte_protnone(pte));
      const needsInvert = v.spec.pfn.l1tfInvert === true && prot !== 0n && (prot & 1n) === 0n;
      if ('pfn_inverted' in vec) expectField('pfn_inverted', needsInvert);
      if ('vm_bug_on' in vec) expectField('vm_bug_on', v.spec.pfn.bugUnlessFits === true && pfn > (1n << BigInt(v.constants.pfnBits)) - 1n);
      const named = vec['prot_name'] as string | undefined;
      if (named !== undefined && Object.hasOwn(v.spec.prots, named) && v.spec.prots[named] !== prot) {
        diffs.push({ field: `prots.${named}`, expected: hex(prot, P), actual: hex(v.spec.prots[named]!, P) });
      }
      f.pfn_pte(hi(pfn), lo(pfn), hi(prot), lo(prot), reg);
      fastDiff('pte', pte, toBig(reg.hi, reg.lo));
      f.pte_pfn(hi(pte), lo(pte), reg);
      fastDiff('pte_pfn', k.pte_pfn(pte), toBig(reg.hi, reg.lo), W);
      break;
    }
    case 'pte_predicates': {
      const pte = big(vec['pte']);
      predicates(pte);
      break;
    }
    case 'pte_swp_mkexclusive':
    case 'pte_swp_mksoft_dirty':
    case 'pte_swp_mkuffd_wp': {
      const pte = big(vec['pte']);
      const result =
        vec.op === 'pte_swp_mkexclusive' ? k.pte_swp_mkexclusive(pte) : vec.op === 'pte_swp_mksoft_dirty' ? k.pte_swp_mksoft_dirty(pte) : k.pte_swp_mkuffd_wp(pte);
      expectField('result', result);
      expectField('swp_entry_unchanged', k.pte_to_swp_entry(result) === k.pte_to_swp_entry(pte));
      break;
    }
    default:
      diffs.push({ field: 'op', expected: 'a known op', actual: vec.op });
  }
  return diffs;
}

/** Check the constants block against the variant's derived constants. */
function checkConstants(v: Variant, file: VectorFile): { field: string; expected: string; actual: string }[] {
  const c = file.constants;
  const vc = v.constants;
  const W = vc.wordBits;
  const diffs: { field: string; expected: string; actual: string }[] = [];
  const same = (field: string, actual: Value, bits = W) => {
    if (!(field in c)) return;
    const expected = expectedValue(c[field], actual);
    if (expected !== actual) diffs.push({ field: `constants.${field}`, expected: show(expected, bits), actual: show(actual, bits) });
  };
  same('word_bits', vc.wordBits);
  same('pte_bits', vc.pteBits);
  same('PAGE_SHIFT', vc.PAGE_SHIFT);
  same('MAX_SWAPFILES_SHIFT', MAX_SWAPFILES_SHIFT);
  same('PTE_FILE_MAX_BITS', vc.PTE_FILE_MAX_BITS);
  same('SWP_TYPE_SHIFT', vc.SWP_TYPE_SHIFT);
  same('SWP_OFFSET_MASK', vc.SWP_OFFSET_MASK);
  same('arch_swp_type_field_bits', vc.archSwapTypeFieldBits);
  same('max_offset_roundtrip', vc.maxSwapOffset);
  same('max_offset_roundtrip_bits', vc.maxSwapOffsetBits);
  if (vc.swapSizeLimit.name in c) same(vc.swapSizeLimit.name, vc.swapSizeLimit.pages);
  // MAX_SWAPFILES under each configuration the file names, not only the variant's own
  const maxSwapfiles = c['MAX_SWAPFILES'] as Record<string, unknown> | undefined;
  for (const [key, options] of Object.entries(MAX_SWAPFILES_CONFIGS[v.era])) {
    if (!maxSwapfiles || !Object.hasOwn(maxSwapfiles, key)) continue;
    const actual = swapTypes(v.era, { ...v.config, ...options }).MAX_SWAPFILES;
    if (maxSwapfiles[key] !== actual) diffs.push({ field: `constants.MAX_SWAPFILES.${key}`, expected: String(maxSwapfiles[key]), actual: String(actual) });
  }
  // the 6.18 pte marker bits (swapops.h; core's PTE_MARKER)
  const markers = c['PTE_MARKER'] as Record<string, unknown> | undefined;
  for (const [name, bit] of Object.entries(markers ?? {})) {
    const actual = Object.hasOwn(PTE_MARKER, name) ? PTE_MARKER[name as keyof typeof PTE_MARKER] : undefined;
    if (bit !== actual) diffs.push({ field: `constants.PTE_MARKER.${name}`, expected: String(bit), actual: String(actual) });
  }
  const specials = (c['special_types_all_config'] as Record<string, number> | undefined) ?? {
    ...(typeof c['SWP_MIGRATION_READ'] === 'number' ? { SWP_MIGRATION_READ: c['SWP_MIGRATION_READ'] as number } : {}),
    ...(typeof c['SWP_MIGRATION_WRITE'] === 'number' ? { SWP_MIGRATION_WRITE: c['SWP_MIGRATION_WRITE'] as number } : {}),
  };
  for (const [name, type] of Object.entries(specials)) {
    const actual = v.swapTypes.byName(name)?.type;
    if (actual !== type) diffs.push({ field: `constants.${name}`, expected: String(type), actual: String(actual) });
  }
  const flagBits = c['swp_flag_bits'] as Record<string, string> | undefined;
  if (flagBits) {
    const flags = v.spec.swap.flags ?? {};
    const names: Record<string, number | undefined> = { exclusive: flags.exclusive, soft_dirty: flags.softDirty, uffd_wp: flags.uffdWp };
    for (const [name, bit] of Object.entries(names)) {
      const expected = flagBits[name] !== undefined ? BigInt(flagBits[name]!) : undefined;
      const actual = bit !== undefined ? 1n << BigInt(bit) : undefined;
      if (expected !== actual) diffs.push({ field: `constants.swp_flag_bits.${name}`, expected: show(expected, vc.pteBits), actual: show(actual, vc.pteBits) });
    }
  }
  const prots = c['prots'] as Record<string, string> | undefined;
  for (const [name, value] of Object.entries(prots ?? {})) {
    const actual = Object.hasOwn(v.spec.prots, name) ? v.spec.prots[name] : undefined;
    if (actual !== BigInt(value)) diffs.push({ field: `constants.prots.${name}`, expected: show(BigInt(value), vc.pteBits), actual: show(actual, vc.pteBits) });
  }
  return diffs;
}

/** Check a whole file; each vector, and the constants block, counts as one check. */
export function checkVectorFile(v: Variant, file: VectorFile, fileName: string): VectorReport {
  const failures: VectorFailure[] = [];
  let passed = 0;
  const constantDiffs = checkConstants(v, file);
  if (constantDiffs.length === 0) passed++;
  for (const d of constantDiffs) failures.push({ file: fileName, index: -1, op: 'constants', ...d });
  file.vectors.forEach((vec, index) => {
    let diffs: { field: string; expected: string; actual: string }[];
    try {
      diffs = runVector(v, vec);
    } catch (error) {
      diffs = [{ field: 'exception', expected: 'no exception', actual: (error as Error).message }];
    }
    if (diffs.length === 0) {
      passed++;
      return;
    }
    const input: Record<string, unknown> = {};
    for (const key of ['type', 'offset', 'pte', 'pgoff', 'pfn', 'prot', 'prot_name']) if (key in vec) input[key] = vec[key];
    for (const d of diffs) failures.push({ file: fileName, index, op: vec.op, ...d, ...(vec.note ? { note: vec.note } : {}), input });
  });
  const failedChecks = new Set(failures.map((f) => f.index)).size;
  return { file: fileName, variant: v.key, passed, failed: failedChecks, failures };
}
