/**
 * The machine's invariants, checked after every step in tests and on demand:
 * - every frame's mapcount equals the number of ptes that map it, and its
 *   refcount covers those mappings (plus page cache, swap cache and pins as
 *   they are modelled);
 * - no pte maps a freed frame, and no pte lies outside a VMA;
 * - an in-use anonymous frame is mapped or held by something (no leak);
 * - a pte maps a file page only while it is in the page cache (the
 *   2007 fault-vs-invalidate race breaks this one);
 * - a migration entry names a page some migration still holds: in use and
 *   locked (or held by a path mid-operation). Migration installs its
 *   entries with the old page locked and removes them all before unlocking
 *   it; an entry outliving that — the 2011 mremap-vs-rmap_walk race — names
 *   a page that is freed next, and a fault there waits in
 *   migration_entry_wait for ever.
 * - every VMA lies inside [0, TASK_SIZE) and no two VMAs of an mm overlap;
 *   every pte table hangs from exactly one pmd entry, the one that
 *   translates its first vpn — so no two addresses (two VMAs, or a VMA and
 *   an address no VMA owns) share a pte slot.
 * A broken one is reported naming the rule, the frame or pte, and where.
 */
import { PteClassCode } from '@mmsim/core';
import type { Machine, Process } from '../model/machine.js';
import type { Vma } from '../kernel/vma.js';
import { PG_anon, PG_locked, PG_swapcache, PG_zero } from '../kernel/page-flags.js';
import { migration_entry_pfn } from '../kernel/migrate.js';
// --- THP (huge_memory.ts): huge pmds and large folios ---
import { entireMapcount, folioHead, isHugeZeroPmd, pmdFrame, PG_head, PG_tail, thpState } from '../kernel/huge_memory.js';
import { zappingOf } from '../kernel/memory.zap.js';
import { ksmViolations } from '../kernel/ksm.sysfs.js';
import { mapsPage } from '../kernel/pagewalk.js';
import { vaddr } from '../model/vaddr.js';

export interface Violation {
  readonly rule:
    | 'mapcount'
    | 'refcount'
    | 'freed-frame'
    | 'pte-outside-vma'
    | 'leak'
    | 'swap-count'
    | 'freed-slot'
    | 'stale-file-pte'
    | 'migration-entry'
    | 'ksm'
    | 'address-space'
    | 'page-table';
  readonly message: string;
  readonly frame?: number;
  readonly pid?: number;
  readonly vpn?: number;
}

/**
 * The per-frame counting arrays of one check, kept on the machine between
 * checks: the explorer checks after every step, and allocating three arrays
 * of the frame table's size each time was most of the check's cost (and
 * most of the search's garbage). Zeroed before each use, so they carry
 * nothing from one check to the next.
 */
export interface InvariantScratch {
  counted: Int32Array;
  inPageCache: Uint8Array;
  pinRefs: Float64Array;
  slotUsers: (Int32Array | undefined)[];
}

function scratchFor(m: Machine, frames: number): InvariantScratch {
  let s = m.invariantScratch;
  if (s === undefined || s.counted.length < frames) {
    const size = Math.max(frames, 64);
    s = m.invariantScratch = { counted: new Int32Array(size), inPageCache: new Uint8Array(size), pinRefs: new Float64Array(size), slotUsers: s?.slotUsers ?? [] };
  } else {
    s.counted.fill(0, 0, frames);
    s.inPageCache.fill(0, 0, frames);
    s.pinRefs.fill(0, 0, frames);
  }
  // a swap device's users per slot: sized to the device (swapon may replace a type's device)
  const users = s.slotUsers;
  users.length = m.swaps.length;
  for (let type = 0; type < m.swaps.length; type++) {
    const dev = m.swaps[type];
    const u = users[type];
    if (!dev) users[type] = undefined;
    else if (u === undefined || u.length !== dev.pages) users[type] = new Int32Array(dev.pages);
    else u.fill(0);
  }
  return s;
}

/**
 * @param held references kernel paths hold in the middle of an operation
 *   (a fault between ->nopage and the pte install), by frame: the explorer
 *   checks between such steps.
 */
export function checkInvariants(m: Machine, held: ReadonlyMap<number, number> = m.sched.held): Violation[] {
  const f = m.frames;
  const scratch = scratchFor(m, f.highWater);
  const counted = scratch.counted;
  const out: Violation[] = [];
  const fast = m.variant.fast;
  const slotUsers = scratch.slotUsers;
  for (const p of m.procs) {
    if (!p.alive) continue;
    addressSpaceViolations(m, p, out);
    const pt = p.mm.pgtable;
    // every pte of every table, so ptes left outside VMAs are seen too
    const words = pt.words;
    for (let t = 0; t < pt.leaves.length; t++) {
      const table = pt.leaves[t]!;
      // only the span of the table that has ever held a non-zero pte
      for (let i = pt.spanLo[t]!, end = pt.spanHi[t]!; i <= end; i++) {
        // an all-zero entry is pte_none on every arch: skip it without classifying (most of a table)
        const lo = table[i * words]!;
        const hi = words === 2 ? table[i * 2 + 1]! : 0;
        if (lo === 0 && hi === 0) continue;
        const slot = t * pt.ptrsPerPte + i;
        const cls = fast.classify(hi, lo);
        if (cls === PteClassCode.none) continue;
        const vpn = pt.vpnOf(slot);
        if (!p.mm.vmas.lookup(vpn)) {
          out.push({ rule: 'pte-outside-vma', pid: p.pid, vpn, message: `pid ${p.pid}: pte at ${vaddr(m, vpn)} is not inside any VMA` });
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
        if (cls === PteClassCode.migration) {
          const pfn = migration_entry_pfn(m, hi, lo);
          const frame = f.frameOf(pfn);
          const free = frame < 0 || frame >= f.highWater || f.isFree(frame);
          // a page of a large folio is locked and held through its head (split_huge_page's unmap_folio)
          const owner = free ? frame : folioHead(m, frame);
          if (free || ((f.flags[owner]! & PG_locked) === 0 && !held.has(owner))) {
            out.push({
              rule: 'migration-entry',
              pid: p.pid,
              vpn,
              frame,
              message: `pid ${p.pid}: the pte at ${vaddr(m, vpn)} is a migration entry for pfn 0x${pfn.toString(16)}, which ${free ? 'is free' : 'no migration holds'}: the migration finished without restoring it, and a fault there waits in migration_entry_wait for ever`,
            });
          }
          continue;
        }
        if (!mapsPage(cls)) continue;
        const frame = m.pteFrame(hi, lo);
        if (frame < 0 || frame >= f.highWater || f.isFree(frame)) {
          out.push({ rule: 'freed-frame', pid: p.pid, frame, message: `pid ${p.pid}: a pte maps pfn ${frame + f.pfnBase}, which is free` });
          continue;
        }
        counted[frame]!++;
        const flags = f.flags[frame]!;
        // KSM (ksm.ts): a KSM page (anon, negative mapping) is write-protected wherever it is mapped
        if ((flags & PG_anon) !== 0 && f.mapping[frame]! < 0 && m.pteWrite(hi, lo)) {
          out.push({ rule: 'ksm', pid: p.pid, vpn, frame, message: `pid ${p.pid}: the pte at ${vaddr(m, vpn)} maps the KSM page pfn 0x${f.pfn(frame).toString(16)} writable` });
        }
        if ((flags & (PG_anon | PG_zero)) === 0 && f.mapping[frame] === 0) {
          out.push({
            rule: 'stale-file-pte',
            pid: p.pid,
            vpn,
            frame,
            message: `pid ${p.pid}: the pte at ${vaddr(m, vpn)} maps pfn 0x${f.pfn(frame).toString(16)}, a file page no longer in the page cache (truncated or invalidated): the process sees data the file no longer has`,
          });
        }
      }
    }
  }
  // a pte zap_pte_range has cleared but not yet unmapped (its stop, under the pte lock) still counts
  for (const [frame, n] of zappingOf(m) ?? []) if (frame < f.highWater) counted[frame]! += n;
  // --- THP: huge pmds (PMD-mapped folios) count in their folio's entire mapcount ---
  const thp = thpState(m);
  const entireCounted = new Map<number, number>();
  if (thp !== null) {
    for (const p of m.procs) {
      if (!p.alive) continue;
      for (const h of p.mm.pgtable.huge.values()) {
        const vma = p.mm.vmas.lookup(h.vpn);
        if (!vma || vma.end < h.vpn + thp.nr) {
          out.push({ rule: 'pte-outside-vma', pid: p.pid, vpn: h.vpn, message: `pid ${p.pid}: the huge pmd at ${vaddr(m, h.vpn)} is not inside one VMA` });
        }
        if (isHugeZeroPmd(m, h)) continue; // the huge zero folio: no rmap accounting
        const head = pmdFrame(m, h.hi, h.lo);
        if (head < 0 || head >= f.highWater || f.isFree(head) || (f.flags[head]! & PG_head) === 0) {
          out.push({ rule: 'freed-frame', pid: p.pid, frame: head, message: `pid ${p.pid}: the huge pmd at ${vaddr(m, h.vpn)} maps pfn 0x${(head + f.pfnBase).toString(16)}, which is not the head of a live large folio` });
          continue;
        }
        entireCounted.set(head, (entireCounted.get(head) ?? 0) + 1);
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
  const inPageCache = scratch.inPageCache;
  // references GUP holds (get_user_pages / pin_user_pages)
  const pinRefs = scratch.pinRefs;
  // a pin's references are on its folio (the head of a large folio: gup.ts try_grab_folio); a FOLL_PIN of a large folio counts in its _pincount
  const pinsOn = new Map<number, number>();
  for (const pin of m.pins) {
    if (!pin) continue;
    pinRefs[pin.folio]! += pin.refs;
    if (pin.pincount) pinsOn.set(pin.folio, (pinsOn.get(pin.folio) ?? 0) + 1);
  }
  for (const [head, n] of thp?.pincount ?? []) {
    if (pinsOn.get(head) !== n) out.push({ rule: 'refcount', frame: head, message: `pfn ${head + f.pfnBase}: the large folio's _pincount is ${n} but ${pinsOn.get(head) ?? 0} FOLL_PIN pins hold it` });
    pinsOn.delete(head);
  }
  for (const [head, n] of pinsOn) out.push({ rule: 'refcount', frame: head, message: `pfn ${head + f.pfnBase}: ${n} FOLL_PIN pins hold the large folio, but its _pincount is 0` });
  for (const [frame, n] of held) pinRefs[frame]! += n;
  for (const inode of m.inodes.values()) for (const frame of inode.cache.values()) inPageCache[frame] = 1;
  for (let frame = 0; frame < f.highWater; frame++) {
    if (f.isFree(frame)) continue;
    const flags = f.flags[frame]!;
    const zero = (flags & PG_zero) !== 0;
    if (zero && m.era === '6.18') continue; // special ptes: no struct page accounting
    // --- THP: a large folio's references are its head's; each page keeps its own (PTE) mapcount ---
    if (thp !== null && (flags & (PG_head | PG_tail)) !== 0) {
      if (f.maps(frame) !== counted[frame]!) {
        out.push({ rule: 'mapcount', frame, message: `pfn ${frame + f.pfnBase}: mapcount ${f.maps(frame)} but ${counted[frame]} ptes map it (a page of a large folio)` });
      }
      if ((flags & PG_tail) !== 0) {
        const head = folioHead(m, frame);
        if (f.refs(frame) !== 1 || pinRefs[frame]! !== 0) {
          out.push({ rule: 'refcount', frame, message: `pfn ${frame + f.pfnBase}: a tail page of the large folio at pfn ${head + f.pfnBase} has refcount ${f.refs(frame)} and ${pinRefs[frame]} references held on it: a large folio's references are its head's` });
        }
        if (f.isFree(head) || (f.flags[head]! & PG_head) === 0) {
          out.push({ rule: 'leak', frame, message: `pfn ${frame + f.pfnBase}: a tail page whose head (pfn ${head + f.pfnBase}) is not a live large folio` });
        }
        continue;
      }
      let mapped = entireCounted.get(frame) ?? 0;
      if (entireMapcount(m, frame) !== mapped) {
        out.push({ rule: 'mapcount', frame, message: `pfn ${frame + f.pfnBase}: entire mapcount ${entireMapcount(m, frame)} but ${mapped} huge pmds map the folio` });
      }
      let extra = 0;
      for (let i = 0; i < thp.nr; i++) {
        mapped += f.maps(frame + i);
        extra += pinRefs[frame + i]!;
      }
      const folioHolders = mapped + extra + ((flags & PG_swapcache) !== 0 ? thp.nr : 0);
      if (f.refs(frame) !== folioHolders) {
        out.push({ rule: 'refcount', frame, message: `pfn ${frame + f.pfnBase}: the large folio's refcount is ${f.refs(frame)} but it has ${folioHolders} holders (PMD and PTE mappings, references held mid-operation)` });
      }
      if (folioHolders === 0) out.push({ rule: 'leak', frame, message: `pfn ${frame + f.pfnBase}: a large folio nothing maps or holds` });
      continue;
    }
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
  for (const message of ksmViolations(m)) out.push({ rule: 'ksm', message });
  return out;
}


const hexVpn = (vpn: number): string => `0x${vpn.toString(16)}`;

/**
 * The address space's shape: VMAs inside [0, TASK_SIZE), sorted and
 * disjoint; every pte table in use reachable from exactly the pmd entry
 * that translates its first vpn. Work: the VMAs and the upper-level tables.
 */
function addressSpaceViolations(m: Machine, p: Process, out: Violation[]): void {
  const limit = m.variant.constants.TASK_SIZE_PAGES;
  const pid = p.pid;
  let prev: Vma | undefined;
  for (const v of p.mm.vmas.list) {
    if (!(Number.isSafeInteger(v.start) && Number.isSafeInteger(v.end) && v.start >= 0 && v.start < v.end && v.end <= limit)) {
      out.push({ rule: 'address-space', pid, vpn: v.start, message: `pid ${pid}: the VMA [${hexVpn(v.start)}, ${hexVpn(v.end)}) is not a non-empty range inside [0, TASK_SIZE = ${hexVpn(limit)}) (in pages)` });
    }
    if (prev && v.start < prev.end) {
      out.push({ rule: 'address-space', pid, vpn: v.start, message: `pid ${pid}: the VMAs [${hexVpn(prev.start)}, ${hexVpn(prev.end)}) and [${hexVpn(v.start)}, ${hexVpn(v.end)}) overlap (or are out of order)` });
    }
    prev = v;
  }
  const pt = p.mm.pgtable;
  // the upper levels are scanned again only when they changed since a clean scan (the explorer checks every step)
  if (pt.checkedStructure === pt.structure) return;
  const wrong = pt.checkTables();
  for (const what of wrong) out.push({ rule: 'page-table', pid, message: `pid ${pid}: ${what}` });
  if (wrong.length === 0) pt.checkedStructure = pt.structure;
}
