/**
 * A page-table entry as the arch stores it, for observers (traces, walks):
 * a 32-bit pte as one 8-digit word, a 64-bit pte on a 64-bit arch as one
 * 16-digit word, and a 64-bit pte on a 32-bit arch (x86 PAE) as its two
 * 32-bit words, high:low — the kernel keeps them as pte_low and pte_high
 * (2.6.20 include/asm-i386/page.h 47, 6.18
 * arch/x86/include/asm/pgtable-3level_types.h 17), writes them one at a
 * time (2.6.20 include/asm-i386/pgtable-3level.h 52–58 set_pte) and prints
 * a bad one high word first (pgtable-3level.h 12 pte_ERROR).
 * The words are formatted here, at observe time; the paths that write ptes
 * never build them.
 */
import { PTE_CLASSES } from '@mmsim/core';
import type { Variant } from '@mmsim/core';

const word = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

/** The entry's words: `0x00102025`, `0x8000000000102025`, or `0x80000000:00102025` (PAE: high:low). */
export function pteWords(v: Variant, hi: number, lo: number): string {
  if (v.constants.pteBits === 32) return `0x${word(lo)}`;
  return v.constants.wordBits === 32 ? `0x${word(hi)}:${word(lo)}` : `0x${word(hi)}${word(lo)}`;
}

/** A pte class code (the backend's classify) by name: present, none, swap, migration, marker, file, … */
export function pteClassName(cls: number): string {
  return PTE_CLASSES[cls] ?? `class ${cls}`;
}
