/**
 * Guard regions: MADV_GUARD_INSTALL / MADV_GUARD_REMOVE (6.13+; 6.18
 * mm/madvise.c madvise_guard_install / madvise_guard_remove). 2.6.21 has
 * neither (-EINVAL from madvise_behavior_valid, madvise.ts).
 *
 * Install puts a PTE_MARKER_GUARD marker in every pte of the range: the
 * pages there are freed first (a pte that is not none and not a guard
 * marker makes the walk give up, zap_page_range_single — details NULL, so
 * guard markers survive it — and try again), a missing pte table is
 * allocated. Any access then faults into handle_pte_marker:
 * VM_FAULT_SIGSEGV, SIGSEGV/SEGV_MAPERR (memory.pte_marker.ts). Remove clears the
 * guard markers of the range and nothing else, so a later fault finds a
 * none pte (a read maps the zero page).
 *
 * A VMA with VM_LOCKED refuses install (is_valid_guard_vma: zapping locked
 * pages is not allowed), accepts remove; VM_SPECIAL and hugetlb VMAs
 * (not modelled) refuse both. Since 6.15 file-backed and read-only
 * mappings are allowed too.
 *
 * VM_MAYBE_GUARD ("gu", vma.ts): install sets it on the whole VMA without
 * splitting it (vma_flag_set_atomic under the mmap read lock), and an
 * anonymous VMA gets its anon_vma; remove leaves the flag (it only means
 * "may have guards"). The flag makes fork copy the page tables
 * (vma_needs_copy: VM_COPY_ON_FORK), and copy_pte_marker keeps guard
 * markers in the child. MADV_DONTNEED and truncation keep them; munmap and
 * exit drop them with the page tables (ZAP_FLAG_DROP_MARKER). A child of a
 * VM_WIPEONFORK VMA gets none (dup_mmap copies no page tables there).
 * Both the flag and its sticky merge came to 6.18-stable with the 6.19
 * series "introduce VM_MAYBE_GUARD and make it sticky", which the host's
 * 6.18.44 recording shows ("gu" after the install).
 *
 * @kernel mm/madvise.c
 */
import { walk_pte_range, next_table_vpn } from './pagewalk.js';
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { zap_pte_range_path } from './memory.zap.js';
import { isGuardMarker, setMarker } from './memory.pte_marker.js';
import { anon_vma_prepare } from './rmap.js';
import type { KernelPath } from '../model/sched.js';
import { VM_LOCKED, VM_MAYBE_GUARD, type Vma } from './vma.js';

/** MADV_GUARD_INSTALL / MADV_GUARD_REMOVE came in 6.13 */
export const GUARD_SINCE = '6.13';

/** is_valid_guard_vma() */
function validGuardVma(vma: Vma, allowLocked: boolean): boolean {
  return allowLocked || (vma.flags & VM_LOCKED) === 0;
}

/** madvise_guard_install() for [start, end) of one VMA. */
export function* madvise_guard_install(m: Machine, mm: Mm, vma: Vma, start: number, end: number): KernelPath {
  if (!validGuardVma(vma, false)) throw new SyscallError('EINVAL', 'MADV_GUARD_INSTALL: the VMA is VM_LOCKED');
  vma.flags = (vma.flags | VM_MAYBE_GUARD) >>> 0; // vma_flag_set_atomic(vma, VM_MAYBE_GUARD_BIT)
  if (vma.file === null && !vma.shmem) anon_vma_prepare(m, vma);
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  // guard_install_pte_entry / the walk's install_pte: is anything here other than none ptes and guard markers?
  let busy = false;
  for (let vpn = start; vpn < end && !busy; vpn++) {
    const slot = pt.walk(vpn, false);
    if (slot < 0) {
      if (pt.huge.size !== 0) {
        const ps = pt.pmdSlot(vpn, false);
        if (ps >= 0 && pt.hugeAt(ps) !== undefined) busy = true; // guard_install_pmd_entry: a huge pmd needs the zap
      }
      if (!busy) vpn = next_table_vpn(pt, vpn, end) - 1;
      continue;
    }
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    const cls = fast.classify(hi, lo);
    busy = cls !== PteClassCode.none && !isGuardMarker(m, hi, lo);
  }
  // zap_page_range_single(vma, range, NULL): pages and swap entries go, guard markers stay
  if (busy) yield* zap_pte_range_path(m, mm, vma, start, end, false, true, true);
  walk_pte_range(
    m,
    mm,
    start,
    end,
    (slot, _vpn, hi, lo) => {
      // a none pte (a file VMA's leftover uffd-wp marker would make the kernel retry: restart_syscall)
      if (!isGuardMarker(m, hi, lo)) setMarker(m, mm, slot, PTE_MARKER.GUARD);
    },
    true,
  );
}

/** madvise_guard_remove() for [start, end) of one VMA: guard markers go, nothing else changes. */
export function madvise_guard_remove(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  if (!validGuardVma(vma, true)) throw new SyscallError('EINVAL', 'MADV_GUARD_REMOVE: not a valid guard VMA');
  walk_pte_range(m, mm, start, end, (slot, _vpn, hi, lo) => {
    if (isGuardMarker(m, hi, lo)) mm.pgtable.set(slot, 0, 0);
  });
}
