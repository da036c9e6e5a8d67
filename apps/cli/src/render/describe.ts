/**
 * Short texts shared by several commands: what a pte class means, a
 * variant's title line, a pte in its natural width.
 */
import { hex, type PteClass, type Variant } from '@mmsim/core';
import type { Colors } from './color.js';

export const CLASS_MEANING: Readonly<Record<PteClass, string>> = {
  none: 'pte_none(): no mapping, nothing swapped',
  present: 'a present page (pte_present)',
  protnone: 'PROT_NONE / NUMA hinting: pte_present() but not hardware-present',
  file: 'a nonlinear file pte (remap_file_pages): pte_file()',
  swap: 'a swap entry: is_swap_pte(), type is a swap file',
  migration: 'a migration entry: a page being migrated, the offset is its pfn',
  device: 'a device-private / device-exclusive entry (HMM)',
  hwpoison: 'a hwpoison entry: the page had a memory failure',
  marker: 'a pte marker (uffd-wp, poisoned, guard)',
};

/** A pte in the width of the variant's pte: `0x00123406` or `0x0000000000123406`. */
export function ptehex(v: Variant, value: bigint): string {
  return hex(value, v.constants.pteBits);
}

/** `x86_64@2.6.21 — x86_64, 4-level`, the variant key bold. */
export function variantHeading(v: Variant, c: Colors): string {
  return `${c.bold(v.key)} ${c.dim(`— ${v.spec.title}`)}`;
}

/** Coloured class name: ordinary states plain, kernel special entries yellow. */
export function className(cls: PteClass, c: Colors): string {
  switch (cls) {
    case 'present':
      return c.green(cls);
    case 'none':
      return c.dim(cls);
    case 'swap':
    case 'file':
      return c.cyan(cls);
    default:
      return c.yellow(cls);
  }
}

/** The variant id plus any non-default config (`i386+CONFIG_NONLINEAR=n`); the era goes in its own column. */
export function variantLabel(v: Variant): string {
  const plus = v.key.indexOf('+');
  return plus < 0 ? v.id : `${v.id}${v.key.slice(plus)}`;
}
