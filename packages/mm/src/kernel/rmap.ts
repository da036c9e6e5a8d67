/**
 * Reverse-map bookkeeping on struct page (mm/rmap.c): mapcount and
 * refcount changes when a pte starts or stops mapping a frame.
 *
 * @kernel mm/rmap.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_swapbacked, PG_uptodate, PG_zero } from './page-flags.js';
import { VM_LOCKED, type Vma } from './vma.js';
import { mlock_new_folio } from './mlock.js';
import { folioHead, PG_large } from './huge_memory.js';
import type { Inode } from './filemap.js';
import { VM_NONLINEAR } from './vma.js';
import { i_mmap } from './memory.unmap.js';
import { mapsPage, next_table_vpn } from './pagewalk.js';
import type { SwapDevice } from './swapfile.js';
import { folio_put } from './mm.js';
import { unmap_pte_to_swap } from './vmscan.js';

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
  // folio_add_lru_vma(): a new page of an mlocked VMA (mlock.ts)
  if ((vma.flags & VM_LOCKED) !== 0) mlock_new_folio(m, frame);
}

/**
 * page_add_file_rmap() / page_dup_rmap(): one more pte maps the frame, with
 * its reference — a page of a large folio's on the folio's head
 * (folio_dup_file_rmap_pte / folio_try_dup_anon_rmap_pte + folio_get).
 */
export function page_dup_rmap(m: Machine, frame: number): void {
  m.frames.mapInc(frame);
  m.frames.get(folioHead(m, frame));
}

/**
 * page_remove_rmap() + put_page(): one pte less — for a page of a large
 * folio, folio_remove_rmap_pte and the head's reference. The zero page in
 * 6.18 is a special pte with no struct-page accounting at all
 * (vm_normal_page() is NULL).
 */
export function page_remove_rmap(m: Machine, frame: number): void {
  const f = m.frames;
  if ((f.flags[frame]! & PG_large) !== 0) {
    folio_remove_rmap_pte(m, frame);
    return;
  }
  if ((f.flags[frame]! & PG_zero) !== 0 && m.era === '6.18') return;
  f.mapDec(frame);
  if (f.maps(frame) === 0) f.flags[frame]! &= ~PG_anon_exclusive;
  f.put(frame);
}

/** vm_normal_page() is NULL for the 6.18 zero page (a pte_special mapping). */
export function isSpecialZero(m: Machine, frame: number): boolean {
  return m.era === '6.18' && frame === m.zeroFrame;
}

/**
 * The anon_vma's list of VMAs in the order an rmap walk visits them
 * (2.6.21 anon_vma->head, walked by list_for_each_entry in
 * remove_anon_migration_ptes / try_to_unmap_anon; 2.6.34+ the
 * same_anon_vma chain of anon_vma_chains). A VMA joins at the tail when it
 * is linked (anon_vma_link / anon_vma_clone: list_add_tail), and keeps its
 * place when vma_merge grows it — so a VMA that mremap's vma_merge reuses
 * can sit before the source of the move, the order the 2011 race needs.
 * (6.18 keeps an interval tree sorted by vm_pgoff instead; copy_vma's
 * need_rmap_locks — new_vma->vm_pgoff <= vma->vm_pgoff — is that order's
 * form of the same question. The model keeps the list in both eras so the
 * mremap rules of policies.ts compare on one chain.)
 *
 * The order is a position per VMA object. Positions are given lazily: a
 * VMA no walk or mremap has seen yet (a new mapping's first anon fault, a
 * split_vma's new half, fork's copies) is placed at the tail when the chain
 * is next looked at, in (process, address) order among such newcomers.
 * Only the walks and mremap read the order, so that is the same as linking
 * them at the tail when they were made, up to the order among newcomers
 * made between two looks.
 */
export interface RmapState {
  /** each VMA object's position on its anon_vma's list (keyed by object, not a Vma field: a spread copy — split_vma's new half, fork's copy — starts unplaced) */
  readonly chainPos: WeakMap<Vma, number>;
  /** the next position to hand out (the list's tail) */
  nextChainPos: number;
}

/** m.rmap, made on first use */
function rmapState(m: Machine): RmapState {
  return (m.rmap ??= { chainPos: new WeakMap(), nextChainPos: 1 });
}

export interface ChainVma {
  readonly mm: Mm;
  readonly vma: Vma;
}

/** The VMAs of anon_vma `anonVma` in every live process, in walk order. */
export function anon_vma_chain(m: Machine, anonVma: number): ChainVma[] {
  const out: ChainVma[] = [];
  if (anonVma === 0) return out;
  const r = rmapState(m);
  const chainPos = r.chainPos;
  for (const p of m.procs) {
    if (!p.alive) continue;
    for (const vma of p.mm.vmas.list) {
      if (vma.anonVma !== anonVma) continue;
      if (!chainPos.has(vma)) chainPos.set(vma, r.nextChainPos++);
      out.push({ mm: p.mm, vma });
    }
  }
  return out.sort((a, b) => chainPos.get(a.vma)! - chainPos.get(b.vma)!);
}

/** list_add_tail: `vma` goes to the tail of its anon_vma's list (a new VMA's link; 3.2's anon_vma_moveto_tail). */
export function anon_vma_link_tail(m: Machine, vma: Vma): void {
  const r = rmapState(m);
  r.chainPos.set(vma, r.nextChainPos++);
}

/** `vma` takes the place of `survivor`, the VMA the kernel keeps when the model's merge keeps the other object (vma_merge growing `next` down). */
export function anon_vma_take_place(m: Machine, vma: Vma, survivor: Vma): void {
  const chainPos = rmapState(m).chainPos;
  const pos = chainPos.get(survivor);
  if (pos !== undefined) chainPos.set(vma, pos);
}

/** Whether the walk visits `a` before `b` (both already on the chain). */
export function anon_vma_before(m: Machine, a: Vma, b: Vma): boolean {
  const chainPos = rmapState(m).chainPos;
  return (chainPos.get(a) ?? Infinity) < (chainPos.get(b) ?? Infinity);
}

/** vma_address(): where `vma` maps page index `index`, or -1 outside it. */
export function vma_address(vma: Vma, index: number): number {
  const vpn = vma.start + (index - vma.pgoff);
  return vpn >= vma.start && vpn < vma.end ? vpn : -1;
}

/** try_to_unmap() of a page-cache page from every VMA of its file. */
export function try_to_unmap_file(m: Machine, inode: Inode, frame: number): void {
  const f = m.frames;
  const fast = m.variant.fast;
  const index = f.index[frame]!;
  for (const { mm, vma } of i_mmap(m, inode)) {
    const nonlinear = (vma.flags & VM_NONLINEAR) !== 0;
    const from = nonlinear ? vma.start : vma.start + (index - vma.pgoff);
    const to = nonlinear ? vma.end : from + 1;
    for (let vpn = Math.max(from, vma.start), stop = Math.min(to, vma.end); vpn < stop; vpn++) {
      const slot = mm.pgtable.walk(vpn, false);
      if (slot < 0) {
        vpn = next_table_vpn(mm.pgtable, vpn, stop) - 1;
        continue;
      }
      const hi = mm.pgtable.hi(slot);
      const lo = mm.pgtable.lo(slot);
      const cls = fast.classify(hi, lo);
      if (!mapsPage(cls) || m.pteFrame(hi, lo) !== frame) continue;
      if (m.isPteDirty(hi, lo)) f.flags[frame]! |= PG_dirty;
      page_remove_rmap(m, frame);
      if (nonlinear && index !== vma.pgoff + (vpn - vma.start)) {
        const h = Math.floor(index / 2 ** 32);
        mm.pgtable.set(slot, fast.pgoff_to_pte_hi!(h, index >>> 0), fast.pgoff_to_pte_lo!(h, index >>> 0));
      } else {
        mm.pgtable.set(slot, 0, 0);
      }
    }
  }
}

/** folio_remove_rmap_pte() + the pte's folio reference: one pte less on a page of a large folio. */
export function folio_remove_rmap_pte(m: Machine, frame: number): void {
  m.frames.mapDec(frame);
  folio_put(m, folioHead(m, frame));
}

/** try_to_unmap_anon() (2.6.21; 6.18 try_to_unmap → rmap_walk_anon): every pte mapping the anon frame becomes a swap pte for the slot. */
export function try_to_unmap_anon(m: Machine, frame: number, dev: SwapDevice, slot: number): void {
  const f = m.frames;
  const anonVma = f.mapping[frame]!;
  const index = f.index[frame]!;
  for (const p of m.procs) {
    if (!p.alive) continue;
    for (const vma of p.mm.vmas.list) {
      if (vma.anonVma !== anonVma || index < vma.pgoff || index >= vma.pgoff + (vma.end - vma.start)) continue;
      const vpn = vma.start + (index - vma.pgoff);
      const slotPte = p.mm.pgtable.walk(vpn, false);
      if (slotPte < 0) continue;
      const hi = p.mm.pgtable.hi(slotPte);
      const lo = p.mm.pgtable.lo(slotPte);
      const cls = m.variant.fast.classify(hi, lo);
      if (!mapsPage(cls) || m.pteFrame(hi, lo) !== frame) continue;
      if (m.isPteDirty(hi, lo)) f.flags[frame]! |= PG_dirty;
      unmap_pte_to_swap(m, p.mm, slotPte, hi, lo, dev, slot, m.era === '6.18' && (f.flags[frame]! & PG_anon_exclusive) !== 0);
      page_remove_rmap(m, frame);
    }
  }
}
