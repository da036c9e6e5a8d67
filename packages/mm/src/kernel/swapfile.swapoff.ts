/**
 * swapoff(2): try_to_unuse() brings every page of the device back — each
 * swap pte is replaced by a present pte (unuse_pte: pte_mkold, exclusive
 * when the swap pte said so) — then the device is gone.
 *
 * @kernel mm/swapfile.c
 */
import { PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import type { Machine } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_swapbacked, PG_uptodate } from './page-flags.js';
import { anon_vma_prepare } from './rmap.js';
import { folio_free_swap, slotType, swap_free } from './swapfile.js';

import { next_table_vpn } from './pagewalk.js';
import { add_to_swap_cache } from './swap_state.js';
import { shmem_swapin } from './shmem.js';

export function swapoff(m: Machine): void {
  const dev = [...m.swaps].reverse().find((d) => d !== undefined);
  if (!dev) throw new SyscallError('EINVAL', 'swapoff: no swap device is active');
  const fast = m.variant.fast;
  const f = m.frames;
  const exclusiveBit = m.variant.spec.swap.flags?.exclusive;
  for (const p of m.procs) {
    if (!p.alive) continue;
    for (const vma of p.mm.vmas.list) {
      for (let vpn = vma.start; vpn < vma.end; vpn++) {
        const slotPte = p.mm.pgtable.walk(vpn, false);
        if (slotPte < 0) {
          vpn = next_table_vpn(p.mm.pgtable, vpn, vma.end) - 1;
          continue;
        }
        const hi = p.mm.pgtable.hi(slotPte);
        const lo = p.mm.pgtable.lo(slotPte);
        if (fast.classify(hi, lo) !== PteClassCode.swap || fast.pte_to_swp_type(hi, lo) !== dev.type) continue;
        const slot = fast.pte_to_swp_offset_lo(hi, lo);
        let frame = dev.cache[slot]!;
        if (frame < 0) {
          frame = f.alloc();
          f.tag[frame] = dev.data[slot]!;
          f.flags[frame]! |= PG_anon | PG_swapbacked | PG_uptodate;
          f.mapping[frame] = anon_vma_prepare(m, vma);
          f.index[frame] = vma.pgoff + (vpn - vma.start);
          add_to_swap_cache(m, dev, slot, frame);
          f.put(frame); // the cache holds it; the mapping takes its own reference below
        }
        // a page swap readahead left in the swap cache becomes anon as it is mapped (unuse_pte: folio_add_anon_rmap_pte)
        if (f.mapping[frame] === 0) {
          f.mapping[frame] = anon_vma_prepare(m, vma);
          f.index[frame] = vma.pgoff + (vpn - vma.start);
        }
        f.flags[frame]! |= PG_anon;
        f.get(frame);
        f.mapInc(frame);
        const exclusive = exclusiveBit !== undefined && (exclusiveBit >= 32 ? (hi >>> (exclusiveBit - 32)) & 1 : (lo >>> exclusiveBit) & 1) === 1;
        if (m.era === '6.18' && exclusive) f.flags[frame]! |= PG_anon_exclusive;
        m.mkPte(frame, vma.flags);
        p.mm.pgtable.set(slotPte, m.pteHi, m.pteLo);
        swap_free(m, dev, slot);
      }
    }
  }
  // shmem_unuse(): swapped shmem pages go back into their page caches
  for (const inode of m.inodes.values()) {
    for (const [index, id] of [...inode.swapped]) if (slotType(id) === dev.type) shmem_swapin(m, inode, index);
  }
  for (let slot = 1; slot < dev.pages; slot++) if (dev.cache[slot]! >= 0) folio_free_swap(m, dev, slot);
  m.swaps[dev.type] = undefined;
}
