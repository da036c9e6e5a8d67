/**
 * Splitting large folios: the oracle's debugfs split_huge_pages write, and split_huge_page()
 * of one folio (mmsim extension).
 */
import { ok, type OpSpec } from './spec.js';
import { largeFolioAt, split_huge_page_path } from '../../kernel/huge_memory.split.js';
import { split_huge_pages_write } from '../../kernel/huge_memory.split_huge_pages.js';

/** R [PAGE NPAGES]: the oracle's write of "<pid>,0x<start>,0x<end>" (region R, or part of it: mmsim) to debugfs split_huge_pages */
export const split_huge_pagesOp: OpSpec = {
  name: 'split_huge_pages',
  arity: [1, 3],
  doc: {
    family: 'thp',
    usage: 'R [PAGE [NPAGES]]',
    text: 'Write `<pid>,0x<start>,0x<end>` of region R (or, mmsim, of NPAGES pages from page PAGE; NPAGES defaults to the rest of R) to debugfs `split_huge_pages`: every THP mapped there is split. The run\'s machine is locked down as the recording machine was, so 6.18 answers EPERM; 2.6.21 has no such file (ENOENT, and nothing is observed).',
    example: 'split_huge_pages A',
  },
  quiet: (result) => result.ret['errno'] === 'ENOENT',
  run(ctx, op, p) {
    const m = ctx.m;
    const PAGE_SIZE = ctx.m.variant.constants.PAGE_SIZE;
    // the oracle's op: "<its pid>,0x<start>,0x<end>" of region R written to /sys/kernel/debug/split_huge_pages
    // (kernel/split-huge-pages.ts); mmsim extension: R PAGE NPAGES for part of the region
    const r = ctx.region(op, 0);
    const part = op.words.length > 1;
    const page = part ? ctx.page(op, 1) : 0;
    const npages = op.words.length > 2 ? ctx.count(op, 2) : Math.max(0, r.pages - page);
    const args = ctx.note({ r: r.name, via: 'debugfs split_huge_pages pid,start,end', ...(part ? { page, npages } : {}) });
    const bytes = (vpn: number) => `0x${(BigInt(vpn) * BigInt(PAGE_SIZE)).toString(16)}`;
    split_huge_pages_write(m, `${p.pid},${bytes(r.start + page)},${bytes(r.start + page + npages)}`);
    return { args, ret: ok() };
  },
};

/** R PAGE: split_huge_page() of the large folio mapped there (mmsim extension, huge_memory.ts) */
export const split_huge_pageOp: OpSpec = {
  name: 'split_huge_page',
  arity: [2, 2],
  doc: {
    family: 'thp',
    usage: 'R PAGE',
    text: 'split_huge_page() of the large folio mapped at page PAGE of R, as the deferred-split shrinker or migration would; `ret.val` is 1 when it split, 0 when there was no large folio or the split failed (an extra reference: EAGAIN in the kernel).',
    example: 'split_huge_page A 0',
    simulatorOnly: true,
  },
  *path(ctx, op, p) {
    const m = ctx.m;
    // mmsim extension: split_huge_page() of the large folio mapped at R PAGE (what the deferred split
    // shrinker, migration or debugfs split_huge_pages would do); val 1 when it split, 0 when there was
    // no large folio or the split failed (-EAGAIN: an extra reference)
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const args = ctx.note({ r: r.name, page });
    const head = largeFolioAt(m, p.mm, r.start + page);
    let split = false;
    if (head >= 0) {
      m.sched.held.hold(head); // folio_get() of the folio found
      try {
        split = yield* split_huge_page_path(m, head);
      } finally {
        m.sched.held.release(head);
      }
    }
    return { args, ret: { ok: true, val: split ? 1 : 0 } };
  },
};
