/**
 * userfaultfd in write-protect mode with UFFD_FEATURE_WP_ASYNC (6.7) and
 * UFFD_FEATURE_WP_UNPOPULATED (6.4): what the host oracle's
 * `uffd_register_wp` / `uffd_writeprotect` ops drive (sc_misc.c: the
 * userfaultfd syscall, UFFDIO_API with both features, UFFDIO_REGISTER with
 * UFFDIO_REGISTER_MODE_WP over the region, UFFDIO_WRITEPROTECT with or
 * without UFFDIO_WRITEPROTECT_MODE_WP).
 *
 * Where it exists: userfaultfd came in 4.3 (2.6.21 has no such syscall:
 * ENOSYS); its write-protect mode needs CONFIG_HAVE_ARCH_USERFAULTFD_WP —
 * a pte bit and a swap-pte bit for uffd-wp — which of the modelled
 * variants only 6.18 x86_64 has (_PAGE_UFFD_WP = _PAGE_SOFTW2, bit 10;
 * _PAGE_SWP_UFFD_WP bit 2). Elsewhere CONFIG_PTE_MARKER_UFFD_WP cannot be
 * set, and 6.18 fs/userfaultfd.c userfaultfd_api masks WP_ASYNC and
 * WP_UNPOPULATED out of the supported features: UFFDIO_API fails EINVAL.
 *
 * The model (6.18 mm/userfaultfd.c, fs/userfaultfd.c, mm/mprotect.c,
 * mm/memory.c):
 * - register (userfaultfd_register): every VMA in the range must be
 *   VM_MAYWRITE (EPERM) and not registered with another userfaultfd
 *   (EBUSY); with WP_ASYNC any memory type may be registered for WP
 *   (vma_can_userfault). The range is split off, and gets VM_UFFD_WP
 *   ("uw") and the context. A shared writable mapping is then write-notified
 *   (vma_wants_writenotify: userfaultfd_wp), so its new ptes are read-only.
 * - UFFDIO_WRITEPROTECT (mwriteprotect_range → uffd_wp_range →
 *   change_protection, MM_CP_UFFD_WP or MM_CP_UFFD_WP_RESOLVE): every VMA
 *   of the range must be registered (ENOENT). Protecting sets the pte's
 *   uffd-wp bit and write-protects it (pte_mkuffd_wp), sets the swap pte's
 *   bit, and — WP_UNPOPULATED, or any file VMA (userfaultfd_wp_use_markers)
 *   — puts a PTE_MARKER_UFFD_WP marker on each none pte (the pte table is
 *   allocated for it). Resolving clears the bits, drops uffd-wp markers,
 *   and (MM_CP_TRY_CHANGE_WRITABLE, vma_wants_manual_pte_write_upgrade)
 *   makes a pte writable again where can_change_pte_writable allows: an
 *   exclusive anon page in a private mapping, a dirty pte in a shared one.
 *   Guard markers are left alone.
 * - A write to a uffd-wp pte in a WP_ASYNC VMA (do_wp_page →
 *   userfaultfd_pte_wp): the kernel clears the bit itself and goes on with
 *   the write fault (reuse or copy) — PAGEMAP_SCAN then reports the page
 *   written. A fault on a uffd-wp marker maps the page with the bit set
 *   (memory.pte_marker.ts), so a write takes two faults.
 * - close (userfaultfd_release → userfaultfd_clear_vma): the bits are
 *   resolved as above and the VMAs lose VM_UFFD_WP and the context.
 * - fork: without UFFD_FEATURE_EVENT_FORK the child's VMAs are not
 *   registered (dup_userfaultfd → userfaultfd_reset_ctx), so
 *   copy_page_range clears the bit from the child's ptes and drops uffd-wp
 *   markers (copy_pte_marker).
 *
 * Not modelled: synchronous (non-async) uffd-wp faults, which block in
 * handle_userfault until user space resolves them; MISSING/MINOR modes;
 * UFFDIO_COPY and friends. A PMD-mapped THP in a protected range is split
 * first (the kernel keeps a wholly covered huge pmd and sets the bit in it,
 * change_huge_pmd); mremap of a registered VMA keeps the bits.
 *
 * @kernel mm/userfaultfd.c
 */
import { mapsPage, walk_pte_range } from './pagewalk.js';
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { splitRange, task_size } from './mmap.js';
import { PG_anon, PG_anon_exclusive, PG_zero } from './page-flags.js';
import { markerBits, setMarker } from './memory.pte_marker.js';
import { split_huge_pmds_in } from './huge_memory.js';
import { VM_MAYWRITE, VM_SHARED, VM_UFFD_WP, VM_WRITE, type Vma } from './vma.js';

/** include/uapi/linux/userfaultfd.h */
export const UFFD_API = 0xaa;
export const UFFD_FEATURE_WP_HUGETLBFS_SHMEM = 1 << 12;
export const UFFD_FEATURE_WP_UNPOPULATED = 1 << 13;
export const UFFD_FEATURE_WP_ASYNC = 1 << 15;

export interface UffdCtx {
  readonly id: number;
  readonly mm: Mm;
  /** the features UFFDIO_API enabled; -1 before UFFDIO_API */
  features: number;
  released: boolean;
}

export interface UffdWords {
  /** the present pte's uffd-wp bit (_PAGE_UFFD_WP) as words; 0 where the arch has none */
  readonly hi: number;
  readonly lo: number;
  /** the swap pte's bit (_PAGE_SWP_UFFD_WP) */
  readonly swapHi: number;
  readonly swapLo: number;
  readonly supported: boolean;
}

/** userfaultfd's state on the Machine (m.uffd, made on first use) */
export interface UffdState {
  readonly words: UffdWords;
  /** every userfaultfd context made, by id − 1 (a released one stays) */
  readonly ctxs: UffdCtx[];
}

function uffdState(m: Machine): UffdState {
  return (m.uffd ??= { words: wordsOf(m), ctxs: [] });
}

function wordsOf(m: Machine): UffdWords {
  // core's roles: both words are 0 unless the arch selects HAVE_ARCH_USERFAULTFD_WP
  const { uffdWp, swpUffdWp } = m.variant.roleWords;
  return { hi: uffdWp.hi, lo: uffdWp.lo, swapHi: swpUffdWp.hi, swapLo: swpUffdWp.lo, supported: m.variant.caps.uffdWp };
}

/** The uffd-wp bits of the machine's pte format (all 0 where CONFIG_HAVE_ARCH_USERFAULTFD_WP cannot be set). */
export function uffdWords(m: Machine): UffdWords {
  return (m.uffd ?? uffdState(m)).words;
}

/** CONFIG_HAVE_ARCH_USERFAULTFD_WP (and so CONFIG_PTE_MARKER_UFFD_WP) is possible on this variant */
export function hasUffdWp(m: Machine): boolean {
  return uffdWords(m).supported;
}

/** pte_uffd_wp() of a present pte */
export function pteUffdWp(m: Machine, hi: number, lo: number): boolean {
  const w = uffdWords(m);
  return ((hi & w.hi) | (lo & w.lo)) !== 0;
}

/** pte_swp_uffd_wp() of a swap pte */
export function pteSwpUffdWp(m: Machine, hi: number, lo: number): boolean {
  const w = uffdWords(m);
  return ((hi & w.swapHi) | (lo & w.swapLo)) !== 0;
}

/** pte_mkuffd_wp() on m.pteHi/pteLo: the bit, and pte_wrprotect */
export function pte_mkuffd_wp(m: Machine): void {
  const w = uffdWords(m);
  m.pteHi = (m.pteHi | w.hi) >>> 0;
  m.pteLo = (m.pteLo | w.lo) >>> 0;
  m.modify('pte_wrprotect');
}

/** pte_swp_mkuffd_wp() on m.pteHi/pteLo (a swap pte) */
export function setSwpUffdWp(m: Machine): void {
  const w = uffdWords(m);
  m.pteHi = (m.pteHi | w.swapHi) >>> 0;
  m.pteLo = (m.pteLo | w.swapLo) >>> 0;
}

/** pte_swp_clear_uffd_wp() on m.pteHi/pteLo (a swap pte) */
export function clearSwpUffdWp(m: Machine): void {
  const w = uffdWords(m);
  m.pteHi = (m.pteHi & ~w.swapHi) >>> 0;
  m.pteLo = (m.pteLo & ~w.swapLo) >>> 0;
}

/** pte_clear_uffd_wp() on m.pteHi/pteLo (the pte stays read-only) */
export function pte_clear_uffd_wp(m: Machine): void {
  const w = uffdWords(m);
  m.pteHi = (m.pteHi & ~w.hi) >>> 0;
  m.pteLo = (m.pteLo & ~w.lo) >>> 0;
}

function ctxOf(m: Machine, vma: Vma): UffdCtx | undefined {
  const id = vma.uffdCtx;
  return id === undefined ? undefined : m.uffd?.ctxs[id - 1];
}

/** userfaultfd_wp_async(): the VMA's userfaultfd resolves wp faults itself */
export function userfaultfd_wp_async(m: Machine, vma: Vma): boolean {
  return ((ctxOf(m, vma)?.features ?? 0) & UFFD_FEATURE_WP_ASYNC) !== 0;
}

/** userfaultfd_wp_use_markers(): a none pte is protected with a marker (file VMAs always; anon with WP_UNPOPULATED) */
export function userfaultfd_wp_use_markers(m: Machine, vma: Vma): boolean {
  if ((vma.flags & VM_UFFD_WP) === 0) return false;
  if (vma.file !== null || vma.shmem) return true;
  return ((ctxOf(m, vma)?.features ?? 0) & UFFD_FEATURE_WP_UNPOPULATED) !== 0;
}

/** PAGEMAP_SCAN's PAGE_IS_WPALLOWED for the VMA (pagemap_scan_test_walk) */
export function uffdWpAllowed(m: Machine, vma: Vma): boolean {
  return userfaultfd_wp_async(m, vma) && userfaultfd_wp_use_markers(m, vma);
}

/**
 * do_wp_page's userfaultfd_pte_wp() branch for a VMA with VM_UFFD_WP: an
 * async context clears the pte's bit (the write fault then goes on); a
 * synchronous one would hand the fault to user space (not modelled).
 */
export function uffd_wp_fault(m: Machine, mm: Mm, vma: Vma, slot: number): void {
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  if (!pteUffdWp(m, hi, lo)) return;
  if (!userfaultfd_wp_async(m, vma)) throw new Error('a synchronous uffd-wp fault (handle_userfault) is not modelled: register with UFFD_FEATURE_WP_ASYNC');
  m.pteHi = hi;
  m.pteLo = lo;
  pte_clear_uffd_wp(m);
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}

/** userfaultfd(2): a new context (no UFFDIO_API yet). @kernel fs/userfaultfd.c */
export function sys_userfaultfd(m: Machine, mm: Mm): UffdCtx {
  if (m.era === '2.6.21') throw new SyscallError('ENOSYS', 'userfaultfd(2) does not exist in 2.6.21 (it came in 4.3)');
  const list = uffdState(m).ctxs;
  const ctx: UffdCtx = { id: list.length + 1, mm, features: -1, released: false };
  list.push(ctx);
  return ctx;
}

/** UFFDIO_API (fs/userfaultfd.c userfaultfd_api): the features asked for must all be supported. @kernel fs/userfaultfd.c */
export function userfaultfd_api(m: Machine, ctx: UffdCtx, features: number): void {
  if (ctx.features >= 0) throw new SyscallError('EPERM', 'UFFDIO_API: the context is initialized already');
  let supported = UFFD_FEATURE_WP_HUGETLBFS_SHMEM | UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_WP_ASYNC;
  // #ifndef CONFIG_PTE_MARKER_UFFD_WP: no WP_HUGETLBFS_SHMEM, WP_UNPOPULATED, WP_ASYNC
  if (!hasUffdWp(m)) supported = 0;
  if ((features & ~supported) !== 0) throw new SyscallError('EINVAL', `UFFDIO_API: features 0x${features.toString(16)} are not supported on ${m.variant.key} (no CONFIG_HAVE_ARCH_USERFAULTFD_WP: the arch has no uffd-wp pte bit)`);
  ctx.features = features;
}

function liveCtx(ctx: UffdCtx): void {
  if (ctx.released) throw new SyscallError('EBADF', 'the userfaultfd is closed');
  if (ctx.features < 0) throw new SyscallError('EINVAL', 'UFFDIO_API has not been done on this userfaultfd');
}

/** validate_range() (fs/userfaultfd.c), shared by every range ioctl: an empty range is EINVAL. */
function validate_range(m: Machine, ioctl: string, start: number, pages: number): void {
  if (pages <= 0) throw new SyscallError('EINVAL', `${ioctl}: empty range (validate_range)`);
  // validate_unaligned_range (6.18 fs/userfaultfd.c 1213–1231): start and length within mm->task_size
  const limit = task_size(m);
  if (start >= limit || pages > limit - start) throw new SyscallError('EINVAL', `${ioctl}: [${start}, ${start + pages}) reaches beyond TASK_SIZE (${limit} pages)`);
}

/** UFFDIO_REGISTER with UFFDIO_REGISTER_MODE_WP (fs/userfaultfd.c userfaultfd_register). @kernel fs/userfaultfd.c */
export function userfaultfd_register_wp(m: Machine, ctx: UffdCtx, start: number, pages: number): void {
  liveCtx(ctx);
  if (!hasUffdWp(m)) throw new SyscallError('EINVAL', 'UFFDIO_REGISTER_MODE_WP needs CONFIG_HAVE_ARCH_USERFAULTFD_WP');
  validate_range(m, 'UFFDIO_REGISTER', start, pages);
  const mm = ctx.mm;
  const end = start + pages;
  const vmas = mm.vmas.overlapping(start, end);
  if (vmas.length === 0) throw new SyscallError('EINVAL', 'UFFDIO_REGISTER: no VMA in the range');
  for (const v of vmas) {
    // vma_can_userfault(): with WP_ASYNC and WP alone any memory type may be registered
    if ((v.flags & VM_MAYWRITE) === 0) throw new SyscallError('EPERM', 'UFFDIO_REGISTER: the VMA is not VM_MAYWRITE');
    if (v.uffdCtx !== undefined && v.uffdCtx !== ctx.id) throw new SyscallError('EBUSY', 'UFFDIO_REGISTER: the VMA is registered with another userfaultfd');
  }
  // userfaultfd_register_range(): split at the range's ends, set the flags and the context
  for (const v of splitRange(m, mm, Math.max(start, vmas[0]!.start), Math.min(end, vmas[vmas.length - 1]!.end))) {
    v.flags |= VM_UFFD_WP;
    v.uffdCtx = ctx.id;
  }
  mm.vmas.mergeAround(start, end);
}

/** UFFDIO_WRITEPROTECT (mm/userfaultfd.c mwriteprotect_range). */
export function mwriteprotect_range(m: Machine, ctx: UffdCtx, start: number, pages: number, enable: boolean): void {
  liveCtx(ctx);
  validate_range(m, 'UFFDIO_WRITEPROTECT', start, pages);
  const mm = ctx.mm;
  const end = start + pages;
  const vmas = mm.vmas.overlapping(start, end);
  if (vmas.length === 0) throw new SyscallError('ENOENT', 'UFFDIO_WRITEPROTECT: no VMA in the range');
  for (const v of vmas) {
    if ((v.flags & VM_UFFD_WP) === 0) throw new SyscallError('ENOENT', 'UFFDIO_WRITEPROTECT: the VMA is not registered for write-protect');
    uffd_wp_range(m, mm, v, Math.max(start, v.start), Math.min(end, v.end), enable);
  }
}

/** vma_wants_manual_pte_write_upgrade(): private writable, or shared and write-notified (which uffd-wp makes it) */
function wantsManualWriteUpgrade(vma: Vma): boolean {
  return (vma.flags & VM_WRITE) !== 0;
}

/** can_change_pte_writable() (6.18 mm/mprotect.c) for a present pte without the uffd-wp bit */
function can_change_pte_writable(m: Machine, vma: Vma, hi: number, lo: number): boolean {
  if ((vma.flags & VM_WRITE) === 0 || m.variant.fast.pte_protnone(hi, lo)) return false;
  const frame = m.pteFrame(hi, lo);
  if ((vma.flags & VM_SHARED) === 0) {
    const flags = m.frames.flags[frame]!;
    return (flags & PG_zero) === 0 && (flags & PG_anon) !== 0 && (flags & PG_anon_exclusive) !== 0;
  }
  return m.isPteDirty(hi, lo);
}

/**
 * uffd_wp_range() → change_protection() with MM_CP_UFFD_WP (enable) or
 * MM_CP_UFFD_WP_RESOLVE | MM_CP_TRY_CHANGE_WRITABLE (resolve) over
 * [start, end) of one VMA.
 */
export function uffd_wp_range(m: Machine, mm: Mm, vma: Vma, start: number, end: number, enable: boolean): void {
  const pt = mm.pgtable;
  if (pt.huge.size !== 0) split_huge_pmds_in(m, mm, vma, start, end);
  const markers = enable && userfaultfd_wp_use_markers(m, vma);
  const tryWritable = !enable && wantsManualWriteUpgrade(vma);
  // change_pmd_prepare(): a missing pte table is allocated when markers go in
  walk_pte_range(m, mm, start, end, (slot, _vpn, hi, lo, cls) => {
    if (cls === PteClassCode.none) {
      if (markers) setMarker(m, mm, slot, PTE_MARKER.UFFD_WP);
    } else if (mapsPage(cls)) {
      // pte_modify(oldpte, vm_page_prot): the VMA's prot is read-only here (private: PAGE_COPY; shared: write-notified)
      m.pteHi = hi;
      m.pteLo = lo;
      m.modify('pte_wrprotect');
      if (enable) pte_mkuffd_wp(m);
      else {
        pte_clear_uffd_wp(m);
        if (tryWritable && can_change_pte_writable(m, vma, m.pteHi, m.pteLo)) m.modify('pte_mkwrite');
      }
      pt.set(slot, m.pteHi, m.pteLo);
    } else if (cls === PteClassCode.marker) {
      // guard (and poison) markers are left alone; a uffd-wp marker is dropped on resolve
      const bits = markerBits(m, hi, lo);
      if (!enable && bits === PTE_MARKER.UFFD_WP) pt.set(slot, 0, 0);
    } else if (cls === PteClassCode.swap) {
      m.pteHi = hi;
      m.pteLo = lo;
      if (enable) setSwpUffdWp(m);
      else clearSwpUffdWp(m);
      pt.set(slot, m.pteHi, m.pteLo);
    }
  }, markers);
}

/** close() of the userfaultfd (userfaultfd_release → userfaultfd_clear_vma on each registered VMA). @kernel fs/userfaultfd.c */
export function userfaultfd_release(m: Machine, ctx: UffdCtx): void {
  if (ctx.released) return;
  ctx.released = true;
  const mm = ctx.mm;
  for (const v of [...mm.vmas.list]) {
    if (v.uffdCtx !== ctx.id) continue;
    if ((v.flags & VM_UFFD_WP) !== 0) uffd_wp_range(m, mm, v, v.start, v.end, false);
    v.flags &= ~VM_UFFD_WP;
    delete v.uffdCtx;
    mm.vmas.mergeAround(v.start, v.end);
  }
}

/** dup_userfaultfd() without UFFD_FEATURE_EVENT_FORK (userfaultfd_reset_ctx): the child's VMA is not registered. @kernel fs/userfaultfd.c */
export function dup_userfaultfd(vma: Vma): void {
  if (vma.uffdCtx === undefined && (vma.flags & VM_UFFD_WP) === 0) return;
  vma.flags &= ~VM_UFFD_WP;
  delete vma.uffdCtx;
}
