/**
 * mprotect(2) (mm/mprotect.c): split the VMAs, give them the new flags and
 * rewrite each present pte with the new protection (pte_modify keeps the
 * pfn and the accessed/dirty/special bits; rebuilding through pfn_pte keeps
 * the 6.18 x86 L1TF inversion right when a pte turns PROT_NONE or back).
 *
 * 6.18 change_pte_range with MM_CP_TRY_CHANGE_WRITABLE: in a private
 * writable VMA, a pte of a PageAnonExclusive page is made writable at once
 * (can_change_pte_writable), so the next write takes no fault. 2.6.21 leaves
 * it read-only and the write goes through do_wp_page.
 *
 * A PMD-mapped THP (6.18): splitting the VMA at a boundary inside the huge
 * pmd splits the pmd first (vma_adjust_trans_huge, in splitRange), so a
 * huge pmd left in the range is covered whole and change_huge_pmd rewrites
 * it (pmd_modify; writable at once for an exclusive anon folio,
 * can_change_pmd_writable).
 *
 * @kernel mm/mprotect.c
 */
import { mapsPage, walk_pte_range } from './pagewalk.js';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { splitRange, protFlags } from './mmap.js';
import { PG_anon, PG_anon_exclusive } from './page-flags.js';
import { isHugeZeroPmd, mkHugePmd, pmdFrame, thpState } from './huge_memory.js';
import { pteUffdWp } from './userfaultfd.js';
import { vma_is_anonymous } from './mm.js';
import { VM_ACCOUNT, VM_EXEC, VM_NORESERVE, VM_READ, VM_SHARED, VM_WRITE, type Vma } from './vma.js';

/** what pte_modify keeps of the old pte besides the pfn: the arch's _PAGE_CHG_MASK, from core */
function keepMask(m: Machine): { hi: number; lo: number } {
  return m.variant.roleWords.chgKeep;
}

/** change_huge_pmd() (6.18 mm/huge_memory.c) for every huge pmd inside the VMA. */
function change_huge_pmds(m: Machine, mm: Mm, vma: Vma, keep: { hi: number; lo: number }, tryWritable: boolean): void {
  const st = thpState(m)!;
  for (const h of mm.pgtable.huge.values()) {
    if (h.vpn < vma.start || h.vpn + st.nr > vma.end) continue;
    const zero = isHugeZeroPmd(m, h);
    const head = pmdFrame(m, h.hi, h.lo);
    mkHugePmd(m, head, zero ? vma.flags & ~VM_WRITE : vma.flags);
    m.pteHi = (m.pteHi | (h.hi & keep.hi)) >>> 0;
    m.pteLo = (m.pteLo | (h.lo & keep.lo)) >>> 0;
    const flags = m.frames.flags[head]!;
    if (!zero && tryWritable && (flags & PG_anon) !== 0 && (flags & PG_anon_exclusive) !== 0) m.modify('pte_mkwrite');
    h.hi = m.pteHi;
    h.lo = m.pteLo;
  }
}

function change_pte_range(m: Machine, mm: Mm, vma: Vma): void {
  const keep = keepMask(m);
  const tryWritable = m.era === '6.18' && (vma.flags & VM_WRITE) !== 0 && (vma.flags & VM_SHARED) === 0;
  if (mm.pgtable.huge.size !== 0) change_huge_pmds(m, mm, vma, keep, tryWritable);
  walk_pte_range(m, mm, vma.start, vma.end, (slot, _vpn, hi, lo, cls) => {
    if (!mapsPage(cls)) return;
    const frame = m.pteFrame(hi, lo);
    const flags = m.frames.flags[frame]!;
    m.mkPte(frame, frame === m.zeroFrame ? vma.flags & ~VM_WRITE : vma.flags);
    m.pteHi = (m.pteHi | (hi & keep.hi)) >>> 0;
    m.pteLo = (m.pteLo | (lo & keep.lo)) >>> 0;
    // can_change_pte_writable(): not a uffd-wp pte (userfaultfd_pte_wp; userfaultfd.ts)
    if (tryWritable && (flags & PG_anon) !== 0 && (flags & PG_anon_exclusive) !== 0 && !pteUffdWp(m, hi, lo)) m.modify('pte_mkwrite');
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
  });
}

export function do_mprotect(m: Machine, mm: Mm, start: number, pages: number, prot: { read: boolean; write: boolean; exec: boolean }): void {
  if (pages === 0) return;
  const end = start + pages;
  // do_mprotect_pkey (6.18 mm/mprotect.c 903–1003): an unmapped start is ENOMEM with nothing changed;
  // else the VMAs are changed in order up to the first hole, and the hole is ENOMEM (the changes stay)
  let reach = start;
  for (const v of mm.vmas.overlapping(start, end)) {
    if (v.start > reach) break;
    reach = Math.max(reach, v.end);
  }
  if (reach === start) throw new SyscallError('ENOMEM', 'mprotect: the start of the range is not mapped');
  const done = Math.min(reach, end);
  const want = protFlags(prot);
  for (const v of splitRange(m, mm, start, done)) {
    v.flags = (v.flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | want;
    // mprotect_fixup(): a private mapping made writable is charged (not a VM_NORESERVE one:
    // 6.18 mm/mprotect.c 803–810); the charge stays after
    if ((want & VM_WRITE) !== 0) {
      if ((v.flags & (VM_SHARED | VM_NORESERVE)) === 0) v.flags |= VM_ACCOUNT;
    }
    // … and (6.18) an anonymous mapping made read-only before it has an anon_vma gives the charge back
    // (mm/mprotect.c 811–814: VM_ACCOUNT cleared; smaps loses "ac"). 2.6.21 keeps it (no such branch).
    else if ((want & VM_WRITE) === 0 && m.era !== '2.6.21' && (v.flags & VM_ACCOUNT) !== 0 && v.anonVma === 0 && vma_is_anonymous(m, v)) v.flags &= ~VM_ACCOUNT;
    change_pte_range(m, mm, v);
  }
  mm.vmas.mergeAround(start, done);
  if (done < end) throw new SyscallError('ENOMEM', 'mprotect: part of the range is not mapped');
}
