/**
 * The rules a kernel path follows where the kernel changed them because of
 * a race: each race scenario compares the rule before a fix with the one
 * after it. A machine takes its era's rule unless told otherwise.
 *
 * - cow: when do_wp_page reuses an anon page (cow-policy.ts).
 * - fault: how a file fault keeps truncate and invalidate from leaving a
 *   pte on a page that left the page cache — 'truncate_count' (2.6.20/21
 *   do_no_page re-checks mapping->truncate_count under the pte lock) or
 *   'page-lock' (2.6.23+ ->fault returns the page locked; truncate and
 *   invalidate unmap it again under that lock).
 * - mremap: how move_page_tables keeps an rmap walk from missing a moved
 *   pte — 'merge-order' (no care: the 2011 bug), 'order-tail'
 *   (anon_vma_order_tail, 3.1) or 'anon-vma-lock' (take_rmap_locks around
 *   the move, 3.6+ and 6.18).
 * - split: whether try_to_unmap/try_to_migrate on a THP split pass
 *   TTU_SYNC (5.13+), so page_vma_mapped_walk takes the pte lock instead
 *   of skipping a pte that reads none without it.
 * - anon: what vma_is_anonymous() makes of a private mapping of a special
 *   device whose ->mmap sets no vm_ops (kcov), the 2018 thread —
 *   'vm_ops-null' (vm_ops stays NULL, so the VMA counts as anonymous: a
 *   write fault can get a THP, and zap_pmd_range still has its
 *   VM_BUG_ON_VMA(vma_is_anonymous(vma) && !mmap_sem held) before a
 *   split, which truncate hits), 'dummy_vm_ops' (4.18-rc7 bfd40eaff5ab:
 *   vma_init() gives every VMA vma_dummy_vm_ops, so the device VMA is not
 *   anonymous and do_fault() without ->fault SIGBUSes — the zygote
 *   regression) or 'revert' (4.18: the revert plus 53406ed1bcfd deleting
 *   that VM_BUG_ON: anonymous again, and truncate splits the THP fine).
 *   dummy_vm_ops came back in 4.19 (drivers that want anonymous memory
 *   call vma_set_anonymous()), with the VM_BUG_ON gone: that is 6.18
 *   (include/linux/mm.h vma_init, mm/memory.c do_fault). 2.6.21 had no
 *   vm_ops check: no ->nopage meant do_anonymous_page ('vm_ops-null').
 */
import { COW_POLICIES, defaultCowPolicy, type CowPolicy } from './cow-policy.js';

export type FaultPolicy = 'truncate_count' | 'page-lock';
export type MremapPolicy = 'merge-order' | 'order-tail' | 'anon-vma-lock';
export type SplitPolicy = 'no-TTU_SYNC' | 'TTU_SYNC';
export type AnonPolicy = 'vm_ops-null' | 'dummy_vm_ops' | 'revert';

export interface Policies {
  readonly cow: CowPolicy;
  readonly fault: FaultPolicy;
  readonly mremap: MremapPolicy;
  readonly split: SplitPolicy;
  readonly anon: AnonPolicy;
}

export const POLICY_VALUES: { readonly [K in keyof Policies]: readonly Policies[K][] } = {
  cow: COW_POLICIES,
  fault: ['truncate_count', 'page-lock'],
  mremap: ['merge-order', 'order-tail', 'anon-vma-lock'],
  split: ['no-TTU_SYNC', 'TTU_SYNC'],
  anon: ['vm_ops-null', 'dummy_vm_ops', 'revert'],
};

export function defaultPolicies(era: '2.6.21' | '6.18'): Policies {
  return era === '2.6.21'
    ? { cow: defaultCowPolicy(era), fault: 'truncate_count', mremap: 'merge-order', split: 'no-TTU_SYNC', anon: 'vm_ops-null' }
    : { cow: defaultCowPolicy(era), fault: 'page-lock', mremap: 'anon-vma-lock', split: 'TTU_SYNC', anon: 'dummy_vm_ops' };
}

/** Whether a policy value is a rule of the era: anon-exclusive (PageAnonExclusive) is 5.19+, not a 2.6.21 rule. */
export function policyInEra(value: string, era: '2.6.21' | '6.18'): boolean {
  return era === '6.18' || value !== 'anon-exclusive';
}
