/**
 * The machine's invariants, checked after every step in tests and on demand:
 * - every frame's mapcount equals the number of ptes that map it, and its
 *   refcount covers those mappings (plus page cache, swap cache and pins as
 *   they are modelled);
 * - no pte maps a freed frame, and no pte lies outside a VMA;
 * - an in-use anonymous frame is mapped or held by something (no leak);
 * - a pte maps a file page only while it is in the page cache (the
 *   2007 fault-vs-invalidate race breaks this one).
 * A broken one is reported naming the rule, the frame or pte, and where.
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine } from '../kernel/machine.js';
import { PG_anon, PG_swapcache, PG_zero } from '../kernel/page-flags.js';

export interface Violation {
  readonly rule: 'mapcount' | 'refcount' | 'freed-frame' | 'pte-outside-vma' | 'leak' | 'swap-count' | 'freed-slot' | 'stale-file-pte';
  readonly message: string;
  readonly frame?: number;
  readonly pid?: number;
  readonly vpn?: number;
}

/**
 * @param held references kernel paths hold in the middle of an operation
 *   (a fault between ->nopage and the pte install), by frame: the explorer
 *   checks between such steps.
 */
export function checkInvariants(m: Machine, held: ReadonlyMap<number, number> = m.sched.held): Violation[] {
  const f = m.frames;
  const counted = new Int32Array(f.highWater);
  const out: Violation[] = [];
  const fast = m.variant.fast;
  const slotUsers = m.swaps.map((d) => (d ? new Int32Array(d.pages) : undefined));
  for (const p of m.procs) {
    if (!p.alive) continue;
    const pt = p.mm.pgtable;
    // every pte of every table, so ptes left outside VMAs are seen too
    for (let t = 0; t < pt.leaves.length; t++) {
      for (let i = 0; i < pt.ptrsPerPte; i++) {
        const slot = t * pt.ptrsPerPte + i;
        const hi = pt.hi(slot);
        const lo = pt.lo(slot);
        const cls = fast.classify(hi, lo);
        if (cls === PteClassCode.none) continue;
        const vpn = pt.vpnOf(slot);
        if (!p.mm.vmas.lookup(vpn)) {
          out.push({ rule: 'pte-outside-vma', pid: p.pid, vpn, message: `pid ${p.pid}: pte at vpn 0x${vpn.toString(16)} is not inside any VMA` });
        }
        if (cls === PteClassCode.swap) {
          const type = fast.pte_to_swp_type(hi, lo);
          const slot = fast.pte_to_swp_offset_lo(hi, lo);
          const users = slotUsers[type];
          if (!users || slot <= 0 || slot >= users.length) {
            out.push({ rule: 'freed-slot', pid: p.pid, vpn, message: `pid ${p.pid}: a swap pte names type ${type} slot ${slot}, which no swap device holds` });
          } else users[slot]!++;
          continue;
        }
        if (cls !== PteClassCode.present && cls !== PteClassCode.protnone) continue;
        const frame = m.pteFrame(hi, lo);
        if (frame < 0 || frame >= f.highWater || f.isFree(frame)) {
          out.push({ rule: 'freed-frame', pid: p.pid, frame, message: `pid ${p.pid}: a pte maps pfn ${frame + f.pfnBase}, which is free` });
          continue;
        }
        counted[frame]!++;
        const flags = f.flags[frame]!;
        if ((flags & (PG_anon | PG_zero)) === 0 && f.mapping[frame] === 0) {
          out.push({
            rule: 'stale-file-pte',
            pid: p.pid,
            vpn,
            frame,
            message: `pid ${p.pid}: the pte at vpn 0x${vpn.toString(16)} maps pfn 0x${f.pfn(frame).toString(16)}, a file page no longer in the page cache (truncated or invalidated): the process sees data the file no longer has`,
          });
        }
      }
    }
  }
  for (const inode of m.inodes.values()) {
    for (const id of inode.swapped.values()) {
      const users = slotUsers[Math.floor(id / 2 ** 24)];
      if (users) users[id % 2 ** 24]!++;
    }
  }
  m.swaps.forEach((dev, type) => {
    if (!dev) return;
    const users = slotUsers[type]!;
    for (let slot = 1; slot < dev.pages; slot++) {
      if (dev.map[slot] !== users[slot]) {
        out.push({ rule: 'swap-count', message: `swap type ${type} slot ${slot}: swap_map ${dev.map[slot]} but ${users[slot]} users` });
      }
    }
  });
  const inPageCache = new Uint8Array(f.highWater);
  // references GUP holds (get_user_pages / pin_user_pages)
  const pinRefs = new Float64Array(f.highWater);
  for (const pin of m.pins) if (pin) pinRefs[pin.frame]! += pin.refs;
  if (held) for (const [frame, n] of held) pinRefs[frame]! += n;
  for (const inode of m.inodes.values()) for (const frame of inode.cache.values()) inPageCache[frame] = 1;
  for (let frame = 0; frame < f.highWater; frame++) {
    if (f.isFree(frame)) continue;
    const flags = f.flags[frame]!;
    const zero = (flags & PG_zero) !== 0;
    if (zero && m.era === '6.18') continue; // special ptes: no struct page accounting
    const mapcount = f.maps(frame);
    if (mapcount !== counted[frame]!) {
      out.push({ rule: 'mapcount', frame, message: `pfn ${frame + f.pfnBase}: mapcount ${mapcount} but ${counted[frame]} ptes map it` });
    }
    const holders = mapcount + ((flags & PG_swapcache) !== 0 ? 1 : 0) + inPageCache[frame]! + (zero ? 1 : 0) + pinRefs[frame]!;
    if (f.refs(frame) !== holders) {
      out.push({ rule: 'refcount', frame, message: `pfn ${frame + f.pfnBase}: refcount ${f.refs(frame)} but ${holders} holders (mappings, page cache, swap cache, pins, references held mid-operation)` });
    }
    if (!zero && holders === 0) {
      out.push({ rule: 'leak', frame, message: `pfn ${frame + f.pfnBase}: a page nothing maps or holds` });
    }
  }
  return out;
}

