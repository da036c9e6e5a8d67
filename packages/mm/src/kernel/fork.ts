/**
 * fork() for the address space: dup_mmap (kernel/fork.c in 2.6.21), which
 * copies each VMA's page tables with copy_page_range (mm/memory.c,
 * memory.copy.ts). exit_mmap is mm/mmap.c's (mmap.ts).
 *
 * VM_DONTCOPY (MADV_DONTFORK) VMAs are not inherited; VM_WIPEONFORK ones
 * are inherited empty; the rest have their ptes copied where
 * vma_needs_copy (memory.copy.ts) says so.
 *
 * @kernel kernel/fork.c
 */
import type { Machine, Process } from '../model/machine.js';
import { copy_page_range, vma_needs_copy } from './memory.copy.js';
import { ksm_fork } from './ksm.js';
import { VM_DONTCOPY, VM_LOCKED, VM_WIPEONFORK, type Vma } from './vma.js';
import { dup_userfaultfd } from './userfaultfd.js';

/** dup_mmap(): the child's address space. */
export function dup_mmap(m: Machine, parent: Process, name: string): Process {
  const child = m.spawn(name);
  child.parent = parent.pid;
  ksm_fork(m, parent.mm, child.mm); // dup_mmap → ksm_fork: the child's mm joins ksmd's list
  for (const vma of parent.mm.vmas.list) {
    if (vma.flags & VM_DONTCOPY) continue;
    // the child is not mlocked (VM_LOCKED_MASK cleared) nor registered with the parent's userfaultfd (dup_userfaultfd)
    const anonVma = vma.flags & VM_WIPEONFORK ? 0 : vma.anonVma;
    const copy: Vma = { ...vma, anonVma, flags: (vma.flags & ~VM_LOCKED) >>> 0 };
    // anon_vma_fork (6.18 mm/rmap.c 333–393, from dup_mmap, mm/mmap.c 1790–1798): a VMA with an anon_vma
    // gets its parent's anon_vmas cloned onto its chain beside one of its own — a chain of more than one
    // (vma_had_uncowed_parents, vma.ts). 2.6.21 has one anon_vma per VMA family and no chains.
    // (VM_WIPEONFORK: no anon_vma, no chain — nothing of the parent's chain is kept)
    if (anonVma !== 0 && m.era !== '2.6.21') copy.uncowedParents = true;
    else delete copy.uncowedParents;
    dup_userfaultfd(copy);
    child.mm.vmas.insert(copy);
    if (vma_needs_copy(m, vma)) copy_page_range(m, child.mm, parent.mm, vma);
  }
  return child;
}

