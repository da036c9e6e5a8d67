/**
 * mmap, munmap and the VMA surgery they need (mm/mmap.c, mm/vma.c).
 * Anonymous mappings for now; file and shmem mappings come with the page
 * cache.
 *
 * @kernel mm/mmap.c
 */
import { lru_add_drain } from './swap.js';
import { NotModelled, SyscallError } from '../model/errno.js';
import type { Inode } from './filemap.js';
import type { Machine, Mm, Process } from '../model/machine.js';
import { ksm_exit } from './ksm.js';
import { FAULT_FLAG_WRITE, handle_mm_fault } from './memory.js';
import { zap_pte_range } from './memory.zap.js';
import { VM_FAULT_SIGBUS } from '../model/signals.js';
import { split_huge_pmd_if_needed, thpState } from './huge_memory.js';
import { OutOfFramesError } from '../model/frames.js';
import { FAULT_OOM_KILLED, run_fault } from './oom_kill.js';
import { VM_ACCOUNT, VM_EXEC, VM_MAYEXEC, VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_NORESERVE, VM_READ, VM_SHARED, VM_WRITE, type Vma } from './vma.js';

export interface MmapRequest {
  /** a file mapping: the inode and the first page's offset (vm_pgoff, an unsigned long: a bigint beyond 2^53) */
  readonly inode?: Inode;
  readonly pgoff?: number | bigint;
  /** first page (MAP_FIXED placement) */
  readonly start: number;
  readonly pages: number;
  readonly prot: { read: boolean; write: boolean; exec: boolean };
  readonly shared: boolean;
  readonly populate?: boolean;
  /** MAP_NORESERVE: no VM_ACCOUNT charge (overcommit is not OVERCOMMIT_NEVER on the modelled machine) */
  readonly noreserve?: boolean;
}

export function protFlags(prot: { read: boolean; write: boolean; exec: boolean }): number {
  return (prot.read ? VM_READ : 0) | (prot.write ? VM_WRITE : 0) | (prot.exec ? VM_EXEC : 0);
}

/** TASK_SIZE in pages: user mappings lie in [0, TASK_SIZE) (the variant's constants.TASK_SIZE). */
export function task_size(m: Machine): number {
  return m.variant.constants.TASK_SIZE_PAGES;
}

/**
 * get_unmapped_area()'s limits for a MAP_FIXED request, in pages: -ENOMEM
 * when the length exceeds TASK_SIZE or the range would end above it
 * (2.6.21 mm/mmap.c 922–923 in do_mmap_pgoff and 1373–1374; 6.18 mm/mmap.c
 * 824–825 and 857–858 in __get_unmapped_area). Also what vma_expandable
 * asks when mremap grows a mapping in place.
 */
export function check_unmapped_area(m: Machine, start: number, pages: number, who: string): void {
  const limit = task_size(m);
  if (pages > limit) throw new SyscallError('ENOMEM', `${who}: length ${pages} pages exceeds TASK_SIZE (${limit} pages)`);
  if (start > limit - pages) throw new SyscallError('ENOMEM', `${who}: [${start}, ${start + pages}) reaches beyond TASK_SIZE (${limit} pages)`);
}

/**
 * A file mapping's offset, checked as do_mmap does before it places anything:
 * - "offset overflow?": pgoff + pages wrapping unsigned long is -EOVERFLOW
 *   (2.6.21 mm/mmap.c 926–927 in do_mmap_pgoff; 6.18 mm/mmap.c 372–374);
 * - 6.18 file_mmap_ok() (mm/mmap.c 245–275, called at 427–428): the mapping
 *   must end within file_mmap_size_max — MAX_LFS_FILESIZE for a regular file
 *   (include/linux/fs.h 1276–1280: ULONG_MAX << PAGE_SHIFT on 32-bit, LLONG_MAX
 *   on 64-bit), ULONG_MAX for a character device — else -EOVERFLOW. 2.6.21 has
 *   no such check.
 * Returns the offset as a number; one beyond 2^53 (possible only where the
 * kernel allows it: 2.6.21 on a 64-bit arch) is refused as NotModelled.
 */
function check_mmap_pgoff(m: Machine, inode: Inode, pgoff: bigint, pages: number): number {
  const c = m.variant.constants;
  const ulongMax = (1n << BigInt(c.wordBits)) - 1n;
  const len = BigInt(pages);
  if (pgoff + len > ulongMax) throw new SyscallError('EOVERFLOW', `mmap: pgoff ${pgoff} + ${pages} pages wraps unsigned long`);
  if (m.era === '6.18') {
    const shift = BigInt(c.PAGE_SHIFT);
    const maxsize = inode.device ? ulongMax : c.wordBits === 32 ? ulongMax << shift : (1n << 63n) - 1n;
    const bytes = len << shift;
    if (bytes > maxsize || pgoff > (maxsize - bytes) >> shift) {
      throw new SyscallError('EOVERFLOW', `mmap: pgoff ${pgoff} + ${pages} pages ends beyond the file's largest offset (file_mmap_ok: ${maxsize} bytes)`);
    }
  }
  if (pgoff > BigInt(Number.MAX_SAFE_INTEGER)) throw new NotModelled(`mmap: pgoff ${pgoff} is beyond 2^53 pages, which the model's page offsets cannot hold exactly`);
  return Number(pgoff);
}

/**
 * do_mmap() at a fixed place (MAP_FIXED: whatever was there is unmapped).
 * Shared anonymous memory is a shmem file of its own (shmem_zero_setup);
 * MAP_POPULATE faults every page in.
 */
export function do_mmap(m: Machine, mm: Mm, req: MmapRequest): Vma {
  if (req.pages <= 0) throw new SyscallError('EINVAL', 'mmap: length is 0');
  const pgoff = req.inode ? check_mmap_pgoff(m, req.inode, BigInt(req.pgoff ?? 0), req.pages) : 0;
  check_unmapped_area(m, req.start, req.pages, 'mmap');
  do_munmap(m, mm, req.start, req.pages);
  // accountable_mapping(): a private writable mapping is charged (VM_ACCOUNT), unless MAP_NORESERVE —
  // 6.18 records that as VM_NORESERVE (mm/mmap.c 548–551, 2290); 2.6.21 only skips the charge (mm/mmap.c 1041)
  const noreserve = req.noreserve === true ? (m.era === '6.18' ? VM_NORESERVE : 0) : 0;
  const flags =
    protFlags(req.prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | noreserve | (req.shared ? VM_SHARED | VM_MAYSHARE : req.prot.write && req.noreserve !== true ? VM_ACCOUNT : 0);
  let inode = req.inode;
  const shmem = !inode && req.shared;
  if (shmem) inode = m.newInode('/dev/zero (deleted)', 'shmem', req.pages * m.variant.constants.PAGE_SIZE);
  if (inode && !req.shared && req.inode === undefined) inode = undefined;
  const vma: Vma = {
    start: req.start,
    end: req.start + req.pages,
    flags,
    pgoff: inode ? pgoff : req.start,
    file: inode ? { inode: inode.id } : null,
    anonVma: 0,
    shmem,
    // a special device's ->mmap sets no vm_ops (kcov_mmap): what a fault gets is the `anon` rule's
    ...(inode?.device ? { noVmOps: true } : {}),
  };
  mm.vmas.insert(vma);
  mm.vmas.mergeAround(vma.start, vma.end);
  // mm_populate → populate_vma_page_range: a write fault only for a private writable mapping; a shared one is
  // read-faulted, not dirtied for nothing (6.18 mm/gup.c 1848–1851). 2.6.21 make_pages_present writes whenever
  // VM_WRITE is set (2.6.20 mm/memory.c 2548).
  if (req.populate) populate(m, mm, req.start, req.pages, req.prot.write && (m.era === '2.6.21' || !req.shared));
  return mm.vmas.lookup(req.start)!;
}

/**
 * __mm_populate() / MADV_POPULATE_*: fault each page in (for write when
 * asked) the way get_user_pages does — through handle_mm_fault, without
 * touching the data. A page beyond EOF just stays unpopulated; the
 * return says whether one did (VM_FAULT_SIGBUS), for MADV_POPULATE_*.
 */
export function populate(m: Machine, mm: Mm, start: number, pages: number, write: boolean): boolean {
  const fast = m.variant.fast;
  let sigbus = false;
  for (let vpn = start; vpn < start + pages; vpn++) {
    const vma = mm.vmas.lookup(vpn);
    // a PROT_NONE VMA is never faulted in: populate_vma_page_range answers -EFAULT for it
    // (6.18 mm/gup.c 1835–1837, vma_is_accessible; 2.6.20 mm/memory.c 991: get_user_pages without force needs VM_READ|VM_WRITE)
    if (!vma || (vma.flags & (VM_READ | VM_WRITE | VM_EXEC)) === 0) continue;
    const forWrite = write && (vma.flags & VM_WRITE) !== 0;
    for (let tries = 0; tries < 3; tries++) {
      const slot = mm.pgtable.walk(vpn, false);
      // a huge pmd that allows the access (GUP's follow_huge_pmd): nothing to fault; nor to touch (tag -1 is not written)
      if (slot < 0 && mm.pgtable.huge.size !== 0 && huge_pmd_present(m, mm, vpn, forWrite)) break;
      const hi = slot < 0 ? 0 : mm.pgtable.hi(slot);
      const lo = slot < 0 ? 0 : mm.pgtable.lo(slot);
      if (slot >= 0 && fast.pte_present(hi, lo) && (!forWrite || m.pteWrite(hi, lo))) break;
      // GUP's fault-in: out of frames → reclaim, the OOM killer; the syscall fails (-ENOMEM) when it kills this process
      const ret = run_fault(m, mm, () => handle_mm_fault(m, mm, vma, vpn, forWrite ? FAULT_FLAG_WRITE : 0));
      if (ret === FAULT_OOM_KILLED) throw new OutOfFramesError(`populate: out of memory at vpn ${vpn}; the OOM killer chose this process`);
      if (ret === VM_FAULT_SIGBUS) {
        sigbus = true;
        break;
      }
    }
  }
  // populate_vma_page_range and faultin_page_range end with lru_add_drain() (6.18 mm/gup.c 1862, 1914)
  if (m.era === '6.18') lru_add_drain(m);
  return sigbus;
}

/** Whether a huge pmd maps vpn with the access allowed (no fault needed). */
function huge_pmd_present(m: Machine, mm: Mm, vpn: number, write: boolean): boolean {
  const pt = mm.pgtable;
  const ps = pt.pmdSlot(vpn, false);
  const h = ps < 0 ? undefined : pt.hugeAt(ps);
  return h !== undefined && (!write || m.pteWrite(h.hi, h.lo));
}

/**
 * Split VMAs so that [start, end) is covered by whole VMAs; returns those
 * VMAs. __split_vma's vma_adjust_trans_huge (6.18 mm/huge_memory.c
 * split_huge_pmd_if_needed): a huge pmd the new boundary cuts is split first.
 */
export function splitRange(m: Machine, mm: Mm, start: number, end: number): Vma[] {
  for (const v of mm.vmas.overlapping(start, end)) {
    if (v.start < start) {
      split_huge_pmd_if_needed(m, mm, v, start);
      mm.vmas.split(v, start);
    }
  }
  for (const v of mm.vmas.overlapping(start, end)) {
    if (v.end > end) {
      split_huge_pmd_if_needed(m, mm, v, end);
      mm.vmas.split(v, end);
    }
  }
  return mm.vmas.overlapping(start, end);
}

/**
 * do_munmap(): zap and remove [start, start+pages); unmapping a hole is not
 * an error. A range reaching beyond TASK_SIZE is -EINVAL (2.6.21 mm/mmap.c
 * 1792–1793; 6.18 mm/vma.c 1569–1570 do_vmi_munmap); the work is the VMAs
 * and page tables that exist in the range, never its length.
 */
export function do_munmap(m: Machine, mm: Mm, start: number, pages: number): void {
  const limit = task_size(m);
  if (start > limit || pages > limit - start) throw new SyscallError('EINVAL', `munmap: [${start}, ${start + pages}) reaches beyond TASK_SIZE (${limit} pages)`);
  if (pages <= 0) throw new SyscallError('EINVAL', 'munmap: length is 0');
  const vmas = splitRange(m, mm, start, start + pages);
  for (const v of vmas) {
    zap_pte_range(m, mm, v, v.start, v.end);
    mm.vmas.remove(v);
  }
  if (vmas.length > 0) free_pgtables(m, mm, start, start + pages);
}

/**
 * free_pgtables() after an unmap (mm/memory.c): a pte table no VMA reaches
 * any more goes (its ptes are all none by now), so a THP can be faulted in
 * there after a new mmap.
 */
function free_pgtables(m: Machine, mm: Mm, start: number, end: number): void {
  const pt = mm.pgtable;
  const n = pt.ptrsPerPte;
  for (let base = start - (start % n); base < end; base += n) {
    // only pte tables (or huge pmds) that exist: an unmapped range costs nothing
    base = pt.nextPopulated(base, end);
    if (base >= end) break;
    base -= base % n;
    if (mm.vmas.overlapping(base, base + n).length > 0) continue;
    const ps = pt.pmdSlot(base, false);
    if (ps < 0) continue;
    // no VMA covers the table any more and the zap cleared its ptes: free_pte_range frees it without looking
    if (pt.tableBase(ps) >= 0) pt.freePteTable(ps);
  }
}

/** The anonymous-only entry point of earlier releases. */
export const do_mmap_anon = do_mmap;

/** exit_mmap(): unmap everything. */
export function exit_mmap(m: Machine, p: Process): void {
  ksm_exit(m, p.mm); // __mmput: ksm_exit before exit_mmap
  for (const vma of [...p.mm.vmas.list]) {
    zap_pte_range(m, p.mm, vma, vma.start, vma.end);
    p.mm.vmas.remove(vma);
  }
  p.alive = false;
}

/** MIN_GAP: the least room mmap_base leaves below the top for the stack (6.18 mm/util.c 431; arch/x86/mm/mmap.c 60 SIZE_128M; 2.6.21 arch/i386/mm/mmap.c 36) */
const MIN_GAP_BYTES = 128 * 1024 * 1024;

/**
 * mm->mmap_base in pages, and the direction get_unmapped_area searches in
 * (arch_pick_mmap_layout). The default is the top-down layout: mmap_base =
 * PAGE_ALIGN(TASK_SIZE − gap), gap the stack rlimit plus stack_guard_gap
 * clamped to at least MIN_GAP — 8 MiB plus 256 pages is below it, so 128 MiB
 * (6.18 mm/util.c 434–461, arch/x86/mm/mmap.c 82–98; 2.6.21
 * arch/i386/mm/mmap.c 39–53), with ASLR off (no random factor). A variant
 * that declares the legacy layout (spec.mmapLayout) searches up from
 * TASK_UNMAPPED_BASE instead.
 */
export function mmapLayoutOf(m: Machine): { topdown: boolean; base: number } {
  const c = m.variant.constants;
  const legacy = m.variant.spec.mmapLayout;
  if (legacy) return { topdown: false, base: Number(legacy.bottomUpFrom >> BigInt(c.PAGE_SHIFT)) };
  const gap = Math.ceil(MIN_GAP_BYTES / c.PAGE_SIZE);
  return { topdown: true, base: Math.max(0, task_size(m) - gap) };
}

/** What get_unmapped_area is asked to place: a length, and the file (or none) that decides the alignment. */
export interface UnmappedAreaRequest {
  readonly pages: number;
  readonly inode?: Inode;
  readonly pgoff?: number;
  readonly shared: boolean;
  /**
   * Pages kept free on each side of every VMA while searching — not the
   * kernel's (0 there); what the script runner asks for so that regions it
   * places never touch and never merge (docs/mmo.md "Where regions go"). The
   * kernel keeps such a gap only beside a stack (vm_start_gap, vm_end_gap).
   */
  readonly guard?: number;
}

/**
 * vm_unmapped_area() without alignment: the highest (top-down) or lowest
 * range of `length` pages in [low, high) that no VMA (widened by `guard`
 * pages each side) overlaps, or -1 (6.18 mm/vma.c unmapped_area 2842–2887,
 * unmapped_area_topdown 2899–2939; 2.6.21 mm/mmap.c 1188–1241, 1259–1335
 * walk the same gaps). The work is the VMAs, not the distance.
 */
function unmapped_area(mm: Mm, length: number, low: number, high: number, topdown: boolean, guard: number): number {
  const list = mm.vmas.list;
  const n = list.length;
  const gapAt = (i: number): [number, number] => [Math.max(low, i >= 0 ? list[i]!.end + guard : low), Math.min(high, i + 1 < n ? list[i + 1]!.start - guard : high)];
  if (topdown) {
    for (let i = n - 1; i >= -1; i--) {
      const [from, to] = gapAt(i);
      if (to - from >= length) return to - length;
      if (from <= low) break;
    }
  } else {
    for (let i = -1; i < n; i++) {
      const [from, to] = gapAt(i);
      if (to - from >= length) return from;
      if (to >= high) break;
    }
  }
  return -1;
}

/**
 * get_unmapped_area() for a mapping given no address (6.18 mm/mmap.c
 * __get_unmapped_area 812–862; 2.6.21 mm/mmap.c get_unmapped_area): the
 * first page of a free range for it, or -ENOMEM.
 * - The search is the layout's (mmapLayoutOf): top-down below mmap_base, and
 *   when that finds nothing, bottom-up from TASK_UNMAPPED_BASE (TASK_SIZE / 3)
 *   to TASK_SIZE (6.18 mm/mmap.c 737–787; 2.6.21 mm/mmap.c 1323–1335); or
 *   bottom-up from TASK_UNMAPPED_BASE.
 * - 6.18 with THP on a 64-bit variant aligns to a PMD what THP could map:
 *   a private anonymous mapping whose length is a multiple of HPAGE_PMD_NR
 *   (mm/mmap.c 844–849) and an ext4 file mapping that covers a whole
 *   PMD-aligned stretch of the file (ext4 .get_unmapped_area =
 *   thp_get_unmapped_area, fs/ext4/file.c 976): __thp_get_unmapped_area asks
 *   for the length plus a PMD, then aligns the start up — top-down, an
 *   already aligned start moves up one PMD (mm/huge_memory.c 1111–1154).
 *   Shared anonymous and tmpfs mappings go through shmem_get_unmapped_area,
 *   which with tmpfs's default huge=never keeps the plain address
 *   (mm/shmem.c 2747–2800).
 * No free_area_cache: 2.6.21 starts each search where the
 * last one ended (mm->free_area_cache), reset by an munmap below it; the
 * model searches the whole range every time, which picks the same range
 * unless an munmap left a hole the cache would skip.
 */
export function get_unmapped_area(m: Machine, mm: Mm, req: UnmappedAreaRequest): number {
  const limit = task_size(m);
  const { pages } = req;
  if (pages <= 0) throw new SyscallError('EINVAL', 'mmap: length is 0');
  if (pages > limit) throw new SyscallError('ENOMEM', `mmap: length ${pages} pages exceeds TASK_SIZE (${limit} pages)`);
  const guard = req.guard ?? 0;
  const layout = mmapLayoutOf(m);
  const search = (length: number): number => {
    const at = layout.topdown ? unmapped_area(mm, length, 1, layout.base, true, guard) : -1;
    if (at >= 0) return at;
    // top-down found nothing: the bottom-up fallback (or the legacy layout's only search)
    return unmapped_area(mm, length, layout.topdown ? Math.ceil(limit / 3) : layout.base, limit, false, guard);
  };
  const thp = thpState(m);
  if (thp && m.era === '6.18' && m.variant.constants.wordBits === 64) {
    const nr = thp.nr;
    const ext4 = req.inode !== undefined && req.inode.fs === 'ext4';
    const off = ext4 ? (req.pgoff ?? 0) : 0;
    const offAlign = Math.ceil(off / nr) * nr;
    const thpCase = ext4 ? off + pages > offAlign && off + pages - offAlign >= nr : req.inode === undefined && !req.shared && pages % nr === 0;
    if (thpCase) {
      const at = search(pages + nr);
      if (at >= 0) {
        // off_sub = (off − ret) & (size − 1); top-down with off_sub 0 takes the range's upper part
        const sub = (((off - at) % nr) + nr) % nr;
        return layout.topdown && sub === 0 ? at + nr : at + sub;
      }
      // the padded length found no room: the plain search, as thp_get_unmapped_area_vmflags falls back
    }
  }
  const at = search(pages);
  if (at < 0) throw new SyscallError('ENOMEM', `mmap: no free range of ${pages} pages below TASK_SIZE (${limit} pages)`);
  return at;
}
