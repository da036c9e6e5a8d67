/**
 * EXAMPLE LAYOUT — REPLACE ME. "toy32" is a made-up 32-bit architecture,
 * coherent enough to pass the whole conformance suite, so that this package
 * builds and tests green from the first minute. Keep its shape, replace every
 * number with a fact read from the real kernel headers, and cite where each
 * fact comes from: file, kernel version, line range (see sources.ts and
 * docs/adding-an-arch.md). The files and line numbers cited below are as
 * made up as the arch.
 *
 * The toy, in one paragraph: 32-bit ptes in a 32-bit unsigned long, 4 KiB
 * pages (PAGE_SHIFT 12), two levels of 10 index bits each (a 32-bit virtual
 * address). A present pte has the pfn in bits 12–31 and the flags below it.
 * A swap pte has bit 0 (present) and bit 7 (protnone) clear, the swap type in
 * bits 1–5, the exclusive marker in bit 6 and the offset in bits 8–31.
 *
 * How a real header maps onto this file:
 *   asm/page.h                 → PAGE_SHIFT
 *   asm/pgtable*.h (levels)    → levels: PGDIR_SHIFT, PTRS_PER_* (log2 = bits)
 *   asm/pgtable*.h (_PAGE_*)   → bits, prots, modifiers (pte_mk*)
 *   pte_none/pte_present/…     → predicates, as (pte & mask) === value matchers
 *   pfn_pte / pte_pfn          → pfn (field, and whether the encoder masks)
 *   __swp_entry, __swp_type,
 *   __swp_offset               → swap.arch: fields of the arch swp_entry_t
 *   __swp_entry_to_pte         → swap.toPte: a shift (0 when the pte *is* the
 *                                arch value) or a field-by-field relayout
 *   pte_swp_mkexclusive & co.  → swap.flags
 *   pte_dirty, pte_young, …    → roles: which bit each generic helper tests
 *   _PAGE_CHG_MASK             → chgMask: what pte_modify (mprotect) keeps
 *   protection_map[16]         → protectionMap: the prot vm_get_page_prot
 *                                gives each VM_READ/WRITE/EXEC/SHARED mix
 *   arch/<arch>/Kconfig select → selects: the capabilities mm asks about
 *   MAX_PHYSMEM_BITS           → physBits
 */
import { field, type PteBit, type VariantSpec } from '@mmsim/core';
import { V618 } from '../sources.js';

// _PAGE_* masks (made up: "arch/toy/include/asm/pgtable-bits.h 10–20").
const PRESENT = 0x001n;
const RW = 0x002n;
const USER = 0x004n;
const EXEC = 0x008n;
const ACCESSED = 0x010n;
const DIRTY = 0x020n;
const SPECIAL = 0x040n;
const PROTNONE = 0x080n;

/**
 * Named bits, for docs, diagrams and the decoder. `when` says in which kind
 * of pte the bit has this meaning: a bit reused by swap ptes (here bit 6,
 * special when present, the exclusive marker in a swap pte) is listed once
 * per meaning.
 */
const BITS: readonly PteBit[] = [
  { name: 'present', bit: 0, macro: '_PAGE_PRESENT' },
  { name: 'rw', bit: 1, macro: '_PAGE_RW', when: 'present' },
  { name: 'user', bit: 2, macro: '_PAGE_USER', when: 'present' },
  { name: 'exec', bit: 3, macro: '_PAGE_EXEC', when: 'present' },
  { name: 'accessed', bit: 4, macro: '_PAGE_ACCESSED', when: 'present' },
  { name: 'dirty', bit: 5, macro: '_PAGE_DIRTY', when: 'present' },
  { name: 'special', bit: 6, macro: '_PAGE_SPECIAL', when: 'present' },
  { name: 'swp_exclusive', bit: 6, macro: '_PAGE_SWP_EXCLUSIVE', when: 'swap', doc: 'same bit as special; only in swap ptes' },
  { name: 'protnone', bit: 7, macro: '_PAGE_PROTNONE', when: 'not-present', doc: 'PROT_NONE: pte_present() is true for it' },
];

export const toy32_618: VariantSpec = {
  specificationVersion: 'v1',
  // The id is shared by the variant across eras and must be unique among all
  // installed backends; `aliases` holds the name reference-vector files use
  // for it (their `variant` field), e.g. 'v6.18-__NAME__-toy32'.
  id: '__NAME__-toy32',
  era: '6.18',
  arch: '__NAME__',
  title: 'toy32, 2-level (EXAMPLE: replace with a real variant)',
  aliases: ['v6.18-__NAME__-toy32'],
  wordBits: 32, // BITS_PER_LONG: the width of swp_entry_t and of pfns
  pteBits: 32, // sizeof(pte_t) * 8
  PAGE_SHIFT: 12, // "arch/toy/include/asm/page.h 8"
  // "arch/toy/include/asm/pgtable.h 30–36": PGDIR_SHIFT 22, PTRS_PER_PGD 1024,
  // PTRS_PER_PTE 1024; the middle levels are folded. Top level first.
  levels: [
    { name: 'pgd', shift: 22, bits: 10 },
    { name: 'pte', shift: 12, bits: 10 },
  ],
  physBits: 32, // MAX_PHYSMEM_BITS ("arch/toy/include/asm/sparsemem.h 5")
  bits: BITS,
  // Named protections ("pgtable.h 60–70"): the pfn_pte inputs the vectors and
  // the conformance suite use. Every one must give a present pte.
  prots: {
    PAGE_NONE: PROTNONE | ACCESSED,
    PAGE_READONLY: PRESENT | USER | ACCESSED,
    PAGE_READONLY_EXEC: PRESENT | USER | ACCESSED | EXEC,
    PAGE_SHARED: PRESENT | USER | ACCESSED | RW,
    PAGE_SHARED_EXEC: PRESENT | USER | ACCESSED | RW | EXEC,
    PAGE_KERNEL: PRESENT | RW | ACCESSED | DIRTY,
  },
  // protection_map[16] ("arch/toy/mm/mmap.c 40–57"), indexed by VM_READ 1 | VM_WRITE 2 |
  // VM_EXEC 4 | VM_SHARED 8: each entry names one of the prots above. Private
  // writable is read-only here (the first write takes the COW fault).
  protectionMap: {
    names: [
      'PAGE_NONE',
      'PAGE_READONLY',
      'PAGE_READONLY',
      'PAGE_READONLY',
      'PAGE_READONLY_EXEC',
      'PAGE_READONLY_EXEC',
      'PAGE_READONLY_EXEC',
      'PAGE_READONLY_EXEC',
      'PAGE_NONE',
      'PAGE_READONLY',
      'PAGE_SHARED',
      'PAGE_SHARED',
      'PAGE_READONLY_EXEC',
      'PAGE_READONLY_EXEC',
      'PAGE_SHARED_EXEC',
      'PAGE_SHARED_EXEC',
    ],
    source: { file: 'arch/toy/mm/mmap.c', version: V618, lines: '40–57' },
  },
  predicates: {
    // pte_none: !pte_val(pte). A kernel that ignores some bits (x86 64-bit:
    // accessed/dirty, the KNL erratum) lists them in `ignore`.
    none: { ignore: 0n },
    // pte_present: _PAGE_PRESENT or _PAGE_PROTNONE, as two matchers (any matches).
    present: [
      { mask: PRESENT, value: PRESENT },
      { mask: PROTNONE, value: PROTNONE },
    ],
    // pte_protnone: protnone set, present clear. Leave it out if the kernel has no pte_protnone.
    protnone: { mask: PRESENT | PROTNONE, value: PROTNONE },
    source: { file: 'arch/toy/include/asm/pgtable.h', version: V618, lines: '80–95' },
  },
  // pte_mk* / pte_wrprotect: bits set, then bits cleared.
  modifiers: {
    pte_mkwrite: { set: RW },
    pte_wrprotect: { clear: RW },
    pte_mkdirty: { set: DIRTY },
    pte_mkclean: { clear: DIRTY },
    pte_mkyoung: { set: ACCESSED },
    pte_mkold: { clear: ACCESSED },
    pte_mkspecial: { set: SPECIAL },
  },
  // Which bit each generic pte helper tests (pte_dirty, pte_young, pte_write,
  // pte_special, …) under this variant's config, as bit numbers. `null` is the
  // asm-generic default — the arch has no such bit and the helper is a
  // constant — and is what a new arch starts from for the optional features
  // (soft-dirty, uffd-wp, saved-dirty). Every role must be given: leaving one
  // out, or misspelling it, is a type error. ("pgtable-bits.h 10–20".)
  roles: {
    present: 0,
    write: 1,
    user: 2,
    dirty: 5,
    young: 4,
    special: 6,
    protnone: 7,
    softDirty: null,
    uffdWp: null,
    savedDirty: null,
    source: { file: 'arch/toy/include/asm/pgtable.h', version: V618, lines: '40–50', what: 'pte_dirty, pte_young, pte_write, pte_special' },
  },
  // _PAGE_CHG_MASK without the pfn field (which pte_modify always keeps): the
  // bits mprotect carries over from the old pte. Typically accessed, dirty and
  // special, plus whatever else the arch keeps (x86: its cache bits).
  chgMask: {
    flags: ACCESSED | DIRTY | SPECIAL,
    source: { file: 'arch/toy/include/asm/pgtable.h', version: V618, lines: '55' },
  },
  // What arch/<arch>/Kconfig selects, for this variant's config: mm/Kconfig
  // declares each `def_bool n`, so false is the generic default. A select
  // needs its bits: HAVE_ARCH_SOFT_DIRTY roles.softDirty, HAVE_ARCH_USERFAULTFD_WP
  // roles.uffdWp and swap.flags.uffdWp, ARCH_HAS_PTE_SPECIAL roles.special.
  selects: {
    ARCH_WANTS_THP_SWAP: false,
    ARCH_SUPPORTS_PT_RECLAIM: false,
    HAVE_ARCH_USERFAULTFD_WP: false,
    HAVE_ARCH_SOFT_DIRTY: false,
    ARCH_HAS_PTE_SPECIAL: true,
    source: { file: 'arch/toy/Kconfig', version: V618, lines: '12' },
  },
  pfn: {
    // pfn_pte: (pfn << PAGE_SHIFT) | prot, in u32; pte_pfn: pte >> PAGE_SHIFT.
    // If the kernel's encoder does not mask the pfn, say how many bits it
    // writes with field('pfn', lsb, width, { encodeWidth: n }).
    field: field('pfn', 12, 20),
    source: { file: 'arch/toy/include/asm/pgtable.h', version: V618, lines: '100–104' },
  },
  swap: {
    // __swp_entry(type, offset) = (type & 0x1f) << 1 | offset << 8, in unsigned long;
    // __swp_type = (val >> 1) & 0x1f; __swp_offset = val >> 8.
    arch: {
      type: field('type', 1, 5),
      offset: field('offset', 8, 24),
    },
    // __swp_entry_to_pte(x) = (pte_t){ x.val }: the pte is the arch value.
    // (ppc: { kind: 'shift', shift: 3 }; x86 PAE 6.18: { kind: 'relayout', … }.)
    toPte: { kind: 'shift', shift: 0 },
    // pte_swp_mkexclusive sets bit 6; pte_to_swp_entry clears it before decoding.
    // Add softDirty / uffdWp where the arch has _PAGE_SWP_SOFT_DIRTY / _PAGE_SWP_UFFD_WP.
    flags: { exclusive: 6 },
    source: { file: 'arch/toy/include/asm/pgtable.h', version: V618, lines: '120–135' },
  },
  sources: [
    { file: 'arch/toy/include/asm/page.h', version: V618, lines: '8' },
    { file: 'arch/toy/include/asm/pgtable-bits.h', version: V618, lines: '10–20' },
    { file: 'arch/toy/include/asm/pgtable.h', version: V618, lines: '30–135' },
  ],
  quirks: ['This is the generator\'s example layout, not a real architecture: replace it.'],
  // A check the real kernel fails, declared with the kernel's reason and the
  // failure the quirk gives (the suite then reports "expected failure" for that
  // message only, and fails if it starts passing or fails another way):
  // expectedFailures: [{ check: 'swap.never-none', reason: 'swap(0, max) is the all-zero pte (pgtable.h 120–135)', message: 'swap entry (0, 0xfffff) encodes to pte 0x0' }],
};
