/**
 * The helpers include/linux/mm.h defines inline that the model implements
 * as functions: folio references and pins, vma_is_anonymous,
 * is_cow_mapping.
 *
 * @kernel include/linux/mm.h
 */
import type { Machine } from '../model/machine.js';
import { thpState } from './huge_memory.js';
import { VM_MAYWRITE, VM_SHARED, type Vma } from './vma.js';

/**
 * folio_maybe_dma_pinned() of a large folio (include/linux/mm.h, 6.18:
 * folio_has_pincount() — every THP order — reads folio->_pincount).
 */
export function folio_maybe_dma_pinned(m: Machine, head: number): boolean {
  return (thpState(m)?.pincount.get(head) ?? 0) > 0;
}

/** folio_get(): one more reference on the folio (its head frame). */
export function folio_get(m: Machine, head: number): void {
  m.frames.get(head);
}

/** folio_put(): the last reference frees every frame of the folio (free_frozen_pages of the whole order). */
export function folio_put(m: Machine, head: number): void {
  if (!m.frames.put(head)) return;
  const st = thpState(m)!;
  st.entire.delete(head);
  st.pincount.delete(head);
  st.folios--;
  for (let i = 1; i < st.nr; i++) m.frames.put(head + i);
}

/**
 * vma_is_anonymous() (include/linux/mm.h: !vma->vm_ops). A private mapping
 * of a special device whose ->mmap sets no vm_ops (kcov) is anonymous under
 * the 'vm_ops-null' and 'revert' rules; under 'dummy_vm_ops' vma_init()
 * gave it vma_dummy_vm_ops and it is not (policies.ts `anon`).
 */
export function vma_is_anonymous(m: Machine, vma: Vma): boolean {
  if (vma.file === null) return !vma.shmem;
  return vma.noVmOps === true && m.policies.anon !== 'dummy_vm_ops';
}

/** */
export function is_cow_mapping(flags: number): boolean {
  return (flags & (VM_SHARED | VM_MAYWRITE)) === VM_MAYWRITE;
}
