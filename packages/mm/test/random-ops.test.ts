/**
 * Random operation sequences on every variant in both eras: after every
 * step, a failed syscall included, the invariants hold, and every read
 * returns what the POSIX reference model allows (no data lost or invented).
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  access,
  checkInvariants,
  do_madvise,
  do_mmap_anon,
  do_mprotect,
  do_munmap,
  Machine,
  ReferenceModel,
  SyscallError,
  swapon,
  type Advice,
  type Process,
} from '../src/index.js';
import { adviseReference, exitChild, forkChild } from './helpers.js';

const REGIONS = 2;
const PAGES = 4;
const ADVICE: Advice[] = ['DONTNEED', 'FREE', 'PAGEOUT', 'POPULATE_READ', 'POPULATE_WRITE', 'DONTFORK', 'DOFORK', 'WIPEONFORK', 'KEEPONFORK', 'WILLNEED'];

type Op =
  | { k: 'mmap'; r: number; write: boolean; populate: boolean; child: boolean }
  | { k: 'munmap' | 'dontneed'; r: number; page: number; n: number; child: boolean }
  | { k: 'write'; r: number; page: number; tag: number; child: boolean }
  | { k: 'read'; r: number; page: number; child: boolean }
  | { k: 'mprotect'; r: number; page: number; n: number; prot: number; child: boolean }
  | { k: 'madvise'; r: number; page: number; n: number; advice: number; child: boolean }
  | { k: 'fork' }
  | { k: 'exit' };

const r = fc.integer({ min: 0, max: REGIONS - 1 });
const page = fc.integer({ min: 0, max: PAGES - 1 });
const n = fc.integer({ min: 1, max: 4 });
const child = fc.boolean();
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('mmap' as const), r, write: fc.boolean(), populate: fc.boolean(), child }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('write' as const), r, page, tag: fc.integer({ min: 0, max: 999 }), child }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('read' as const), r, page, child }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('munmap' as const), r, page, n, child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('mprotect' as const), r, page, n, prot: fc.integer({ min: 0, max: 3 }), child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('madvise' as const), r, page, n, advice: fc.integer({ min: 0, max: ADVICE.length - 1 }), child }), weight: 3 },
  { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'exit' as const }), weight: 1 },
);

/** failed syscalls seen, so a run proves the invariants were checked after some */
let refused = 0;

function run(spec: (typeof X86)[number], ops: Op[]): void {
  const m = new Machine({ spec, frames: 4096 });
  const ref = new ReferenceModel();
  const parent = m.spawn('parent');
  // half the runs have a swap device, so PAGEOUT writes arch swap ptes (zram only where it exists: 6.18)
  if (ops.length % 2 === 0) swapon(m, ops.length % 4 === 0 && m.era === '6.18' ? 'zram' : 'file', 64);
  let kid: Process | undefined;
  const base = 2 ** (Math.min(m.variant.constants.vaBits, 47) - 2 - m.variant.constants.PAGE_SHIFT);
  const start = (region: number) => base + region * 64;
  ops.forEach((o, step) => {
    const p = 'child' in o && o.child && kid ? kid : parent;
    const where = `${m.variant.key} step ${step} ${JSON.stringify(o)}`;
    try {
      switch (o.k) {
        case 'mmap':
          do_mmap_anon(m, p.mm, { start: start(o.r), pages: PAGES, prot: { read: true, write: o.write, exec: false }, shared: false, populate: o.populate });
          ref.unmap(p.pid, start(o.r), PAGES);
          ref.map(p.pid, start(o.r), PAGES);
          break;
        case 'munmap':
          do_munmap(m, p.mm, start(o.r) + o.page, o.n);
          ref.unmap(p.pid, start(o.r) + o.page, o.n);
          break;
        case 'write': {
          const res = access(m, p.mm, start(o.r) + o.page, true, m.tags.intern(`T${o.tag}`));
          const vma = p.mm.vmas.lookup(start(o.r) + o.page);
          expect(res.ok, where).toBe(vma !== undefined && (vma.flags & 2) !== 0);
          if (res.ok) ref.write(p.pid, start(o.r) + o.page, `T${o.tag}`);
          break;
        }
        case 'read': {
          const res = access(m, p.mm, start(o.r) + o.page, false);
          const vma = p.mm.vmas.lookup(start(o.r) + o.page);
          expect(res.ok, where).toBe(vma !== undefined && (vma.flags & 1) !== 0);
          if (res.ok) expect(ref.read(p.pid, start(o.r) + o.page, res.tag), where).toBeUndefined();
          break;
        }
        case 'mprotect':
          do_mprotect(m, p.mm, start(o.r) + o.page, o.n, { read: o.prot !== 0, write: o.prot === 3, exec: o.prot === 2 });
          break;
        case 'madvise': {
          const advice = ADVICE[o.advice]!;
          do_madvise(m, p.mm, start(o.r) + o.page, o.n, advice);
          adviseReference(ref, p.pid, advice, start(o.r) + o.page, o.n);
          break;
        }
        case 'fork':
          if (!kid) kid = forkChild(m, parent, ref);
          break;
        case 'exit':
          if (!kid) break;
          exitChild(m, kid, ref);
          kid = undefined;
          break;
      }
    } catch (error) {
      if (!(error instanceof SyscallError)) throw error;
      refused++;
      // a refused madvise/mprotect over a hole still applied to what was mapped:
      // resync the reference with the partial effects the kernel also makes
      if (error.errno === 'ENOMEM' && o.k === 'madvise') adviseReference(ref, p.pid, ADVICE[o.advice]!, start(o.r) + o.page, o.n);
    }
    // after every op, failed or not: a refusal must leave the machine as consistent as a success
    const broken = checkInvariants(m);
    expect(broken.map((v) => v.message), where).toEqual([]);
  });
}

describe('random operation sequences keep the invariants and the data', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      refused = 0;
      fc.assert(
        fc.property(fc.array(op, { minLength: 5, maxLength: 60, size: 'max' }), (ops) => run(spec, ops)),
        // 6 variants per arch family × 1700 = 10,200 sequences per family
        { numRuns: Number(process.env['MMSIM_RANDOM_RUNS'] ?? 1700) },
      );
      expect(refused, 'some syscalls failed, and the invariants were checked after them').toBeGreaterThan(0);
    });
  }
});
