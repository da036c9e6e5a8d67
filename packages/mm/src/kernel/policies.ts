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
 */
import { defaultCowPolicy, type CowPolicy } from './cow-policy.js';

export type FaultPolicy = 'truncate_count' | 'page-lock';
export type MremapPolicy = 'merge-order' | 'order-tail' | 'anon-vma-lock';
export type SplitPolicy = 'no-TTU_SYNC' | 'TTU_SYNC';

export interface Policies {
  readonly cow: CowPolicy;
  readonly fault: FaultPolicy;
  readonly mremap: MremapPolicy;
  readonly split: SplitPolicy;
}

export const POLICY_VALUES: { readonly [K in keyof Policies]: readonly Policies[K][] } = {
  cow: ['mapcount', 'refcount', 'anon-exclusive'],
  fault: ['truncate_count', 'page-lock'],
  mremap: ['merge-order', 'order-tail', 'anon-vma-lock'],
  split: ['no-TTU_SYNC', 'TTU_SYNC'],
};

export function defaultPolicies(era: '2.6.21' | '6.18'): Policies {
  return era === '2.6.21'
    ? { cow: defaultCowPolicy(era), fault: 'truncate_count', mremap: 'merge-order', split: 'no-TTU_SYNC' }
    : { cow: defaultCowPolicy(era), fault: 'page-lock', mremap: 'anon-vma-lock', split: 'TTU_SYNC' };
}

/** Which policy kind a value names ('page-lock' → 'fault'), or undefined. */
export function policyKind(value: string): keyof Policies | undefined {
  for (const k of Object.keys(POLICY_VALUES) as (keyof Policies)[]) if ((POLICY_VALUES[k] as readonly string[]).includes(value)) return k;
  return undefined;
}
