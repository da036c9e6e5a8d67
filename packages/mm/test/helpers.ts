/**
 * What the simulator's test files share: reading a pte or a huge pmd back,
 * the invariant check, a syscall's errno, and the fork/exit/madvise moves of
 * the random-sequence tests mirrored into the POSIX reference model.
 */
import { PteClassCode } from '@mmsim/core';
import { expect } from 'vitest';
import type { VariantSpec } from '@mmsim/core';
import { checkInvariants, type ReferenceModel } from '../src/check/index.js';
import { do_madvise, do_mmap, dup_mmap, exit_mmap, thpState } from '../src/kernel/index.js';
import { Machine, SyscallError, type Mm, type Process } from '../src/index.js';
import { VM_DONTCOPY, VM_WIPEONFORK } from '../src/kernel/vma.js';

/** No invariant is broken; each violation is listed as `rule: message`. */
export const clean = (m: Machine): void => expect(checkInvariants(m).map((v) => `${v.rule}: ${v.message}`)).toEqual([]);

/** The errno a syscall fails with, or undefined when it succeeds; anything else thrown is rethrown. */
export function errnoOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SyscallError) return error.errno;
    throw error;
  }
  return undefined;
}

/** The pte at vpn: its class, the frame it maps when present, its write bit; cls -1 where there is no pte table. */
export function peekPte(m: Machine, mm: Mm, vpn: number): { cls: number; frame: number; write: boolean } {
  const slot = mm.pgtable.walk(vpn, false);
  if (slot < 0) return { cls: -1, frame: -1, write: false };
  const hi = mm.pgtable.hi(slot);
  const lo = mm.pgtable.lo(slot);
  const cls = m.variant.fast.classify(hi, lo);
  return { cls, frame: cls === PteClassCode.present ? m.pteFrame(hi, lo) : -1, write: m.pteWrite(hi, lo) };
}

/** The huge pmd mapping vpn, if any. */
export function hugeAt(mm: Mm, vpn: number) {
  const ps = mm.pgtable.pmdSlot(vpn, false);
  return ps < 0 ? undefined : mm.pgtable.hugeAt(ps);
}

/**
 * fork(): dup_mmap, and the reference gives the child what dup_mmap does —
 * nothing of a VM_DONTCOPY VMA (MADV_DONTFORK), zeroes in a VM_WIPEONFORK
 * one (MADV_WIPEONFORK), a copy of the rest.
 */
export function forkChild(m: Machine, parent: Process, ref: ReferenceModel): Process {
  const kid = dup_mmap(m, parent, 'child');
  forkReference(ref, parent, kid);
  return kid;
}

/**
 * The reference after a fork that has run (the script runner's `fork`): the
 * child gets what dup_mmap gave it (forkChild). Returns the child's pid.
 */
export function forkReference(ref: ReferenceModel, parent: Process, kid: Process): number {
  ref.fork(parent.pid, kid.pid, (vpn) => {
    const vma = parent.mm.vmas.lookup(vpn);
    if (!vma || (vma.flags & VM_DONTCOPY) !== 0) return 'drop';
    return (vma.flags & VM_WIPEONFORK) !== 0 ? 'wipe' : 'copy';
  });
  return kid.pid;
}

/** The child exits: exit_mmap, and the reference forgets it. */
export function exitChild(m: Machine, kid: Process, ref: ReferenceModel): void {
  exit_mmap(m, kid);
  ref.exit(kid.pid);
}

/**
 * What an madvise means for the data a read may return: DONTNEED zero-fills,
 * FREE makes the old contents optional. Also applied when the call fails
 * ENOMEM over a hole, as the kernel has advised what was mapped by then.
 */
export function adviseReference(ref: ReferenceModel, pid: number, advice: string, start: number, pages: number): void {
  if (advice === 'DONTNEED') ref.discard(pid, start, pages);
  if (advice === 'FREE') ref.lazyFree(pid, start, pages);
}

/** A THP test's machine: a process and a MADV_HUGEPAGE anon region (two huge pages unless `pages`) at an aligned address A. */
export interface ThpSetup {
  m: Machine;
  p: Process;
  /** HPAGE_PMD_NR */
  nr: number;
  A: number;
}

export function thpSetup(spec: VariantSpec, options: { frames?: number; pages?: number } = {}): ThpSetup {
  const m = new Machine({ spec, frames: options.frames ?? 8192 });
  const nr = thpState(m)!.nr;
  const p = m.spawn('p');
  const A = 8 * nr;
  const pages = options.pages ?? 2 * nr;
  do_mmap(m, p.mm, { start: A, pages, prot: { read: true, write: true, exec: false }, shared: false });
  do_madvise(m, p.mm, A, pages, 'HUGEPAGE');
  return { m, p, nr, A };
}

/** The live process of that name on the machine (the script runner's 'parent' or 'child'), if any. */
export function liveProc(m: Machine, name: string): Process | undefined {
  for (let i = m.procs.length - 1; i >= 0; i--) if (m.procs[i]!.name === name && m.procs[i]!.alive) return m.procs[i];
  return undefined;
}

/** The first page of a script region at slot N: the runner's arena starts a quarter into the address space, slots 64 MiB apart (script/run.ts Runner). */
export function slotStart(m: Machine, slot: number): number {
  const c = m.variant.constants;
  return 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT) + slot * 2 ** (26 - c.PAGE_SHIFT);
}
