/**
 * The pages of a range that have anything in the page table — a non-zero
 * pte in a pte table some pmd points at, or a huge pmd — found from the
 * tables that exist rather than by walking every page of the range: what
 * an observation of a huge, mostly unmapped region costs is proportional
 * to the pte tables allocated, never to the region's page count (the
 * kernel's own walkers skip pmd_none ranges the same way:
 * mm/pagewalk.c walk_pmd_range).
 */
import type { HugePmd, PageTable } from '../model/pagetable.js';
import { PMD_HUGE } from '../model/pagetable.js';

/** Ranges up to this many pages are walked page by page (cheaper than looking at every table). */
export const DENSE_WALK_PAGES = 4096;

export interface MappedVisitor {
  /** a non-zero pte at `slot` translating `vpn` */
  pte(vpn: number, slot: number): void;
  /** a page `vpn` under the huge pmd `h` */
  huge(vpn: number, h: HugePmd): void;
}

/**
 * Visit, in ascending vpn order within each kind, the non-zero ptes of
 * [start, end) and then the pages under huge pmds there.
 */
export function forEachMapped(pt: PageTable, start: number, end: number, visit: MappedVisitor): void {
  const per = pt.ptrsPerPte;
  const tables: { base: number; leaf: number }[] = [];
  for (let leaf = 0; leaf < pt.leaves.length; leaf++) {
    const lo = pt.spanLo[leaf];
    const hi = pt.spanHi[leaf];
    if (lo === undefined || hi === undefined || hi < lo) continue;
    const base = pt.vpnOf(leaf * per);
    if (base + hi < start || base + lo >= end) continue;
    // a table no pmd points at any more (withdrawn, reused) translates nothing
    if (pt.walk(base, false) !== leaf * per) continue;
    tables.push({ base, leaf });
  }
  tables.sort((a, b) => a.base - b.base);
  for (const { base, leaf } of tables) {
    const from = Math.max(pt.spanLo[leaf]!, start - base);
    const to = Math.min(pt.spanHi[leaf]!, end - 1 - base);
    for (let idx = from; idx <= to; idx++) {
      const slot = leaf * per + idx;
      if (pt.lo(slot) === 0 && pt.hi(slot) === 0) continue;
      visit.pte(base + idx, slot);
    }
  }
  if (pt.huge.size === 0) return;
  const huge = [...pt.huge].filter(([ps, h]) => h.vpn < end && h.vpn + per > start && pt.pmdKind(ps) === PMD_HUGE).sort((a, b) => a[1].vpn - b[1].vpn);
  for (const [, h] of huge) {
    for (let vpn = Math.max(h.vpn, start); vpn < Math.min(h.vpn + per, end); vpn++) visit.huge(vpn, h);
  }
}
