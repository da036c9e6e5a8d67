/**
 * Random operation sequences on every variant in both eras, run as `.mmo`
 * scripts through the script runner (the ops' own table, not an
 * interpreter of this test's): after every step, a failed syscall
 * included, the invariants hold (the runner's check), and every read
 * returns what the POSIX reference model allows (no data lost or invented).
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMmo, type Machine, type Process } from '../src/index.js';
import { ReferenceModel } from '../src/check/index.js';
import { startScript } from '../src/script/index.js';
import { adviseReference, forkReference } from './helpers.js';

const REGIONS = 2;
const PAGES = 4;
const ADVICE = ['DONTNEED', 'FREE', 'PAGEOUT', 'POPULATE_READ', 'POPULATE_WRITE', 'DONTFORK', 'DOFORK', 'WIPEONFORK', 'KEEPONFORK', 'WILLNEED'];
/** mprotect's protections by number: none, read, read+exec, read+write */
const PROT = ['---', 'r--', 'r-x', 'rw-'];

type Op =
  | { k: 'mmap'; r: number; write: boolean; populate: boolean; child: boolean }
  | { k: 'munmap'; r: number; page: number; n: number; child: boolean }
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

/** An op as a `.mmo` line (regions R0, R1 at slots 0, 1), or nothing: a second fork, an exit with no child. */
function line(o: Op, kid: boolean): string | undefined {
  if (o.k === 'fork') return kid ? undefined : 'fork';
  if (o.k === 'exit') return kid ? '@child exit' : undefined;
  const at = o.child && kid ? '@child ' : '';
  switch (o.k) {
    case 'mmap':
      return `${at}mmap R${o.r} ${PAGES} ${o.write ? 'rw-' : 'r--'} private,anon${o.populate ? ',populate' : ''} slot=${o.r}`;
    case 'munmap':
      return `${at}munmap R${o.r} ${o.page} ${o.n}`;
    case 'write':
      return `${at}write R${o.r} ${o.page} T${o.tag}`;
    case 'read':
      return `${at}read R${o.r} ${o.page}`;
    case 'mprotect':
      return `${at}mprotect R${o.r} ${o.page} ${o.n} ${PROT[o.prot]}`;
    case 'madvise':
      return `${at}madvise R${o.r} ${o.page} ${o.n} ${ADVICE[o.advice]}`;
  }
}

/** failed syscalls seen, so a run proves the invariants were checked after some */
let refused = 0;

/** the live process of that name on the machine */
function live(m: Machine, name: string): Process | undefined {
  for (let i = m.procs.length - 1; i >= 0; i--) if (m.procs[i]!.name === name && m.procs[i]!.alive) return m.procs[i];
  return undefined;
}

function run(spec: (typeof X86)[number], ops: Op[]): void {
  const lines: string[] = [];
  const kept: Op[] = [];
  let kid = false;
  // the regions are named before any op uses them (a script names a region by mapping it), then unmapped again
  for (let r = 0; r < REGIONS; r++) lines.push(`mmap R${r} ${PAGES} --- private,anon slot=${r}`, `munmap R${r} 0 ${PAGES}`);
  // half the runs have a swap device, so PAGEOUT writes arch swap ptes (zram only where it exists: 6.18)
  if (ops.length % 2 === 0) lines.push(`swapon ${ops.length % 4 === 0 && spec.era === '6.18' ? 'zram' : 'file'} 64`);
  for (const o of ops) {
    const text = line(o, kid);
    if (text === undefined) continue;
    lines.push(text);
    kept.push(o);
    if (o.k === 'fork') kid = true;
    if (o.k === 'exit') kid = false;
  }
  const script = lines.join('\n');
  // check: the runner checks the invariants after every step, a failed one included; the reads are checked here, nothing observed
  const { machine: m, steps } = startScript(parseMmo(script, 'random.mmo'), { spec, frames: 4096 }, 'random.mmo', { check: true, observe: false });
  const ref = new ReferenceModel();
  const c = m.variant.constants;
  // the runner's arena: slot N starts 64 MiB × N past a quarter of the address space (script/run.ts Runner)
  const start = (region: number) => 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT) + region * 2 ** (26 - c.PAGE_SHIFT);
  let i = -1;
  let kidPid = -1;
  for (const step of steps) {
    if (++i < lines.length - kept.length) continue; // the regions' names, swapon
    const o = kept[i - (lines.length - kept.length)]!;
    const where = `${m.variant.key} line ${i + 1} '${lines[i]}' of:\n${script}`;
    const p = step.proc === 'child' ? live(m, 'child') : live(m, 'parent');
    const ok = step.ret['ok'] === true;
    if (!ok && 'errno' in step.ret) {
      refused++;
      // a refused madvise over a hole still applied to what was mapped:
      // resync the reference with the partial effects the kernel also makes
      if (step.ret['errno'] === 'ENOMEM' && o.k === 'madvise') adviseReference(ref, p!.pid, ADVICE[o.advice]!, start(o.r) + o.page, o.n);
      continue;
    }
    switch (o.k) {
      case 'mmap':
        ref.unmap(p!.pid, start(o.r), PAGES);
        ref.map(p!.pid, start(o.r), PAGES);
        break;
      case 'munmap':
        ref.unmap(p!.pid, start(o.r) + o.page, o.n);
        break;
      case 'write':
      case 'read': {
        const vma = p!.mm.vmas.lookup(start(o.r) + o.page);
        expect(ok, where).toBe(vma !== undefined && (vma.flags & (o.k === 'write' ? 2 : 1)) !== 0);
        if (ok && o.k === 'write') ref.write(p!.pid, start(o.r) + o.page, `T${o.tag}`);
        if (ok && o.k === 'read') expect(ref.read(p!.pid, start(o.r) + o.page, String(step.ret['data'])), where).toBeUndefined();
        break;
      }
      case 'madvise':
        adviseReference(ref, p!.pid, ADVICE[o.advice]!, start(o.r) + o.page, o.n);
        break;
      case 'fork':
        // the reference gives the child what dup_mmap does (helpers.ts forkReference)
        kidPid = forkReference(ref, live(m, 'parent')!, live(m, 'child')!);
        break;
      case 'exit':
        ref.exit(kidPid);
        break;
    }
  }
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
