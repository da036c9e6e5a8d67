/**
 * The vocabulary of a `linux-pte-oracle/1` file (vectors/README.md), as
 * data: every field of every op and of the constants block, the C type its
 * value stands for, in which era it exists, and whether it must be there.
 * schema.ts checks a file against these tables; nothing else lists fields.
 */
import { MAX_SWAPFILES_SHIFT, type Era, type KernelConfig } from '@mmsim/core';

/**
 * What a value stands for, and so how it is written and what it may hold:
 * - `pte`: a pte_t / pgprot_t value, `pte_bits` wide;
 * - `word`: an unsigned long / pgoff_t / swp_entry_t value, `word_bits` wide;
 *   both as a "0x…" hex string of at most width/4 digits, or a JSON number
 *   that is a safe integer (beyond 2^53 a JSON number is no longer exact);
 * - `type`: the swap type given to swp_entry(), 0 .. (1 << MAX_SWAPFILES_SHIFT) - 1;
 * - `decodedType`: what swp_type() returns, all the bits above SWP_TYPE_SHIFT;
 * - `bool`, `text` (free text: notes), `name` (a C identifier: a pgprot name).
 */
export type ValueKind = 'pte' | 'word' | 'type' | 'decodedType' | 'bool' | 'text' | 'name';

export interface OpFields {
  /** the eras whose kernels have this op */
  readonly eras: readonly Era[];
  /** inputs and outputs every vector of the op carries */
  readonly required: Readonly<Record<string, ValueKind>>;
  /** outputs only some variants have (README: "optional", or per-arch) */
  readonly optional: Readonly<Record<string, ValueKind>>;
}

const BOTH: readonly Era[] = ['2.6.21', '6.18'];
const OLD: readonly Era[] = ['2.6.21'];
const NEW: readonly Era[] = ['6.18'];

const swpFlagOp: OpFields = { eras: NEW, required: { pte: 'pte', result: 'pte', swp_entry_unchanged: 'bool' }, optional: { note: 'text' } };

/** Every op (vectors/README.md "Vector ops"); a field not listed for its op is refused. */
export const OPS: Readonly<Record<string, OpFields>> = {
  swp_entry: {
    eras: BOTH,
    required: {
      type: 'type',
      offset: 'word',
      swp_val: 'word',
      arch_val: 'word',
      pte: 'pte',
      decoded_type: 'decodedType',
      decoded_offset: 'word',
      roundtrip: 'bool',
      offset_in_range: 'bool',
      pte_none: 'bool',
      pte_present: 'bool',
    },
    optional: { pte_file: 'bool', note: 'text' },
  },
  pte_to_swp: {
    eras: BOTH,
    required: { pte: 'pte', type: 'decodedType', offset: 'word', swp_val: 'word' },
    optional: { swp_exclusive: 'bool', swp_soft_dirty: 'bool', swp_uffd_wp: 'bool', note: 'text' },
  },
  pgoff_to_pte: {
    eras: OLD,
    required: {
      pgoff: 'word',
      pte: 'pte',
      pte_to_pgoff: 'word',
      roundtrip: 'bool',
      within_PTE_FILE_MAX_BITS: 'bool',
      pte_file: 'bool',
      pte_present: 'bool',
      pte_none: 'bool',
    },
    optional: { note: 'text' },
  },
  pte_to_pgoff: { eras: OLD, required: { pte: 'pte', pgoff: 'word' }, optional: { note: 'text' } },
  pte_file: { eras: OLD, required: { pte: 'pte', result: 'bool', raw: 'pte', pte_present: 'bool' }, optional: { note: 'text' } },
  pfn_pte: {
    eras: BOTH,
    required: { pfn: 'word', prot: 'pte', prot_name: 'name', pte: 'pte', pte_pfn: 'word', pte_present: 'bool' },
    optional: { pte_protnone: 'bool', pfn_inverted: 'bool', vm_bug_on: 'bool', note: 'text' },
  },
  pte_predicates: {
    eras: BOTH,
    required: { pte: 'pte', pte_none: 'bool', pte_present: 'bool', is_swap_pte: 'bool' },
    optional: { pte_file: 'bool', pte_protnone: 'bool', pte_none_radix: 'bool', note: 'text' },
  },
  pte_swp_mkexclusive: swpFlagOp,
  pte_swp_mksoft_dirty: swpFlagOp,
  pte_swp_mkuffd_wp: swpFlagOp,
};

/**
 * What a constant holds:
 * - `wordBits`: 32 or 64 (the hex widths of the format: 8 or 16 digits);
 * - `bits`: a bit count, 0 .. word_bits; `shift`: a shift, 0 .. word_bits - 1;
 * - `fileBits`: `bits`, or null where the era has no nonlinear mappings;
 * - `maxSwapfiles`: MAX_SWAPFILES per configuration (numbers, and a `formula` text);
 * - `typeTable`: special type name → swap type; `flagBits`: swap marker → pte bit;
 * - `prots`: pgprot name → pte value; `markers`: pte marker name → its bit.
 */
export type ConstantKind = 'wordBits' | 'bits' | 'shift' | 'fileBits' | 'maxSwapfiles' | 'typeTable' | 'flagBits' | 'prots' | 'markers' | ValueKind;

export interface ConstantField {
  readonly kind: ConstantKind;
  readonly eras: readonly Era[];
  readonly required: boolean;
}

const need = (kind: ConstantKind, eras: readonly Era[] = BOTH): ConstantField => ({ kind, eras, required: true });
const may = (kind: ConstantKind, eras: readonly Era[] = BOTH): ConstantField => ({ kind, eras, required: false });

/** The constants block (vectors/README.md "File layout"). */
export const CONSTANTS: Readonly<Record<string, ConstantField>> = {
  word_bits: need('wordBits'),
  pte_bits: need('wordBits'),
  PAGE_SHIFT: need('shift'),
  PTE_FILE_MAX_BITS: need('fileBits'),
  MAX_SWAPFILES_SHIFT: need('bits'),
  SWP_TYPE_SHIFT: need('shift'),
  SWP_OFFSET_MASK: need('word'),
  arch_swp_type_field_bits: need('bits'),
  max_offset_roundtrip: need('word'),
  max_offset_roundtrip_bits: need('bits'),
  // the swap-size limit the kernel derives from the probe: its name differs by era
  kernel_swapon_maxpages: need('word', OLD),
  generic_max_swapfile_size: need('word', NEW),
  MAX_SWAPFILES: need('maxSwapfiles'),
  SWP_MIGRATION_READ: need('type', OLD),
  SWP_MIGRATION_WRITE: need('type', OLD),
  special_types_all_config: need('typeTable', NEW),
  PTE_MARKER: may('markers', NEW),
  swp_flag_bits: need('flagBits', NEW),
  prots: need('prots'),
};

/**
 * The configurations a file's MAX_SWAPFILES block may name, as the options
 * swap.h counts (2.6.20 swap.h 34–42: MIGRATION; 6.18.2 swap.h 62–118:
 * DEVICE_PRIVATE, MIGRATION, MEMORY_FAILURE): each entry is compared.
 */
export const MAX_SWAPFILES_CONFIGS: Readonly<Record<Era, Readonly<Record<string, Partial<KernelConfig>>>>> = {
  '2.6.21': { 'CONFIG_MIGRATION=n': { MIGRATION: false }, 'CONFIG_MIGRATION=y': { MIGRATION: true } },
  '6.18': {
    'all-config': { MIGRATION: true, DEVICE_PRIVATE: true, MEMORY_FAILURE: true },
    minimal: { MIGRATION: false, DEVICE_PRIVATE: false, MEMORY_FAILURE: false },
  },
};

/** The MAX_SWAPFILES keys each era's file must give. */
export const MAX_SWAPFILES_KEYS: Readonly<Record<Era, readonly string[]>> = {
  '2.6.21': ['CONFIG_MIGRATION=n', 'CONFIG_MIGRATION=y'],
  '6.18': ['all-config'],
};

/** The swap markers `swp_flag_bits` may name (6.18: pte_swp_mkexclusive, _mksoft_dirty, _mkuffd_wp). */
export const SWP_FLAGS: readonly string[] = ['exclusive', 'soft_dirty', 'uffd_wp'];

/** Top-level fields: the required ones, then provenance. */
export const TOP_LEVEL: Readonly<Record<string, { readonly required: boolean; readonly kind: 'format' | 'text' | 'texts' | 'constants' | 'vectors' | 'counts' }>> = {
  format: { required: true, kind: 'format' },
  variant: { required: true, kind: 'text' },
  kernel: { required: true, kind: 'text' },
  constants: { required: true, kind: 'constants' },
  vectors: { required: true, kind: 'vectors' },
  source_repos: { required: false, kind: 'texts' },
  source_files: { required: false, kind: 'texts' },
  assumptions: { required: false, kind: 'texts' },
  counts: { required: false, kind: 'counts' },
  sample: { required: false, kind: 'text' },
};

/**
 * Swap types a file may give swp_entry(): the whole type field of the
 * generic swp_entry_t, 0 .. 31. MAX_SWAPFILES_SHIFT is 5 in both eras
 * (include/linux/swap.h 34 at v2.6.20, 49 at v6.18.2); MAX_SWAPFILES is
 * what is left of those 32 after the special types (swap.h 35–42 at
 * v2.6.20; 62–118 at v6.18.2), and the types from MAX_SWAPFILES up —
 * migration, hwpoison, device, pte marker — are in the vectors too.
 * A larger type would be silently cut by `type << SWP_TYPE_SHIFT`
 * (swapops.h 18–25 at v2.6.20, 86–92 at v6.18.2): refused, never truncated.
 */
export const MAX_SWAP_TYPE = (1 << MAX_SWAPFILES_SHIFT) - 1;
