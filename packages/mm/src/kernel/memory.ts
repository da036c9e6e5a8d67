/**
 * The fault paths and pte teardown of mm/memory.c: handle_mm_fault,
 * do_anonymous_page, do_wp_page, zap_pte_range.
 *
 * Era differences, each as the kernel had it:
 * - Read fault on private anon memory: 2.6.21 maps ZERO_PAGE as a normal,
 *   refcounted and rmap-counted page (do_anonymous_page, mm/memory.c
 *   v2.6.21); 6.18 maps the zero pfn with pte_mkspecial and no accounting.
 * - COW reuse in do_wp_page: 2.6.21 reuses an anon page when
 *   can_share_swap_page() — page_mapcount() == 1 (plus the swap count);
 *   6.18 reuses when PageAnonExclusive, or when the folio's refcount is 1
 *   once a swap cache no swap entry needs has let go (wp_can_reuse_anon_folio;
 *   a per-CPU LRU batch's reference counts too, swap.ts), and marks it
 *   exclusive again. The rule is
 *   the machine's cowPolicy (cow-policy.ts), defaulting to the era's.
 * - PMD-mapped THP (6.18, variants with a huge pmd format): the pmd level
 *   of handle_mm_fault and zap_pmd_range is huge_memory.ts's; a page of a
 *   large folio is COWed and zapped folio-aware (its reference is the
 *   folio's).
 *
 * @kernel mm/memory.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { BALANCE_FREE } from '../model/frames.js';
import { balance_pgdat } from './vmscan.reclaim.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_lru, PG_swapcache, PG_zero } from './page-flags.js';
import { lru_add_drain, lru_batch_refs } from './swap.js';
import { free_swap_cache } from './swap_state.js';
import { anon_vma_prepare, page_add_new_anon_rmap, page_remove_rmap } from './rmap.js';
import { do_fault, do_file_page } from './memory.fault.js';
import { do_swap_page } from './memory.swap.js';
import { migration_entry_wait } from './migrate.js';
import { can_share_swap_page, folio_free_swap, free_swap_and_cache, slotOffset, slotType } from './swapfile.js';
import { BUS_ADRERR, SEGV_ACCERR, SEGV_MAPERR, VM_FAULT_MAJOR, VM_FAULT_OK, VM_FAULT_RETRY, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV, OOM_SIGKILL, type AccessResult } from '../model/signals.js';
import { runPath, type KernelPath } from '../model/sched.js';
import { FAULT_OOM_KILLED, run_fault } from './oom_kill.js';
import { VM_HUGEPAGE, VM_LOCKED, VM_READ, VM_SHARED, VM_UFFD_WP, VM_WRITE, type Vma } from './vma.js';
// --- pte markers (guard regions, uffd-wp), userfaultfd-wp, mlock ---
import { handle_pte_marker, markerBits, setMarker } from './memory.pte_marker.js';
import { pte_mkuffd_wp, pteSwpUffdWp, pteUffdWp, uffd_wp_fault } from './userfaultfd.js';
import { mlock_drain_local, mlock_folio, mlockBatchPending, munlock_folio, munlock_range } from './mlock.js';
import { PTE_MARKER, PteClassCode } from '@mmsim/core';
import { pte_lock, pte_unlock } from '../model/locks.js';
import {
  entireMapcount,
  folioHead,
  PG_large,
  VM_FAULT_FALLBACK,
  zap_huge_pmds,
} from './huge_memory.js';
import { huge_pmd_access, huge_pmd_fault, wp_can_reuse_large_anon_folio } from './huge_memory.fault.js';
import { mapsPage, next_table_vpn } from './pagewalk.js';

export const FAULT_FLAG_WRITE = 1;

/** Map a new page at the pte: writable and dirty for a write fault. */
export function setAnonPte(m: Machine, mm: Mm, slot: number, frame: number, vma: Vma, write: boolean): void {
  m.mkPte(frame, vma.flags);
  if (write) m.mkWriteDirtyYoung();
  else m.modify('pte_mkyoung');
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}

/** do_anonymous_page(): a fault on a none pte of anonymous memory. */
export function do_anonymous_page(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, write: boolean): number {
  if (!write) {
    // 2.6.21: ZERO_PAGE is counted; 6.18: the special zero pfn is not.
    m.mkPte(m.zeroFrame, vma.flags & ~VM_WRITE);
    if (m.era === '6.18') m.modify('pte_mkspecial');
    else {
      m.frames.get(m.zeroFrame);
      m.frames.mapInc(m.zeroFrame);
    }
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
    return VM_FAULT_OK;
  }
  anon_vma_prepare(m, vma);
  const frame = m.frames.alloc();
  page_add_new_anon_rmap(m, frame, vma, vpn);
  setAnonPte(m, mm, slot, frame, vma, true);
  return VM_FAULT_OK;
}

/**
 * wp_page_copy(): COW into a new anon page, dropping the old mapping. An
 * unshare fault (FAULT_FLAG_UNSHARE, for a read-only FOLL_PIN) maps the copy
 * read-only and clean: it only makes the page exclusive.
 */
function wp_page_copy(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, old: number, unshare = false): void {
  const frame = alloc_anon_copy(m, vma, vpn, old);
  if ((vma.flags & VM_LOCKED) !== 0) munlock_folio(m, old); // folio_remove_rmap_pte → munlock_vma_folio
  page_remove_rmap(m, old);
  if (m.era === '6.18') free_swap_cache(m, old); // the copied-from folio leaves the swap cache if nothing names its slot (6.18 mm/memory.c 3791–3794)
  if (unshare) {
    m.mkPte(frame, vma.flags & ~VM_WRITE);
    m.modify('pte_mkyoung');
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
  } else setAnonPte(m, mm, slot, frame, vma, true);
}

/**
 * A new anon page holding `old`'s data, with its first rmap at `vpn` of
 * `vma` (the COW copy of wp_page_copy, do_cow_fault and fork's
 * copy_present_page). The caller installs the pte.
 */
export function alloc_anon_copy(m: Machine, vma: Vma, vpn: number, old: number): number {
  anon_vma_prepare(m, vma);
  const frame = m.frames.alloc();
  m.frames.tag[frame] = m.frames.tag[old]!;
  page_add_new_anon_rmap(m, frame, vma, vpn);
  return frame;
}

/** A page of a PTE-mapped large folio: the folio's counts decide (6.18 wp_can_reuse_anon_folio → __wp_can_reuse_large_anon_folio). */
function can_reuse_large_anon_page(m: Machine, mm: Mm, frame: number): boolean {
  const f = m.frames;
  const head = folioHead(m, frame);
  if (m.cowPolicy === 'mapcount') return f.maps(frame) + entireMapcount(m, head) === 1;
  if (m.cowPolicy === 'refcount') return f.refs(head) === 1;
  return (f.flags[frame]! & PG_anon_exclusive) !== 0 || wp_can_reuse_large_anon_folio(m, mm, frame);
}

/** Whether do_wp_page may reuse the anon page under the machine's COW rule (cow-policy.ts). */
function can_reuse_anon_page(m: Machine, mm: Mm, frame: number): boolean {
  const f = m.frames;
  const policy = m.cowPolicy;
  // a KSM page (PageKsm: anon with a negative mapping, ksm.ts) is never reused, even mapped once (6.18 wp_can_reuse_anon_folio: folio_test_ksm)
  if (f.mapping[frame]! < 0) return false;
  if ((f.flags[frame]! & PG_large) !== 0) return can_reuse_large_anon_page(m, mm, frame);
  if (policy === 'mapcount') return can_share_swap_page(m, frame); // mapcount, plus the swap entries still naming a swap-cache page
  if (policy === 'refcount') return f.refs(frame) - ((f.flags[frame]! & PG_swapcache) !== 0 ? 1 : 0) === 1;
  return (f.flags[frame]! & PG_anon_exclusive) !== 0 || wp_can_reuse_anon_folio(m, frame);
}

/**
 * wp_can_reuse_anon_folio() for a small folio (6.18 mm/memory.c 3986–4025):
 * the references must come to this mapping's, plus the swap cache's, which
 * folio_free_swap then drops when no swap entry names the slot any more; a
 * per-CPU batch's reference (swap.ts) is drained only for a folio off the LRU.
 */
function wp_can_reuse_anon_folio(m: Machine, frame: number): boolean {
  const f = m.frames;
  if (f.refs(frame) + lru_batch_refs(m, frame) > 3) return false;
  if ((f.flags[frame]! & PG_lru) === 0) lru_add_drain(m);
  const swapcache = (f.flags[frame]! & PG_swapcache) !== 0;
  if (f.refs(frame) + lru_batch_refs(m, frame) > (swapcache ? 2 : 1)) return false;
  if (swapcache) {
    const id = f.swapSlot.get(frame);
    const dev = id === undefined ? undefined : m.swaps[slotType(id)];
    if (dev && dev.map[slotOffset(id!)] === 0) folio_free_swap(m, dev, slotOffset(id!));
  }
  return f.refs(frame) + lru_batch_refs(m, frame) === 1;
}

/**
 * do_wp_page(): a write fault on a present, write-protected pte — or, with
 * `unshare`, the FAULT_FLAG_UNSHARE fault GUP takes to make an anon page
 * exclusive before a read-only pin (5.19+).
 */
export function do_wp_page(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, unshare = false): number {
  // userfaultfd_pte_wp(): a uffd-wp pte in an async context loses its bit, and the write fault goes on (userfaultfd.ts)
  if ((vma.flags & VM_UFFD_WP) !== 0 && !unshare) uffd_wp_fault(m, mm, vma, slot);
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  const frame = m.pteFrame(hi, lo);
  const f = m.frames;
  if (frame === m.zeroFrame) {
    if (!unshare) wp_page_copy(m, mm, vma, vpn, slot, frame);
    return VM_FAULT_OK;
  }
  if ((f.flags[frame]! & PG_anon) !== 0 && (f.flags[frame]! & PG_zero) === 0) {
    if (can_reuse_anon_page(m, mm, frame)) {
      if (m.cowPolicy === 'anon-exclusive') f.flags[frame]! |= PG_anon_exclusive;
      if (unshare) return VM_FAULT_OK; // exclusive now; the pte stays as it was
      m.pteHi = hi;
      m.pteLo = lo;
      m.mkWriteDirtyYoung();
      mm.pgtable.set(slot, m.pteHi, m.pteLo);
      return VM_FAULT_OK;
    }
    wp_page_copy(m, mm, vma, vpn, slot, frame, unshare);
    return VM_FAULT_OK;
  }
  if (unshare) return VM_FAULT_OK; // only anon pages are unshared
  if (vma.flags & VM_SHARED) {
    // wp_page_shared(): a shared mapping writes the page itself (page_mkwrite, then dirty)
    f.flags[frame]! |= PG_dirty;
    m.pteHi = hi;
    m.pteLo = lo;
    m.modify('pte_mkwrite');
    m.modify('pte_mkdirty');
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
    return VM_FAULT_OK;
  }
  wp_page_copy(m, mm, vma, vpn, slot, frame);
  return VM_FAULT_OK;
}

/** A none pte in a VMA with a file: do_fault, or — for a device that set no vm_ops — the `anon` rule. */
function do_none_file_pte(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, write: boolean): number {
  if (vma.noVmOps === true) {
    // a special device that set no vm_ops: vma_is_anonymous() (vm_ops NULL) gets anonymous memory;
    // under vma_dummy_vm_ops do_fault() finds no ->fault: SIGBUS (6.18 mm/memory.c do_fault; policies.ts `anon`)
    return m.policies.anon === 'dummy_vm_ops' ? VM_FAULT_SIGBUS : do_anonymous_page(m, mm, vma, vpn, slot, write);
  }
  return run_fault_path(m, do_fault(m, mm, vma, vpn, slot, write));
}

/** A fault path run in place, or — when access_path asked (sched.deferFaults) — handed to it to run with its stops. */
function run_fault_path(m: Machine, path: KernelPath<number>): number {
  if (!m.sched.deferFaults) return runPath(path);
  m.sched.pending = path;
  return VM_FAULT_RETRY;
}

/** handle_pte_fault(): dispatch on what the pte holds (already read by the caller). */
export function handle_pte_fault(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, hi: number, lo: number, cls: number, write: boolean): number {
  if (cls === PteClassCode.none) {
    if (vma.file === null) return do_anonymous_page(m, mm, vma, vpn, slot, write);
    return do_none_file_pte(m, mm, vma, vpn, slot, write);
  }
  if (cls === PteClassCode.present) {
    if (write && !m.pteWrite(hi, lo)) return do_wp_page(m, mm, vma, vpn, slot);
    return VM_FAULT_OK; // a spurious fault: only the accessed/dirty bits
  }
  if (cls === PteClassCode.swap) {
    if ((vma.flags & (VM_UFFD_WP | VM_LOCKED)) !== 0) return swap_fault_uffd_mlock(m, mm, vma, vpn, slot, hi, lo, write);
    const ret = do_swap_page(m, mm, vma, vpn, slot, write);
    // a write do_swap_page could not map writable goes on into do_wp_page in the same fault (6.18 mm/memory.c 4974–4979)
    if (write && m.era === '6.18' && ret !== VM_FAULT_SIGBUS && m.variant.fast.pte_present(mm.pgtable.hi(slot), mm.pgtable.lo(slot)) && !m.pteWrite(mm.pgtable.hi(slot), mm.pgtable.lo(slot))) do_wp_page(m, mm, vma, vpn, slot);
    return ret;
  }
  if (cls === PteClassCode.file) return run_fault_path(m, do_file_page(m, mm, vma, vpn, slot, hi, lo, write));
  // do_swap_page on a migration entry: wait for the migration, then retry (migrate.ts)
  if (cls === PteClassCode.migration) return migration_entry_wait(m, mm, vpn, hi, lo);
  // a guard region or a uffd-wp marker (6.18 do_swap_page → handle_pte_marker, memory.pte_marker.ts)
  if (cls === PteClassCode.marker) return handle_pte_marker(m, mm, vma, vpn, slot, hi, lo, write);
  return VM_FAULT_SIGBUS;
}

/**
 * do_swap_page() in a uffd-wp or mlocked VMA: a swap pte with the uffd-wp
 * bit maps its page with the bit (pte_mkuffd_wp, no write upgrade:
 * userfaultfd_pte_wp), and a write fault then goes on in do_wp_page, which
 * resolves it; the page mapped in a VM_LOCKED VMA is mlocked
 * (folio_add_anon_rmap_ptes / folio_add_lru_vma → mlock).
 */
function swap_fault_uffd_mlock(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, hi: number, lo: number, write: boolean): number {
  const uffd = (vma.flags & VM_UFFD_WP) !== 0 && pteSwpUffdWp(m, hi, lo);
  const ret = do_swap_page(m, mm, vma, vpn, slot, write && !uffd);
  const nhi = mm.pgtable.hi(slot);
  const nlo = mm.pgtable.lo(slot);
  if (!m.variant.fast.pte_present(nhi, nlo)) return ret;
  if ((vma.flags & VM_LOCKED) !== 0) mlock_folio(m, m.pteFrame(nhi, nlo));
  if (uffd) {
    m.pteHi = nhi;
    m.pteLo = nlo;
    pte_mkuffd_wp(m);
    mm.pgtable.set(slot, m.pteHi, m.pteLo);
    if (write) do_wp_page(m, mm, vma, vpn, slot);
  }
  return ret;
}

/**
 * handle_mm_fault(): the pmd level first where a THP may be (create_huge_pmd
 * on a none pmd, wp_huge_pmd / huge_pmd_set_accessed on a huge one:
 * huge_memory.ts, 6.18 mm/memory.c __handle_mm_fault), then walk
 * (allocating the tables) to the pte and handle_pte_fault.
 */
export function handle_mm_fault(m: Machine, mm: Mm, vma: Vma, vpn: number, flags: number): number {
  if ((vma.flags & VM_HUGEPAGE) !== 0 || mm.pgtable.huge.size !== 0) {
    const ret = huge_pmd_fault(m, mm, vma, vpn, (flags & FAULT_FLAG_WRITE) !== 0);
    if (ret !== VM_FAULT_FALLBACK) return ret;
  }
  const slot = mm.pgtable.walk(vpn, true);
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  return handle_pte_fault(m, mm, vma, vpn, slot, hi, lo, m.variant.fast.classify(hi, lo), (flags & FAULT_FLAG_WRITE) !== 0);
}

/** touch() status codes, the signal a bad access gets */
export const TOUCH_OK = 0;
export const TOUCH_SEGV_MAPERR = 1;
export const TOUCH_SEGV_ACCERR = 2;
export const TOUCH_SIGBUS = 3;
/** the fault was deferred (VM_FAULT_RETRY): run m.sched.pending, then touch again */
export const TOUCH_RETRY = 4;

/**
 * A user access of one page, allocation-free: the arch fault handler's
 * checks (no VMA → SEGV_MAPERR, wrong permission → SEGV_ACCERR), the fault,
 * then the access. Returns a TOUCH_* code; the tag read and the fault
 * counts are left in m.lastTag, m.lastMinor, m.lastMajor.
 */
export function touch(m: Machine, mm: Mm, vpn: number, write: boolean, tag: number): number {
  if (m.frames.max - m.frames.inUse < BALANCE_FREE) balance_pgdat(m);
  const vma = mm.vmas.lookup(vpn);
  if (!vma) return TOUCH_SEGV_MAPERR;
  if (write ? (vma.flags & VM_WRITE) === 0 : (vma.flags & VM_READ) === 0) return TOUCH_SEGV_ACCERR;
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  let minor = 0;
  let major = 0;
  for (let tries = 0; tries < 3; tries++) {
    const slot = pt.walk(vpn, false);
    if (slot < 0 && pt.huge.size !== 0) {
      // no pte table: a huge pmd the MMU walks to (a PMD-mapped THP or the huge zero folio)?
      const frame = huge_pmd_access(m, mm, vpn, write, tag);
      if (frame >= 0) {
        m.lastTag = m.frames.tag[frame]!;
        m.lastMinor = minor;
        m.lastMajor = major;
        return TOUCH_OK;
      }
    }
    const hi = slot < 0 ? 0 : pt.hi(slot);
    const lo = slot < 0 ? 0 : pt.lo(slot);
    const cls = slot < 0 ? PteClassCode.none : fast.classify(hi, lo);
    if (cls === PteClassCode.present && (!write || m.pteWrite(hi, lo))) {
      const frame = m.pteFrame(hi, lo);
      if (write) {
        m.frames.tag[frame] = tag;
        // the MMU sets the pte's dirty bit; the folio's PG_dirty only follows at unmap/reclaim
        if (!m.isPteDirty(hi, lo)) {
          m.pteHi = hi;
          m.pteLo = lo;
          m.mkWriteDirtyYoung(); // the pte is writable already: only dirty/young change
          pt.set(slot, m.pteHi, m.pteLo);
        }
      }
      m.lastTag = m.frames.tag[frame]!;
      m.lastMinor = minor;
      m.lastMajor = major;
      return TOUCH_OK;
    }
    const ret = slot < 0 ? handle_mm_fault(m, mm, vma, vpn, write ? FAULT_FLAG_WRITE : 0) : handle_pte_fault(m, mm, vma, vpn, slot, hi, lo, cls, write);
    if (ret === VM_FAULT_SIGBUS) return TOUCH_SIGBUS;
    if (ret === VM_FAULT_SIGSEGV) return TOUCH_SEGV_MAPERR; // a guard region
    if (ret === VM_FAULT_RETRY) return TOUCH_RETRY;
    if (ret === VM_FAULT_MAJOR) major++;
    else minor++;
  }
  throw new Error(`fault loop at vpn ${vpn}: the pte never became accessible`);
}

/** touch() with its result as an object (for scripts and tests). */
export function access(m: Machine, mm: Mm, vpn: number, write: boolean, tag?: number): AccessResult {
  // a fault that runs out of frames: reclaim, then the OOM killer (oom_kill.ts); SIGKILL when this process is its victim
  const code = run_fault(m, mm, () => touch(m, mm, vpn, write, tag ?? 0));
  if (code === FAULT_OOM_KILLED) return OOM_SIGKILL;
  if (code === TOUCH_SEGV_MAPERR) return SEGV_MAPERR;
  if (code === TOUCH_SEGV_ACCERR) return SEGV_ACCERR;
  if (code === TOUCH_SIGBUS) return BUS_ADRERR;
  return { ok: true, tag: m.tags.name(m.lastTag), minor: m.lastMinor, major: m.lastMajor };
}

/**
 * access() as a kernel path: the same touch(), but a file fault stops at
 * its lock points when the explorer drives the machine (the fault path is
 * deferred to here and the access retried, as after VM_FAULT_RETRY).
 */
export function* access_path(m: Machine, mm: Mm, vpn: number, write: boolean, tag?: number): KernelPath<AccessResult> {
  let minor = 0;
  let major = 0;
  for (;;) {
    m.sched.deferFaults = m.sched.on;
    let code: number | typeof FAULT_OOM_KILLED;
    try {
      code = run_fault(m, mm, () => touch(m, mm, vpn, write, tag ?? 0));
    } finally {
      m.sched.deferFaults = false;
    }
    if (code === FAULT_OOM_KILLED) return OOM_SIGKILL;
    if (code === TOUCH_RETRY) {
      const path = m.sched.pending!;
      m.sched.pending = null;
      const ret = yield* path;
      if (ret === VM_FAULT_SIGBUS) return BUS_ADRERR;
      if (ret === VM_FAULT_MAJOR) major++;
      else minor++;
      continue;
    }
    if (code === TOUCH_SEGV_MAPERR) return SEGV_MAPERR;
    if (code === TOUCH_SEGV_ACCERR) return SEGV_ACCERR;
    if (code === TOUCH_SIGBUS) return BUS_ADRERR;
    return { ok: true, tag: m.tags.name(m.lastTag), minor: m.lastMinor + minor, major: m.lastMajor + major };
  }
}

/** zap_pte_range's state on the Machine (m.zap) */
export interface ZapState {
  /**
   * Pages whose pte zap_pte_range has cleared but whose rmap it has not yet
   * dropped, by frame: the state at its stop between the two (explorer runs
   * only; undefined until the first such stop). Legal under the pte lock the
   * zap holds, so checkInvariants counts them as still mapped.
   */
  pages: Map<number, number> | undefined;
  /** zap_ptes' out-parameter: the page of the present pte it cleared and stopped at (its rmap not yet dropped) */
  frame: number;
}

/** The pages mid-zap (see ZapState.pages), or undefined. */
export function zappingOf(m: Machine): ReadonlyMap<number, number> | undefined {
  return m.zap.pages;
}

/**
 * zap_pmd_range() + zap_pte_range() (6.18 mm/memory.c) over [start, end) of
 * one VMA, as a kernel path: under the pte lock, huge pmds first
 * (huge_memory.ts zap_huge_pmds: whole ones go, partly covered ones are
 * split), then each pte is cleared (ptep_get_and_clear_full) and only then
 * is its page's rmap dropped (zap_present_folio_ptes →
 * folio_remove_rmap_ptes). Between the two a lockless reader sees a none
 * pte while the page is still counted as mapped — the window of the 2021
 * THP split race: while the explorer drives the machine the path stops
 * there (the stop is inline: one generator per call, none per pte).
 * `reclaimPt`: PT_RECLAIM (6.14+, x86_64 only: ARCH_SUPPORTS_PT_RECLAIM)
 * frees a pte table MADV_DONTNEED left empty over its whole range.
 * `mmapLocked`: the caller holds mmap_lock (munmap, madvise, exit).
 * `keepMarkers`: zap_details NULL (MADV_DONTNEED, guard install's zap):
 * guard markers stay, and in a file VMA uffd-wp markers too — a uffd-wp pte
 * of a registered file VMA even leaves one (zap_install_uffd_wp_if_needed);
 * without it (munmap, exit: ZAP_FLAG_DROP_MARKER) every marker goes.
 * A VM_LOCKED VMA's pages are munlocked first (munlock_vma_folio), and the
 * TLB flush's lru_add_drain drains the mlock batch (mlock.ts).
 */
export function* zap_pte_range_path(m: Machine, mm: Mm, vma: Vma, start: number, end: number, reclaimPt = false, mmapLocked = true, keepMarkers = false): KernelPath {
  yield* pte_lock(m, mm, 'zap_pte_range: pte lock; ptep_get_and_clear');
  if (mm.pgtable.huge.size !== 0) zap_huge_pmds(m, mm, vma, start, end, mmapLocked);
  if ((vma.flags & VM_LOCKED) !== 0) munlock_range(m, mm, start, end);
  const file = vma.file !== null || vma.shmem;
  const markers = !keepMarkers ? ZAP_DROP_MARKERS : !file ? ZAP_KEEP_GUARD : (vma.flags & VM_UFFD_WP) === 0 ? ZAP_KEEP_MARKERS : ZAP_INSTALL_UFFD_WP;
  for (let vpn = start; vpn < end; ) {
    // sequentially one call clears the whole range; under the explorer it returns at each present pte it cleared
    vpn = zap_ptes(m, mm, vpn, end, m.sched.on, markers);
    if (vpn >= end) break;
    const frame = m.zap.frame;
    const z = (m.zap.pages ??= new Map());
    z.set(frame, (z.get(frame) ?? 0) + 1);
    yield m.sched.point('zap_pte_range: folio_remove_rmap_ptes (the pte is none already; the page still counts it as mapped until now)');
    const n = z.get(frame)! - 1;
    if (n === 0) z.delete(frame);
    else z.set(frame, n);
    page_remove_rmap(m, frame);
    vpn++;
  }
  if (reclaimPt) reclaim_pt(m, mm, start, end);
  if (mlockBatchPending(m)) mlock_drain_local(m); // tlb_finish_mmu → free_pages_and_swap_cache → lru_add_drain
  yield* pte_unlock(m, mm, 'zap_pte_range: pte lock dropped');
}

/** zap_ptes' marker modes (zap_nonpresent_ptes, zap_install_uffd_wp_if_needed) */
const ZAP_DROP_MARKERS = 0;
/** an anon VMA with zap_details NULL: guard markers stay, uffd-wp markers go */
const ZAP_KEEP_GUARD = 1;
/** a file VMA: every marker stays */
const ZAP_KEEP_MARKERS = 2;
/** a file VMA registered for uffd-wp: a uffd-wp pte (present or swap) leaves a uffd-wp marker */
const ZAP_INSTALL_UFFD_WP = 3;

/** whether zap_nonpresent_ptes keeps this marker pte */
function keepMarker(m: Machine, hi: number, lo: number, markers: number): boolean {
  const bits = markerBits(m, hi, lo);
  return (bits & PTE_MARKER.GUARD) !== 0 || (markers >= ZAP_KEEP_MARKERS && (bits & PTE_MARKER.UFFD_WP) !== 0);
}

/**
 * The per-pte part of zap_pte_range over [start, end): each pte cleared,
 * swap entries freed, a present page's dirty bit passed on and its rmap
 * dropped — unless `stop`, when it returns the vpn of the first present pte
 * it cleared (its page in m.zap.frame, the rmap left to the caller). Returns
 * `end` when done. Plain code: the sequential simulator's munmap and exit
 * run it allocation-free.
 */
function zap_ptes(m: Machine, mm: Mm, start: number, end: number, stop: boolean, markers: number): number {
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  for (let vpn = start; vpn < end; vpn++) {
    const slot = pt.walk(vpn, false);
    if (slot < 0) {
      // skip the missing pte table, and any empty upper levels after it
      vpn = next_table_vpn(pt, vpn, end) - 1;
      continue;
    }
    const hi = pt.hi(slot);
    const lo = pt.lo(slot);
    const cls = fast.classify(hi, lo);
    if (cls === PteClassCode.none) continue;
    if (cls === PteClassCode.swap) {
      const dev = m.swaps[fast.pte_to_swp_type(hi, lo)];
      if (dev) free_swap_and_cache(m, dev, fast.pte_to_swp_offset_lo(hi, lo));
      pt.set(slot, 0, 0);
      if (markers === ZAP_INSTALL_UFFD_WP && pteSwpUffdWp(m, hi, lo)) setMarker(m, mm, slot, PTE_MARKER.UFFD_WP);
    } else if (mapsPage(cls)) {
      const frame = m.pteFrame(hi, lo);
      // the pte's dirty bit moves to the file page before the pte goes (set_page_dirty)
      if ((m.frames.flags[frame]! & PG_anon) === 0 && m.isPteDirty(hi, lo) && frame !== m.zeroFrame) m.frames.flags[frame]! |= PG_dirty;
      pt.set(slot, 0, 0);
      if (markers === ZAP_INSTALL_UFFD_WP && pteUffdWp(m, hi, lo)) setMarker(m, mm, slot, PTE_MARKER.UFFD_WP);
      if (stop) {
        m.zap.frame = frame;
        return vpn;
      }
      page_remove_rmap(m, frame);
    } else if (markers === ZAP_DROP_MARKERS || cls !== PteClassCode.marker || !keepMarker(m, hi, lo, markers)) {
      pt.set(slot, 0, 0);
    }
  }
  return end;
}

/**
 * PT_RECLAIM (6.14+, mm/pt_reclaim.c via zap_pte_range): a pte table whose
 * whole range MADV_DONTNEED zapped goes when every pte in it is none, so
 * the pmd is none again (the host's thp_anon recording: a THP is faulted
 * in there next). Only where the arch selects ARCH_SUPPORTS_PT_RECLAIM
 * (arch/x86/Kconfig: X86_64).
 */
function reclaim_pt(m: Machine, mm: Mm, start: number, end: number): void {
  if (!m.variant.caps.ptReclaim) return;
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  const n = pt.ptrsPerPte;
  for (let base = Math.ceil(start / n) * n; base + n <= end; base += n) {
    // only the pmd entries that exist: an empty range costs nothing
    base = pt.nextPopulated(base, end);
    if (base % n !== 0 || base + n > end) break;
    const ps = pt.pmdSlot(base, false);
    if (ps < 0) continue;
    const t = pt.tableBase(ps);
    if (t < 0) continue;
    let empty = true;
    for (let i = 0; i < n && empty; i++) empty = fast.pte_none(pt.hi(t + i), pt.lo(t + i));
    if (empty) pt.freePteTable(ps);
  }
}

/** zap_pte_range() run whole (munmap, exit, MADV_DONTNEED outside the explorer). */
export function zap_pte_range(m: Machine, mm: Mm, vma: Vma, start: number, end: number): void {
  runPath(zap_pte_range_path(m, mm, vma, start, end));
}
