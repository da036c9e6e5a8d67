/**
 * Race 1 of the explorer issue: a file fault against truncate and against
 * invalidate_inode_pages2 (the 2007 fault-vs-truncate thread, Nick Piggin's
 * "mm: fix fault vs invalidate race for linear mappings" and the ->fault
 * rewrite that replaced ->nopage in 2.6.23).
 *
 * Policies:
 * - 'truncate_count' (2.6.20 do_no_page): sample mapping->truncate_count,
 *   call ->nopage (which checks i_size and returns the cached page with a
 *   reference), then re-check the count under the pte lock and retry if an
 *   unmap_mapping_range ran meanwhile. Sound against truncate, which shrinks
 *   i_size and unmaps before it drops pages; not against
 *   invalidate_inode_pages2, which drops a page that is not mapped *yet*
 *   without bumping the count — the fault then maps a page that is no longer
 *   in the page cache.
 * - 'page-lock' (2.6.23 __do_fault / filemap_fault): ->fault returns the page
 *   locked after checking it is still in the mapping (and i_size); the pte is
 *   installed before the page is unlocked; truncate and invalidate take the
 *   page lock and unmap again under it before the page leaves the cache.
 *
 * The threads call the simulator's own pieces (find_or_read_page,
 * mapFilePage, unmap_mapping_range, delete_from_page_cache), split where the
 * kernel takes and drops the pte lock (lock 0) and the page lock.
 */
import type { VariantSpec } from '@mmsim/core';
import { checkInvariants } from '../check/invariants.js';
import type { Instance, Program } from '../explore/program.js';
import { ACT_DONE, ACT_STEP, lockAct, unlockAct, type Thread } from '../explore/thread.js';
import { mapFilePage } from '../kernel/fault-file.js';
import { delete_from_page_cache, find_or_read_page, pagesOf, type Inode } from '../kernel/filemap.js';
import { create_file } from '../kernel/fs.js';
import { Machine, type Process } from '../kernel/machine.js';
import { do_mmap } from '../kernel/mmap.js';
import { unmap_mapping_range } from '../kernel/truncate.js';
import type { Vma } from '../kernel/vma.js';
import { HeldRefs } from './held.js';
import { mappedFrame } from './pte.js';

export type FaultPolicy = 'truncate_count' | 'page-lock';

const A = 0x1000;
const INDEX = 1;
const PTL = 0;
const pageLock = (frame: number): number => 1 + (frame % 62);

interface Ctx {
  readonly m: Machine;
  readonly p: Process;
  readonly vma: Vma;
  readonly inode: Inode;
  readonly policy: FaultPolicy;
  /** references the threads hold mid-operation */
  readonly held: HeldRefs;
  faultResult: string;
}

function slotOf(c: Ctx): number {
  return c.p.mm.pgtable.walk(A + INDEX, true);
}

const ptePresentFrame = (c: Ctx): number => mappedFrame(c.m, c.p.mm, A + INDEX);

/** The fault on page INDEX: do_no_page (2.6.20) or __do_fault (2.6.23), by policy. */
class FaultThread implements Thread {
  pc = 0;
  where = 'fault: start';
  private seq = 0;
  private frame = -1;
  private retry = false;
  retries = 0;
  constructor(private readonly c: Ctx) {}

  get next(): number {
    const tc = this.c.policy === 'truncate_count';
    switch (this.pc) {
      case 0:
      case 1:
        return ACT_STEP;
      case 2:
        return tc ? lockAct(PTL) : lockAct(pageLock(this.frame));
      case 3:
        return tc ? unlockAct(PTL) : lockAct(PTL);
      case 4:
        return unlockAct(PTL);
      case 5:
        return unlockAct(pageLock(this.frame));
      default:
        return ACT_DONE;
    }
  }

  step(): void {
    const c = this.c;
    if (this.retries > 4) throw new Error('fault: retried more than 4 times (livelock)');
    if (c.policy === 'truncate_count') this.stepTruncateCount();
    else this.stepPageLock();
    void c;
  }

  private nopage(): boolean {
    const c = this.c;
    if (INDEX >= pagesOf(c.m, c.inode)) {
      c.faultResult = 'SIGBUS';
      this.pc = 99;
      return false;
    }
    this.frame = find_or_read_page(c.m, c.inode, INDEX).frame;
    c.held.hold(this.frame);
    return true;
  }

  private stepTruncateCount(): void {
    const c = this.c;
    switch (this.pc) {
      case 0:
        this.seq = c.inode.truncateCount;
        this.where = 'fault: do_no_page samples truncate_count';
        this.pc = 1;
        return;
      case 1:
        this.where = '->nopage: i_size checked, the cached page found (a reference taken)';
        if (this.nopage()) this.pc = 2;
        else this.where = '->nopage: beyond i_size: SIGBUS';
        return;
      case 2:
        this.where = 'fault: pte lock taken';
        if (this.seq !== c.inode.truncateCount) {
          this.where = 'fault: truncate_count changed: drop the page and retry';
          c.held.release(this.frame);
          this.retry = true;
        } else {
          if (ptePresentFrame(c) < 0) mapFilePage(c.m, c.p.mm, c.vma, slotOf(c), this.frame, false);
          c.held.release(this.frame);
          c.faultResult = `mapped pfn 0x${c.m.frames.pfn(this.frame).toString(16)}`;
          this.where = 'fault: truncate_count unchanged: pte installed';
        }
        this.pc = 3;
        return;
      case 3:
        this.where = 'fault: pte lock dropped';
        if (this.retry) {
          this.retry = false;
          this.retries++;
          this.pc = 0;
        } else this.pc = 99;
        return;
    }
  }

  private stepPageLock(): void {
    const c = this.c;
    switch (this.pc) {
      case 0:
        this.where = 'filemap_fault: find_get_page';
        if (this.nopage()) this.pc = 2;
        else this.where = 'filemap_fault: beyond i_size: SIGBUS';
        return;
      case 2:
        this.where = 'filemap_fault: lock_page';
        if (c.inode.cache.get(INDEX) !== this.frame || INDEX >= pagesOf(c.m, c.inode)) {
          // truncated or invalidated while we slept on the lock: unlock, drop, look again
          this.where = 'filemap_fault: page left the mapping: unlock and retry';
          this.retry = true;
          this.pc = 5;
        } else this.pc = 3;
        return;
      case 3:
        this.where = '__do_fault: pte lock taken, pte installed';
        if (ptePresentFrame(c) < 0) mapFilePage(c.m, c.p.mm, c.vma, slotOf(c), this.frame, false);
        c.faultResult = `mapped pfn 0x${c.m.frames.pfn(this.frame).toString(16)}`;
        this.pc = 4;
        return;
      case 4:
        this.where = '__do_fault: pte lock dropped';
        this.pc = 5;
        return;
      case 5:
        this.where = '__do_fault: unlock_page';
        c.held.release(this.frame);
        if (this.retry) {
          this.retry = false;
          this.retries++;
          this.pc = 0;
        } else this.pc = 99;
        return;
    }
  }
}

/**
 * invalidate_inode_pages2_range() on page INDEX, or truncate (vmtruncate to
 * INDEX pages): i_size, unmap_mapping_range, then the page under its lock
 * (unmapped again there when the policy is 'page-lock'), out of the cache.
 */
class DropThread implements Thread {
  pc: number;
  where: string;
  private frame = -1;
  constructor(
    private readonly c: Ctx,
    private readonly truncate: boolean,
  ) {
    this.pc = truncate ? 0 : 3;
    this.where = truncate ? 'truncate: start' : 'invalidate: start';
  }

  get next(): number {
    switch (this.pc) {
      case 0:
        return ACT_STEP;
      case 1:
        return lockAct(PTL);
      case 2:
        return unlockAct(PTL);
      case 3:
        return ACT_STEP;
      case 4:
        return lockAct(pageLock(this.frame));
      case 5:
        return lockAct(PTL);
      case 6:
        return unlockAct(PTL);
      case 7:
        return ACT_STEP;
      case 8:
        return unlockAct(pageLock(this.frame));
      default:
        return ACT_DONE;
    }
  }

  step(): void {
    const c = this.c;
    const who = this.truncate ? 'truncate' : 'invalidate';
    switch (this.pc) {
      case 0:
        c.inode.size = INDEX * c.m.variant.constants.PAGE_SIZE;
        this.where = 'truncate: i_size_write (page 1 is now beyond EOF)';
        this.pc = 1;
        return;
      case 1:
        unmap_mapping_range(c.m, c.inode, INDEX, 1, true);
        this.where = 'truncate: unmap_mapping_range (truncate_count++)';
        this.pc = 2;
        return;
      case 2:
        this.where = 'truncate: i_mmap / pte lock dropped';
        this.pc = 3;
        return;
      case 3: {
        const frame = c.inode.cache.get(INDEX);
        this.where = `${who}: find the cached page`;
        if (frame === undefined) {
          this.pc = 99;
          return;
        }
        this.frame = frame;
        c.held.hold(frame);
        this.pc = 4;
        return;
      }
      case 4:
        this.where = `${who}: lock_page`;
        this.pc = c.inode.cache.get(INDEX) === this.frame ? 5 : 8;
        return;
      case 5: {
        // invalidate unmaps a mapped page; with the fix truncate unmaps again under the page lock
        const unmap = c.m.frames.maps(this.frame) > 0 && (!this.truncate || c.policy === 'page-lock');
        if (unmap) unmap_mapping_range(c.m, c.inode, INDEX, 1, this.truncate);
        this.where = unmap ? `${who}: page_mapped: unmap_mapping_range (truncate_count++)` : `${who}: page not mapped: nothing to unmap`;
        this.pc = 6;
        return;
      }
      case 6:
        this.where = `${who}: pte lock dropped`;
        this.pc = 7;
        return;
      case 7:
        this.where = `${who}: the page leaves the page cache`;
        delete_from_page_cache(c.m, c.inode, INDEX);
        this.pc = 8;
        return;
      case 8:
        this.where = `${who}: unlock_page`;
        c.held.release(this.frame);
        this.pc = 99;
        return;
    }
  }
}

function program(spec: VariantSpec, policy: FaultPolicy, truncate: boolean): Program {
  return {
    name: `${truncate ? 'fault-truncate' : 'fault-invalidate'}/${policy}`,
    instantiate(): Instance {
      const m = new Machine({ spec, frames: 64 });
      const inode = create_file(m, 'F', 'ext4', 2, 'F');
      const p = m.spawn('p');
      const vma = do_mmap(m, p.mm, { start: A, pages: 2, prot: { read: true, write: false, exec: false }, shared: true, inode, pgoff: 0 });
      find_or_read_page(m, inode, INDEX); // the page is cached before the race
      const c: Ctx = { m, p, vma, inode, policy, held: new HeldRefs(m), faultResult: 'not run' };
      const threads = [new FaultThread(c), new DropThread(c, truncate)];
      return {
        threads,
        check() {
          const mapped = ptePresentFrame(c);
          if (mapped >= 0 && c.inode.cache.get(INDEX) !== mapped) {
            return `stale mapping: the pte at 0x${(A + INDEX).toString(16)} maps pfn 0x${m.frames.pfn(mapped).toString(16)}, which is no longer in F's page cache at index ${INDEX}: the process reads data the file no longer has`;
          }
          const v = checkInvariants(m, c.held);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
        final() {
          const v = checkInvariants(m);
          return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
        },
        // no state key: the threads' private state (the sampled count, the page they hold) would have to be in it
      };
    },
  };
}

export const faultInvalidate = (spec: VariantSpec, policy: FaultPolicy): Program => program(spec, policy, false);
export const faultTruncate = (spec: VariantSpec, policy: FaultPolicy): Program => program(spec, policy, true);
