/**
 * remap_file_pages(2) in both shapes it had.
 *
 * 2.6.21 with CONFIG_NONLINEAR (mm/fremap.c, mm/filemap.c v2.6.21): the
 * range must lie in one shared VMA whose vm_ops has ->populate; the VMA
 * becomes VM_NONLINEAR (moved to i_mmap_nonlinear) when the offset is not
 * the linear one; pgoff + size must stay below 2^PTE_FILE_MAX_BITS (the
 * check is compiled only where PTE_FILE_MAX_BITS < BITS_PER_LONG);
 * filemap_populate refuses a range beyond EOF, installs each page present
 * (install_page), or — with MAP_NONBLOCK and the page not cached — a
 * nonlinear file pte (install_file_pte: pgoff_to_pte).
 *
 * 6.18, and 2.6.21 with CONFIG_NONLINEAR=n: emulated with
 * mmap(MAP_SHARED|MAP_FIXED|MAP_POPULATE) of the same file at the new
 * offset (mm/mmap.c since v4.0), splitting and merging VMAs; the range may
 * span contiguous VMAs of the same file; MAP_NONBLOCK skips the prefault;
 * unknown flags are ignored.
 *
 * @kernel mm/fremap.c
 */
import { SyscallError } from '../model/errno.js';
import { find_or_read_page, pagesOf } from './filemap.js';
import type { Machine, Mm } from '../model/machine.js';
import { zap_pte_range } from './memory.zap.js';
import { do_mmap, populate } from './mmap.js';
import { page_dup_rmap } from './rmap.js';
import { VM_EXEC, VM_NONLINEAR, VM_READ, VM_SHARED, VM_WRITE, type Vma } from './vma.js';

export const MAP_NONBLOCK = 0x10000;

export interface RemapRequest {
  readonly start: number;
  readonly pages: number;
  /** must be 0 */
  readonly prot: number;
  /** may exceed 2^53 for the wrap check: a bigint */
  readonly pgoff: bigint;
  readonly flags: number;
}

function einval(reason: string): never {
  throw new SyscallError('EINVAL', `remap_file_pages: ${reason}`);
}

export function sys_remap_file_pages(m: Machine, mm: Mm, req: RemapRequest): void {
  if (req.prot !== 0) einval('prot must be 0');
  if (req.pages <= 0) einval('the range is empty');
  const ulong = (1n << BigInt(m.variant.constants.wordBits)) - 1n;
  if (req.pgoff + BigInt(req.pages) > ulong) einval('pgoff + size wraps');
  if (m.era === '2.6.21' && m.variant.config.NONLINEAR) nonlinear(m, mm, req);
  else emulated(m, mm, req);
}

/** The 2.6.21 nonlinear implementation. */
function nonlinear(m: Machine, mm: Mm, req: RemapRequest): void {
  const maxBits = m.variant.constants.PTE_FILE_MAX_BITS ?? 0;
  if (maxBits < m.variant.constants.wordBits && req.pgoff + BigInt(req.pages) >= 1n << BigInt(maxBits)) {
    einval(`pgoff + size reaches 2^PTE_FILE_MAX_BITS (${maxBits} on ${m.variant.key})`);
  }
  const vma = mm.vmas.findVma(req.start);
  const end = req.start + req.pages;
  const inode = vma ? m.inodeOf(vma) : undefined;
  if (!vma || !(vma.flags & VM_SHARED) || !inode || req.start < vma.start || end > vma.end) {
    einval('the range must lie in one shared file or shmem VMA');
  }
  const pgoff = Number(req.pgoff);
  if (pgoff !== vma.pgoff + (req.start - vma.start)) vma.flags |= VM_NONLINEAR; // vma_nonlinear_insert
  // ->populate: filemap_populate / shmem_populate
  if (pgoff + req.pages > pagesOf(m, inode)) einval('the file range lies beyond EOF (->populate)');
  const nonblock = (req.flags & MAP_NONBLOCK) !== 0;
  for (let i = 0; i < req.pages; i++) {
    const vpn = req.start + i;
    const index = pgoff + i;
    const cached = inode.cache.get(index);
    if (!nonblock || cached !== undefined) install_page(m, mm, vma, vpn, find_or_read_page(m, inode, index).frame);
    else if (vma.flags & VM_NONLINEAR) install_file_pte(m, mm, vma, vpn, index);
  }
}

/** install_page(): map a page-cache page at vpn, dropping what was mapped there. */
export function install_page(m: Machine, mm: Mm, vma: Vma, vpn: number, frame: number): void {
  zap_pte_range(m, mm, vma, vpn, vpn + 1);
  const slot = mm.pgtable.walk(vpn, true);
  page_dup_rmap(m, frame);
  m.mkPte(frame, vma.flags);
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}

/** install_file_pte(): a nonlinear file pte naming pgoff, in the arch's encoding. */
export function install_file_pte(m: Machine, mm: Mm, vma: Vma, vpn: number, pgoff: number): void {
  zap_pte_range(m, mm, vma, vpn, vpn + 1);
  const slot = mm.pgtable.walk(vpn, true);
  const f = m.variant.fast;
  const hi = Math.floor(pgoff / 2 ** 32);
  const lo = pgoff >>> 0;
  mm.pgtable.set(slot, f.pgoff_to_pte_hi!(hi, lo), f.pgoff_to_pte_lo!(hi, lo));
}

/** The v4.0+ emulation: an mmap of the same file at the new offset. */
function emulated(m: Machine, mm: Mm, req: RemapRequest): void {
  const vma = mm.vmas.lookup(req.start);
  if (!vma || !(vma.flags & VM_SHARED)) einval('the range must start in a shared mapping');
  const end = req.start + req.pages;
  // a range past this VMA must run through contiguous VMAs of the same file and flags
  let cur = vma;
  while (end > cur.end) {
    const next = mm.vmas.lookup(cur.end);
    if (!next || next.file?.inode !== vma.file?.inode || next.flags !== vma.flags) einval('the range runs into a hole or another mapping');
    cur = next;
  }
  const inode = m.inodeOf(vma)!;
  do_mmap(m, mm, {
    start: req.start,
    pages: req.pages,
    prot: { read: (vma.flags & VM_READ) !== 0, write: (vma.flags & VM_WRITE) !== 0, exec: (vma.flags & VM_EXEC) !== 0 },
    shared: true,
    inode,
    pgoff: Number(req.pgoff),
  });
  // MAP_POPULATE unless MAP_NONBLOCK: read faults (a shared mapping is not populated for write)
  if ((req.flags & MAP_NONBLOCK) === 0) populate(m, mm, req.start, req.pages, false);
}
