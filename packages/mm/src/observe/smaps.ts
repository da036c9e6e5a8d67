/**
 * /proc/PID/smaps for one VMA (fs/proc/task_mmu.c smaps_account and
 * show_smap_vma_flags): the kB counters the host oracle records (only the
 * non-zero ones) and the VmFlags line.
 *
 * Pss divides each page by its mapcount with PSS_SHIFT (12) bits of
 * fraction, summed and then shifted down, as the kernel rounds; the zero
 * page is not counted (vm_normal_page() is NULL for it in 6.18).
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Process } from '../model/machine.js';
import { PG_anon, PG_dirty, PG_swapbacked, PG_zero } from '../kernel/page-flags.js';
import { entireMapcount, folioHead, isHugeZeroPmd, pmdFrame, PG_large } from '../kernel/huge_memory.js';
import {
  VM_ACCOUNT,
  VM_NORESERVE,
  VM_DONTCOPY,
  VM_EXEC,
  VM_HUGEPAGE,
  VM_NOHUGEPAGE,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYSHARE,
  VM_MAYWRITE,
  VM_READ,
  VM_SHARED,
  VM_WIPEONFORK,
  VM_WRITE,
  type Vma,
} from '../kernel/vma.js';
import { VM_MERGEABLE } from '../kernel/vma.js';
import { VM_LOCKED, VM_MAYBE_GUARD, VM_UFFD_WP } from '../kernel/vma.js';
import { PageKsm } from '../kernel/ksm.js';
import { mapsPage } from '../kernel/pagewalk.js';
import { DENSE_WALK_PAGES, forEachMapped } from './mapped.js';

const PSS_SHIFT = 12;

/** VmFlags in bit order, the names of show_smap_vma_flags. */
const MNEMONICS: readonly [number, string][] = [
  [VM_READ, 'rd'],
  [VM_WRITE, 'wr'],
  [VM_EXEC, 'ex'],
  [VM_SHARED, 'sh'],
  [VM_MAYREAD, 'mr'],
  [VM_MAYWRITE, 'mw'],
  [VM_MAYEXEC, 'me'],
  [VM_MAYSHARE, 'ms'],
  [VM_MAYBE_GUARD, 'gu'],
  [VM_UFFD_WP, 'uw'],
  [VM_LOCKED, 'lo'],
  [VM_DONTCOPY, 'dc'],
  [VM_ACCOUNT, 'ac'],
  [VM_NORESERVE, 'nr'],
  [VM_WIPEONFORK, 'wf'],
  [VM_HUGEPAGE, 'hg'],
  [VM_NOHUGEPAGE, 'nh'],
  [VM_MERGEABLE, 'mg'],
];

export function vmFlags(vma: Vma): string {
  return MNEMONICS.filter(([bit]) => (vma.flags & bit) !== 0)
    .map(([, name]) => name)
    .join(' ');
}

export function smapsKb(m: Machine, proc: Process, vma: Vma): Record<string, number> {
  const page = m.variant.constants.PAGE_SIZE;
  const fast = m.variant.fast;
  const f = m.frames;
  let rss = 0;
  let pss = 0;
  let sharedClean = 0;
  let sharedDirty = 0;
  let privateClean = 0;
  let privateDirty = 0;
  let anonymous = 0;
  let swap = 0;
  let swapPss = 0;
  let anonHuge = 0;
  /** smaps_account(): folio_test_ksm pages count in "KSM" (6.18 fs/proc/task_mmu.c) */
  let ksm = 0;
  let lazyfree = 0;
  /** smaps_account() of one page (mapcount: folio_precise_page_mapcount) */
  const account = (mapcount: number, dirty: boolean, anon: boolean): void => {
    rss += page;
    if (anon) anonymous += page;
    if (mapcount >= 2) {
      if (dirty) sharedDirty += page;
      else sharedClean += page;
      pss += Math.floor((page * 2 ** PSS_SHIFT) / mapcount);
    } else {
      if (dirty) privateDirty += page;
      else privateClean += page;
      pss += page * 2 ** PSS_SHIFT;
    }
  };
  const visit = (vpn: number): void => {
    const slot = proc.mm.pgtable.walk(vpn, false);
    if (slot < 0 && proc.mm.pgtable.huge.size !== 0) {
      // smaps_pmd_entry(): a PMD-mapped THP counts whole, and as AnonHugePages; the huge zero folio not at all
      const ps = proc.mm.pgtable.pmdSlot(vpn, false);
      const h = ps < 0 ? undefined : proc.mm.pgtable.hugeAt(ps);
      if (h !== undefined && !isHugeZeroPmd(m, h)) {
        const head = pmdFrame(m, h.hi, h.lo);
        const frame = head + (vpn - h.vpn);
        const anon = (f.flags[head]! & PG_anon) !== 0;
        account(Math.max(1, f.maps(frame) + entireMapcount(m, head)), m.isPteDirty(h.hi, h.lo) || (f.flags[head]! & PG_dirty) !== 0, anon);
        if (anon) anonHuge += page;
      }
      return;
    }
    if (slot < 0) return;
    const hi = proc.mm.pgtable.hi(slot);
    const lo = proc.mm.pgtable.lo(slot);
    const cls = fast.classify(hi, lo);
    if (cls === PteClassCode.swap) {
      const dev = m.swaps[fast.pte_to_swp_type(hi, lo)];
      const users = dev ? Math.max(1, dev.map[fast.pte_to_swp_offset_lo(hi, lo)]!) : 1;
      swap += page;
      swapPss += Math.floor((page * 2 ** PSS_SHIFT) / users);
      return;
    }
    if (!mapsPage(cls)) return;
    const frame = m.pteFrame(hi, lo);
    const flags = f.flags[frame]!;
    if (flags & PG_zero && m.era === '6.18') return;
    if ((flags & PG_large) !== 0) {
      // a page of a PTE-mapped large folio: its mapcount includes the folio's PMD mappings; the folio is dirty as a whole
      const head = folioHead(m, frame);
      account(Math.max(1, f.maps(frame) + entireMapcount(m, head)), m.isPteDirty(hi, lo) || (f.flags[head]! & PG_dirty) !== 0, (flags & PG_anon) !== 0);
      return;
    }
    const dirty = m.isPteDirty(hi, lo) || (flags & PG_dirty) !== 0;
    account(Math.max(1, f.maps(frame)), dirty, (flags & PG_anon) !== 0);
    // smaps_account: an anon page no longer swap-backed (MADV_FREE, its lazyfree batch drained) and clean is LazyFree
    // (6.18 fs/proc/task_mmu.c 915–921, smaps_account)
    if ((flags & PG_anon) !== 0 && (flags & PG_swapbacked) === 0 && !dirty) lazyfree += page;
    if (PageKsm(m, frame)) ksm += page;
  };
  // a small VMA page by page; a big one by what its page tables hold (the same pages: none ptes count nothing)
  if (vma.end - vma.start <= DENSE_WALK_PAGES) for (let vpn = vma.start; vpn < vma.end; vpn++) visit(vpn);
  else forEachMapped(proc.mm.pgtable, vma.start, vma.end, { pte: visit, huge: visit });
  // shmem pages out on swap are not in the page table: smaps adds the mapping's swapped pages
  const inode = m.inodeOf(vma);
  if (inode && inode.fs !== 'ext4' && (vma.flags & VM_SHARED) !== 0) {
    for (const index of inode.swapped.keys()) if (index >= vma.pgoff && index < vma.pgoff + (vma.end - vma.start)) swap += page;
  }
  const kb = (bytes: number) => Math.floor(bytes / 1024);
  const out: Record<string, number> = {};
  const put = (name: string, value: number) => {
    if (value !== 0) out[name] = value;
  };
  put('Rss', kb(rss));
  put('Pss', Math.floor(pss / 2 ** (10 + PSS_SHIFT)));
  put('Shared_Clean', kb(sharedClean));
  put('Shared_Dirty', kb(sharedDirty));
  put('Private_Clean', kb(privateClean));
  put('Private_Dirty', kb(privateDirty));
  put('Anonymous', kb(anonymous));
  put('KSM', kb(ksm));
  put('LazyFree', kb(lazyfree));
  put('AnonHugePages', kb(anonHuge));
  put('Swap', kb(swap));
  put('SwapPss', Math.floor(swapPss / 2 ** (10 + PSS_SHIFT)));
  // Locked: the Pss of the present pages of a VM_LOCKED VMA (smaps_account: mss->pss_locked)
  if ((vma.flags & VM_LOCKED) !== 0) put('Locked', Math.floor(pss / 2 ** (10 + PSS_SHIFT)));
  return out;
}
