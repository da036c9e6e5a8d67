/**
 * File ops: create and remove a file, pread/pwrite, ftruncate, hole punch, page cache
 * invalidation and fadvise DONTNEED (the kernel paths in kernel/fs.ts and kernel/truncate.ts).
 */
import { ok, type OpSpec } from './spec.js';
import { create_device, create_file, file_pread, file_pwrite, remove_file } from '../../model/fs.js';
import { do_fadvise_dontneed, do_punch_path, do_truncate_path, invalidate_inode_pages2_range } from '../../kernel/truncate.js';
import { LOFF_MAX, loffBytes, oneOf, tag, whole } from '../values.js';

export const fileOp: OpSpec = {
  name: 'file',
  arity: [4, 4],
  doc: {
    family: 'file',
    usage: 'NAME FS NPAGES PREFIX',
    text: 'Create file NAME on FS (`tmpfs`, `ext4`, or `dev`) with an i_size of NPAGES pages whose page i holds tag PREFIXi. `dev` (mmsim) is a special device of that size whose ->mmap sets no vm_ops, like kcov (the `vma-is-anonymous` race).',
    example: 'file G ext4 2 G',
  },
  step: 'file_create',
  quiet: true,
  run(ctx, op) {
    const m = ctx.m;
    const PAGE_SIZE = ctx.m.variant.constants.PAGE_SIZE;
    const name = ctx.val(op, 0, (t) => tag(t, 'file name'));
    const fs = ctx.val(op, 1, (t) => oneOf(t, ['tmpfs', 'ext4', 'dev'] as const, 'file system'));
    // i_size in pages: loff_t bytes (include/linux/fs.h), so at most LLONG_MAX / PAGE_SIZE pages
    const pages = ctx.val(op, 2, (t) => whole(t, Math.min(ctx.addressPages, Number(LOFF_MAX / BigInt(PAGE_SIZE))), 'page count'));
    const prefix = ctx.val(op, 3, (t) => tag(t, 'tag prefix'));
    const args = ctx.note({ file: name, fs, pages, tagprefix: prefix }, 'file_create');
    // mmsim extension: 'dev' is a special device file of N pages' i_size with no ->fault and no vm_ops (kcov)
    if (fs === 'dev') create_device(m, name, pages);
    else create_file(m, name, fs, pages, prefix);
    return { op: 'file_create', args, ret: ok() };
  },
};

export const rmfileOp: OpSpec = {
  name: 'rmfile',
  arity: [1, 1],
  doc: {
    family: 'file',
    usage: 'F',
    text: 'Remove file F (unlink; its pages go when the last mapping does).',
    example: 'rmfile F',
  },
  step: 'file_destroy',
  quiet: true,
  run(ctx, op) {
    const m = ctx.m;
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    const args = ctx.note({ file: inode.name }, 'file_destroy');
    remove_file(m, inode.name);
    return { op: 'file_destroy', args, ret: ok() };
  },
};

export const preadOp: OpSpec = {
  name: 'pread',
  arity: [2, 2],
  doc: {
    family: 'file',
    usage: 'F PAGE',
    text: 'pread(2) of page PAGE of file F through the page cache; `ret` carries what was read.',
    example: 'pread F 1',
  },
  run(ctx, op) {
    const m = ctx.m;
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    const page = ctx.page(op, 1);
    const args = ctx.note({ file: inode.name, page });
    const res = file_pread(m, inode, page);
    return { args, ret: { ok: true, ...res } };
  },
};

export const pwriteOp: OpSpec = {
  name: 'pwrite',
  arity: [3, 3],
  doc: {
    family: 'file',
    usage: 'F PAGE TAG',
    text: 'pwrite(2) of TAG into page PAGE of file F through the page cache (growing i_size when PAGE is past it).',
    example: 'pwrite F 1 F1x',
  },
  run(ctx, op) {
    const m = ctx.m;
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    const page = ctx.page(op, 1);
    const t = ctx.val(op, 2, (w) => tag(w));
    const args = ctx.note({ file: inode.name, page, tag: t });
    const val = file_pwrite(m, inode, page, t);
    return { args, ret: { ok: true, val } };
  },
};

export const ftruncateOp: OpSpec = {
  name: 'ftruncate',
  arity: [2, 2],
  doc: {
    family: 'file',
    usage: 'F SIZE',
    text: 'ftruncate(2) of file F to SIZE: bytes (loff_t, 0 … 2^63 − 1) or `Np` for N pages (mmsim: portable across page sizes). Shrinking unmaps and drops the pages past the new end (truncate_inode_pages_range, unmap_mapping_range).',
    example: 'ftruncate F 2p',
  },
  *path(ctx, op) {
    const m = ctx.m;
    const PAGE_SIZE = ctx.m.variant.constants.PAGE_SIZE;
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    // BYTES, or Np for N pages (an mmsim extension: portable across page sizes); loff_t either way
    const bytes = ctx.val(op, 1, (t) => loffBytes(t, PAGE_SIZE, 'size'));
    const args = ctx.note({ file: inode.name, bytes, pages: twoPlaces(bytes / PAGE_SIZE) });
    yield* do_truncate_path(m, inode, bytes);
    return { args, ret: ok() };
  },
};

export const punchOp: OpSpec = {
  name: 'punch',
  arity: [3, 3],
  doc: {
    family: 'file',
    usage: 'F PAGE NPAGES',
    text: 'fallocate(2) with FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE of NPAGES pages from page PAGE of file F.',
    example: 'punch F 0 1',
  },
  step: 'fallocate',
  *path(ctx, op) {
    const m = ctx.m;
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const args = ctx.note({ file: inode.name, mode: 'PUNCH_HOLE|KEEP_SIZE', page, npages }, 'fallocate');
    yield* do_punch_path(m, inode, page, npages);
    return { op: 'fallocate', args, ret: ok() };
  },
};

/** mmsim extensions for the race scenarios (scenarios/races/): */
export const invalidateOp: OpSpec = {
  name: 'invalidate',
  arity: [3, 3],
  doc: {
    family: 'file',
    usage: 'F PAGE NPAGES',
    text: 'invalidate_inode_pages2_range of NPAGES pages from page PAGE of file F, as an O_DIRECT write or NFS revalidation does (race scenarios).',
    example: 'invalidate F 2 1',
    simulatorOnly: true,
  },
  *path(ctx, op) {
    const m = ctx.m;
    // mmsim extension: invalidate_inode_pages2_range (O_DIRECT write, NFS revalidation)
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    const page = ctx.page(op, 1);
    const npages = ctx.count(op, 2);
    const args = ctx.note({ file: inode.name, page, npages });
    yield* invalidate_inode_pages2_range(m, inode, page, npages);
    return { args, ret: ok() };
  },
};

export const fadvise_dontneedOp: OpSpec = {
  name: 'fadvise_dontneed',
  arity: [1, 1],
  doc: {
    family: 'file',
    usage: 'F',
    text: 'fsync(2) then posix_fadvise(2) POSIX_FADV_DONTNEED of the whole file F: clean, unmapped page-cache pages go.',
    example: 'fadvise_dontneed F',
  },
  step: 'fadvise',
  run(ctx, op) {
    const m = ctx.m;
    const inode = ctx.fileArg(op, 0, op.words[0]!);
    const args = ctx.note({ file: inode.name, advice: 'DONTNEED', after_fsync: true }, 'fadvise');
    do_fadvise_dontneed(m, inode);
    return { op: 'fadvise', args, ret: ok() };
  },
};

/** x as the recorder prints it, printf "%.2f" (csrc/ops_file.c): two decimals, a tie to the even one (glibc's default rounding) */
function twoPlaces(x: number): number {
  const scaled = x * 100;
  const low = Math.floor(scaled);
  const frac = scaled - low;
  const n = frac > 0.5 || (frac === 0.5 && low % 2 === 1) ? low + 1 : low;
  return n / 100;
}
