/**
 * What user space can see of a region, in the trace's JSON schema (the
 * recorder's; docs/mmo.md "The JSON trace"): per page its state,
 * pagemap bits, PFN label, kpageflags, kpagecount and data tag; the VMAs
 * overlapping the region, relative to it.
 */
import { folio_mark_accessed } from '../kernel/swap.js';
import { PteClassCode } from '@mmsim/core';
import type { Machine, Process } from '../model/machine.js';
import { PG_anon, PG_anon_exclusive, PG_dirty, PG_mappedtodisk, PG_swapbacked, PG_swapcache, PG_uptodate, PG_zero } from '../kernel/page-flags.js';
import { VM_EXEC, VM_HUGEPAGE, VM_READ, VM_SHARED, VM_WRITE } from '../kernel/vma.js';
import { smapsKb, vmFlags } from './smaps.js';
import { entireMapcount, folioHead, folioMapped, isHugeZeroPmd, pmdFrame, PG_head, PG_large, thpState } from '../kernel/huge_memory.js';
import { vma_is_anonymous } from '../kernel/mm.js';
import type { PfnLabels } from './labels.js';
import { pteBitsObs } from './pte-bits.js';
import { pageMlocked, pageUnevictable } from '../kernel/mlock.js';
import { PageKsm } from '../kernel/ksm.js';
import { mapsPage } from '../kernel/pagewalk.js';
import { forEachMapped } from './mapped.js';
import { pteClassName, pteWords } from './pte-words.js';

export interface Region {
  readonly name: string;
  /** first page */
  readonly start: number;
  readonly pages: number;
  /**
   * The oracle's `sample R i,j,k` (region_sample): only these pages are
   * listed — and given PFN and slot labels — in this order; the summary
   * still counts every page.
   */
  readonly sample?: readonly number[];
}

/** A labeller for the pages a sample leaves out: they are counted, never named. */
const UNLABELLED = { label: () => '', slot: () => ({ type: '', slot: '', rel: 0 }) } as unknown as PfnLabels;

export interface PageObs {
  i: number;
  st: 'present' | 'swapped' | 'none' | 'marker' | 'file';
  /** the pgoff a nonlinear file pte names (2.6.21) */
  pgoff?: number;
  /** a pte marker's kind: guard, uffd_wp (pte-bits.ts) */
  marker?: string;
  pm: string[];
  scan: string[];
  mc?: number;
  pfn?: string;
  kf?: string[];
  mapcnt?: number;
  data?: string;
  swap_type?: string;
  slot?: string;
  slot_rel?: number;
  /** the pte as the arch stores it (pte-words.ts), where a pte table covers the page */
  pte?: string;
  /** its class by the backend's classify: present, none, swap, migration, marker, file (nonlinear), … */
  pte_class?: string;
  /** the huge pmd's words, for a page of a PMD-mapped THP or the huge zero folio (no pte table there) */
  pmd?: string;
}

export interface VmaObs {
  from: number;
  to: number;
  perms: string;
  pgoff: number;
  path: string;
  /** smaps counters in kB, the non-zero ones */
  kB: Record<string, number>;
  THPeligible: string;
  VmFlags: string;
}

export interface RegionObs {
  pages: PageObs[];
  summary: Record<string, number>;
  vmas: VmaObs[];
}

function kpageflags(m: Machine, frame: number): string[] {
  const own = m.frames.flags[frame]!;
  // a page of a large folio (THP): the folio's flags (its head's), the compound bits, its own ANON_EXCL
  const large = (own & PG_large) !== 0;
  const compound = large ? [(own & PG_head) !== 0 ? 'COMPOUND_HEAD' : 'COMPOUND_TAIL', 'THP'] : [];
  if (own & PG_zero) return large ? [...compound, 'ZERO_PAGE'] : ['ZERO_PAGE', 'RESERVED'];
  const head = large ? folioHead(m, frame) : frame;
  const f = (m.frames.flags[head]! & ~PG_anon_exclusive) | (own & PG_anon_exclusive);
  const out: string[] = [];
  if (f & PG_uptodate) out.push('UPTODATE');
  if (f & PG_dirty) out.push('DIRTY');
  if (large ? folioMapped(m, head) : m.frames.maps(frame) > 0) out.push('MMAP');
  if (f & PG_anon) out.push('ANON');
  if (f & PG_swapcache) out.push('SWAPCACHE');
  if (f & PG_swapbacked) out.push('SWAPBACKED');
  if (m.era === '6.18' && pageUnevictable(m, head)) out.push('UNEVICTABLE'); // KPF_UNEVICTABLE (bit 18; mlock.ts)
  if (PageKsm(m, head)) out.push('KSM'); // fs/proc/page.c: KPF_KSM (bit 21)
  out.push(...compound);
  if (m.era === '6.18' && pageMlocked(m, head)) out.push('MLOCKED'); // KPF_MLOCKED (bit 33)
  if (f & PG_anon_exclusive) out.push('ANON_EXCL');
  if (f & PG_mappedtodisk) out.push('OWNER_2');
  return out;
}

/** Regions of more pages than this are listed by a sample (the summary still counts every page). */
export const SAMPLE_THRESHOLD = 4096;
/** The default sample of a big region: its first and its last SAMPLE_EDGE pages. */
export const SAMPLE_EDGE = 32;
/** The most pages an observation lists for one region when all pages are asked for. */
export const ALL_PAGES_CAP = 262144;

export interface ObserveOptions {
  /** list every page of a region without a `sample` (up to ALL_PAGES_CAP), not a sample of a big one */
  readonly allPages?: boolean;
}

/** The pages an observation lists, in order: undefined for all of them. */
function listedPages(region: Region, options: ObserveOptions): number[] | undefined {
  if (region.sample) return [...new Set(region.sample.filter((i) => i >= 0 && i < region.pages))];
  if (options.allPages) {
    if (region.pages > ALL_PAGES_CAP) throw new RangeError(`region ${region.name} has ${region.pages} pages: more than all pages can list (${ALL_PAGES_CAP})`);
    return undefined;
  }
  if (region.pages <= SAMPLE_THRESHOLD) return undefined;
  const last = region.pages - SAMPLE_EDGE;
  return [...Array.from({ length: SAMPLE_EDGE }, (_, i) => i), ...Array.from({ length: SAMPLE_EDGE }, (_, i) => last + i)];
}

export function observeRegion(m: Machine, proc: Process, region: Region, labels: PfnLabels, options: ObserveOptions = {}): RegionObs {
  const pages: PageObs[] = [];
  const summary: Record<string, number> = { present: 0, swapped: 0, none: 0, file: 0, excl: 0, anon: 0, thp: 0, pmd_mapped: 0, zero: 0 };
  const listed = listedPages(region, options);
  if (!listed) {
    for (let i = 0; i < region.pages; i++) observePage(m, proc, region, i, labels, summary, pages);
  } else {
    for (const i of listed) observePage(m, proc, region, i, labels, summary, pages);
    countUnlisted(m, proc, region, new Set(listed), summary);
  }
  return { pages, summary, vmas: observeVmas(m, proc, region) };
}

/**
 * The summary's counts of the pages a sample leaves out, from what the
 * page table holds (forEachMapped): each mapped page as the observer sees
 * it (counted, never named), every other page none.
 */
function countUnlisted(m: Machine, proc: Process, region: Region, listed: ReadonlySet<number>, summary: Record<string, number>): void {
  let unlisted = region.pages - listed.size;
  if (!proc.alive) {
    summary['none']! += unlisted;
    return;
  }
  const sink: PageObs[] = [];
  const one = (vpn: number): void => {
    const i = vpn - region.start;
    if (listed.has(i)) return;
    observePage(m, proc, region, i, UNLABELLED, summary, sink);
    sink.length = 0;
    unlisted--;
  };
  forEachMapped(proc.mm.pgtable, region.start, region.start + region.pages, { pte: one, huge: one });
  summary['none']! += unlisted;
}

/** One page of a region as the oracle sees it, appended to `pages` and counted in `summary`. */
function observePage(m: Machine, proc: Process, region: Region, i: number, lab: PfnLabels, summary: Record<string, number>, pages: PageObs[]): void {
  const pt = proc.mm.pgtable;
  const vpn = region.start + i;
  const slot = proc.alive ? pt.walk(vpn, false) : -1;
  if (slot < 0 && proc.alive && pt.huge.size !== 0) {
    // a page of a huge pmd: a PMD-mapped THP or the huge zero folio
    const ps = pt.pmdSlot(vpn, false);
    const h = ps < 0 ? undefined : pt.hugeAt(ps);
    if (h !== undefined) {
      const zero = isHugeZeroPmd(m, h);
      const head = pmdFrame(m, h.hi, h.lo);
      const frame = head + (vpn - h.vpn);
      const mapcnt = zero ? 0 : m.frames.maps(frame) + entireMapcount(m, head);
      const pm = zero ? ['file'] : mapcnt === 1 ? ['excl'] : [];
      pages.push({ i, st: 'present', pm, scan: zero ? ['pfnzero', 'huge'] : ['huge'], pfn: lab.label(frame), kf: kpageflags(m, frame), mapcnt, data: m.tags.name(m.frames.tag[frame]!), pmd: pteWords(m.variant, h.hi, h.lo) });
      summary['present']!++;
      summary['thp']!++;
      summary['pmd_mapped']!++;
      if (zero) summary['zero']!++;
      if (pm.includes('excl')) summary['excl']!++;
      if (pm.includes('file')) summary['file']!++;
      if (!zero && m.frames.flags[head]! & PG_anon) summary['anon']!++;
      return;
    }
  }
  const hi = slot < 0 ? 0 : pt.hi(slot);
  const lo = slot < 0 ? 0 : pt.lo(slot);
  const cls = slot < 0 ? PteClassCode.none : m.variant.fast.classify(hi, lo);
  if (mapsPage(cls)) {
    const frame = m.pteFrame(hi, lo);
    const flags = m.frames.flags[frame]!;
    const zero = (flags & PG_zero) !== 0;
    const large = (flags & PG_large) !== 0;
    // folio_precise_page_mapcount(): a page of a large folio also counts the folio's PMD mappings
    const mapcnt = zero ? (m.era === '6.18' ? 0 : m.frames.maps(frame)) : m.frames.maps(frame) + (large ? entireMapcount(m, folioHead(m, frame)) : 0);
    const pm: string[] = [];
    if (!zero && (flags & PG_anon) === 0) pm.push('file');
    if (!zero && mapcnt === 1) pm.push('excl');
    pages.push({ i, st: 'present', pm, scan: zero ? ['pfnzero'] : [], pfn: lab.label(frame), kf: kpageflags(m, frame), mapcnt, data: m.tags.name(m.frames.tag[frame]!) });
    // the oracle reads the data through /proc/self/mem: GUP with FOLL_TOUCH marks the folio accessed (kernel/swap.ts)
    if (!zero && m.era === '6.18') folio_mark_accessed(m, frame);
    summary['present']!++;
    if (pm.includes('excl')) summary['excl']!++;
    if (pm.includes('file')) summary['file']!++;
    if (!zero && flags & PG_anon) summary['anon']!++;
    if (zero) summary['zero']!++;
    if (large) summary['thp']!++;
  } else if (cls === PteClassCode.file) {
    // 2.6.21 nonlinear file pte (no oracle recording has them: the state is an mmsim extension)
    const f = m.variant.fast;
    pages.push({ i, st: 'file', pm: [], scan: [], pgoff: f.pte_to_pgoff_hi!(hi, lo) * 2 ** 32 + f.pte_to_pgoff_lo!(hi, lo) });
    summary['none']!++;
  } else if (cls === PteClassCode.swap) {
    const type = m.variant.fast.pte_to_swp_type(hi, lo);
    const slotNo = m.variant.fast.pte_to_swp_offset_lo(hi, lo);
    const dev = m.swaps[type];
    const l = lab.slot(type, slotNo);
    pages.push({ i, st: 'swapped', pm: [], scan: [], mc: dev && dev.cache[slotNo]! >= 0 ? 1 : 0, swap_type: l.type, slot: l.slot, slot_rel: l.rel });
    summary['swapped']!++;
  } else {
    const vma = proc.alive ? proc.mm.vmas.lookup(vpn) : undefined;
    const inode = vma ? m.inodeOf(vma) : undefined;
    const page: PageObs = { i, st: 'none', pm: [], scan: [] };
    // mincore(): only where a VMA covers the page; file pages count when cached
    if (vma) {
      const index = vma.pgoff + (vpn - vma.start);
      const swapped = inode?.swapped.get(index);
      const inSwapCache = swapped !== undefined && (m.swaps[Math.floor(swapped / 2 ** 24)]?.cache[swapped % 2 ** 24] ?? -1) >= 0;
      page.mc = inode && (inode.cache.has(index) || inSwapCache) ? 1 : 0;
    }
    pages.push(page);
    summary['none']!++;
  }
  if (slot < 0) return;
  // the uffd-wp bit, pte markers and PAGEMAP_SCAN's wp categories (pte-bits.ts)
  const page = pages[pages.length - 1]!;
  pteBitsObs(m, proc, vpn, hi, lo, cls, page, summary);
  // the entry itself, as the arch stores it (a sample's unlisted pages are counted, never shown: no words for them)
  if (lab !== UNLABELLED) {
    page.pte = pteWords(m.variant, hi, lo);
    page.pte_class = pteClassName(cls);
  }
}

/** The VMAs overlapping the region, relative to it, with their smaps counters. */
function observeVmas(m: Machine, proc: Process, region: Region): VmaObs[] {
  const vmas: VmaObs[] = [];
  if (proc.alive) {
    for (const v of proc.mm.vmas.overlapping(region.start, region.start + region.pages)) {
      const perms = `${v.flags & VM_READ ? 'r' : '-'}${v.flags & VM_WRITE ? 'w' : '-'}${v.flags & VM_EXEC ? 'x' : '-'}${v.flags & VM_SHARED ? 's' : 'p'}`;
      const inode = m.inodeOf(v);
      const path = !inode ? '' : inode.fs === 'shmem' ? '/dev/zero (deleted)' : `${inode.fs}:${inode.name}`;
      vmas.push({
        from: v.start - region.start,
        to: v.end - region.start,
        perms,
        pgoff: v.file ? v.pgoff : 0,
        path,
        kB: smapsKb(m, proc, v),
        THPeligible: thpEligible(m, v) ? '1' : '0',
        VmFlags: vmFlags(v),
      });
    }
  }
  return vmas;
}

/**
 * smaps THPeligible (6.18 fs/proc/task_mmu.c show_smap: thp_vma_allowable_orders with TVA_SMAPS), the PMD
 * order with sysfs enabled=madvise: MADV_HUGEPAGE, and an aligned huge page fitting below the VMA's end
 * (mm/huge_memory.c 147–160: addr = vm_end − HPAGE_PMD_SIZE; include/linux/huge_mm.h 226–237
 * thp_vma_suitable_order, a file VMA's pgoff aligned too); a shmem or tmpfs VMA then asks
 * shmem_allowable_huge_orders (167–170), which with shmem_enabled=never and tmpfs huge=never allows none.
 */
function thpEligible(m: Machine, v: import('../kernel/vma.js').Vma): boolean {
  if ((v.flags & VM_HUGEPAGE) === 0) return false;
  const st = thpState(m);
  if (st === null) return true; // no THP modelled here: the flag alone, as before
  const anon = vma_is_anonymous(m, v);
  if (!anon && (v.start - v.pgoff) % st.nr !== 0) return false;
  const addr = v.end - st.nr;
  if (addr < v.start) return false;
  const haddr = addr - (addr % st.nr);
  if (haddr < v.start || haddr + st.nr > v.end) return false;
  if (anon) return true;
  const fs = m.inodeOf(v)?.fs;
  return !(v.shmem || fs === 'shmem' || fs === 'tmpfs');
}
