/**
 * The locks kernel paths take, as stop points for the explorer
 * (sched.ts). Each yields its lock action only while the explorer drives
 * the machine; the page lock is also the page's PG_locked bit, which
 * trylock_page (fault-around) reads.
 *
 * Pte locks are per mm here (mm->page_table_lock; split pte locks would
 * only add lock ids without changing which paths exclude each other in the
 * scenarios).
 */
import type { Machine, Mm } from './machine.js';
import { PG_locked } from '../kernel/page-flags.js';
import { ANON_VMA, I_MMAP, PAGE_LOCK, PTL, type KernelPath } from './sched.js';

export function* pte_lock(m: Machine, mm: Mm, where: string): KernelPath {
  if (m.sched.on) yield m.sched.lock(PTL, mm.id, where);
}

export function* pte_unlock(m: Machine, mm: Mm, where: string): KernelPath {
  if (m.sched.on) yield m.sched.unlock(PTL, mm.id, where);
}

/** lock_page(): sleeps until the page lock is free, then sets PG_locked. */
export function* lock_page(m: Machine, frame: number, where: string): KernelPath {
  if (m.sched.on) yield m.sched.lock(PAGE_LOCK, frame, where);
  m.frames.flags[frame]! |= PG_locked;
}

export function* unlock_page(m: Machine, frame: number, where: string): KernelPath {
  m.frames.flags[frame]! &= ~PG_locked;
  if (m.sched.on) yield m.sched.unlock(PAGE_LOCK, frame, where);
}

/** trylock_page() as fault-around uses it: true when nobody holds the page lock (the caller then treats the page as locked only for one step). */
export function page_unlocked(m: Machine, frame: number): boolean {
  return (m.frames.flags[frame]! & PG_locked) === 0;
}

export function* i_mmap_lock(m: Machine, inode: number, where: string): KernelPath {
  if (m.sched.on) yield m.sched.lock(I_MMAP, inode, where);
}

export function* i_mmap_unlock(m: Machine, inode: number, where: string): KernelPath {
  if (m.sched.on) yield m.sched.unlock(I_MMAP, inode, where);
}

export function* anon_vma_lock(m: Machine, anonVma: number, where: string): KernelPath {
  if (m.sched.on) yield m.sched.lock(ANON_VMA, anonVma, where);
}

export function* anon_vma_unlock(m: Machine, anonVma: number, where: string): KernelPath {
  if (m.sched.on) yield m.sched.unlock(ANON_VMA, anonVma, where);
}

/** An unlocked stop: what follows reads or writes shared state without a lock. */
export function* unlocked(m: Machine, where: string): KernelPath {
  if (m.sched.on) yield m.sched.point(where);
}
