/**
 * Reverse-map bookkeeping on struct page (mm/rmap.c): mapcount and
 * refcount changes when a pte starts or stops mapping a frame.
 */
import type { Machine } from './machine.js';
import { PG_anon, PG_anon_exclusive, PG_swapbacked, PG_uptodate, PG_zero } from './page-flags.js';
import type { Vma } from './vma.js';

/** anon_vma_prepare(): give a VMA its anon_vma on its first anonymous page. */
export function anon_vma_prepare(m: Machine, vma: Vma): number {
  if (vma.anonVma === 0) vma.anonVma = m.newAnonVma();
  return vma.anonVma;
}

/** page_add_new_anon_rmap() / folio_add_new_anon_rmap(): a freshly allocated anon page's first mapping. */
export function page_add_new_anon_rmap(m: Machine, frame: number, vma: Vma, vpn: number): void {
  const f = m.frames;
  f.flags[frame]! |= PG_anon | PG_swapbacked | PG_uptodate;
  // 6.18: a new anon page is exclusive to its mm (PageAnonExclusive, 5.19)
  if (m.era === '6.18') f.flags[frame]! |= PG_anon_exclusive;
  f.mapping[frame] = vma.anonVma;
  f.index[frame] = vma.pgoff + (vpn - vma.start);
  f.mapSet(frame, 1);
}

/** page_add_file_rmap() / page_dup_rmap(): one more pte maps the frame (with its reference). */
export function page_dup_rmap(m: Machine, frame: number): void {
  m.frames.mapInc(frame);
  m.frames.get(frame);
}

/**
 * page_remove_rmap() + put_page(): one pte less. The zero page in 6.18 is a
 * special pte with no struct-page accounting at all (vm_normal_page() is NULL).
 */
export function page_remove_rmap(m: Machine, frame: number): void {
  const f = m.frames;
  if ((f.flags[frame]! & PG_zero) !== 0 && m.era === '6.18') return;
  f.mapDec(frame);
  if (f.maps(frame) === 0) f.flags[frame]! &= ~PG_anon_exclusive;
  f.put(frame);
}

/** vm_normal_page() is NULL for the 6.18 zero page (a pte_special mapping). */
export function isSpecialZero(m: Machine, frame: number): boolean {
  return m.era === '6.18' && frame === m.zeroFrame;
}
