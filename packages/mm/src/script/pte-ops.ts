/**
 * The `.mmo` ops for guard regions' neighbours in the host oracle's
 * pagemap_bits scenario (shared/host-oracle sc_misc.c), named and echoed as
 * it records them:
 *
 *   uffd_register_wp R          userfaultfd(O_CLOEXEC|O_NONBLOCK), UFFDIO_API with
 *                               UFFD_FEATURE_WP_ASYNC|WP_UNPOPULATED, UFFDIO_REGISTER
 *                               (MODE_WP) over the whole region; it becomes the
 *                               process's current userfaultfd
 *   uffd_writeprotect R PAGE NPAGES 1|0
 *                               UFFDIO_WRITEPROTECT with / without MODE_WP on the
 *                               current userfaultfd (EBADF without one)
 *   uffd_close                  close() of the current userfaultfd (mmsim extension:
 *                               the oracle closes it between steps, unrecorded)
 *   clear_refs VALUE            write VALUE to /proc/self/clear_refs
 *   mlock R PAGE NPAGES         mlock(2)
 *   munlock R PAGE NPAGES       munlock(2)
 *
 * MADV_GUARD_INSTALL / MADV_GUARD_REMOVE are `madvise` advice (madvise.ts).
 * A failing userfaultfd step leaves no current userfaultfd, as the oracle's
 * op does (it closes the fd and forgets it).
 */
import { clear_refs_write } from '../kernel/task_mmu.js';
import type { Machine, Process } from '../model/machine.js';
import { do_mlock } from '../kernel/mlock.js';
import { mwriteprotect_range, sys_userfaultfd, UFFD_FEATURE_WP_ASYNC, UFFD_FEATURE_WP_UNPOPULATED, userfaultfd_api, userfaultfd_register_wp, userfaultfd_release } from '../kernel/userfaultfd.js';
import type { Region } from '../observe/observe.js';
import type { MmoOp } from './parse.js';
import { MAX_WORD, shorten } from './values.js';
import type { StepResult } from './run.js';

export interface PteOpContext {
  readonly m: Machine;
  readonly proc: Process;
  region(word: number): Region;
  int(word: number, what: string): number;
  bad(word: number, reason: string): never;
  /** note the step's arguments before the syscall runs (a failing step keeps them) */
  note?(args: Record<string, unknown>): void;
}

export function pteOp(c: PteOpContext, op: MmoOp): StepResult {
  const { m, proc } = c;
  const ok = { ok: true, val: 0 };
  switch (op.op) {
    case 'uffd_register_wp': {
      const r = c.region(0);
      const args = { r: r.name, features: 'WP_ASYNC|WP_UNPOPULATED' };
      c.note?.(args);
      proc.uffd = undefined; // uffd = the new fd (the old one stays open, registered)
      const ctx = sys_userfaultfd(m, proc.mm);
      try {
        userfaultfd_api(m, ctx, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
        userfaultfd_register_wp(m, ctx, r.start, r.pages);
      } catch (error) {
        userfaultfd_release(m, ctx); // close(uffd); uffd = -1
        throw error;
      }
      proc.uffd = ctx;
      return { args, ret: ok };
    }
    case 'uffd_writeprotect': {
      const r = c.region(0);
      const page = c.int(1, 'page');
      const npages = c.int(2, 'page count');
      const wp = op.words[3];
      if (wp !== '0' && wp !== '1') c.bad(3, `wp '${shorten(wp ?? '')}' is not 1 (protect) or 0 (resolve); valid: 0, 1`);
      const args = { r: r.name, page, npages, wp: wp === '1' };
      c.note?.(args);
      const ctx = proc.uffd;
      if (!ctx) return { args, ret: { ok: false, errno: 'EBADF' } };
      mwriteprotect_range(m, ctx, r.start + page, npages, wp === '1');
      return { args, ret: ok };
    }
    case 'uffd_close': {
      const ctx = proc.uffd;
      if (ctx) userfaultfd_release(m, ctx);
      proc.uffd = undefined;
      return { args: {}, ret: ok };
    }
    case 'clear_refs': {
      const value = op.words[0]!;
      // what a write to clear_refs passes: short text (the kernel reads at most PROC_NUMBUF − 1 bytes of it)
      if (value.length > MAX_WORD) c.bad(0, `clear_refs value '${shorten(value)}' is too long; valid: 1 … ${MAX_WORD} characters (a number 1–5)`);
      const args = { value };
      c.note?.(args);
      clear_refs_write(m, proc.mm, value);
      return { args, ret: ok };
    }
    case 'mlock':
    case 'munlock': {
      const r = c.region(0);
      const page = c.int(1, 'page');
      const npages = c.int(2, 'page count');
      const args = { r: r.name, page, npages };
      c.note?.(args);
      do_mlock(m, proc.mm, r.start + page, npages, op.op === 'mlock');
      return { args, ret: ok };
    }
    default:
      return c.bad(0, `op '${shorten(op.op)}' is not a pte op`);
  }
}
