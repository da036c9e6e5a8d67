/**
 * The walk of one address through a process's page table, level by level
 * as the arch's geometry has them (spec.levels, top first): each level's
 * index and what its entry holds — a table below, none, a huge pmd's words
 * (a leaf at the pmd level: pmd_trans_huge), or at the last level the pte's
 * words and class. The walk stops where an entry is none or a leaf, as the
 * kernel's does (6.18 mm/pagewalk.c 270 walk_pgd_range … 62 walk_pte_range;
 * 2.6.20 mm/memory.c 903 follow_page).
 *
 * Upper-level entries are shown as the model holds them — which table they
 * point to — not as the arch's words: the model keeps its page tables
 * outside the simulated frames, so a table has no pfn to encode.
 */
import type { Machine, Process } from '../model/machine.js';
import { pteClassName, pteWords } from './pte-words.js';

export interface WalkLevel {
  /** pgd, p4d, pud, pmd, pte */
  level: string;
  index: number;
  /** `table #3`, `none`, the huge pmd's or the pte's words */
  entry: string;
  /** the pte's class (last level), or `huge` for a huge pmd */
  class?: string;
}

export interface WalkObs {
  /** the page's virtual address, in hex */
  addr: string;
  levels: WalkLevel[];
}

/** The walk for page `vpn` of `proc` (an exited process: no levels). */
export function walkPage(m: Machine, proc: Process, vpn: number): WalkObs {
  const c = m.variant.constants;
  const addr = `0x${(BigInt(vpn) * BigInt(c.PAGE_SIZE)).toString(16)}`;
  const levels: WalkLevel[] = [];
  if (!proc.alive) return { addr, levels };
  const spec = m.variant.spec.levels;
  const pt = proc.mm.pgtable;
  for (let l = 0; l < spec.length; l++) {
    const s = spec[l]!;
    const index = Math.floor(vpn / 2 ** (s.shift - c.PAGE_SHIFT)) % 2 ** s.bits;
    if (l === spec.length - 1) {
      const slot = pt.walk(vpn, false);
      if (slot < 0) break;
      const hi = pt.hi(slot);
      const lo = pt.lo(slot);
      levels.push({ level: s.name, index, entry: pteWords(m.variant, hi, lo), class: pteClassName(m.variant.fast.classify(hi, lo)) });
      break;
    }
    const e = pt.upperEntry(l, vpn);
    if (e === undefined) break;
    if (e === 0) {
      levels.push({ level: s.name, index, entry: 'none' });
      break;
    }
    if (e < 0) {
      const h = pt.hugeAt(pt.pmdSlot(vpn, false));
      levels.push({ level: s.name, index, entry: h ? pteWords(m.variant, h.hi, h.lo) : 'huge', class: 'huge' });
      break;
    }
    levels.push({ level: s.name, index, entry: `table #${e - 1}` });
  }
  return { addr, levels };
}
