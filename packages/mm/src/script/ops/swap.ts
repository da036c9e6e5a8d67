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
  doc: {
    family: 'swap',
    usage: 'file|zram [NPAGES]',
    text: 'swapon(2) of a swap device: a swap file on ext4 (`file`) or a zram disk (`zram`, 6.18: the synchronous swap-in). NPAGES (mmsim) is its size, 1 … 16384 pages; the default is the recorder\'s, 16384 (64 MiB at 4 KiB pages). 2.6.21 has no zram (ENOENT).',
    example: 'swapon file',
  },
  // the recorder observes nothing after swapon, done or failed (csrc/ops_swap.c: step_close(0))
  quiet: true,
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
  doc: {
    family: 'swap',
    usage: '',
    text: 'swapoff(2) of the swap device: every swapped page is read back (try_to_unuse). EINVAL when no device is on.',
    example: 'swapoff',
  },
  run(ctx, op) {
    const m = ctx.m;
    swapoff(m);
    return { args: {}, ret: ok() };
  },
};

export const sysstatOp: OpSpec = {
  name: 'sysstat',
  arity: [0, Infinity],
  doc: {
    family: 'swap',
    usage: '[why…]',
    text: 'The swap counters: `ret.swap_used_kB` and `ret.SwapTotal_kB` (/proc/meminfo). The rest of the line is a note.',
    example: 'sysstat after the pageout',
  },
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
  doc: {
    family: 'swap',
    usage: '',
    text: 'The recorder\'s wait for writeback to finish (Writeback == 0, at most 2 s); the simulator\'s writeback is synchronous, so it does nothing.',
    example: 'settle',
  },
  quiet: true,
  run(ctx, op) {
    return { args: { what: 'wait for Writeback==0 (max 2s)' }, ret: ok() };
  },
};

/** mmsim extension: memory-pressure reclaim of up to N pages (all by default) */
export const reclaimOp: OpSpec = {
  name: 'reclaim',
  arity: [0, 1],
  doc: {
    family: 'swap',
    usage: '[N]',
    text: 'Memory pressure now: try_to_free_pages of up to N pages (default: every frame of the machine); `ret.val` is the pages freed. For 2.6.21, which has no MADV_PAGEOUT.',
    example: 'reclaim 8',
    simulatorOnly: true,
  },
  run(ctx, op) {
    const m = ctx.m;
    // mmsim extension: memory pressure now (2.6.21 has no MADV_PAGEOUT)
    const wanted = op.words[0] !== undefined ? ctx.count(op, 0) : m.frames.max;
    const args = ctx.note({ pages: wanted });
    const freed = try_to_free_pages(m, wanted);
    return { args, ret: { ok: true, val: freed } };
  },
};
