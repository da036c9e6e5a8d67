/**
 * mlock(2) / munlock(2) (mm/mlock.c), both eras.
 *
 * The VMA side (both eras): mlock_fixup splits the range off and sets
 * VM_LOCKED (smaps "lo"), then the range is populated (__mm_populate,
 * populate_vma_page_range: write faults for a private writable mapping,
 * read faults otherwise, nothing where the VMA is PROT_NONE); munlock
 * clears it. A range with a hole is ENOMEM after the VMAs before the hole
 * were done (apply_vma_lock_flags); an empty one is a no-op. The child of a
 * fork does not inherit VM_LOCKED (dup_mmap: VM_LOCKED_MASK cleared).
 * MADV_DONTNEED/FREE/COLD/PAGEOUT/REMOVE refuse a locked VMA with EINVAL
 * (6.18 can_madv_lru_vma, madvise_dontneed_free_valid_vma,
 * madvise_remove; 2.6.21 madvise_dontneed, madvise_remove).
 *
 * The page side, 6.18 (the unevictable LRU, 2.6.28+): a page mapped in a
 * VM_LOCKED VMA is PG_mlocked at once — mlock_folio for a page already
 * mapped (mlock_pte_range) or mapped by a fault (folio_add_*_rmap →
 * mlock_vma_folio), mlock_new_folio for a new anon page
 * (folio_add_lru_vma) — while PG_unevictable and the folio's mlock_count
 * wait in the per-CPU mlock_fbatch until it drains (mlock_folio_batch →
 * __mlock_folio / __mlock_new_folio / __munlock_folio). Unmapping it from
 * a locked VMA (zap, COW) queues munlock_folio; at the drain the count
 * drops and at 0 PG_mlocked and PG_unevictable are cleared. The batch
 * drains when it is full (PAGEVEC_SIZE, 31), and at lru_add_drain(): here
 * mlock_vma_pages_range (before and after its walk, so mlock of present
 * pages shows MLOCKED and UNEVICTABLE at once, as the host's pagemap_bits
 * recording does, while pages mlock's populate faults in stay pending),
 * and the TLB flush of a zap that freed pages (free_pages_and_swap_cache).
 * Reclaim skips a page with PG_mlocked (folio_evictable).
 *
 * 2.6.21 has no PG_mlocked or unevictable list (they came in 2.6.28):
 * reclaim keeps a page some VM_LOCKED VMA maps (try_to_unmap_one:
 * SWAP_FAIL). The model counts those mappings the same way, and shows no
 * kpageflags for them.
 *
 * Not modelled: RLIMIT_MEMLOCK (root has CAP_IPC_LOCK), MLOCK_ONFAULT /
 * mlock2 / mlockall, mlock of PMD-mapped THPs (a large folio is left as
 * it is), the populate of mremap growing or mprotect making writable a
 * locked VMA.
 *
 * @kernel mm/mlock.c
 */
import { mapsPage, walk_pte_range } from './pagewalk.js';
import { SyscallError } from '../model/errno.js';
import type { Machine, Mm } from '../model/machine.js';
import { populate, splitRange } from './mmap.js';
import { PG_zero } from './page-flags.js';
import { PG_large } from './huge_memory.js';
import { VM_EXEC, VM_LOCKED, VM_READ, VM_WRITE } from './vma.js';

/** PAGEVEC_SIZE: the mlock folio batch's size (include/linux/pagevec.h, 31 since 6.5) */
const MLOCK_BATCH = 31;

const OP_LRU = 0; // mlock_folio → __mlock_folio
const OP_NEW = 1; // mlock_new_folio → __mlock_new_folio
const OP_MUNLOCK = 2; // munlock_folio → __munlock_folio

export interface MlockState {
  /** PG_mlocked */
  readonly mlocked: Set<number>;
  /** PG_unevictable, with folio->mlock_count */
  readonly count: Map<number, number>;
  /** the per-CPU mlock_fbatch: frame, op */
  readonly batch: number[];
}

/** m.mlock, made on first use */
function state(m: Machine): MlockState {
  let s = m.mlock;
  if (!s) {
    const st: MlockState = { mlocked: new Set(), count: new Map(), batch: [] };
    s = st;
    m.mlock = st;
    // a freed page leaves no trace (free_pages_prepare clears PG_mlocked; the batch held a reference in the kernel)
    const previous = m.frames.onFree;
    m.frames.onFree = (frame) => {
      if (st.mlocked.size !== 0 || st.count.size !== 0) {
        st.mlocked.delete(frame);
        st.count.delete(frame);
        for (let i = 0; i < st.batch.length; i += 2) if (st.batch[i] === frame) st.batch[i] = -1;
      }
      previous?.(frame);
    };
  }
  return s;
}

/** PG_mlocked (kpageflags MLOCKED); also what reclaim checks (folio_evictable) */
export function pageMlocked(m: Machine, frame: number): boolean {
  const s = m.mlock;
  return s !== undefined && s.mlocked.has(frame);
}

/** PG_unevictable (kpageflags UNEVICTABLE) */
export function pageUnevictable(m: Machine, frame: number): boolean {
  const s = m.mlock;
  return s !== undefined && s.count.has(frame);
}

/** Whether the mlock batch holds anything (a cheap test before a drain). */
export function mlockBatchPending(m: Machine): boolean {
  const s = m.mlock;
  return s !== undefined && s.batch.length !== 0;
}

/** vm_normal_folio() that mlock acts on: not the zero page (PG_zero, m.zeroFrame included), not a page of a large folio */
function lockable(m: Machine, frame: number): boolean {
  return (m.frames.flags[frame]! & (PG_zero | PG_large)) === 0;
}

function queue(m: Machine, s: MlockState, frame: number, op: number): void {
  s.batch.push(frame, op);
  if (s.batch.length >= 2 * MLOCK_BATCH) mlock_drain_local(m);
}

/** mlock_folio(): PG_mlocked now, the rest at the drain */
export function mlock_folio(m: Machine, frame: number): void {
  if (!lockable(m, frame)) return;
  const s = state(m);
  s.mlocked.add(frame);
  queue(m, s, frame, OP_LRU);
}

/** mlock_new_folio(): a new anon page of a locked VMA (folio_add_lru_vma) */
export function mlock_new_folio(m: Machine, frame: number): void {
  if (!lockable(m, frame)) return;
  const s = state(m);
  s.mlocked.add(frame);
  queue(m, s, frame, OP_NEW);
}

/** munlock_folio(): queued; the drain decides from the mlock count */
export function munlock_folio(m: Machine, frame: number): void {
  if (!lockable(m, frame)) return;
  const s = m.mlock;
  if (!s || (!s.mlocked.has(frame) && !s.count.has(frame))) return;
  queue(m, s, frame, OP_MUNLOCK);
}

/** mlock_drain_local() / mlock_folio_batch(): apply the queued operations in order */
export function mlock_drain_local(m: Machine): void {
  const s = m.mlock;
  if (!s || s.batch.length === 0) return;
  const b = s.batch.splice(0);
  for (let i = 0; i < b.length; i += 2) {
    const frame = b[i]!;
    if (frame < 0) continue;
    const op = b[i + 1]!;
    const mlocked = s.mlocked.has(frame);
    const count = s.count.get(frame);
    if (op === OP_NEW) {
      s.count.set(frame, mlocked ? 1 : 0); // __mlock_new_folio
    } else if (op === OP_LRU) {
      // __mlock_folio
      if (!mlocked) {
        if (count !== undefined) s.count.delete(frame);
      } else if (count !== undefined) s.count.set(frame, count + 1);
      else s.count.set(frame, 1);
    } else {
      // __munlock_folio
      if (count !== undefined) {
        const left = Math.max(0, count - 1);
        if (left > 0) {
          s.count.set(frame, left);
          continue;
        }
      }
      s.mlocked.delete(frame);
      s.count.delete(frame);
    }
  }
}

/** munlock_vma_folio() of every page [start, end) of a VM_LOCKED VMA maps (a zap of it). */
export function munlock_range(m: Machine, mm: Mm, start: number, end: number): void {
  const s = m.mlock;
  if (!s || (s.mlocked.size === 0 && s.count.size === 0)) return;
  mlock_pte_range(m, mm, start, end, false);
}

/** mlock_pte_range() over [start, end): mlock or munlock each page mapped there */
function mlock_pte_range(m: Machine, mm: Mm, start: number, end: number, lock: boolean): void {
  walk_pte_range(m, mm, start, end, (_slot, _vpn, hi, lo, cls) => {
    if (!mapsPage(cls)) return;
    const frame = m.pteFrame(hi, lo);
    if (lock) mlock_folio(m, frame);
    else munlock_folio(m, frame);
  });
}

/** mlock(2) (lock) and munlock(2): do_mlock / apply_vma_lock_flags, then __mm_populate for mlock. */
export function do_mlock(m: Machine, mm: Mm, start: number, pages: number, lock: boolean): void {
  if (pages <= 0) return;
  const end = start + pages;
  let at = start;
  let hole = false;
  for (const v of splitRange(m, mm, start, end)) {
    if (v.start > at) {
      hole = true;
      break;
    }
    at = v.end;
    // mlocking twice would be wrong: nothing to do. The bit is compared, not the word: a word with
    // bit 31 set (VM_MERGEABLE) reads negative where one op stored it without `>>> 0`
    if (((v.flags & VM_LOCKED) !== 0) === lock) continue;
    v.flags = lock ? (v.flags | VM_LOCKED) >>> 0 : (v.flags & ~VM_LOCKED) >>> 0;
    // mlock_vma_pages_range(): lru_add_drain, walk the present pages, lru_add_drain
    mlock_drain_local(m);
    mlock_pte_range(m, mm, v.start, v.end, lock);
    mlock_drain_local(m);
  }
  mm.vmas.mergeAround(start, end);
  if (hole || at < end) throw new SyscallError('ENOMEM', `${lock ? 'mlock' : 'munlock'}: part of the range is not mapped`);
  if (!lock) return;
  // __mm_populate(start, len, ignore_errors = 0): populate_vma_page_range per VMA
  for (const v of mm.vmas.overlapping(start, end)) {
    if ((v.flags & (VM_READ | VM_WRITE | VM_EXEC)) === 0) continue; // PROT_NONE: GUP cannot fault it (vma_is_accessible)
    const s = Math.max(v.start, start);
    populate(m, mm, s, Math.min(v.end, end) - s, (v.flags & VM_WRITE) !== 0);
  }
}
