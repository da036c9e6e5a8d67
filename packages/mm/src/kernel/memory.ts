/**
 * The fault paths of mm/memory.c: handle_mm_fault, handle_pte_fault,
 * do_anonymous_page (do_wp_page is memory.wp.ts, the teardown,
 * zap_pte_range, memory.zap.ts).
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
 *   of handle_mm_fault is huge_pmd_fault below, its THP paths in
 *   huge_memory.fault.ts, zap_pmd_range huge_memory.ts's; a page of a
 *   large folio is COWed and zapped folio-aware (its reference is the
 *   folio's).
 *
 * @kernel mm/memory.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { BALANCE_FREE } from '../model/frames.js';
import { balance_pgdat } from './vmscan.reclaim.js';
import { PG_dirty } from './page-flags.js';
import { anon_vma_prepare, page_add_new_anon_rmap } from './rmap.js';
import { do_fault, do_file_page } from './memory.fault.js';
import { do_swap_page } from './memory.swap.js';
import { migration_entry_wait } from './migrate.js';
import { BUS_ADRERR, SEGV_ACCERR, SEGV_MAPERR, VM_FAULT_MAJOR, VM_FAULT_OK, VM_FAULT_RETRY, VM_FAULT_SIGBUS, VM_FAULT_SIGSEGV, OOM_SIGKILL, type AccessResult } from '../model/signals.js';
import { runPath, SITE_ACCESS, type KernelPath } from '../model/sched.js';
import { FAULT_OOM_KILLED, run_fault } from './oom_kill.js';
import { VM_HUGEPAGE, VM_LOCKED, VM_READ, VM_UFFD_WP, VM_WRITE, type Vma } from './vma.js';
// --- pte markers (guard regions, uffd-wp), userfaultfd-wp, mlock ---
import { handle_pte_marker } from './memory.pte_marker.js';
import { pte_mkuffd_wp, pteSwpUffdWp } from './userfaultfd.js';
import { mlock_folio } from './mlock.js';
import { PteClassCode } from '@mmsim/core';
import { pte_lock, pte_unlock } from '../model/locks.js';
import { huge_pmd_mkyoung, thp_vma_allowable, VM_FAULT_FALLBACK } from './huge_memory.js';
import { PMD_HUGE, PMD_NONE } from '../model/pagetable.js';
import { do_huge_pmd_anonymous_page, do_huge_pmd_wp_page, huge_pmd_access } from './huge_memory.fault.js';
import { do_wp_page, do_wp_page_path, setAnonPte } from './memory.wp.js';
import { noteValue, V_VMA_IS_ANONYMOUS } from '../model/step-values.js';

export const FAULT_FLAG_WRITE = 1;

/**
 * do_anonymous_page(): a fault on a none pte of anonymous memory. The
 * kernel allocates the page before it takes the pte lock, then under the
 * lock re-checks that the pte is still none and backs out (frees the page,
 * the access retries) if another fault got there first (6.18 mm/memory.c
 * 5178–5213, vmf_pte_changed 5450–5456; 2.6.21 2091–2119, the zero page's
 * reference also taken before the lock). Sequentially nothing can run in
 * between, so the page is mapped at once; while the explorer drives the
 * machine (sched.deferFaults) the allocation happens here and the locked
 * part is left as a path with its stops (do_anonymous_page_locked).
 */
export function do_anonymous_page(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, write: boolean): number {
  if (!write) {
    if (m.sched.deferFaults) return defer_fault(m, do_anonymous_page_locked(m, mm, vma, vpn, -1));
    set_zero_pte(m, mm, vma, slot, false);
    return VM_FAULT_OK;
  }
  anon_vma_prepare(m, vma);
  const frame = m.frames.alloc();
  if (m.sched.deferFaults) {
    m.sched.held.adopt(frame); // the new folio is the fault's own until its pte holds it
    return defer_fault(m, do_anonymous_page_locked(m, mm, vma, vpn, frame));
  }
  page_add_new_anon_rmap(m, frame, vma, vpn);
  setAnonPte(m, mm, slot, frame, vma, true);
  return VM_FAULT_OK;
}

/** The zero page's read-only pte: 2.6.21 counts it (a reference and a mapcount; `counted`: the reference is taken already), 6.18 maps the special zero pfn. */
function set_zero_pte(m: Machine, mm: Mm, vma: Vma, slot: number, counted: boolean): void {
  m.mkPte(m.zeroFrame, vma.flags & ~VM_WRITE);
  if (m.era === '6.18') m.modify('pte_mkspecial');
  else {
    if (!counted) m.frames.get(m.zeroFrame);
    m.frames.mapInc(m.zeroFrame);
  }
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}

/**
 * do_anonymous_page from pte_offset_map_lock on, as a kernel path: `frame`
 * is the page allocated (held by the path), or -1 for a read fault's zero
 * page. Under the pte lock: a pte that is no longer none (another thread's
 * fault won), or a pte table that went, backs out — folio_put, unlock, and
 * the access retries on what the winner mapped.
 */
function* do_anonymous_page_locked(m: Machine, mm: Mm, vma: Vma, vpn: number, frame: number): KernelPath<number> {
  const held = m.sched.held;
  const counted = frame < 0 && m.era === '2.6.21';
  if (counted) held.hold(m.zeroFrame); // page_cache_get(ZERO_PAGE) before the lock (2.6.21 2112–2113)
  yield* pte_lock(m, mm, 'do_anonymous_page: pte_offset_map_lock; is the pte still none?');
  const pt = mm.pgtable;
  const slot = pt.walk(vpn, false);
  if (slot < 0 || !m.variant.fast.pte_none(pt.hi(slot), pt.lo(slot))) {
    // release: another fault mapped the page first (vmf_pte_changed / !pte_none): drop ours
    if (frame >= 0) held.release(frame);
    else if (counted) held.release(m.zeroFrame);
    yield* pte_unlock(m, mm, 'do_anonymous_page: the pte changed under us: page released, pte lock dropped');
    return VM_FAULT_OK;
  }
  if (frame < 0) {
    if (counted) held.disown(m.zeroFrame);
    set_zero_pte(m, mm, vma, slot, counted);
  } else {
    held.disown(frame);
    page_add_new_anon_rmap(m, frame, vma, vpn);
    setAnonPte(m, mm, slot, frame, vma, true);
  }
  yield* pte_unlock(m, mm, 'do_anonymous_page: set_pte_at done, pte lock dropped');
  return VM_FAULT_OK;
}

/** Hand a fault's path to access_path (sched.deferFaults) to run with its stops: VM_FAULT_RETRY. */
function defer_fault(m: Machine, path: KernelPath<number>): number {
  m.sched.pending = path;
  return VM_FAULT_RETRY;
}

/** A none pte in a VMA with a file: do_fault, or — for a device that set no vm_ops — the `anon` rule. */
function do_none_file_pte(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, write: boolean): number {
  if (vma.noVmOps === true) {
    noteValue(m, V_VMA_IS_ANONYMOUS, m.policies.anon !== 'dummy_vm_ops'); // vma_is_anonymous() of a VMA without vm_ops (mm.ts)
    // a special device that set no vm_ops: vma_is_anonymous() (vm_ops NULL) gets anonymous memory;
    // under vma_dummy_vm_ops do_fault() finds no ->fault: SIGBUS (6.18 mm/memory.c do_fault; policies.ts `anon`)
    return m.policies.anon === 'dummy_vm_ops' ? VM_FAULT_SIGBUS : do_anonymous_page(m, mm, vma, vpn, slot, write);
  }
  return run_fault_path(m, do_fault(m, mm, vma, vpn, slot, write));
}

/** A fault path run in place, or — when access_path asked (sched.deferFaults) — handed to it to run with its stops. */
function run_fault_path(m: Machine, path: KernelPath<number>): number {
  return m.sched.deferFaults ? defer_fault(m, path) : runPath(path);
}

/**
 * handle_pte_fault(): dispatch on what the pte holds. `cls` is the class of
 * the pte the caller just read (vmf->orig_pte); the words are read here
 * again, so no caller passes a pte word ≥ 2^31 through a call (V8 would box
 * it: an allocation per fault).
 */
export function handle_pte_fault(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, cls: number, write: boolean): number {
  if (cls === PteClassCode.none) {
    if (vma.file === null) return do_anonymous_page(m, mm, vma, vpn, slot, write);
    return do_none_file_pte(m, mm, vma, vpn, slot, write);
  }
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  if (cls === PteClassCode.present) {
    // under the explorer the write fault stops at the pte lock (do_wp_page_path, memory.wp.ts)
    if (write && !m.pteWrite(hi, lo)) return m.sched.deferFaults ? defer_fault(m, do_wp_page_path(m, mm, vma, vpn, hi, lo)) : do_wp_page(m, mm, vma, vpn, slot);
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
 * huge_pmd_fault below, 6.18 mm/memory.c __handle_mm_fault), then walk
 * (allocating the tables) to the pte and handle_pte_fault.
 */
export function handle_mm_fault(m: Machine, mm: Mm, vma: Vma, vpn: number, flags: number): number {
  if ((vma.flags & VM_HUGEPAGE) !== 0 || mm.pgtable.huge.size !== 0) {
    const ret = huge_pmd_fault(m, mm, vma, vpn, (flags & FAULT_FLAG_WRITE) !== 0);
    if (ret !== VM_FAULT_FALLBACK) return ret;
  }
  const slot = mm.pgtable.walk(vpn, true);
  return handle_pte_fault(m, mm, vma, vpn, slot, m.variant.fast.classify(mm.pgtable.hi(slot), mm.pgtable.lo(slot)), (flags & FAULT_FLAG_WRITE) !== 0);
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
    const ret = slot < 0 ? handle_mm_fault(m, mm, vma, vpn, write ? FAULT_FLAG_WRITE : 0) : handle_pte_fault(m, mm, vma, vpn, slot, cls, write);
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
 * access() as a kernel path: the same touch(), but a file fault, or an
 * anonymous fault from its pte lock on, stops at its lock points when the
 * explorer drives the machine (the fault path is deferred to here and the
 * access retried, as after VM_FAULT_RETRY).
 */
export function* access_path(m: Machine, mm: Mm, vpn: number, write: boolean, tag?: number): KernelPath<AccessResult> {
  let minor = 0;
  let major = 0;
  const base = m.sched.declaredN; // declared stops (sched.ts): this frame, then the fault path's
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
      // what this frame reads after the fault path: the access (the mm is the op's process) and the counts so far
      if (m.sched.on) m.sched.declare(base, SITE_ACCESS).and(vpn).and(write ? 1 : 0).and(tag ?? -1).and(minor).and(major);
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

/**
 * The pmd level of handle_mm_fault (6.18 mm/memory.c __handle_mm_fault):
 * create_huge_pmd() on a none pmd where a THP is allowed, wp_huge_pmd() /
 * huge_pmd_set_accessed() on a huge one. VM_FAULT_FALLBACK: go on to the
 * pte level (the pmd is none or a pte table then). (6.18 mm/memory.c
 * 6056–6096 create_huge_pmd / wp_huge_pmd, 6245 __handle_mm_fault.)
 *
 * @kernel mm/memory.c
 */
export function huge_pmd_fault(m: Machine, mm: Mm, vma: Vma, vpn: number, write: boolean): number {
  const pt = mm.pgtable;
  const ps = pt.pmdSlot(vpn, true);
  const kind = pt.pmdKind(ps);
  if (kind === PMD_NONE) {
    if (!thp_vma_allowable(m, vma, vpn)) return VM_FAULT_FALLBACK;
    return do_huge_pmd_anonymous_page(m, mm, vma, vpn, ps, write);
  }
  if (kind !== PMD_HUGE) return VM_FAULT_FALLBACK;
  const h = pt.hugeAt(ps)!;
  if (write && !m.pteWrite(h.hi, h.lo)) return do_huge_pmd_wp_page(m, mm, vma, vpn, ps);
  huge_pmd_mkyoung(m, h, write); // huge_pmd_set_accessed(): only the young (and, writing, dirty) bits
  return VM_FAULT_OK;
}
