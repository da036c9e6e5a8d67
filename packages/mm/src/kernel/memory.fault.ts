/**
 * Faults on file-backed (and shmem) VMAs: do_fault → do_read_fault /
 * do_cow_fault / do_shared_fault through the ->fault handler (the 2007 API
 * that replaced ->nopage and ->populate), here filemap_fault/shmem_fault.
 *
 * Era differences:
 * - 6.18 do_read_fault first maps what the page cache already holds around
 *   the address (do_fault_around, fault_around_bytes = 64 KiB: 16 pages of
 *   4 KiB), within the VMA and below EOF; 2.6.21 maps one page per fault.
 * - A cold ext4 read triggers synchronous readahead of the file's next pages
 *   (the default 128 KiB window) before the fault maps them.
 * Shared writable mappings of a file system that tracks dirty pages (ext4)
 * are mapped read-only first (vma_wants_writenotify) so the first write
 * faults into wp_page_shared; tmpfs/shmem ptes are writable at once.
 *
 * @kernel mm/memory.c
 */
import type { Machine, Mm } from '../model/machine.js';
import { find_or_read_page, pagesOf, read_page_from_disk, type Inode } from './filemap.js';
import { PG_dirty } from './page-flags.js';
import { page_dup_rmap } from './rmap.js';
import { alloc_anon_copy } from './memory.wp.js';
import { VM_FAULT_MAJOR, VM_FAULT_OK, VM_FAULT_SIGBUS } from '../model/signals.js';
import { lock_page, page_unlocked, pte_lock, pte_unlock, unlock_page, unlocked } from '../model/locks.js';
import { SITE_DO_FAULT, SITE_DO_FILE_PAGE, type KernelPath } from '../model/sched.js';
import { VM_NONLINEAR, VM_SHARED, VM_WRITE, type Vma } from './vma.js';
import { VM_LOCKED, VM_UFFD_WP } from './vma.js';
import { mlock_folio } from './mlock.js';
import { PteClassCode } from '@mmsim/core';
import { noteValue, V_I_SIZE, V_IN_CACHE, V_INDEX, V_MAPPING_SET, V_TRUNCATE_NOW, V_TRUNCATE_SAMPLED } from '../model/step-values.js';

const FAULT_AROUND_PAGES_BYTES = 64 * 1024;
const READAHEAD_BYTES = 128 * 1024;

/** vma_wants_writenotify(): shared writable mappings of a dirty-tracking file system. */
export function wantsWritenotify(m: Machine, vma: Vma): boolean {
  const inode = m.inodeOf(vma);
  // userfaultfd_wp(): uffd-wp write-notifies any shared writable mapping (6.18 vma_wants_writenotify)
  return (vma.flags & (VM_SHARED | VM_WRITE)) === (VM_SHARED | VM_WRITE) && (inode?.fs === 'ext4' || (vma.flags & VM_UFFD_WP) !== 0);
}

/** The flags whose prot a file pte gets (read-only under writenotify). */
function pteFlags(m: Machine, vma: Vma): number {
  return wantsWritenotify(m, vma) ? vma.flags & ~VM_SHARED : vma.flags;
}

/** Install the pte of a file page (its rmap and reference), as do_read_fault / do_shared_fault end. */
export function mapFilePage(m: Machine, mm: Mm, vma: Vma, slot: number, frame: number, write: boolean): void {
  page_dup_rmap(m, frame);
  m.mkPte(frame, pteFlags(m, vma));
  if (write) {
    m.modify('pte_mkwrite');
    m.modify('pte_mkdirty');
    m.frames.flags[frame]! |= PG_dirty;
  }
  m.modify('pte_mkyoung');
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
  if ((vma.flags & VM_LOCKED) !== 0) mlock_folio(m, frame); // folio_add_file_rmap_ptes → mlock_vma_folio
}

/** do_fault_around(): map the cached neighbours whose ptes are still none. */
function do_fault_around(m: Machine, mm: Mm, vma: Vma, vpn: number, inode: Inode): void {
  const window = Math.max(1, FAULT_AROUND_PAGES_BYTES / m.variant.constants.PAGE_SIZE);
  const eof = pagesOf(m, inode);
  const from = Math.max(vma.start, vpn - (vpn % window));
  const to = Math.min(vma.end, from + window);
  for (let v = from; v < to; v++) {
    if (v === vpn) continue;
    const index = vma.pgoff + (v - vma.start);
    if (index >= eof) break;
    const frame = inode.cache.get(index);
    if (frame === undefined || !page_unlocked(m, frame)) continue; // filemap_map_pages: folio_trylock
    const slot = mm.pgtable.walk(v, true);
    if (!m.variant.fast.pte_none(mm.pgtable.hi(slot), mm.pgtable.lo(slot))) continue;
    mapFilePage(m, mm, vma, slot, frame, false);
  }
}

/** page_cache_sync_readahead() on a cold ext4 miss. */
function readahead(m: Machine, inode: Inode, index: number): void {
  const window = Math.max(1, READAHEAD_BYTES / m.variant.constants.PAGE_SIZE);
  const eof = pagesOf(m, inode);
  // mmap read-around: the window starts half a window before the fault (6.18 mm/filemap.c 3330–3334
  // do_sync_mmap_readahead; 2.6.20 mm/filemap.c 1400–1407, filemap_nopage, likewise)
  const start = Math.max(0, index - Math.floor(window / 2));
  for (let i = start; i < Math.min(eof, start + window); i++) {
    if (i !== index && !inode.cache.has(i)) read_page_from_disk(m, inode, i);
  }
}

/** do_cow_fault's install: a private copy of the cached page. */
function install_cow_copy(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, frame: number): void {
  const copy = alloc_anon_copy(m, vma, vpn, frame);
  m.mkPte(copy, vma.flags);
  m.modify('pte_mkwrite');
  m.modify('pte_mkdirty');
  m.modify('pte_mkyoung');
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}

/** The install at the end of a fault, under the pte lock: nothing if another fault got there first. */
function install(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, frame: number, write: boolean): void {
  if (!m.variant.fast.pte_none(mm.pgtable.hi(slot), mm.pgtable.lo(slot))) return;
  if (write && (vma.flags & VM_SHARED) === 0) install_cow_copy(m, mm, vma, vpn, slot, frame);
  else mapFilePage(m, mm, vma, slot, frame, write); // do_read_fault() / do_shared_fault()
}

/**
 * A fault path's declared frame (model/sched.ts, declared stops): where it
 * resumes (`site`) and all it reads after the stop — the mm and the vma (by
 * its place in the mm's list), the address and pte slot, read or write,
 * the file index, the retry count, the truncate_count sampled (−1 where no
 * longer read), the page held (−1 before ->fault) and the fault's result so far.
 */
function declare_fault(m: Machine, base: number, site: number, mm: Mm, vma: Vma, vpn: number, slot: number, write: boolean, index: number, tries: number, sequence: number, frame: number, ret: number): void {
  const s = m.sched;
  if (!s.on) return;
  const at = mm.vmas.list.indexOf(vma);
  if (at < 0) {
    s.lost(); // a vma no longer in the mm: the path holds an object the machine does not
    return;
  }
  s.declare(base, site).and(mm.id).and(at).and(vpn).and(slot).and(write ? 1 : 0).and(index).and(tries).and(sequence).and(frame).and(ret).ready();
}

/**
 * do_fault(): a none pte in a file or shmem VMA, by the machine's fault
 * rule (policies.ts):
 *
 * 'truncate_count' — 2.6.21 do_no_page (mm/memory.c 2180–2290): sample
 * mapping->truncate_count, ->nopage (filemap_nopage: i_size check, the
 * cached page with a reference), then under the pte lock re-check the
 * count and retry if an unmap_mapping_range ran meanwhile.
 *
 * 'page-lock' — 2.6.23+ __do_fault / 6.18 filemap_fault + finish_fault:
 * ->fault returns the page locked after checking it is still in the
 * mapping and below i_size; the pte is installed under the pte lock before
 * the page is unlocked.
 */
export function* do_fault(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, write: boolean): KernelPath<number> {
  const inode = m.inodeOf(vma);
  if (!inode) return VM_FAULT_SIGBUS;
  const index = vma.pgoff + (vpn - vma.start);
  const held = m.sched.held;
  const base = m.sched.declaredN; // the frames of the callers are below (sched.ts, declared stops)
  const S = SITE_DO_FAULT;
  for (let tries = 0; ; tries++) {
    if (tries > 8) throw new Error(`do_fault: retried ${tries} times at index ${index} of ${inode.name} (livelock)`);
    const sequence = inode.truncateCount;
    if (m.policies.fault === 'truncate_count') noteValue(m, V_TRUNCATE_SAMPLED, sequence);
    declare_fault(m, base, S + 1, mm, vma, vpn, slot, write, index, tries, m.policies.fault === 'truncate_count' ? sequence : -1, -1, 0);
    if (m.policies.fault === 'truncate_count') yield* unlocked(m, 'do_no_page: truncate_count sampled; ->nopage');
    else yield* unlocked(m, 'filemap_fault: i_size check, find_get_page');
    noteValue(m, V_INDEX, index);
    noteValue(m, V_I_SIZE, pagesOf(m, inode));
    if (index >= pagesOf(m, inode)) {
      // beyond i_size: ->fault is SIGBUS, but do_read_fault maps the cached neighbours first
      // (6.18 mm/memory.c 5706–5716: do_fault_around before __do_fault; filemap_map_pages stops at EOF)
      if (!write && m.era === '6.18' && (vma.flags & VM_UFFD_WP) === 0) do_fault_around(m, mm, vma, vpn, inode);
      return VM_FAULT_SIGBUS;
    }
    // should_fault_around(): not in a uffd-wp VMA (uffd_disable_fault_around)
    if (!write && m.era === '6.18' && (vma.flags & VM_UFFD_WP) === 0) do_fault_around(m, mm, vma, vpn, inode);
    const { frame, major } = find_or_read_page(m, inode, index);
    if (major) {
      readahead(m, inode, index);
      if (!write && m.era === '6.18' && (vma.flags & VM_UFFD_WP) === 0) do_fault_around(m, mm, vma, vpn, inode);
    }
    held.hold(frame); // ->nopage / ->fault return the page with a reference
    const ret = major ? VM_FAULT_MAJOR : VM_FAULT_OK;
    if (m.policies.fault === 'truncate_count') {
      declare_fault(m, base, S + 2, mm, vma, vpn, slot, write, index, tries, sequence, frame, ret);
      yield* pte_lock(m, mm, 'do_no_page: pte lock; truncate_count re-checked');
      noteValue(m, V_TRUNCATE_SAMPLED, sequence);
      noteValue(m, V_TRUNCATE_NOW, inode.truncateCount);
      if (sequence !== inode.truncateCount) {
        // an unmap_mapping_range ran since the sample: the page may be stale
        declare_fault(m, base, S + 3, mm, vma, vpn, slot, write, index, tries, -1, frame, 0);
        yield* pte_unlock(m, mm, 'do_no_page: truncate_count changed: unlock, drop the page, retry');
        held.release(frame);
        continue;
      }
      install(m, mm, vma, vpn, slot, frame, write);
      declare_fault(m, base, S + 4, mm, vma, vpn, slot, write, index, tries, -1, frame, ret);
      yield* pte_unlock(m, mm, 'do_no_page: pte installed, pte lock dropped');
      held.release(frame);
      return ret;
    }
    declare_fault(m, base, S + 5, mm, vma, vpn, slot, write, index, tries, -1, frame, ret);
    yield* lock_page(m, frame, 'filemap_fault: lock_page; still in the mapping and below i_size?');
    noteValue(m, V_IN_CACHE, inode.cache.get(index) === frame);
    noteValue(m, V_I_SIZE, pagesOf(m, inode));
    if (inode.cache.get(index) !== frame || index >= pagesOf(m, inode)) {
      // truncated or invalidated while we slept on the lock: unlock, drop, look again
      declare_fault(m, base, S + 6, mm, vma, vpn, slot, write, index, tries, -1, frame, 0);
      yield* unlock_page(m, frame, 'filemap_fault: the page left the mapping: unlock_page, retry');
      held.release(frame);
      continue;
    }
    declare_fault(m, base, S + 7, mm, vma, vpn, slot, write, index, tries, -1, frame, ret);
    yield* pte_lock(m, mm, 'finish_fault: pte lock; set_pte_at');
    install(m, mm, vma, vpn, slot, frame, write);
    declare_fault(m, base, S + 8, mm, vma, vpn, slot, write, index, tries, -1, frame, ret);
    yield* pte_unlock(m, mm, 'finish_fault: pte lock dropped');
    declare_fault(m, base, S + 9, mm, vma, vpn, slot, write, index, tries, -1, frame, ret);
    yield* unlock_page(m, frame, '__do_fault: unlock_page');
    held.release(frame);
    return ret;
  }
}

/**
 * do_file_page(): a fault on a nonlinear file pte populates the page the
 * pte names (2.6.21 mm/memory.c 2343–2370). A file pte outside a
 * VM_NONLINEAR VMA, or a private write, is a bad pte: SIGBUS.
 *
 * 'truncate_count' — 2.6.21: ->populate (filemap_populate, mm/filemap.c
 * 1500–1550) checks i_size and gets the page, then install_page
 * (mm/fremap.c 50–95), under the pte lock, refuses a page whose
 * page->mapping is gone or that lies beyond i_size. It never reads
 * truncate_count, so a hole punch (vmtruncate_range) that unmaps between
 * the lookup and the install leaves the new pte behind ("even a regular
 * truncate with nonlinear pages", the 2007 thread).
 * 'page-lock' — 2.6.23+: the nonlinear fault goes through ->fault like a
 * linear one (FAULT_FLAG_NONLINEAR): the page locked over the install.
 */
export function* do_file_page(m: Machine, mm: Mm, vma: Vma, vpn: number, slot: number, hi: number, lo: number, write: boolean): KernelPath<number> {
  const inode = m.inodeOf(vma);
  if (!inode || !(vma.flags & VM_NONLINEAR) || (write && !(vma.flags & VM_SHARED))) return VM_FAULT_SIGBUS;
  const f = m.variant.fast;
  const pgoff = f.pte_to_pgoff_hi!(hi, lo) * 2 ** 32 + f.pte_to_pgoff_lo!(hi, lo);
  const held = m.sched.held;
  const base = m.sched.declaredN;
  const S = SITE_DO_FILE_PAGE;
  for (let tries = 0; ; tries++) {
    if (tries > 8) throw new Error(`do_file_page: retried ${tries} times at pgoff ${pgoff} of ${inode.name} (livelock)`);
    declare_fault(m, base, S + 1, mm, vma, vpn, slot, write, pgoff, tries, -1, -1, 0);
    yield* unlocked(m, m.policies.fault === 'truncate_count' ? 'filemap_populate: i_size check, filemap_getpage' : 'filemap_fault (nonlinear): i_size check, find_get_page');
    noteValue(m, V_INDEX, pgoff);
    noteValue(m, V_I_SIZE, pagesOf(m, inode));
    if (pgoff >= pagesOf(m, inode)) return VM_FAULT_SIGBUS; // beyond EOF
    const { frame, major } = find_or_read_page(m, inode, pgoff);
    held.hold(frame);
    const ret = major ? VM_FAULT_MAJOR : VM_FAULT_OK;
    if (m.policies.fault === 'truncate_count') {
      declare_fault(m, base, S + 2, mm, vma, vpn, slot, write, pgoff, tries, -1, frame, ret);
      yield* pte_lock(m, mm, 'install_page: pte lock; page->mapping and i_size checked');
      const truncated = m.frames.mapping[frame] === 0 || pgoff >= pagesOf(m, inode);
      noteValue(m, V_MAPPING_SET, m.frames.mapping[frame] !== 0);
      noteValue(m, V_I_SIZE, pagesOf(m, inode));
      if (!truncated) installNonlinear(m, mm, vma, slot, frame);
      declare_fault(m, base, S + 3, mm, vma, vpn, slot, write, pgoff, tries, truncated ? 1 : 0, frame, ret);
      yield* pte_unlock(m, mm, truncated ? 'install_page: the page was truncated: -EINVAL' : 'install_page: pte installed, pte lock dropped');
      held.release(frame);
      return truncated ? VM_FAULT_SIGBUS : ret; // do_file_page: a failed ->populate is SIGBUS
    }
    declare_fault(m, base, S + 4, mm, vma, vpn, slot, write, pgoff, tries, -1, frame, ret);
    yield* lock_page(m, frame, 'filemap_fault (nonlinear): lock_page; still in the mapping?');
    noteValue(m, V_IN_CACHE, inode.cache.get(pgoff) === frame);
    noteValue(m, V_I_SIZE, pagesOf(m, inode));
    if (inode.cache.get(pgoff) !== frame || pgoff >= pagesOf(m, inode)) {
      declare_fault(m, base, S + 5, mm, vma, vpn, slot, write, pgoff, tries, -1, frame, 0);
      yield* unlock_page(m, frame, 'filemap_fault (nonlinear): the page left the mapping: unlock_page, retry');
      held.release(frame);
      continue;
    }
    declare_fault(m, base, S + 6, mm, vma, vpn, slot, write, pgoff, tries, -1, frame, ret);
    yield* pte_lock(m, mm, '__do_fault (nonlinear): pte lock; set_pte_at');
    installNonlinear(m, mm, vma, slot, frame);
    declare_fault(m, base, S + 7, mm, vma, vpn, slot, write, pgoff, tries, -1, frame, ret);
    yield* pte_unlock(m, mm, '__do_fault (nonlinear): pte lock dropped');
    declare_fault(m, base, S + 8, mm, vma, vpn, slot, write, pgoff, tries, -1, frame, ret);
    yield* unlock_page(m, frame, '__do_fault (nonlinear): unlock_page');
    held.release(frame);
    return ret;
  }
}

/** The present pte of a nonlinear page, replacing the file pte (if nothing else has). */
function installNonlinear(m: Machine, mm: Mm, vma: Vma, slot: number, frame: number): void {
  if (m.variant.fast.classify(mm.pgtable.hi(slot), mm.pgtable.lo(slot)) !== PteClassCode.file) return;
  page_dup_rmap(m, frame);
  m.mkPte(frame, vma.flags);
  mm.pgtable.set(slot, m.pteHi, m.pteLo);
}
