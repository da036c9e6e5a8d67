/**
 * The NUMA syscalls on every variant in both eras — move_pages(2) with a
 * page array (statuses, batches, whole-call errnos), mbind(2) (modes,
 * masks, flags, holes, VMA splits and merges, STRICT and MOVE),
 * migrate_pages(2) (node pairs, permissions), numa_info and
 * compact_memory — on one-node machines (the host recording machine) and
 * on machines with two or three nodes; plus the `.mmo` ops and their
 * recorded form.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { DEFAULT_CONFIG, PteClassCode, type VariantSpec } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import {
  access,
  do_mbind_path,
  do_mmap,
  dup_mmap,
  get_nodes,
  get_user_pages,
  kernel_migrate_pages_path,
  kernel_move_pages_path,
  MPOL_BIND,
  MPOL_DEFAULT,
  MPOL_F_RELATIVE_NODES,
  MPOL_F_STATIC_NODES,
  MPOL_INTERLEAVE,
  MPOL_LOCAL,
  MPOL_MF_MOVE,
  MPOL_MF_MOVE_ALL,
  MPOL_MF_STRICT,
  MPOL_PREFERRED,
  numa_info,
  pin_user_pages,
  sysctl_compact_memory,
  unpin_user_page,
  vmaPolicy,
  FOLL_LONGTERM,
  FOLL_WRITE,
  type MbindRequest,
  type MovePagesOutcome,
  type SyscallOutcome,
} from '../src/kernel/index.js';
import { checkInvariants } from '../src/check/index.js';
import { create_file, runPath } from '../src/model/index.js';
import { KernelBug, Machine, parseMmo, runScript, type Mm, type Process } from '../src/index.js';
import { recordingToMmo, type Recording } from '../src/script/index.js';

const A = 0x4000;
const B = 0x4100;
const RW = { read: true, write: true, exec: false };

interface Setup {
  readonly m: Machine;
  readonly p: Process;
  readonly mm: Mm;
}

function setup(spec: VariantSpec, nodes: number, pages = 4): Setup {
  const m = new Machine({ spec, frames: 512, nodes });
  const p = m.spawn('p');
  do_mmap(m, p.mm, { start: A, pages, prot: RW, shared: false });
  return { m, p, mm: p.mm };
}

function write(s: Setup, page: number, tag: string, vpn = A): void {
  expect(access(s.m, s.mm, vpn + page, true, s.m.tags.intern(tag)).ok).toBe(true);
}

function frameAt(s: Setup, vpn: number, mm = s.mm): number {
  const slot = mm.pgtable.walk(vpn, false);
  if (slot < 0) return -1;
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  return s.m.variant.fast.classify(hi, lo) === PteClassCode.present ? s.m.pteFrame(hi, lo) : -1;
}

const nodeOf = (s: Setup, vpn: number, mm = s.mm): number => s.m.frames.nid(frameAt(s, vpn, mm));

function readTag(s: Setup, vpn: number, mm = s.mm): string {
  const r = access(s.m, mm, vpn, false);
  return r.ok ? r.tag : r.signal;
}

function movePages(s: Setup, pages: number[], nodes: number[] | null, flags = MPOL_MF_MOVE, mm = s.mm, capable = true): MovePagesOutcome {
  return runPath(kernel_move_pages_path(s.m, mm, { pages: pages.map((p) => A + p), nodes, flags, capable }));
}

/** the call as the oracle prints it: errno or val, and the status array with errno names */
function shown(r: MovePagesOutcome): { ret: number | string; status: (number | string | null)[] } {
  const names: Record<number, string> = { 2: 'ENOENT', 11: 'EAGAIN', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY' };
  return { ret: r.errno ?? r.ret, status: r.status.map((x) => (x === null ? null : x < 0 ? names[-x]! : x)) };
}

function mbind(s: Setup, page: number, npages: number, mode: number, nodemask: bigint | null, flags: number, extra: Partial<MbindRequest> = {}): number | string {
  const r = runPath(do_mbind_path(s.m, s.mm, { start: A + page, pages: npages, mode, nodemask, flags, ...extra }));
  return r.ok ? r.val : r.errno;
}

function migrate(s: Setup, from: bigint | null, to: bigint | null, capable = true, maxnode = 64): number | string {
  const r: SyscallOutcome = runPath(kernel_migrate_pages_path(s.m, s.mm, { oldNodes: from, newNodes: to, capable, maxnode }));
  return r.ok ? r.val : r.errno;
}

/** the VMAs around A as page ranges relative to A */
const vmaRanges = (mm: Mm): string[] => mm.vmas.list.map((v) => `${v.start - A}-${v.end - A}`);

const ALL = [...X86, ...PPC];

describe('NUMA syscalls', () => {
  for (const spec of ALL) {
    const modern = spec.era === '6.18';
    describe(`${spec.id}@${spec.era}`, () => {
      // ------------------------------------------------------------ move_pages
      test('move_pages query: the node, -ENOENT for an untouched page, the zero page and no VMA by era', () => {
        const s = setup(spec, 1);
        write(s, 0, 'A0');
        access(s.m, s.mm, A + 2, false); // the shared zero page
        // pages: written, never touched, zero page, past the region (no VMA above), below the region (a hole under a VMA)
        const r = movePages(s, [0, 1, 2, 9, -3], null, 0);
        expect(shown(r)).toEqual(
          modern
            ? { ret: 0, status: [0, 'ENOENT', 'EFAULT', 'EFAULT', 'EFAULT'] } // vma_lookup; FW_ZEROPAGE: the zero page is EFAULT
            : { ret: 0, status: [0, 'ENOENT', 'ENOENT', 'EFAULT', 'ENOENT'] }, // find_vma without the vm_start check; PageReserved
        );
        expect(shown(movePages(s, [], null, 0))).toEqual({ ret: 0, status: [] });
      });

      test('move_pages on one node: moving to node 0 is a no-op (2.6.21: ENOENT, nothing isolated), node 1 is ENODEV', () => {
        const s = setup(spec, 1);
        for (let i = 0; i < 3; i++) write(s, i, `A${i}`);
        access(s.m, s.mm, A + 3, false);
        const frames = [0, 1, 2].map((i) => frameAt(s, A + i));
        const r = movePages(s, [0, 1, 2, 3], [0, 0, 0, 0]);
        expect(shown(r)).toEqual(modern ? { ret: 0, status: [0, 0, 0, 'EFAULT'] } : { ret: 'ENOENT', status: [null, null, null, null] });
        expect(shown(movePages(s, [0, 1, 2, 3], [1, 1, 1, 1]))).toEqual({ ret: 'ENODEV', status: [null, null, null, null] });
        expect([0, 1, 2].map((i) => frameAt(s, A + i))).toEqual(frames);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('move_pages across two nodes: batches per target node, each page moved with its data', () => {
        const s = setup(spec, 2);
        for (let i = 0; i < 4; i++) write(s, i, `A${i}`);
        const r = movePages(s, [0, 1, 2, 3], [1, 1, 0, 1]);
        expect(shown(r)).toEqual({ ret: 0, status: [1, 1, 0, 1] });
        expect([0, 1, 2, 3].map((i) => nodeOf(s, A + i))).toEqual([1, 1, 0, 1]);
        expect([0, 1, 2, 3].map((i) => readTag(s, A + i))).toEqual(['A0', 'A1', 'A2', 'A3']);
        // MPOL_MF_MOVE is not needed: flags 0 moves too
        expect(shown(movePages(s, [0], [0], 0))).toEqual({ ret: 0, status: [0] });
        expect(nodeOf(s, A)).toBe(0);
        // the same page twice: the second lookup finds it isolated already
        expect(shown(movePages(s, [1, 1], [0, 0]))).toEqual({ ret: 0, status: [0, 'EBUSY'] });
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('move_pages: a bad node part-way — 6.18 flushes the pages queued before it, 2.6.21 checks every node first', () => {
        const s = setup(spec, 2);
        for (let i = 0; i < 3; i++) write(s, i, `A${i}`);
        const r = movePages(s, [0, 1, 2], [1, 5, 1]);
        if (modern) {
          expect(shown(r)).toEqual({ ret: 'ENODEV', status: [1, null, null] });
          expect([0, 1, 2].map((i) => nodeOf(s, A + i))).toEqual([1, 0, 0]);
        } else {
          expect(shown(r)).toEqual({ ret: 'ENODEV', status: [null, null, null] });
          expect([0, 1, 2].map((i) => nodeOf(s, A + i))).toEqual([0, 0, 0]);
        }
        expect(shown(movePages(s, [0], [-1]))).toEqual({ ret: 'ENODEV', status: [null] });
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('move_pages whole-call errors: EINVAL flags, EPERM for MOVE_ALL without CAP_SYS_NICE, ENOSYS without CONFIG_MIGRATION; an empty call', () => {
        const s = setup(spec, 2);
        write(s, 0, 'A0');
        expect(shown(movePages(s, [0], [1], 8))).toEqual({ ret: 'EINVAL', status: [null] });
        expect(shown(movePages(s, [0], null, 1))).toEqual({ ret: 'EINVAL', status: [null] }); // MPOL_MF_STRICT is not a move_pages flag
        expect(shown(movePages(s, [0], [1], MPOL_MF_MOVE_ALL, s.mm, false))).toEqual({ ret: 'EPERM', status: [null] });
        expect(shown(movePages(s, [], []))).toEqual(modern ? { ret: 0, status: [] } : { ret: 'ENOENT', status: [] });
        const off = new Machine({ spec, frames: 64, config: { ...DEFAULT_CONFIG, MIGRATION: false } });
        const q = off.spawn('q');
        do_mmap(off, q.mm, { start: A, pages: 1, prot: RW, shared: false });
        expect(runPath(kernel_move_pages_path(off, q.mm, { pages: [A], nodes: null, flags: 0 })).errno).toBe('ENOSYS');
        expect(runPath(kernel_migrate_pages_path(off, q.mm, { oldNodes: 1n, newNodes: 2n })).ok).toBe(false);
      });

      test('move_pages: a shared page is EACCES without MPOL_MF_MOVE_ALL; a pinned page fails its migration', () => {
        const s = setup(spec, 2);
        write(s, 0, 'A0');
        write(s, 1, 'A1');
        const child = dup_mmap(s.m, s.p, 'child');
        const r = movePages(s, [0, 1], [1, 1], MPOL_MF_MOVE, child.mm);
        expect(shown(r)).toEqual(modern ? { ret: 0, status: ['EACCES', 'EACCES'] } : { ret: 'ENOENT', status: [null, null] });
        expect(shown(movePages(s, [0], [1], MPOL_MF_MOVE_ALL, child.mm))).toEqual({ ret: 0, status: [1] });
        expect(nodeOf(s, A)).toBe(1);
        expect(nodeOf(s, A, child.mm)).toBe(1);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('move_pages: a migration that fails — 6.18 leaves the batch unwritten and counts the pages not attempted', () => {
        const s = setup(spec, 2);
        for (let i = 0; i < 4; i++) if (i !== 1) write(s, i, `A${i}`);
        const pin = modern ? pin_user_pages(s.m, s.mm, A, FOLL_WRITE | FOLL_LONGTERM) : get_user_pages(s.m, s.mm, A, FOLL_WRITE);
        // page 0 pinned, page 1 never touched, pages 2 and 3 movable
        const r = movePages(s, [0, 1, 2, 3], [1, 1, 1, 1]);
        if (modern) {
          // page 0's batch fails when page 1 (ENOENT) flushes it: 1 failed + 3 not attempted from page 1, page 1 accounted for
          expect(shown(r)).toEqual({ ret: 3, status: [null, 'ENOENT', null, null] });
          expect([2, 3].map((i) => nodeOf(s, A + i))).toEqual([0, 0]);
        } else {
          expect(shown(r)).toEqual({ ret: 1, status: ['EAGAIN', 'ENOENT', 1, 1] });
          expect([2, 3].map((i) => nodeOf(s, A + i))).toEqual([1, 1]);
        }
        expect(nodeOf(s, A)).toBe(0);
        // the failing page alone in its batch, the last one: failed + 0 not attempted
        expect(shown(movePages(s, [3, 0], [0, 1]))).toEqual(modern ? { ret: 1, status: [0, null] } : { ret: 1, status: [0, 'EAGAIN'] });
        unpin_user_page(s.m, pin);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      // ------------------------------------------------------------ mbind
      test('mbind on one node: BIND {0} with MOVE|STRICT is fine, BIND {1} is EINVAL, MPOL_DEFAULT resets', () => {
        const s = setup(spec, 1);
        for (let i = 0; i < 3; i++) write(s, i, `A${i}`);
        const frames = [0, 1, 2].map((i) => frameAt(s, A + i));
        expect(mbind(s, 0, 4, MPOL_BIND, 1n, MPOL_MF_STRICT | MPOL_MF_MOVE)).toBe(0);
        expect(vmaPolicy(s.mm.vmas.list[0]!)?.mode).toBe(MPOL_BIND);
        expect(mbind(s, 0, 4, MPOL_BIND, 2n, MPOL_MF_STRICT | MPOL_MF_MOVE)).toBe('EINVAL');
        expect(mbind(s, 0, 4, MPOL_INTERLEAVE, 6n, 0)).toBe('EINVAL');
        expect(mbind(s, 0, 4, MPOL_BIND, 3n, MPOL_MF_STRICT)).toBe(0); // the offline node is cut off (6.18 mpol_set_nodemask; 2.6.21 the cpuset mask)
        expect(mbind(s, 0, 4, MPOL_DEFAULT, null, 0)).toBe(0);
        expect(vmaPolicy(s.mm.vmas.list[0]!)).toBeNull();
        expect([0, 1, 2].map((i) => frameAt(s, A + i))).toEqual(frames);
        expect(vmaRanges(s.mm)).toEqual(['0-4']);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind argument checks: modes, mode flags, masks, flags, CAP_SYS_NICE, length 0', () => {
        const s = setup(spec, 1);
        expect(mbind(s, 0, 4, MPOL_BIND, null, 0)).toBe('EINVAL'); // BIND needs a node
        expect(mbind(s, 0, 4, MPOL_BIND, 1n, 8)).toBe('EINVAL'); // MPOL_MF_LAZY and above
        expect(mbind(s, 0, 4, MPOL_BIND, 1n, MPOL_MF_MOVE_ALL, { capable: false })).toBe('EPERM');
        expect(mbind(s, 0, 0, MPOL_BIND, 2n, 0)).toBe(0); // len 0: nothing checked past the flags
        expect(mbind(s, 0, 4, MPOL_BIND, 1n, 0, { maxnode: 1 })).toBe('EINVAL'); // maxnode 1: no bits, an empty mask
        expect(mbind(s, 0, 4, MPOL_BIND, 1n, 0, { maxnode: s.m.variant.constants.PAGE_SIZE * 8 + 2 })).toBe('EINVAL');
        expect(mbind(s, 0, 4, MPOL_BIND, 1n | (1n << 64n), 0, { maxnode: 66 })).toBe('EINVAL'); // a node past MAX_NUMNODES
        expect(mbind(s, 0, 4, MPOL_BIND, 1n | (1n << 63n), 0)).toBe(0); // maxnode 64 reads 63 bits: bit 63 is not seen
        expect(mbind(s, 0, 4, MPOL_DEFAULT, 1n, 0)).toBe('EINVAL'); // DEFAULT takes no nodes
        expect(mbind(s, 0, 4, MPOL_PREFERRED, null, 0)).toBe(0); // local allocation
        // an offline node only: 6.18 DEFAULT rejects any node, PREFERRED needs one with memory; 2.6.21 cut them off first
        expect(mbind(s, 0, 4, MPOL_DEFAULT, 2n, 0)).toBe(modern ? 'EINVAL' : 0);
        expect(mbind(s, 0, 4, MPOL_PREFERRED, 2n, 0)).toBe(modern ? 'EINVAL' : 0);
        // modes past MPOL_INTERLEAVE and mode flags are 6.18's
        expect(mbind(s, 0, 4, MPOL_LOCAL, null, 0)).toBe(modern ? 0 : 'EINVAL');
        expect(mbind(s, 0, 4, MPOL_LOCAL, 1n, 0)).toBe('EINVAL');
        expect(mbind(s, 0, 4, 7, 1n, 0)).toBe('EINVAL');
        expect(mbind(s, 0, 4, MPOL_BIND | MPOL_F_STATIC_NODES, 1n, 0)).toBe(modern ? 0 : 'EINVAL');
        expect(mbind(s, 0, 4, MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, 1n, 0)).toBe('EINVAL');
        expect(mbind(s, 0, 4, MPOL_BIND | MPOL_F_RELATIVE_NODES, 2n, 0)).toBe(modern ? 0 : 'EINVAL'); // relative: node 1 folds onto node 0
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind over holes: EFAULT, except for MPOL_DEFAULT — and 2.6.21 check_range misses a hole at the head', () => {
        const s = setup(spec, 1);
        do_mmap(s.m, s.mm, { start: A + 8, pages: 2, prot: RW, shared: false });
        expect(mbind(s, 2, 8, MPOL_BIND, 1n, 0)).toBe('EFAULT'); // a hole between the VMAs
        expect(mbind(s, 2, 8, MPOL_DEFAULT, null, 0)).toBe(0);
        expect(mbind(s, -2, 4, MPOL_BIND, 1n, 0)).toBe(modern ? 'EFAULT' : 0); // a hole at the head
        expect(mbind(s, 8, 4, MPOL_BIND, 1n, 0)).toBe('EFAULT'); // a hole at the tail, the last VMA
        expect(mbind(s, 2, 4, MPOL_BIND, 1n, 0)).toBe(modern ? 'EFAULT' : 0); // a tail hole with a VMA after it
        expect(mbind(s, 20, 4, MPOL_DEFAULT, null, 0)).toBe('EFAULT'); // no VMA at or above
        expect(mbind(s, -20, 4, MPOL_DEFAULT, null, 0)).toBe(modern ? 'EFAULT' : 0); // a range wholly in a hole below a VMA
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind splits the VMA; 6.18 merges it back when the policies match again, 2.6.21 never merges', () => {
        const s = setup(spec, 1);
        write(s, 0, 'A0');
        write(s, 2, 'A2');
        expect(mbind(s, 1, 1, MPOL_DEFAULT, null, 0)).toBe(0);
        expect(vmaRanges(s.mm)).toEqual(modern ? ['0-4'] : ['0-1', '1-2', '2-4']); // 6.18: an equal policy changes nothing
        expect(mbind(s, 1, 2, MPOL_BIND, 1n, 0)).toBe(0);
        expect(vmaRanges(s.mm)).toEqual(modern ? ['0-1', '1-3', '3-4'] : ['0-1', '1-2', '2-3', '3-4']);
        expect(mbind(s, 1, 1, MPOL_BIND, 1n, 0)).toBe(0);
        expect(vmaRanges(s.mm)).toEqual(modern ? ['0-1', '1-3', '3-4'] : ['0-1', '1-2', '2-3', '3-4']);
        expect(mbind(s, 0, 4, MPOL_DEFAULT, null, 0)).toBe(0);
        expect(vmaRanges(s.mm)).toEqual(modern ? ['0-4'] : ['0-1', '1-2', '2-3', '3-4']);
        expect(s.mm.vmas.list.every((v) => vmaPolicy(v) === null)).toBe(true);
        expect([0, 2].map((i) => readTag(s, A + i))).toEqual(['A0', 'A2']);
        // fork copies each VMA's policy (vma_dup_policy)
        expect(mbind(s, 0, 2, MPOL_BIND, 1n, 0)).toBe(0);
        const child = dup_mmap(s.m, s.p, 'child');
        expect(child.mm.vmas.list.map((v) => vmaPolicy(v)?.mode ?? MPOL_DEFAULT)).toEqual(s.mm.vmas.list.map((v) => vmaPolicy(v)?.mode ?? MPOL_DEFAULT));
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind MOVE on two nodes: pages off the mask migrate to it, with their data; STRICT alone is EIO', () => {
        const s = setup(spec, 2);
        for (let i = 0; i < 4; i++) write(s, i, `A${i}`);
        expect(mbind(s, 0, 4, MPOL_BIND, 2n, MPOL_MF_STRICT)).toBe('EIO'); // pages on node 0, the mask is {1}
        expect([0, 1, 2, 3].map((i) => nodeOf(s, A + i))).toEqual([0, 0, 0, 0]);
        expect(mbind(s, 0, 4, MPOL_BIND, 2n, MPOL_MF_STRICT | MPOL_MF_MOVE)).toBe(0);
        expect([0, 1, 2, 3].map((i) => nodeOf(s, A + i))).toEqual([1, 1, 1, 1]);
        expect([0, 1, 2, 3].map((i) => readTag(s, A + i))).toEqual(['A0', 'A1', 'A2', 'A3']);
        expect(mbind(s, 0, 4, MPOL_BIND, 3n, MPOL_MF_STRICT)).toBe(0); // all on a node of the mask now
        // INTERLEAVE over {0,1}: each page to the node its index picks
        expect(mbind(s, 0, 4, MPOL_INTERLEAVE, 3n, MPOL_MF_MOVE)).toBe(0);
        expect([0, 1, 2, 3].map((i) => nodeOf(s, A + i))).toEqual([1, 1, 1, 1]); // on a node of the mask: nothing to move
        expect(mbind(s, 0, 4, MPOL_PREFERRED, 1n, MPOL_MF_MOVE)).toBe(0);
        expect([0, 1, 2, 3].map((i) => nodeOf(s, A + i))).toEqual([0, 0, 0, 0]);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind MPOL_DEFAULT with MOVE migrates every page (the empty mask wants them all) to the local node', () => {
        const s = setup(spec, 1);
        for (let i = 0; i < 3; i++) write(s, i, `A${i}`);
        access(s.m, s.mm, A + 3, false);
        const before = [0, 1, 2].map((i) => frameAt(s, A + i));
        expect(mbind(s, 0, 4, MPOL_DEFAULT, null, MPOL_MF_MOVE)).toBe(0);
        const after = [0, 1, 2].map((i) => frameAt(s, A + i));
        after.forEach((f, i) => expect(f).not.toBe(before[i]));
        expect(frameAt(s, A + 3)).toBe(s.m.zeroFrame); // the zero page is skipped
        expect([0, 1, 2].map((i) => readTag(s, A + i))).toEqual(['A0', 'A1', 'A2']);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind: shared pages stay without MOVE_ALL (no failure), a pinned page with STRICT|MOVE is EIO', () => {
        const s = setup(spec, 2);
        write(s, 0, 'A0');
        write(s, 1, 'A1');
        const child = dup_mmap(s.m, s.p, 'child');
        expect(mbind(s, 0, 2, MPOL_BIND, 2n, MPOL_MF_STRICT | MPOL_MF_MOVE)).toBe(0);
        expect([0, 1].map((i) => nodeOf(s, A + i))).toEqual([0, 0]);
        expect(mbind(s, 0, 2, MPOL_BIND, 2n, MPOL_MF_MOVE_ALL)).toBe(0);
        expect([0, 1].map((i) => nodeOf(s, A + i, child.mm))).toEqual([1, 1]);
        write(s, 2, 'A2');
        const pin = modern ? pin_user_pages(s.m, s.mm, A + 2, FOLL_WRITE | FOLL_LONGTERM) : get_user_pages(s.m, s.mm, A + 2, FOLL_WRITE);
        expect(mbind(s, 2, 1, MPOL_BIND, 2n, MPOL_MF_STRICT | MPOL_MF_MOVE)).toBe('EIO');
        expect(mbind(s, 2, 1, MPOL_BIND, 2n, MPOL_MF_MOVE)).toBe(0);
        unpin_user_page(s.m, pin);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind MOVE with a hole further on: 6.18 fails before scanning; 2.6.21 leaks the pages it isolated', () => {
        const s = setup(spec, 2, 2);
        write(s, 0, 'A0');
        do_mmap(s.m, s.mm, { start: A + 4, pages: 2, prot: RW, shared: false });
        expect(mbind(s, 0, 6, MPOL_BIND, 2n, MPOL_MF_MOVE)).toBe('EFAULT');
        expect(nodeOf(s, A)).toBe(0);
        // 2.6.21 do_mbind does not put back what check_range isolated before the hole
        expect(shown(movePages(s, [0], [1]))).toEqual(modern ? { ret: 0, status: [1] } : { ret: 'ENOENT', status: [null] });
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('mbind of a file mapping: the page-cache page moves with its data', () => {
        const m = new Machine({ spec, frames: 256, nodes: 2 });
        const p = m.spawn('p');
        const inode = create_file(m, 'F', 'tmpfs', 2, 'F');
        do_mmap(m, p.mm, { start: A, pages: 2, prot: RW, shared: true, inode, pgoff: 0 });
        const s = { m, p, mm: p.mm };
        expect(readTag(s, A + 1)).toBe('F1');
        expect(mbind(s, 0, 2, MPOL_BIND, 2n, MPOL_MF_MOVE)).toBe(0);
        expect(nodeOf(s, A + 1)).toBe(1);
        expect(m.frames.nid(inode.cache.get(1)!)).toBe(1);
        expect(readTag(s, A + 1)).toBe('F1');
        expect(checkInvariants(m)).toEqual([]);
      });

      // ------------------------------------------------------------ migrate_pages
      test('migrate_pages on one node: {0}→{0} is a no-op; {0}→{1} is EINVAL (6.18) or an oops (2.6.21); EPERM without CAP_SYS_NICE', () => {
        const s = setup(spec, 1);
        write(s, 0, 'A0');
        const f = frameAt(s, A);
        expect(migrate(s, 1n, 1n)).toBe(0);
        expect(migrate(s, 2n, 1n)).toBe(0); // nothing on node 1
        expect(migrate(s, 1n, 2n, false)).toBe('EPERM');
        if (modern) expect(migrate(s, 1n, 2n)).toBe('EINVAL');
        else expect(() => migrate(s, 1n, 2n)).toThrow(KernelBug);
        expect(migrate(s, null, null)).toBe(modern ? 'EINVAL' : 0);
        expect(migrate(s, 1n, 1n, true, s.m.variant.constants.PAGE_SIZE * 8 + 2)).toBe('EINVAL');
        if (modern) expect(frameAt(s, A)).toBe(f);
      });

      test('migrate_pages on two nodes: every page of the source node moves, shared ones too with CAP_SYS_NICE', () => {
        const s = setup(spec, 2);
        for (let i = 0; i < 3; i++) write(s, i, `A${i}`);
        const child = dup_mmap(s.m, s.p, 'child');
        expect(migrate(s, 1n, 2n)).toBe(0);
        expect([0, 1, 2].map((i) => nodeOf(s, A + i))).toEqual([1, 1, 1]);
        expect([0, 1, 2].map((i) => nodeOf(s, A + i, child.mm))).toEqual([1, 1, 1]);
        expect([0, 1, 2].map((i) => readTag(s, A + i))).toEqual(['A0', 'A1', 'A2']);
        // without CAP_SYS_NICE (MPOL_MF_MOVE): the shared pages stay; a target inside the task's nodes is allowed
        expect(migrate(s, 2n, 1n, false)).toBe(0);
        expect([0, 1, 2].map((i) => nodeOf(s, A + i))).toEqual([1, 1, 1]);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      test('migrate_pages {0,1,2}→{1,2}: 6.18 leaves a node that is also a target (masks of different weights); 2.6.21 remaps every node', () => {
        const s = setup(spec, 3);
        for (let i = 0; i < 3; i++) write(s, i, `A${i}`);
        expect(shown(movePages(s, [1, 2], [1, 2]))).toEqual({ ret: 0, status: [1, 2] });
        expect(migrate(s, 7n, 6n)).toBe(0);
        // 2.6.21: 2→1 first, then 1→2 takes node 1's pages — page 2 again with page 1 — then 0→1
        expect([0, 1, 2].map((i) => nodeOf(s, A + i))).toEqual(modern ? [1, 1, 2] : [1, 2, 2]);
        expect(checkInvariants(s.m)).toEqual([]);
      });

      // ------------------------------------------------------------ numa_info, compact_memory
      test('numa_info and compact_memory', () => {
        for (const nodes of [1, 2, 3]) {
          const s = setup(spec, nodes);
          const list = nodes === 1 ? '0' : `0-${nodes - 1}`;
          expect(numa_info(s.m, s.p)).toEqual(modern ? { online: list, possible: list, task_policy_mode: 0 } : { online: '', possible: '', task_policy_mode: 0 });
        }
        const s = setup(spec, 1);
        write(s, 0, 'A0');
        const f = frameAt(s, A);
        expect(sysctl_compact_memory(s.m)).toEqual(modern ? { ok: true, val: 0 } : expect.objectContaining({ ok: false, errno: 'ENOENT' }));
        expect(frameAt(s, A)).toBe(f);
      });
    });
  }

  test('get_nodes: maxnode-1 bits, a NULL mask is empty, maxnode 0 wraps', () => {
    const m = new Machine({ spec: X86[0]!, frames: 64 });
    expect(get_nodes(m, 0b1011n, 3)).toEqual({ ok: true, nodes: 0b11n });
    expect(get_nodes(m, null, 0)).toEqual({ ok: true, nodes: 0n });
    expect(get_nodes(m, 1n, 0).ok).toBe(false);
    expect(get_nodes(m, -1n, 64)).toEqual({ ok: true, nodes: (1n << 63n) - 1n });
  });
});

// ---------------------------------------------------------------- the .mmo ops

describe('the NUMA .mmo ops', () => {
  const x64 = X86.find((s) => s.id === 'x86_64' && s.era === '6.18')!;
  const old = X86.find((s) => s.id === 'x86_64' && s.era === '2.6.21')!;

  test('a script on the default machine (one node), its steps as the oracle records them', () => {
    const script = parseMmo(
      [
        'numa_info',
        'mmap A 4 rw- private,anon slot=0',
        'write A 0 A0',
        'read A 3',
        'move_pages A 0,1,3,9 query 0',
        'move_pages A 0,3 0,0 MOVE',
        'move_pages A 0 1 2',
        'mbind A 0 4 MPOL_BIND 1 STRICT,MOVE',
        'mbind A 0 4 MPOL_BIND 2 STRICT,MOVE',
        'mbind A 1 1 MPOL_BIND|MPOL_F_STATIC_NODES 0x1 none maxnode=65',
        'mbind A 0 4 MPOL_DEFAULT null none',
        'migrate_pages 1 1',
        'migrate_pages 1 2',
        'compact_memory',
      ].join('\n'),
    );
    const t = runScript(script, { spec: x64 }, 'numa.mmo', { check: true });
    expect(t.steps.map((s) => [s.op, s.ret])).toEqual([
      ['numa_info', { ok: true, online: '0', possible: '0', task_policy_mode: 0 }],
      ['mmap', { ok: true, val: 0 }],
      ['write', { ok: true, faults: { minor: 1, major: 0 } }],
      ['read', { ok: true, data: '0', faults: { minor: 1, major: 0 } }],
      ['move_pages', { ok: true, val: 0, status: [0, 'ENOENT', 'EFAULT', 'EFAULT'] }],
      ['move_pages', { ok: true, val: 0, status: [0, 'EFAULT'] }],
      ['move_pages', { ok: false, errno: 'ENODEV', status: [null] }],
      ['mbind', { ok: true, val: 0 }],
      ['mbind', { ok: false, errno: 'EINVAL' }],
      ['mbind', { ok: true, val: 0 }],
      ['mbind', { ok: true, val: 0 }],
      ['migrate_pages', { ok: true, val: 0 }],
      ['migrate_pages', { ok: false, errno: 'EINVAL' }],
      ['compact_memory', { ok: true, val: 0 }],
    ]);
    expect(t.steps[0]!.obs).toEqual({}); // numa_info observes nothing
    expect(t.steps[4]!.args).toEqual({ r: 'A', pages: [0, 1, 3, 9], nodes: null, flags: 0 });
    expect(t.steps[7]!.args).toEqual({ r: 'A', page: 0, npages: 4, mode: 'MPOL_BIND', nodemask: 1, flags: ['STRICT', 'MOVE'] });
    expect(t.steps[13]!.args).toEqual({ via: '/proc/sys/vm/compact_memory', nondeterministic: true });
    // mbind split the VMA at page 1 and merged it back
    expect(t.steps[10]!.obs['A']!.vmas.map((v) => `${v.from}-${v.to}`)).toEqual(['0-4']);
  });

  test('2.6.21: no node-state files, no compaction, move_pages to a node with nothing to isolate fails', () => {
    const t = runScript(parseMmo('numa_info\nmmap A 2 rw- private,anon slot=0\nwrite A 0 X\nmove_pages A 0,1 0,0 2\ncompact_memory\nmbind A 1 1 MPOL_DEFAULT null none'), { spec: old });
    expect(t.steps.map((s) => s.ret)).toEqual([
      { ok: true, online: '', possible: '', task_policy_mode: 0 },
      { ok: true, val: 0 },
      { ok: true, faults: { minor: 1, major: 0 } },
      { ok: false, errno: 'ENOENT', status: [null, null] },
      { ok: false, errno: 'ENOENT' },
      { ok: true, val: 0 },
    ]);
    expect(t.steps.at(-1)!.obs['A']!.vmas.map((v) => `${v.from}-${v.to}`)).toEqual(['0-1', '1-2']);
  });

  test('two nodes: pages move and the trace shows new pfn labels with the data kept', () => {
    const t = runScript(parseMmo('mmap A 2 rw- private,anon slot=0\nwrite A 0 X\nwrite A 1 Y\nmove_pages A 0,1 1,1 MOVE\nmove_pages A 0,1 query none\nmigrate_pages 2 1\nmbind A 0 2 MPOL_BIND 2 MOVE'), { spec: x64, nodes: 2 }, 'n2.mmo', { check: true });
    const pages = (k: number): string[] => t.steps[k]!.obs['A']!.pages.map((p) => `${p.pfn}=${p.data}`);
    expect(pages(2)).toEqual(['P0=X', 'P1=Y']);
    expect(t.steps[3]!.ret).toEqual({ ok: true, val: 0, status: [1, 1] });
    expect(pages(3)).toEqual(['P2=X', 'P3=Y']);
    expect(t.steps[4]!.ret).toEqual({ ok: true, val: 0, status: [1, 1] });
    expect(pages(5)).toEqual(['P4=X', 'P5=Y']);
    expect(pages(6)).toEqual(['P6=X', 'P7=Y']);
  });

  test('the recorded steps script back: recordingToMmo', () => {
    const rec: Recording = {
      scenario: 'numa',
      desc: 'd',
      steps: [
        { n: 1, proc: 'parent', op: 'numa_info', args: {} },
        { n: 2, proc: 'parent', op: 'move_pages', args: { r: 'A', pages: [0, 1], nodes: null, flags: 0 } },
        { n: 3, proc: 'parent', op: 'move_pages', args: { r: 'A', pages: [], nodes: [], flags: 4 } },
        { n: 4, proc: 'parent', op: 'mbind', args: { r: 'A', page: 0, npages: 4, mode: 'MPOL_BIND', nodemask: 3, flags: ['STRICT', 'MOVE', 'MOVE_ALL'] } },
        { n: 5, proc: 'parent', op: 'mbind', args: { r: 'A', page: 0, npages: 4, mode: 'MPOL_DEFAULT', nodemask: 0, flags: [] } },
        { n: 6, proc: 'parent', op: 'migrate_pages', args: { old_nodes: 1, new_nodes: 2 } },
        { n: 7, proc: 'parent', op: 'compact_memory', args: { via: '/proc/sys/vm/compact_memory', nondeterministic: true } },
      ],
    };
    const mmo = recordingToMmo(rec);
    expect(mmo).toEqual({
      text: 'scenario numa d\nnuma_info\nmove_pages A 0,1 query 0\nmove_pages A - - 4\nmbind A 0 4 MPOL_BIND 3 STRICT,MOVE,MOVE_ALL\nmbind A 0 4 MPOL_DEFAULT null none\nmigrate_pages 1 2\ncompact_memory\n',
    });
    const unknown = recordingToMmo({ ...rec, steps: [{ n: 1, proc: 'parent', op: 'mbind', args: { r: 'A', page: 0, npages: 1, mode: '?', nodemask: 1, flags: [] } }] });
    expect('unsupported' in unknown).toBe(true);
  });

  test('bad words are reported where they are', () => {
    const run = (line: string): (() => unknown) => () => runScript(parseMmo(`mmap A 2 rw- private,anon slot=0\n${line}`), { spec: x64 });
    expect(run('move_pages A 0,x query 0')).toThrow(/page 'x' is not a whole number/);
    expect(run('move_pages A 0,1 0 0')).toThrow(/1 nodes for 2 pages/);
    expect(run('move_pages A 0 0 STRICT')).toThrow(/move_pages flag 'STRICT' is not a known flag; valid: MOVE, MOVE_ALL/);
    expect(run('mbind A 0 1 MPOL_NOPE 1 none')).toThrow(/mode 'MPOL_NOPE' is not a known mode; valid: /);
    expect(run('mbind A 0 1 MPOL_BIND|MPOL_F_X 1 none')).toThrow(/mode flag 'MPOL_F_X'/);
    expect(run('mbind A 0 1 MPOL_BIND one none')).toThrow(/node mask 'one' is not a whole number .*; valid: 0 … 18446744073709551615 \(a 64-bit mask, or null\)/);
    expect(run('mbind A 0 1 MPOL_BIND 1 none 64')).toThrow(/option '64' is not maxnode=N; valid: maxnode=N/);
    expect(() => parseMmo('mbind A 0 1 MPOL_BIND 1')).toThrow(/takes 6–7 argument/);
    expect(() => parseMmo('numa_info now')).toThrow(/takes 0 argument/);
  });
});
