/**
 * When do_wp_page() may reuse an anonymous page instead of copying it: the
 * rule changed twice, each time because of GUP (the 2020 COW/GUP thread).
 *
 * - 'mapcount' (up to 5.7; 2.6.21 can_share_swap_page()): reuse when
 *   page_mapcount() == 1. A page a child pinned read-only (vmsplice) and
 *   then unmapped is reused by the parent's write, and the child reads the
 *   parent's new data through the pin (CVE-2020-29374).
 * - 'refcount' (5.8, 09854ba94c6a "mm: do_wp_page() simplification"):
 *   reuse only when page_count() == 1. Any extra reference — a device's
 *   pin — forces a copy, so the parent's write lands in a new page and the
 *   device's writes to the pinned page are lost to it.
 * - 'anon-exclusive' (5.19+, 6.18; PageAnonExclusive): reuse when the page
 *   is marked exclusive to this mm (or its refcount is 1); fork copies a
 *   maybe-pinned exclusive page for the child at once (copy_present_page),
 *   and a read-only FOLL_PIN of a shared anon page unshares it first.
 */
export type CowPolicy = 'mapcount' | 'refcount' | 'anon-exclusive';

export const COW_POLICIES: readonly CowPolicy[] = ['mapcount', 'refcount', 'anon-exclusive'];

export function defaultCowPolicy(era: '2.6.21' | '6.18'): CowPolicy {
  return era === '2.6.21' ? 'mapcount' : 'anon-exclusive';
}
