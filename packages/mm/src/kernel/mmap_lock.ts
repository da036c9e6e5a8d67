/**
 * mmap_lock (mmap_sem in 2.6.21) as a stop point for the explorer: mremap
 * holds it for write across the whole call, move_pages for read around
 * its page lookup (and, in 2.6.21, across the migration too). The explorer
 * has one kind of lock, so two readers of one mm exclude each other here;
 * no scenario has two.
 *
 * @kernel include/linux/mmap_lock.h
 */
import type { Machine, Mm } from '../model/machine.js';
import { MMAP_LOCK, type KernelPath } from '../model/sched.js';

export function* mmap_lock(m: Machine, mm: Mm, where: string): KernelPath {
  if (m.sched.on) yield m.sched.lock(MMAP_LOCK, mm.id, where);
}

export function* mmap_unlock(m: Machine, mm: Mm, where: string): KernelPath {
  if (m.sched.on) yield m.sched.unlock(MMAP_LOCK, mm.id, where);
}
