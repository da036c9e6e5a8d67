/**
 * Swap and memory pressure: swapon, swapoff, reclaim, and the oracle's sysstat and settle.
 */
import { ok, type OpSpec } from './spec.js';
import { swapon, totalKb, usedKb } from '../../kernel/swapfile.js';
import { swapoff } from '../../kernel/swapfile.swapoff.js';
import { try_to_free_pages } from '../../kernel/vmscan.reclaim.js';
import { oneOf, whole } from '../values.js';

/** the swap device's size in pages: the oracle's (a 64 MiB swapfile or zram disk at 4 KiB pages), and at most what a script may ask */
const SWAP_PAGES = 16384;

/** file|zram [NPAGES]: a swap device of the oracle's size, or (mmsim extension) of 1 … 16384 pages */
export const swaponOp: OpSpec = {
  name: 'swapon',
  arity: [1, 2],
  run(ctx, op) {
    const m = ctx.m;
    const kind = ctx.val(op, 0, (t) => oneOf(t, ['file', 'zram'] as const, 'swap kind'));
    const pages = op.words[1] !== undefined ? ctx.val(op, 1, (t) => whole(t, SWAP_PAGES, 'swap page count', 1)) : SWAP_PAGES;
    const args = ctx.note({ file: kind === 'file' ? 'ext4:/tmp swapfile' : '/dev/zram0', pages });
    swapon(m, kind, pages);
    return { args, ret: ok() };
  },
};

export const swapoffOp: OpSpec = {
  name: 'swapoff',
  arity: [0, 0],
  run(ctx, op) {
    const m = ctx.m;
    swapoff(m);
    return { args: {}, ret: ok() };
  },
};

export const sysstatOp: OpSpec = {
  name: 'sysstat',
  arity: [0, Infinity],
  freeTextFrom: 0,
  quiet: true,
  run(ctx, op) {
    const m = ctx.m;
    return { args: op.words[0] ? { why: op.words[0] } : {}, ret: { ok: true, swap_used_kB: usedKb(m), SwapTotal_kB: totalKb(m) } };
  },
};

export const settleOp: OpSpec = {
  name: 'settle',
  arity: [0, 0],
  quiet: true,
  run(ctx, op) {
    return { args: { what: 'wait for Writeback==0 (max 2s)' }, ret: ok() };
  },
};

/** mmsim extension: memory-pressure reclaim of up to N pages (all by default) */
export const reclaimOp: OpSpec = {
  name: 'reclaim',
  arity: [0, 1],
  run(ctx, op) {
    const m = ctx.m;
    // mmsim extension: memory pressure now (2.6.21 has no MADV_PAGEOUT)
    const wanted = op.words[0] !== undefined ? ctx.count(op, 0) : m.frames.max;
    const args = ctx.note({ pages: wanted });
    const freed = try_to_free_pages(m, wanted);
    return { args, ret: { ok: true, val: freed } };
  },
};
