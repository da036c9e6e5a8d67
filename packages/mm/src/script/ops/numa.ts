/**
 * The NUMA syscalls: numa-ops.ts parses their words as the oracle writes them and runs them
 * (all but move_pages' one-page form, which is here).
 */
import type { OpSpec } from './spec.js';
import { do_move_pages_path } from '../../kernel/migrate.move_pages.js';
import { compact_memory_op, isOracleMovePages, mbind_op, migrate_pages_op, move_pages_op, numa_info_op } from '../numa-ops.js';
import { int32, oneOf } from '../values.js';

/** the oracle's numa_info: node lists and the task's policy mode */
export const numa_infoOp: OpSpec = {
  name: 'numa_info',
  arity: [0, 0],
  doc: {
    family: 'numa',
    usage: '',
    text: 'The machine\'s node lists (possible, online, with memory) and the task policy\'s mode (get_mempolicy). A run\'s machine has one node unless the caller asks for more.',
    example: 'numa_info',
  },
  quiet: true,
  run: (ctx, op, p) => numa_info_op(ctx.numaContext(op, p)),
};

/** R PAGE NPAGES MODE NODEMASK FLAGS [maxnode=N]: mbind(2); MODE MPOL_BIND etc. (|MPOL_F_… or a number), NODEMASK a number or null, FLAGS STRICT,MOVE,MOVE_ALL / none / a number */
export const mbindOp: OpSpec = {
  name: 'mbind',
  arity: [6, 7],
  doc: {
    family: 'numa',
    usage: 'R PAGE NPAGES MODE NODEMASK FLAGS [maxnode=N]',
    text: 'mbind(2) of NPAGES pages from page PAGE of R. MODE: MPOL_DEFAULT, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE, MPOL_LOCAL, MPOL_PREFERRED_MANY, MPOL_WEIGHTED_INTERLEAVE, optionally `|MPOL_F_STATIC_NODES`, `|MPOL_F_RELATIVE_NODES`, `|MPOL_F_NUMA_BALANCING`, or a number. NODEMASK: a 64-bit number (0x… too; a negative one is its two\'s complement) or `null` (a NULL pointer). FLAGS: `STRICT,MOVE,MOVE_ALL` (any of them), `none`, or a number. `maxnode=` defaults to 64 (one unsigned long).',
    example: 'mbind A 0 4 MPOL_BIND 1 MOVE',
  },
  path: (ctx, op, p) => mbind_op(ctx.numaContext(op, p), op),
};

/** OLD NEW [maxnode=N]: migrate_pages(2) of the process's own pages, old and new node masks */
export const migrate_pagesOp: OpSpec = {
  name: 'migrate_pages',
  arity: [2, 3],
  doc: {
    family: 'numa',
    usage: 'OLD NEW [maxnode=N]',
    text: 'migrate_pages(2) of the process\'s own pages from the nodes in mask OLD to those in mask NEW (masks as for `mbind`; `maxnode=` defaults to 64).',
    example: 'migrate_pages 1 1',
  },
  path: (ctx, op, p) => migrate_pages_op(ctx.numaContext(op, p), op),
};

/** write 1 to /proc/sys/vm/compact_memory */
export const compact_memoryOp: OpSpec = {
  name: 'compact_memory',
  arity: [0, 0],
  doc: {
    family: 'numa',
    usage: '',
    text: 'Write 1 to /proc/sys/vm/compact_memory: compaction of every node. 2.6.21 has no such file (compaction came in 2.6.35): ENOENT.',
    example: 'compact_memory',
  },
  run: (ctx, op, p) => compact_memory_op(ctx.numaContext(op, p)),
};

/**
 * move_pages(2), two forms. The oracle's: R PAGES NODES FLAGS — PAGES a comma list of page
 * indices (- for none), NODES a comma list of target nodes or 'query' (nodes = NULL: report
 * each page's node), FLAGS a number or MOVE,MOVE_ALL / none. The mmsim one-page form:
 * R PAGE NODE [all] (MPOL_MF_MOVE, or MPOL_MF_MOVE_ALL with 'all').
 */
export const move_pagesOp: OpSpec = {
  name: 'move_pages',
  arity: [3, 4],
  doc: {
    family: 'numa',
    usage: 'R PAGES NODES FLAGS | R PAGE NODE [all]',
    text: 'move_pages(2), two forms. The recorder\'s: PAGES a comma list of page indices of R (`-` for none), NODES a comma list of target nodes, one per page, or `query` (nodes = NULL: report each page\'s node), FLAGS a number or `MOVE,MOVE_ALL` / `none`; `ret.status` is the per-page status, errnos by name. The mmsim form moves one page: R PAGE NODE, with `all` for MPOL_MF_MOVE_ALL; `ret.val` is the call\'s return, `ret.status` its status[0]. A line is the recorder\'s form when it has a FLAGS word other than `all`, a list, or `query`.',
    example: 'move_pages A 0,1 query 0',
  },
  *path(ctx, op, p) {
    const m = ctx.m;
    // the oracle's form: R PAGES NODES FLAGS (numa-ops.ts)
    if (isOracleMovePages(op)) return yield* move_pages_op(ctx.numaContext(op, p), op);
    // mmsim extension: move_pages(2) of one page — R PAGE NODE [all] (MPOL_MF_MOVE_ALL); val is the call's return, status its status[0] (null: not written)
    const r = ctx.region(op, 0);
    const page = ctx.page(op, 1);
    const node = ctx.val(op, 2, (t) => int32(t, 'node'));
    if (op.words[3] !== undefined) ctx.val(op, 3, (t) => oneOf(t, ['all'] as const, 'move_pages flag (all: MPOL_MF_MOVE_ALL)'));
    const all = op.words[3] === 'all';
    const args = ctx.note({ r: r.name, page, node, flags: all ? 'MPOL_MF_MOVE_ALL' : 'MPOL_MF_MOVE' });
    const res = yield* do_move_pages_path(m, p.mm, r.start + page, node, all);
    return { args, ret: { ok: true, val: res.ret, status: res.status } };
  },
};
