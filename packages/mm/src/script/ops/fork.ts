/**
 * fork(2) and exit(2) of the script's processes (kernel/fork.ts: dup_mmap; kernel/mmap.ts: exit_mmap).
 */
import { ok, type OpSpec } from './spec.js';
import { dup_mmap } from '../../kernel/fork.js';
import { exit_mmap } from '../../kernel/mmap.js';

export const forkOp: OpSpec = {
  name: 'fork',
  arity: [0, 0],
  doc: {
    family: 'process',
    usage: '',
    text: 'fork(2) of the parent: the child gets a copy of the address space (dup_mmap, copy_page_range: COW for private pages, DONTFORK and WIPEONFORK obeyed). Lines prefixed `@child` run in the child from then on.',
    example: 'fork',
  },
  run(ctx, op, p) {
    const m = ctx.m;
    ctx.procs.child = dup_mmap(m, p, 'child');
    return { args: {}, ret: ok() };
  },
};

export const exitOp: OpSpec = {
  name: 'exit',
  arity: [0, 0],
  doc: {
    family: 'process',
    usage: '',
    text: 'exit(2) of the process the line runs in (`@child exit` for the child): its mappings go (exit_mmap). Later lines for that process are refused.',
    example: '@child exit',
  },
  run(ctx, op, p) {
    const m = ctx.m;
    exit_mmap(m, p);
    return { args: {}, ret: ok() };
  },
};
