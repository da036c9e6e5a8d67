/**
 * mmap, munmap and the VMA surgery they need (mm/mmap.c, mm/vma.c).
 * Anonymous mappings for now; file and shmem mappings come with the page
 * cache.
 *
 * @kernel mm/mmap.c
 */
import { NotModelled, SyscallError } from '../model/errno.js';
import type { Inode } from './filemap.js';
import type { Machine, Mm, Process } from '../model/machine.js';
import { ksm_exit } from './ksm.js';
import { FAULT_FLAG_WRITE, handle_mm_fault } from './memory.js';
import { zap_pte_range } from './memory.zap.js';
import { VM_FAULT_SIGBUS } from '../model/signals.js';
import { split_huge_pmd_if_needed } from './huge_memory.js';
import { OutOfFramesError } from '../model/frames.js';
import { FAULT_OOM_KILLED, run_fault } from './oom_kill.js';
import { VM_ACCOUNT, VM_EXEC, VM_MAYEXEC, VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_READ, VM_SHARED, VM_WRITE, type Vma } from './vma.js';

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
  // accountable_mapping(): a private writable mapping is charged (VM_ACCOUNT)
  const flags =
    protFlags(req.prot) | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | (req.shared ? VM_SHARED | VM_MAYSHARE : req.prot.write ? VM_ACCOUNT : 0);
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
  if (req.populate) populate(m, mm, req.start, req.pages, req.prot.write);
  return mm.vmas.lookup(req.start)!;
}

/**
 * __mm_populate() / MADV_POPULATE_*: fault each page in (for write when
 * asked) the way get_user_pages does — through handle_mm_fault, without
 * touching the data. A page beyond EOF just stays unpopulated.
 */
export function populate(m: Machine, mm: Mm, start: number, pages: number, write: boolean): void {
  const fast = m.variant.fast;
  for (let vpn = start; vpn < start + pages; vpn++) {
    const vma = mm.vmas.lookup(vpn);
    if (!vma) continue;
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
      if (ret === VM_FAULT_SIGBUS) break;
    }
  }
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
