/**
 * KSM's sysfs side (mm/ksm.c, /sys/kernel/mm/ksm): run_store (stop, run,
 * unmerge), the counters (pages_shared, pages_sharing, …, full_scans), and
 * what the host oracle's ksm ops do with them — start ksmd with its
 * settings, wait for merges, restore the settings. The scan is ksm.ts.
 *
 * @kernel mm/ksm.c
 */
import { SyscallError } from '../model/errno.js';
import type { Machine } from '../model/machine.js';
import { PG_anon_exclusive } from './page-flags.js';
import { PG_large } from './huge_memory.js';
import { KSM_RUN_UNMERGE, PageKsm, SEQNR_MASK, STABLE, UNSTABLE, ksmState, ksm_do_scan, ksmd_should_run, unmerge_and_remove_all_rmap_items } from './ksm.js';
import { nodeLive, stableNodeOf } from './ksm.tree.js';

/** run_store(): 0 stops ksmd, 1 runs it, 2 stops it and unmerges everything. */
export function ksm_run_store(m: Machine, flags: number): void {
  const s = ksmState(m);
  if (!Number.isInteger(flags) || flags < 0 || flags > KSM_RUN_UNMERGE) throw new SyscallError('EINVAL', `run ${flags}: 0, 1 or 2`);
  if (s.run === flags) return;
  s.run = flags;
  if ((flags & KSM_RUN_UNMERGE) !== 0) unmerge_and_remove_all_rmap_items(m, s);
}

/** The counters of /sys/kernel/mm/ksm. */
export interface KsmStats {
  readonly run: number;
  readonly pages_shared: number;
  readonly pages_sharing: number;
  readonly pages_unshared: number;
  readonly pages_volatile: number;
  readonly pages_scanned: number;
  readonly full_scans: number;
  readonly stable_node_chains: number;
  readonly stable_node_dups: number;
}

export function ksm_stats(m: Machine): KsmStats {
  const s = m.ksm;
  if (!s) return { run: 0, pages_shared: 0, pages_sharing: 0, pages_unshared: 0, pages_volatile: 0, pages_scanned: 0, full_scans: 0, stable_node_chains: 0, stable_node_dups: 0 };
  let shared = 0;
  let listed = 0;
  for (const node of s.nodes.values()) {
    if (node.hlist.length > 0) shared++;
    listed += node.hlist.length;
  }
  let unshared = 0;
  let items = 0;
  for (const slot of s.slots) {
    items += slot.items.length;
    for (const it of slot.items) if (it.state === UNSTABLE) unshared++;
  }
  let chains = 0;
  let dups = 0;
  for (const c of s.stable.values()) {
    if (!c.isChain) continue;
    chains++;
    dups += c.dups.length;
  }
  return {
    run: s.run,
    pages_shared: shared,
    pages_sharing: listed - shared,
    pages_unshared: unshared,
    pages_volatile: Math.max(0, items - listed - unshared),
    pages_scanned: s.pagesScanned,
    full_scans: s.seqnr,
    stable_node_chains: chains,
    stable_node_dups: dups,
  };
}

/** The host oracle's ksm_start settings. */
export interface KsmSettings {
  readonly run: number;
  readonly sleepMillisecs: number;
  readonly pagesToScan: number;
}

export const ORACLE_KSM_SETTINGS: KsmSettings = { run: 1, sleepMillisecs: 10, pagesToScan: 1000 };

function noSysfs(m: Machine): void {
  if (m.era !== '6.18') throw new SyscallError('ENOENT', '/sys/kernel/mm/ksm does not exist before 2.6.32');
}

/**
 * The oracle's ksm_start (sc_misc.c): saves sleep_millisecs, pages_to_scan
 * and run, then writes the new values in that order.
 */
export function ksm_start(m: Machine, settings: KsmSettings = ORACLE_KSM_SETTINGS): void {
  noSysfs(m);
  const s = ksmState(m);
  s.saved = { run: String(s.run), sleep_millisecs: String(s.sleepMillisecs), pages_to_scan: String(s.pagesToScan) };
  s.sleepMillisecs = settings.sleepMillisecs;
  s.pagesToScan = settings.pagesToScan;
  ksm_run_store(m, settings.run);
}

/**
 * The oracle's ksm_wait: read pages_shared every 10 ms, up to 1000 times,
 * until it reaches `want`; its last value. ksmd runs one batch of
 * pages_to_scan pages per sleep_millisecs meanwhile. (2.6.21: the file
 * cannot be read, every poll reads 0.)
 */
export function ksm_wait(m: Machine, want: number): number {
  if (m.era !== '6.18') return 0;
  const s = ksmState(m);
  let idle = 0;
  for (let poll = 0; poll < 1000; poll++) {
    const v = ksm_stats(m).pages_shared;
    if (v >= want) return v;
    idle += 10;
    const period = Math.max(1, s.sleepMillisecs);
    while (idle >= period) {
      idle -= period;
      if (ksmd_should_run(s)) ksm_do_scan(m, s.pagesToScan);
    }
    if (!ksmd_should_run(s)) break; // nothing will change any more: the rest of the wait reads the same value
  }
  return ksm_stats(m).pages_shared;
}

/**
 * ksmd's loop (mm/ksm.c ksm_scan_thread, 2768–2793), `wakeups` times round: each
 * wake-up runs one ksm_do_scan of pages_to_scan pages when ksmd_should_run
 * (run=1 and an mm on ksmd's list), else it sleeps until it should. The
 * pages scanned (the growth of pages_scanned).
 */
export function ksm_scan_thread(m: Machine, wakeups: number): number {
  noSysfs(m);
  const s = ksmState(m);
  const before = s.pagesScanned;
  for (let i = 0; i < wakeups && ksmd_should_run(s); i++) ksm_do_scan(m, s.pagesToScan);
  return s.pagesScanned - before;
}

/**
 * ksmd's loop (ksm_scan_thread) until full_scans (mm/ksm.c full_scans_show, 3746: ksm_scan.seqnr)
 * has grown by `scans`, as a program polling /sys/kernel/mm/ksm/full_scans
 * would wait for it; it stops early when ksmd would scan nothing more (run
 * not 1, no mm on its list, pages_to_scan 0). The full_scans value then.
 */
export function ksmdFullScans(m: Machine, scans: number): number {
  noSysfs(m);
  const s = ksmState(m);
  const want = s.seqnr + scans;
  while (s.seqnr < want && ksmd_should_run(s) && s.pagesToScan > 0) ksm_do_scan(m, s.pagesToScan);
  return s.seqnr;
}

/**
 * The oracle's ksm_restore: run=2 (unmerge what is left), then the saved
 * run, sleep_millisecs and pages_to_scan. Returns the saved values (the
 * step's args).
 */
export function ksm_restore(m: Machine): { run: string; sleep_millisecs: string; pages_to_scan: string } {
  if (m.era !== '6.18') return { run: '', sleep_millisecs: '', pages_to_scan: '' };
  const s = ksmState(m);
  const saved = s.saved ?? { run: String(s.run), sleep_millisecs: String(s.sleepMillisecs), pages_to_scan: String(s.pagesToScan) };
  ksm_run_store(m, KSM_RUN_UNMERGE);
  ksm_run_store(m, saved.run === '' ? 0 : Number(saved.run));
  s.sleepMillisecs = Number(saved.sleep_millisecs);
  s.pagesToScan = Number(saved.pages_to_scan);
  s.saved = null;
  return saved;
}

// ------------------------------------------------------------------ invariants

/**
 * KSM's own invariants (the pte side — no writable pte maps a KSM page —
 * is checked in checkInvariants' pte walk): every KSM page is small, not
 * PageAnonExclusive, and named by a live stable node filed under its
 * content; every node's rmap_items point back to it; every mm's rmap_list
 * is sorted; the unstable tree holds unstable items only.
 */
export function ksmViolations(m: Machine): string[] {
  const s = m.ksm;
  if (!s) return [];
  const out: string[] = [];
  const f = m.frames;
  const pfn = (frame: number) => `pfn 0x${f.pfn(frame).toString(16)}`;
  for (let frame = 0; frame < f.highWater; frame++) {
    if (f.isFree(frame) || !PageKsm(m, frame)) continue;
    const flags = f.flags[frame]!;
    if ((flags & PG_anon_exclusive) !== 0) out.push(`${pfn(frame)}: a KSM page is PageAnonExclusive`);
    if ((flags & PG_large) !== 0) out.push(`${pfn(frame)}: a KSM page is part of a large folio`);
    const node = stableNodeOf(m, s, frame);
    if (!node) {
      if (f.maps(frame) > 0) out.push(`${pfn(frame)}: a mapped KSM page has no stable node`);
    } else if (node.kpfn !== frame) out.push(`${pfn(frame)}: its stable node #${node.id} names ${pfn(node.kpfn)}`);
  }
  for (const node of s.nodes.values()) {
    const chain = s.stable.get(node.content);
    if (!chain || !chain.dups.includes(node)) out.push(`stable node #${node.id} is not in the stable tree`);
    if (nodeLive(m, node) && f.tag[node.kpfn] !== node.content) out.push(`stable node #${node.id}: its KSM page ${pfn(node.kpfn)} changed content`);
    for (const it of node.hlist) if (it.state !== STABLE || it.head !== node) out.push(`stable node #${node.id}: an rmap_item in its list does not point back`);
  }
  for (const slot of s.slots) {
    if (s.slotOf.get(slot.mm) !== slot) out.push(`mm #${slot.mm.id}: its mm_slot is not hashed`);
    for (let i = 0; i < slot.items.length; i++) {
      const it = slot.items[i]!;
      if (i > 0 && slot.items[i - 1]!.vpn >= it.vpn) out.push(`mm #${slot.mm.id}: the rmap_list is not sorted at vpn 0x${it.vpn.toString(16)}`);
      if (it.state === STABLE && (!it.head || !s.nodes.has(it.head.id) || !it.head.hlist.includes(it))) out.push(`mm #${slot.mm.id}: the stable rmap_item at vpn 0x${it.vpn.toString(16)} is not in its node's list`);
    }
  }
  // during a full scan the unstable tree holds this scan's unstable items only (between scans it keeps the
  // finished scan's nodes, freed items too: scan_get_next_rmap_item resets it before anything searches it)
  if (s.cursor !== null) {
    for (const it of s.unstable.values()) {
      if (it.state !== UNSTABLE || it.seqnr !== (s.seqnr & SEQNR_MASK)) out.push(`the unstable tree holds an rmap_item that is not unstable in this scan (vpn 0x${it.vpn.toString(16)})`);
    }
  }
  return out;
}
