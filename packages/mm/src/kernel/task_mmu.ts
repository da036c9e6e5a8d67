/**
 * A write to /proc/PID/clear_refs (6.18 fs/proc/task_mmu.c
 * clear_refs_write), what the host oracle's `clear_refs VALUE` op does.
 *
 * 2.6.21 has no such file (it came in 2.6.22): the open fails, ENOENT.
 *
 * 6.18: the text is kstrtoint'ed (EINVAL otherwise) and must be one of
 * CLEAR_REFS_ALL (1), CLEAR_REFS_ANON (2), CLEAR_REFS_MAPPED (3),
 * CLEAR_REFS_SOFT_DIRTY (4), CLEAR_REFS_MM_HIWATER_RSS (5) (EINVAL
 * otherwise). 1–3 clear the accessed bit of the present ptes that map a
 * normal page (clear_refs_pte_range: vm_normal_page, so not the zero page;
 * 2 skips file VMAs, 3 anonymous ones) — and the page's referenced and
 * young flags, which the model does not keep. 5 resets the RSS high-water
 * mark. 4 is soft-dirty tracking: it clears VM_SOFTDIRTY and each pte's
 * soft-dirty bit and write-protects the pte, so the next write faults and
 * marks it dirty again — with CONFIG_MEM_SOFT_DIRTY. The host's kernel is
 * built without it (env.json), where clear_soft_dirty() is an empty stub and
 * VM_SOFTDIRTY is 0: the write succeeds and changes nothing, and pagemap
 * never shows bit 55. That is what is modelled.
 *
 * @kernel fs/proc/task_mmu.c
 */
import { walk_pte_range } from './pagewalk.js';
import { PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { PG_zero } from './page-flags.js';
import { huge_pmd_modify } from './huge_memory.js';

export const CLEAR_REFS_ALL = 1;
export const CLEAR_REFS_ANON = 2;
export const CLEAR_REFS_MAPPED = 3;
export const CLEAR_REFS_SOFT_DIRTY = 4;
export const CLEAR_REFS_MM_HIWATER_RSS = 5;

/** clear_refs_write(); returns the bytes written. */
export function clear_refs_write(m: Machine, mm: Mm, text: string): number {
  if (m.era === '2.6.21') throw new SyscallError('ENOENT', '/proc/PID/clear_refs does not exist in 2.6.21 (it came in 2.6.22)');
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new SyscallError('EINVAL', `clear_refs: '${text}' is not a number (kstrtoint)`);
  const type = Number(t);
  if (type < CLEAR_REFS_ALL || type > CLEAR_REFS_MM_HIWATER_RSS) throw new SyscallError('EINVAL', `clear_refs: ${type} is not one of 1–5`);
  if (type === CLEAR_REFS_MM_HIWATER_RSS || type === CLEAR_REFS_SOFT_DIRTY) return text.length; // no RSS high-water mark kept; soft-dirty: CONFIG_MEM_SOFT_DIRTY off
  const pt = mm.pgtable;
  for (const vma of mm.vmas.list) {
    const file = vma.file !== null;
    if ((type === CLEAR_REFS_ANON && file) || (type === CLEAR_REFS_MAPPED && !file)) continue;
    for (const h of pt.huge.values()) {
      // pmdp_test_and_clear_young on a huge pmd inside the VMA
      if (h.vpn >= vma.start && h.vpn < vma.end) huge_pmd_modify(m, h, 'pte_mkold');
    }
    walk_pte_range(m, mm, vma.start, vma.end, (slot, _vpn, hi, lo, cls) => {
      if (cls !== PteClassCode.present) return;
      const frame = m.pteFrame(hi, lo);
      if ((m.frames.flags[frame]! & PG_zero) !== 0) return; // vm_normal_page() is NULL (the zero page and the huge zero folio are PG_zero)
      m.pteHi = hi;
      m.pteLo = lo;
      m.modify('pte_mkold'); // ptep_test_and_clear_young
      pt.set(slot, m.pteHi, m.pteLo);
    });
  }
  return text.length;
}
