/**
 * The NUMA ops of the `.mmo` language, named and echoed as the host oracle
 * records them (shared/host-oracle sc_misc.c: op_nodes, op_move_pages,
 * op_mbind, op_migrate_pages, op_compact):
 *
 *   numa_info                                  node lists, the task policy's mode
 *   move_pages R PAGES NODES FLAGS             PAGES 0,1,2 (- for none); NODES 0,0,1 or query;
 *                                              FLAGS a number, or MOVE,MOVE_ALL / none
 *   mbind R PAGE NPAGES MODE NODEMASK FLAGS [maxnode=N]
 *                                              MODE MPOL_BIND… (|MPOL_F_STATIC_NODES…) or a
 *                                              number; NODEMASK a number (0x… too) or null;
 *                                              FLAGS STRICT,MOVE,MOVE_ALL / none / a number
 *   migrate_pages OLD NEW [maxnode=N]          node masks of the process's own pages
 *   compact_memory                             echo 1 > /proc/sys/vm/compact_memory
 *
 * maxnode defaults to 64 (the oracle passes one unsigned long). The
 * oracle's mbind passes a NULL mask for MPOL_DEFAULT, which a recording
 * replays as `null`. (The one-page `move_pages R PAGE NODE [all]` form is
 * run.ts's.)
 */
import type { Machine, Process } from '../kernel/machine.js';
import { COMPACT_MEMORY_PATH, sysctl_compact_memory } from '../kernel/compaction.js';
import { do_mbind_path, kernel_migrate_pages_path, MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_MODE_NAMES, numa_info, type SyscallOutcome } from '../kernel/mempolicy.js';
import { kernel_move_pages_path, STATUS_ERRNO } from '../kernel/move-pages.js';
import type { KernelPath } from '../kernel/sched.js';
import type { Region } from '../observe/observe.js';
import type { MmoOp } from './parse.js';
import type { StepResult } from './run.js';

export interface NumaOpContext {
  readonly m: Machine;
  readonly proc: Process;
  region(word: number): Region;
  bad(word: number, reason: string): never;
}

const FLAG_BITS: Readonly<Record<string, number>> = { STRICT: MPOL_MF_STRICT, MOVE: MPOL_MF_MOVE, MOVE_ALL: MPOL_MF_MOVE_ALL };
const MODE_FLAG_BITS: Readonly<Record<string, number>> = { MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING };

/** Whether a move_pages line is the oracle's form (PAGES NODES FLAGS) rather than the one-page R PAGE NODE [all]. */
export function isOracleMovePages(op: MmoOp): boolean {
  const [, pages, nodes, flags] = op.words;
  if (flags !== undefined && flags !== 'all') return true;
  return /[,-]/.test(pages ?? '') || /[,]/.test(nodes ?? '') || nodes === 'query';
}

function intList(ctx: NumaOpContext, op: MmoOp, word: number, what: string): number[] {
  const text = op.words[word] ?? '';
  if (text === '-') return [];
  return text.split(',').map((t) => {
    if (!/^-?\d+$/.test(t)) ctx.bad(word, `${what} '${t}' is not a whole number (a comma list, or - for none)`);
    return Number(t);
  });
}

function oneInt(ctx: NumaOpContext, op: MmoOp, word: number, what: string): number {
  const text = op.words[word] ?? '';
  if (!/^-?\d+$/.test(text)) ctx.bad(word, `${what} '${text}' is not a whole number`);
  return Number(text);
}

function flagWord(ctx: NumaOpContext, op: MmoOp, word: number, allowed: readonly string[], what: string): number {
  const text = op.words[word] ?? 'none';
  if (/^(0x[0-9a-f]+|\d+)$/i.test(text)) return Number(text);
  let flags = 0;
  for (const f of text === 'none' ? [] : text.split(',')) {
    if (!allowed.includes(f)) ctx.bad(word, `unknown ${what} flag '${f}' (${allowed.join(', ')}, none, or a number)`);
    flags |= FLAG_BITS[f]!;
  }
  return flags;
}

function flagNames(flags: number): string[] {
  return Object.entries(FLAG_BITS)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
}

function mask(ctx: NumaOpContext, op: MmoOp, word: number): bigint | null {
  const text = op.words[word] ?? '';
  if (text === 'null') return null;
  if (!/^(-?\d+|0x[0-9a-f]+)$/i.test(text)) ctx.bad(word, `node mask '${text}' is not a number or null`);
  return BigInt.asUintN(64, BigInt(text));
}

function maxnode(ctx: NumaOpContext, op: MmoOp, word: number): number {
  const text = op.words[word];
  if (text === undefined) return 64;
  const mm = /^maxnode=(\d+)$/.exec(text);
  if (!mm) ctx.bad(word, `'${text}' is not maxnode=N`);
  return Number(mm[1]);
}

function modeWord(ctx: NumaOpContext, op: MmoOp, word: number): number {
  const text = op.words[word] ?? '';
  if (/^\d+$/.test(text)) return Number(text);
  const [name, ...modeFlags] = text.split('|');
  const mode = (MPOL_MODE_NAMES as readonly string[]).indexOf(name!);
  if (mode < 0) ctx.bad(word, `mode '${name}' is not one of ${MPOL_MODE_NAMES.join(', ')} or a number`);
  let flags = 0;
  for (const f of modeFlags) {
    const bit = MODE_FLAG_BITS[f];
    if (bit === undefined) ctx.bad(word, `mode flag '${f}' is not one of ${Object.keys(MODE_FLAG_BITS).join(', ')}`);
    flags |= bit;
  }
  return mode | flags;
}

const asRet = (r: SyscallOutcome): Record<string, unknown> => (r.ok ? { ok: true, val: r.val } : { ok: false, errno: r.errno });

/** The NUMA op as a kernel path; its args and ret as the oracle records them. */
export function* numaOp(ctx: NumaOpContext, op: MmoOp): KernelPath<StepResult> {
  const { m, proc } = ctx;
  const mm = proc.mm;
  switch (op.op) {
    case 'numa_info':
      return { args: {}, ret: { ok: true, ...numa_info(m, proc) } };
    case 'move_pages': {
      const r = ctx.region(0);
      const pages = intList(ctx, op, 1, 'page');
      const nodes = op.words[2] === 'query' ? null : intList(ctx, op, 2, 'node');
      if (nodes && nodes.length !== pages.length) ctx.bad(2, `${nodes.length} nodes for ${pages.length} pages`);
      const flags = flagWord(ctx, op, 3, ['MOVE', 'MOVE_ALL'], 'move_pages');
      const res = yield* kernel_move_pages_path(m, mm, { pages: pages.map((p) => r.start + p), nodes, flags });
      const status = res.status.map((s) => (s === null ? null : s < 0 ? (STATUS_ERRNO[-s] ?? s) : s));
      const args = { r: r.name, pages, nodes, flags };
      return { args, ret: res.errno ? { ok: false, errno: res.errno, status } : { ok: true, val: res.ret, status } };
    }
    case 'mbind': {
      const r = ctx.region(0);
      const page = oneInt(ctx, op, 1, 'page');
      const npages = oneInt(ctx, op, 2, 'page count');
      const mode = modeWord(ctx, op, 3);
      const nodemask = mask(ctx, op, 4);
      const flags = flagWord(ctx, op, 5, ['STRICT', 'MOVE', 'MOVE_ALL'], 'mbind');
      const res = yield* do_mbind_path(m, mm, { start: r.start + page, pages: npages, mode, nodemask, maxnode: maxnode(ctx, op, 6), flags });
      const modeName = MPOL_MODE_NAMES[mode & 0xff] ?? '?';
      return { args: { r: r.name, page, npages, mode: modeName, nodemask: Number(nodemask ?? 0n), flags: flagNames(flags) }, ret: asRet(res) };
    }
    case 'migrate_pages': {
      const oldNodes = mask(ctx, op, 0);
      const newNodes = mask(ctx, op, 1);
      const res = yield* kernel_migrate_pages_path(m, mm, { oldNodes, newNodes, maxnode: maxnode(ctx, op, 2) });
      return { args: { old_nodes: Number(oldNodes ?? 0n), new_nodes: Number(newNodes ?? 0n) }, ret: asRet(res) };
    }
    case 'compact_memory':
      return { args: { via: COMPACT_MEMORY_PATH, nondeterministic: true }, ret: asRet(sysctl_compact_memory(m)) };
    default:
      return ctx.bad(0, `op '${op.op}' is not a NUMA op`);
  }
}
