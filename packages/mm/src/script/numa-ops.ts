/**
 * The NUMA ops of the `.mmo` language, named and echoed as the recorder
 * records them (docs/mmo.md "NUMA: policies and migration"):
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
import type { Machine, Process } from '../model/machine.js';
import { COMPACT_MEMORY_PATH, sysctl_compact_memory } from '../kernel/compaction.js';
import { do_mbind_path, kernel_migrate_pages_path } from '../kernel/mempolicy.mbind.js';
import { MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL, MPOL_MF_STRICT, MPOL_MODE_NAMES, numa_info, type SyscallOutcome } from '../kernel/mempolicy.js';
import { kernel_move_pages_path, STATUS_ERRNO } from '../kernel/migrate.move_pages.js';
import type { KernelPath } from '../model/sched.js';
import type { Region } from '../observe/observe.js';
import type { MmoOp } from './parse.js';
import { BadValue, flagSet, int32, keyValue, shorten, uint, whole, type FlagNames } from './values.js';
import type { StepResult } from './run.js';

export interface NumaOpContext {
  readonly m: Machine;
  readonly proc: Process;
  region(word: number): Region;
  bad(word: number, reason: string): never;
  /** note the step's arguments before the syscall runs (a failing step keeps them) */
  note?(args: Record<string, unknown>): void;
}

const FLAG_BITS: FlagNames = new Map([
  ['STRICT', MPOL_MF_STRICT],
  ['MOVE', MPOL_MF_MOVE],
  ['MOVE_ALL', MPOL_MF_MOVE_ALL],
]);
const MODE_FLAG_BITS: FlagNames = new Map([
  ['MPOL_F_STATIC_NODES', MPOL_F_STATIC_NODES],
  ['MPOL_F_RELATIVE_NODES', MPOL_F_RELATIVE_NODES],
  ['MPOL_F_NUMA_BALANCING', MPOL_F_NUMA_BALANCING],
]);

/** Whether a move_pages line is the oracle's form (PAGES NODES FLAGS) rather than the one-page R PAGE NODE [all]. */
export function isOracleMovePages(op: MmoOp): boolean {
  const [, pages, nodes, flags] = op.words;
  if (flags !== undefined && flags !== 'all') return true;
  return /[,-]/.test(pages ?? '') || /[,]/.test(nodes ?? '') || nodes === 'query';
}

/** A word through a value parser (values.ts): a refusal names the word's column. */
function val<T>(ctx: NumaOpContext, op: MmoOp, word: number, parse: (text: string) => T): T {
  try {
    return parse(op.words[word] ?? '');
  } catch (error) {
    if (error instanceof BadValue) ctx.bad(word, error.message);
    throw error;
  }
}

/** Pages of an unsigned long address space, at most 2^52 (exact JS numbers). */
const addressPages = (m: Machine): number => 2 ** Math.min(m.variant.constants.wordBits - m.variant.constants.PAGE_SHIFT, 52);

/** A comma list (- for none) of page indices or of node numbers (int: a node outside the machine is the kernel's -ENODEV). */
function intList(ctx: NumaOpContext, op: MmoOp, word: number, what: 'page' | 'node'): number[] {
  const text = op.words[word] ?? '';
  if (text === '-') return [];
  const parts = text.split(',');
  // move_pages takes an unsigned long count; a list longer than the pages the machine can hold is refused as a script error
  if (parts.length > ctx.m.frames.max) ctx.bad(word, `${what} list of ${parts.length} entries; valid: at most ${ctx.m.frames.max} (the machine's frames)`);
  const max = addressPages(ctx.m) - 1;
  return parts.map((t) => val(ctx, op, word, () => (what === 'node' ? int32(t, 'node') : whole(t, max, 'page'))));
}

function flagWord(ctx: NumaOpContext, op: MmoOp, word: number, allowed: readonly string[], what: string): number {
  const names: FlagNames = new Map([...FLAG_BITS].filter(([k]) => allowed.includes(k)));
  // the syscalls' flags are int (move_pages) / unsigned int (mbind): 32 bits
  return val(ctx, op, word, (t) => flagSet(t === '' ? 'none' : t, names, `${what} flag`, 32)).bits;
}

function flagNames(flags: number): string[] {
  return [...FLAG_BITS].filter(([, bit]) => (flags & bit) !== 0).map(([name]) => name);
}

/** A node mask: an unsigned long (64 bits as the oracle passes it), a negative number as its two's complement, or null. */
function mask(ctx: NumaOpContext, op: MmoOp, word: number): bigint | null {
  const text = op.words[word] ?? '';
  if (text === 'null') return null;
  return val(ctx, op, word, (t) => (t.startsWith('-') ? BigInt.asUintN(64, -uint(t.slice(1), 63, 'node mask', 'a 64-bit mask, or null')) : uint(t, 64, 'node mask', 'a 64-bit mask, or null')));
}

function maxnode(ctx: NumaOpContext, op: MmoOp, word: number): number {
  const text = op.words[word];
  if (text === undefined) return 64;
  // maxnode: an unsigned long (mm/mempolicy.c get_nodes)
  const bits = ctx.m.variant.constants.wordBits;
  return Number(
    val(ctx, op, word, (t) => {
      const n = keyValue(t, 'maxnode');
      if (n === undefined) throw new BadValue('option', t, 'maxnode=N', `maxnode=N, N a ${bits}-bit unsigned long`);
      return uint(n, bits, 'maxnode', `a ${bits}-bit unsigned long`);
    }),
  );
}

function modeWord(ctx: NumaOpContext, op: MmoOp, word: number): number {
  const text = op.words[word] ?? '';
  // a number: the mode with its flags, as the int the kernel reads (mm/mempolicy.c sanitize_mpol_flags)
  if (/^(\d+|0x[0-9a-f]+)$/i.test(text)) return Number(val(ctx, op, word, (t) => uint(t, 32, 'mode', 'a 32-bit mode number')));
  const [name, ...modeFlags] = text.split('|');
  const mode = (MPOL_MODE_NAMES as readonly string[]).indexOf(name!);
  if (mode < 0) ctx.bad(word, `mode '${shorten(name!)}' is not a known mode; valid: ${MPOL_MODE_NAMES.join(', ')} or a number`);
  let flags = 0;
  for (const f of modeFlags) {
    const bit = MODE_FLAG_BITS.get(f);
    if (bit === undefined) ctx.bad(word, `mode flag '${shorten(f)}' is not a known flag; valid: ${[...MODE_FLAG_BITS.keys()].join(', ')}`);
    flags |= bit;
  }
  return mode | flags;
}

const asRet = (r: SyscallOutcome): Record<string, unknown> => (r.ok ? { ok: true, val: r.val } : { ok: false, errno: r.errno });

/** numa_info: the node lists and the task's policy mode, as the oracle records them. */
export function numa_info_op(ctx: NumaOpContext): StepResult {
  return { args: {}, ret: { ok: true, ...numa_info(ctx.m, ctx.proc) } };
}

/** move_pages R PAGES NODES FLAGS, the oracle's form, as a kernel path. */
export function* move_pages_op(ctx: NumaOpContext, op: MmoOp): KernelPath<StepResult> {
  const { m, proc } = ctx;
  const mm = proc.mm;
  const r = ctx.region(0);
  const pages = intList(ctx, op, 1, 'page');
  const nodes = op.words[2] === 'query' ? null : intList(ctx, op, 2, 'node');
  if (nodes && nodes.length !== pages.length) ctx.bad(2, `${nodes.length} nodes for ${pages.length} pages`);
  const flags = flagWord(ctx, op, 3, ['MOVE', 'MOVE_ALL'], 'move_pages');
  const args = { r: r.name, pages, nodes, flags };
  ctx.note?.(args);
  const res = yield* kernel_move_pages_path(m, mm, { pages: pages.map((p) => r.start + p), nodes, flags });
  const status = res.status.map((s) => (s === null ? null : s < 0 ? (Object.hasOwn(STATUS_ERRNO, -s) ? STATUS_ERRNO[-s]! : s) : s));
  return { args, ret: res.errno ? { ok: false, errno: res.errno, status } : { ok: true, val: res.ret, status } };
}

/** mbind R PAGE NPAGES MODE NODEMASK FLAGS [maxnode=N] as a kernel path. */
export function* mbind_op(ctx: NumaOpContext, op: MmoOp): KernelPath<StepResult> {
  const { m, proc } = ctx;
  const mm = proc.mm;
  const r = ctx.region(0);
  const page = val(ctx, op, 1, (t) => whole(t, addressPages(m) - 1, 'page'));
  const npages = val(ctx, op, 2, (t) => whole(t, addressPages(m), 'page count'));
  const mode = modeWord(ctx, op, 3);
  const nodemask = mask(ctx, op, 4);
  const flags = flagWord(ctx, op, 5, ['STRICT', 'MOVE', 'MOVE_ALL'], 'mbind');
  const nodes = maxnode(ctx, op, 6);
  const modeName = MPOL_MODE_NAMES[mode & 0xff] ?? '?';
  const args = { r: r.name, page, npages, mode: modeName, nodemask: Number(nodemask ?? 0n), flags: flagNames(flags) };
  ctx.note?.(args);
  const res = yield* do_mbind_path(m, mm, { start: r.start + page, pages: npages, mode, nodemask, maxnode: nodes, flags });
  return { args, ret: asRet(res) };
}

/** migrate_pages OLD NEW [maxnode=N] as a kernel path. */
export function* migrate_pages_op(ctx: NumaOpContext, op: MmoOp): KernelPath<StepResult> {
  const { m, proc } = ctx;
  const mm = proc.mm;
  const oldNodes = mask(ctx, op, 0);
  const newNodes = mask(ctx, op, 1);
  const nodes = maxnode(ctx, op, 2);
  const args = { old_nodes: Number(oldNodes ?? 0n), new_nodes: Number(newNodes ?? 0n) };
  ctx.note?.(args);
  const res = yield* kernel_migrate_pages_path(m, mm, { oldNodes, newNodes, maxnode: nodes });
  return { args, ret: asRet(res) };
}

/** compact_memory: write 1 to /proc/sys/vm/compact_memory. */
export function compact_memory_op(ctx: NumaOpContext): StepResult {
  return { args: { via: COMPACT_MEMORY_PATH, nondeterministic: true }, ret: asRet(sysctl_compact_memory(ctx.m)) };
}
