/**
 * do_swap_page() (mm/memory.c): a fault on a swap pte.
 *
 * 6.18: the page comes from the swap cache when it is there (a minor
 * fault, same pfn; swap_update_readahead counts a readahead hit);
 * otherwise it is read in — on a synchronous device with the entry used
 * once (SWP_SYNCHRONOUS_IO, __swap_count() == 1: zram), straight into a new
 * page that skips the swap cache; else through swapin_readahead (swap_state.ts),
 * which brings neighbours into the swap cache too. The swap pte's exclusive
 * bit, or a fresh private page, makes the page PageAnonExclusive, and the
 * pte is then writable at once wherever the VMA is (RMAP_EXCLUSIVE: a read
 * fault too), dirty for a write. The slot is freed (folio_free_swap) only on
 * a write fault when the swap cache and this mapping are the page's only
 * references (should_try_to_free_swap): a read fault keeps it.
 *
 * 2.6.21: the page is read into the swap cache (read_swap_cache_async),
 * swap_free() drops the pte's use, and the write path goes through
 * do_wp_page, which reuses the page when can_share_swap_page() says this
 * mapping is its only user (and then frees the swap slot).
 *
 * @kernel mm/memory.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_lru, PG_swapbacked, PG_uptodate } from './page-flags.js';
import { batch_refs_choice, lru_add_drain, lru_batch_refs } from './swap.js';
import { anon_vma_prepare } from './rmap.js';
import { VM_FAULT_MAJOR, VM_FAULT_OK, VM_FAULT_SIGBUS } from '../model/signals.js';
import { can_share_swap_page, folio_free_swap, swap_free } from './swapfile.js';
import { swap_update_readahead, swapin_readahead } from './swap_state.js';
import { VM_UFFD_WP, VM_WRITE, type Vma } from './vma.js';
import { pte_mkuffd_wp, pteSwpUffdWp } from './userfaultfd.js';

export function do_swap_page(m: Machine, mm: Mm, vma: Vma, vpn: number, slotPte: number, write: boolean): number {
  const fast = m.variant.fast;
  const hi = mm.pgtable.hi(slotPte);
  const lo = mm.pgtable.lo(slotPte);
  const type = fast.pte_to_swp_type(hi, lo);
  const slot = fast.pte_to_swp_offset_lo(hi, lo);
  const dev = m.swaps[type];
  if (!dev || slot <= 0 || slot >= dev.pages) return VM_FAULT_SIGBUS; // a bad swap entry: the kernel kills with SIGBUS
  const flags = m.variant.spec.swap.flags;
  const pteExclusive = flags?.exclusive !== undefined && (flags.exclusive >= 32 ? (hi >>> (flags.exclusive - 32)) & 1 : (lo >>> flags.exclusive) & 1) === 1;
  const f = m.frames;
  let frame = dev.cache[slot]!;
  let major = false;
  let inCache = frame >= 0;
  if (inCache) {
    if (m.era === '6.18') swap_update_readahead(m, vma, vpn, frame);
  } else if (m.era === '6.18' && dev.kind === 'zram' && dev.map[slot] === 1) {
    // SWP_SYNCHRONOUS_IO and __swap_count(entry) == 1: straight into a new page that skips the swap cache
    major = true;
    frame = f.alloc();
    f.tag[frame] = dev.data[slot]!;
    f.flags[frame]! |= PG_swapbacked | PG_uptodate; // its one reference is the mapping's
  } else {
    // swapin_readahead() (swap_state.ts; 2.6.21: read_swap_cache_async of the page alone)
    major = true;
    frame = swapin_readahead(m, mm, vma, vpn, dev, slot);
    inCache = true;
  }
  if (inCache) f.get(frame); // the mapping's reference
  // folio_add_anon_rmap / folio_add_new_anon_rmap: a page read in for this fault (or by readahead) becomes anon here
  if (f.mapping[frame] === 0) {
    f.mapping[frame] = vma.anonVma || anon_vma_prepare(m, vma);
    f.index[frame] = vma.pgoff + (vpn - vma.start);
  }
  f.flags[frame]! |= PG_anon;
  // exclusive: the pte said so, or the page never went through the swap cache
  let exclusive = m.era === '6.18' && (pteExclusive || !inCache);
  // 2.6.21 decides before it maps the page and drops this pte's swap entry: the other mappings, plus the
  // swap entries (this one included) still naming the page, must come to one (can_share_swap_page)
  const share2621 = m.era === '2.6.21' && write && can_share_swap_page(m, frame);
  swap_free(m, dev, slot);
  f.mapInc(frame);
  if (m.era === '6.18') {
    // 6.18 mm/memory.c 4785–4790: a write fault drains this CPU's batches for a folio off the LRU; a batch still
    // holding the folio (swap.ts) makes should_try_to_free_swap's count come out wrong, and the slot stays
    if (write && inCache && (f.lru[frame]! & PG_lru) === 0) lru_add_drain(m);
    // should_try_to_free_swap (6.18 mm/memory.c 4318–4335): the batch reference, or (a run exploring timing, swap.ts) the other CPU's answer
    const batch = !(write && inCache && dev.map[slot] === 0) ? 0 : m.timing === undefined ? lru_batch_refs(m, frame) : batch_refs_choice(m, frame, 'should_try_to_free_swap', (b) => f.refs(frame) + b === 2);
    if (write && inCache && f.refs(frame) + batch === 2 && dev.map[slot] === 0) {
      folio_free_swap(m, dev, slot); // should_try_to_free_swap
      inCache = false;
      exclusive = true; // folio_ref_count() == 1 now
    }
    if (exclusive) f.flags[frame]! |= PG_anon_exclusive;
  }
  m.mkPte(frame, vma.flags);
  if (m.era === '6.18') {
    if (pteSwpUffdWp(m, hi, lo)) pte_mkuffd_wp(m); // pte_swp_uffd_wp → pte_mkuffd_wp
    // RMAP_EXCLUSIVE: writable at once where the VMA allows (a read fault too), dirty for a write
    // (not where the swap pte carried uffd-wp: userfaultfd_pte_wp)
    if (exclusive && (vma.flags & VM_WRITE) !== 0 && !((vma.flags & VM_UFFD_WP) !== 0 && pteSwpUffdWp(m, hi, lo))) {
      m.modify('pte_mkwrite');
      if (write) m.modify('pte_mkdirty');
    }
  } else if (share2621) {
    m.modify('pte_mkwrite');
    m.modify('pte_mkdirty');
    if (inCache && dev.map[slot] === 0) folio_free_swap(m, dev, slot); // remove_exclusive_swap_page
  }
  m.modify('pte_mkyoung');
  mm.pgtable.set(slotPte, m.pteHi, m.pteLo);
  return major ? VM_FAULT_MAJOR : VM_FAULT_OK;
}
