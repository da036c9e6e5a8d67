/**
 * The `.mmo` ops for guard regions' neighbours in the recorder's
 * pagemap_bits scenario, named and echoed as it records them (docs/mmo.md
 * "userfaultfd, mlock and clear_refs"):
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
 * MADV_GUARD_INSTALL / MADV_GUARD_REMOVE are `madvise` advice (ops/mmap.ts).
 * A failing userfaultfd step leaves no current userfaultfd, as the oracle's
 * op does (it closes the fd and forgets it).
 */
import { clear_refs_write } from '../../kernel/task_mmu.js';
import { do_mlock } from '../../kernel/mlock.js';
import { mwriteprotect_range, sys_userfaultfd, UFFD_FEATURE_WP_ASYNC, UFFD_FEATURE_WP_UNPOPULATED, userfaultfd_api, userfaultfd_register_wp, userfaultfd_release } from '../../kernel/userfaultfd.js';
import type { MmoOp } from '../parse.js';
import type { Runner, StepResult } from '../run.js';
import { MAX_WORD, shorten } from '../values.js';
import type { Process } from '../../model/machine.js';
import type { OpSpec } from './spec.js';

/** R */
export const uffd_register_wpOp: OpSpec = {
  name: 'uffd_register_wp',
  arity: [1, 1],
  doc: {
    family: 'pte',
    usage: 'R',
    text: 'userfaultfd(O_CLOEXEC|O_NONBLOCK), UFFDIO_API with UFFD_FEATURE_WP_ASYNC|WP_UNPOPULATED, and UFFDIO_REGISTER (MODE_WP) over the whole of R; the new descriptor is the process\'s current userfaultfd. A failing step leaves none current. 2.6.21 has no userfaultfd (ENOSYS); a variant without CONFIG_HAVE_ARCH_USERFAULTFD_WP answers EINVAL.',
    example: 'uffd_register_wp A',
  },
  run(ctx, op, proc) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    const args = ctx.note({ r: r.name, features: 'WP_ASYNC|WP_UNPOPULATED' });
    proc.uffd = undefined; // uffd = the new fd (the old one stays open, registered)
    const uffd = sys_userfaultfd(m, proc.mm);
    try {
      userfaultfd_api(m, uffd, UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED);
      userfaultfd_register_wp(m, uffd, r.start, r.pages);
    } catch (error) {
      userfaultfd_release(m, uffd); // close(uffd); uffd = -1
      throw error;
    }
    proc.uffd = uffd;
    return { args, ret: { ok: true, val: 0 } };
  },
};

/** R PAGE NPAGES 1|0 */
export const uffd_writeprotectOp: OpSpec = {
  name: 'uffd_writeprotect',
  arity: [4, 4],
  doc: {
    family: 'pte',
    usage: 'R PAGE NPAGES 1|0',
    text: 'UFFDIO_WRITEPROTECT of NPAGES pages from page PAGE of R on the current userfaultfd: `1` protects (MODE_WP), `0` resolves. EBADF without a current userfaultfd.',
    example: 'uffd_writeprotect A 0 1 1',
  },
  run(ctx, op, proc) {
    const r = ctx.region(op, 0);
    const page = ctx.count(op, 1, 'page');
    const npages = ctx.count(op, 2, 'page count');
    const wp = op.words[3];
    if (wp !== '0' && wp !== '1') ctx.bad(op, 3, `wp '${shorten(wp ?? '')}' is not 1 (protect) or 0 (resolve); valid: 0, 1`);
    const args = ctx.note({ r: r.name, page, npages, wp: wp === '1' });
    const uffd = proc.uffd;
    if (!uffd) return { args, ret: { ok: false, errno: 'EBADF' } };
    mwriteprotect_range(ctx.m, uffd, r.start + page, npages, wp === '1');
    return { args, ret: { ok: true, val: 0 } };
  },
};

export const uffd_closeOp: OpSpec = {
  name: 'uffd_close',
  arity: [0, 0],
  doc: {
    family: 'pte',
    usage: '',
    text: 'close() of the current userfaultfd (the recorder closes it between steps, unrecorded).',
    example: 'uffd_close',
    simulatorOnly: true,
  },
  run(ctx, _op, proc) {
    const uffd = proc.uffd;
    if (uffd) userfaultfd_release(ctx.m, uffd);
    proc.uffd = undefined;
    return { args: {}, ret: { ok: true, val: 0 } };
  },
};

/** VALUE */
export const clear_refsOp: OpSpec = {
  name: 'clear_refs',
  arity: [1, 1],
  doc: {
    family: 'pte',
    usage: 'VALUE',
    text: 'Write VALUE to /proc/self/clear_refs: 1 all, 2 anon, 3 mapped (clear the referenced bits), 4 soft-dirty, 5 reset the peak RSS; anything else is EINVAL as the kernel answers. VALUE is at most 64 characters. 2.6.21 has no clear_refs (2.6.22): ENOENT.',
    example: 'clear_refs 4',
  },
  run(ctx, op, proc) {
    const value = op.words[0]!;
    // what a write to clear_refs passes: short text (the kernel reads at most PROC_NUMBUF − 1 bytes of it)
    if (value.length > MAX_WORD) ctx.bad(op, 0, `clear_refs value '${shorten(value)}' is too long; valid: 1 … ${MAX_WORD} characters (a number 1–5)`);
    const args = ctx.note({ value });
    clear_refs_write(ctx.m, proc.mm, value);
    return { args, ret: { ok: true, val: 0 } };
  },
};

/** mlock(2) and munlock(2) of R PAGE NPAGES */
function mlockRun(ctx: Runner, op: MmoOp, proc: Process): StepResult {
  const r = ctx.region(op, 0);
  const page = ctx.count(op, 1, 'page');
  const npages = ctx.count(op, 2, 'page count');
  const args = ctx.note({ r: r.name, page, npages });
  do_mlock(ctx.m, proc.mm, r.start + page, npages, op.op === 'mlock');
  return { args, ret: { ok: true, val: 0 } };
}

export const mlockOp: OpSpec = {
  name: 'mlock',
  arity: [3, 3],
  doc: {
    family: 'pte',
    usage: 'R PAGE NPAGES',
    text: 'mlock(2) of NPAGES pages from page PAGE of R: VM_LOCKED, and every page faulted in.',
    example: 'mlock A 0 2',
  },
  run: mlockRun,
};
export const munlockOp: OpSpec = {
  name: 'munlock',
  arity: [3, 3],
  doc: {
    family: 'pte',
    usage: 'R PAGE NPAGES',
    text: 'munlock(2) of NPAGES pages from page PAGE of R.',
    example: 'munlock A 0 2',
  },
  run: mlockRun,
};
