/**
 * The process touching its memory: `write R PAGE TAG`, `read R PAGE`, `write_all R PREFIX` —
 * a fault on each page that needs one (mm/memory.c handle_mm_fault).
 */
import type { Process } from '../../model/machine.js';
import type { KernelPath } from '../../model/sched.js';
import type { MmoOp } from '../parse.js';
import type { Runner, StepResult } from '../run.js';
import { ok, type OpSpec } from './spec.js';
import { unlocked } from '../../model/locks.js';
import { access_path } from '../../kernel/memory.js';
import { tag } from '../values.js';

/** write, read: one function reads and runs them all */
function* accessOp(ctx: Runner, op: MmoOp, p: Process): KernelPath<StepResult> {
  const m = ctx.m;
  const r = ctx.region(op, 0);
  const page = ctx.page(op, 1);
  const t = op.op === 'write' ? ctx.val(op, 2, (w) => tag(w)) : undefined;
  const args: Record<string, unknown> = ctx.note({ r: r.name, page, ...(t !== undefined ? { tag: t } : {}) });
  const res = yield* access_path(m, p.mm, r.start + page, op.op === 'write', t === undefined ? undefined : m.tags.intern(t));
  if (!res.ok) return { args, ret: { ok: false, signal: res.signal, si_code: res.si_code } };
  const faults = op.proc === 'parent' ? { faults: { minor: res.minor, major: res.major } } : {};
  return { args, ret: op.op === 'read' ? { ok: true, data: res.tag, ...faults } : { ok: true, ...faults } };
}

export const writeOp: OpSpec = {
  name: 'write',
  arity: [3, 3],
  doc: {
    family: 'access',
    usage: 'R PAGE TAG',
    text: 'The process stores TAG (a word of 1 … 64 characters naming the page\'s content) into page PAGE of R, faulting as the kernel does (handle_mm_fault: a new anonymous page, COW, a swap-in, a file page). A store nothing lets through is `ret: {ok: false, signal: SIGSEGV|SIGBUS}`; the parent\'s steps report `faults: {minor, major}`.',
    example: 'write A 1 A1',
  },
  path: accessOp,
};

export const readOp: OpSpec = {
  name: 'read',
  arity: [2, 2],
  doc: {
    family: 'access',
    usage: 'R PAGE',
    text: 'The process loads page PAGE of R; `ret.data` is the tag it reads (`0` for a zero page, a file page\'s own tag as the file made it). A load nothing lets through is `ret: {ok: false, signal}`.',
    example: 'read A 0',
  },
  path: accessOp,
};

export const write_allOp: OpSpec = {
  name: 'write_all',
  arity: [2, 2],
  doc: {
    family: 'access',
    usage: 'R PREFIX',
    text: '`write R i PREFIXi` for every page i of R, each a store of its own (another thread may run between two); stops at the first that takes a signal and reports it.',
    example: 'write_all A W',
  },
  *path(ctx, op, p) {
    const m = ctx.m;
    const r = ctx.region(op, 0);
    // the tags are PREFIX0 … PREFIX(n-1): the prefix leaves room for the index
    const prefix = ctx.val(op, 1, (t) => tag(t, 'tag prefix'));
    const args = ctx.note({ r: r.name, tagprefix: prefix });
    for (let i = 0; i < r.pages; i++) {
      // each page a store of its own: between two the writer is back in user space, where another thread may run
      if (i > 0) yield* unlocked(m, 'write_all: back in user space, the next page');
      const res = yield* access_path(m, p.mm, r.start + i, true, m.tags.intern(`${prefix}${i}`));
      // the recorder's write_all (docs/mmo.md) stops at the first write that takes a signal and
      // reports it — SIGSEGV where nothing is mapped, SIGKILL when the OOM killer chose the writer
      if (!res.ok) return { args, ret: { ok: false, signal: res.signal, si_code: res.si_code } };
    }
    return { args, ret: ok() };
  },
};
