/**
 * Running out of memory (mm/oom_kill.c): when an allocation finds no free
 * frame, direct reclaim runs first (try_to_free_pages); when that frees
 * nothing, the OOM killer picks the process with the highest badness and
 * kills it with SIGKILL — its mm is torn down (exit_mmap), which frees its
 * memory — and the allocation is retried. A page fault whose own process is
 * the victim ends in SIGKILL; a syscall gets -ENOMEM (OutOfFramesError) and
 * its process is dead as well.
 *
 * Badness, as each era computes it:
 * - 6.18 oom_badness (mm/oom_kill.c 202–235): rss + swap entries + page-table
 *   pages (get_mm_rss + MM_SWAPENTS + mm_pgtables_bytes / PAGE_SIZE); among
 *   equal scores the last task in the list wins (oom_evaluate_task 343: a
 *   score below the chosen one is skipped, an equal one replaces it).
 * - 2.6.21 badness (2.6.20 mm/oom_kill.c 50–160): the mm's total_vm, plus
 *   total_vm / 2 + 1 of each child with an mm of its own (87–92); the first
 *   task with the highest score wins (select_bad_process 258).
 * Simplified: no oom_score_adj / oomkilladj, nice, capability or CPU- and
 * run-time adjustments (the simulated processes have none of them: every
 * one is an ordinary user task at the defaults), no memcg or cpuset
 * constraint, and pid 1 is not treated as init (is_global_init): the
 * simulated processes are all user tasks. Every process sharing the
 * victim's mm is killed with it (oom_kill_process, 6.18 977–1000).
 *
 * @kernel mm/oom_kill.c
 */
import { PteClassCode } from '@mmsim/core';
import { exit_mmap } from './mmap.js';
import { OutOfFramesError } from '../model/frames.js';
import type { Machine, Mm, Process } from '../model/machine.js';
import { PG_locked } from './page-flags.js';
import { try_to_free_pages } from './vmscan.reclaim.js';

/** One OOM kill, as the kernel logs it ("Out of memory: Killed process …"). */
export interface OomKill {
  /** the victim */
  readonly pid: number;
  readonly name: string;
  /** its badness when chosen */
  readonly points: number;
  /** the pid whose allocation failed (−1: none known) */
  readonly trigger: number;
}

/** Frames direct reclaim is asked for before the OOM killer runs (SWAP_CLUSTER_MAX, include/linux/swap.h). */
const SWAP_CLUSTER_MAX = 32;

/** Page-table pages the mm holds (mm_pgtables_bytes / PAGE_SIZE: pte tables and the upper tables below the pgd). */
function pgtablePages(mm: Mm): number {
  let n = 0;
  mm.pgtable.forEachPmdEntry((_base, leaf) => {
    if (leaf >= 0) n++;
  });
  return n;
}

/** get_mm_rss + MM_SWAPENTS: present ptes of real pages, and swap entries. */
function rssAndSwap(m: Machine, mm: Mm): number {
  const pt = mm.pgtable;
  const fast = m.variant.fast;
  let n = 0;
  pt.forEachPmdEntry((_base, leaf) => {
    if (leaf < 0) {
      n += pt.ptrsPerPte; // a PMD-mapped THP counts its pages
      return;
    }
    const base = leaf * pt.ptrsPerPte;
    for (let i = pt.spanLo[leaf]!; i <= pt.spanHi[leaf]!; i++) {
      const hi = pt.hi(base + i);
      const lo = pt.lo(base + i);
      const cls = fast.classify(hi, lo);
      if (cls === PteClassCode.swap) n++;
      else if (cls === PteClassCode.present && m.pteFrame(hi, lo) !== m.zeroFrame) n++;
    }
  });
  return n;
}

const totalVm = (mm: Mm): number => mm.vmas.list.reduce((sum, v) => sum + (v.end - v.start), 0);

/** The victim score of a live process, as its era's OOM killer computes it. */
export function oom_badness(m: Machine, p: Process): number {
  if (m.era === '2.6.21') {
    let points = totalVm(p.mm);
    for (const child of m.procs) if (child.alive && child.parent === p.pid && child.mm !== p.mm) points += Math.floor(totalVm(child.mm) / 2) + 1;
    return points;
  }
  return rssAndSwap(m, p.mm) + pgtablePages(p.mm);
}

/** select_bad_process(): the live process with the highest badness (ties: the last in 6.18, the first in 2.6.21). */
export function select_bad_process(m: Machine): { victim: Process; points: number } | undefined {
  let chosen: { victim: Process; points: number } | undefined;
  for (const p of m.procs) {
    if (!p.alive) continue;
    const points = oom_badness(m, p);
    const better = chosen === undefined || (m.era === '6.18' ? points >= chosen.points : points > chosen.points);
    if (better) chosen = { victim: p, points };
  }
  return chosen;
}

/**
 * out_of_memory(): kill the worst process and every process sharing its mm;
 * the kill is recorded in m.oomKills and on the processes (oomKilled).
 * Returns the victim, or undefined when no process is left to kill.
 */
export function out_of_memory(m: Machine, trigger: Mm | undefined): Process | undefined {
  const chosen = select_bad_process(m);
  if (!chosen) return undefined;
  const { victim, points } = chosen;
  const triggerPid = trigger ? (m.procs.find((p) => p.alive && p.mm === trigger)?.pid ?? -1) : -1;
  for (const p of m.procs) {
    if (!p.alive || p.mm !== victim.mm) continue;
    p.oomKilled = true;
    m.oomKills.push({ pid: p.pid, name: p.name, points: p === victim ? points : oom_badness(m, p), trigger: triggerPid });
  }
  // SIGKILL: the tasks exit, and the last one's exit_mmap frees the memory
  for (const p of m.procs) if (p.alive && p.mm === victim.mm && p !== victim) p.alive = false;
  exit_mmap(m, victim);
  return victim;
}

/** How an operation that ran out of frames goes on: retry it, or the current mm was killed. */
export const OOM_RETRY = 0;
export const OOM_KILLED_SELF = 1;

/**
 * An allocation for `mm` failed (OutOfFramesError): direct reclaim, then
 * the OOM killer. OOM_RETRY when memory was freed (by reclaim or by killing
 * another process), OOM_KILLED_SELF when `mm`'s own process was the victim.
 * `attempt` counts the retries of one operation: after a few reclaim rounds
 * that freed something but not enough for it, the OOM killer runs anyway
 * (the kernel's no_progress_loops / MAX_RECLAIM_RETRIES, mm/page_alloc.c).
 */
export function alloc_failed(m: Machine, mm: Mm | undefined, attempt: number): number {
  if (attempt < MAX_RECLAIM_RETRIES && try_to_free_pages(m, SWAP_CLUSTER_MAX) > 0 && m.frames.canAlloc()) return OOM_RETRY;
  const victim = out_of_memory(m, mm);
  if (!victim) throw new OutOfFramesError(`out of memory and no killable process (${m.frames.max} frames)`);
  return mm !== undefined && victim.mm === mm ? OOM_KILLED_SELF : OOM_RETRY;
}

/** MAX_RECLAIM_RETRIES (mm/internal.h, 16): reclaim rounds before the OOM killer is the only way left. */
const MAX_RECLAIM_RETRIES = 16;

/**
 * Run `op` for `mm`'s process, handling running out of frames as the
 * allocator does (alloc_failed): retried after reclaim or another process's
 * OOM kill; when `mm`'s own process is killed, the OutOfFramesError
 * (-ENOMEM) goes to the caller, the process dead (Process.oomKilled).
 */
export function with_oom<T>(m: Machine, mm: Mm | undefined, op: () => T, oomKill = true): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return op();
    } catch (error) {
      if (!(error instanceof OutOfFramesError)) throw error;
      // without the OOM killer (an allocation that may fail, __GFP_NORETRY-like): reclaim alone, then the error
      if (!oomKill) {
        if (attempt < MAX_RECLAIM_RETRIES && try_to_free_pages(m, SWAP_CLUSTER_MAX) > 0 && m.frames.canAlloc()) continue;
        throw error;
      }
      if (alloc_failed(m, mm, attempt) === OOM_KILLED_SELF) throw error;
    }
  }
}

/**
 * What a fault aborted by OutOfFramesError leaves behind: the page
 * references it took (sched.held) and the page lock of such a page. The
 * kernel's fault path backs out of them on VM_FAULT_OOM; here the fault is
 * unwound by the exception, so they are dropped for it. Only when nothing
 * was held before the fault (the sequential simulator): mid-path under the
 * explorer the references are the running paths' own.
 */
function abort_fault(m: Machine, heldBefore: number): void {
  if (heldBefore !== 0) return;
  const held = m.sched.held;
  for (const [frame, n] of [...held]) {
    m.frames.flags[frame]! &= ~PG_locked;
    for (let i = 0; i < n; i++) held.release(frame);
  }
}

/** run_fault()'s answer when the faulting process itself was the OOM victim */
export const FAULT_OOM_KILLED = Symbol('oom-killed');

/**
 * A page fault (or a GUP fault-in) for `mm`'s process that may run out of
 * frames: VM_FAULT_OOM → direct reclaim, then the OOM killer
 * (pagefault_out_of_memory → out_of_memory), and the fault is retried —
 * unless the faulting process was the victim: FAULT_OOM_KILLED (it dies of
 * SIGKILL).
 */
export function run_fault<T>(m: Machine, mm: Mm, fault: () => T): T | typeof FAULT_OOM_KILLED {
  for (let attempt = 0; ; attempt++) {
    const heldBefore = m.sched.held.size;
    try {
      return fault();
    } catch (error) {
      if (!(error instanceof OutOfFramesError)) throw error;
      abort_fault(m, heldBefore);
      if (alloc_failed(m, mm, attempt) === OOM_KILLED_SELF) return FAULT_OOM_KILLED;
    }
  }
}
