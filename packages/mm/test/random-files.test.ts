/**
 * Random file operations on every variant in both eras: a tmpfs file mapped
 * shared and private, written through both mappings and pwrite, read through
 * both and pread, truncated (shrunk and grown), punched, DONTNEED'd, paged
 * out to swap, across fork. After every step the invariants hold, and every
 * read agrees with what POSIX says it must return:
 * - a shared mapping and pread see the file; beyond EOF an access is SIGBUS;
 * - a private mapping sees the file until the page is written (COW), then its
 *   own copy; DONTNEED drops the copy; truncate drops copies beyond EOF
 *   (even_cows), a hole punch keeps them;
 * - a punched or truncated-and-regrown page reads as zeroes.
 * The op lists run as `.mmo` scripts through the script runner, which checks
 * the invariants after every step; this test checks what each step returned.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMmo } from '../src/index.js';
import { startScript } from '../src/script/index.js';

const PAGES = 6;
type Op =
  | { k: 'rw'; shared: boolean; write: boolean; page: number; tag: number; child: boolean }
  | { k: 'pread'; page: number }
  | { k: 'pwrite'; page: number; tag: number }
  | { k: 'truncate'; pages: number }
  | { k: 'punch'; page: number; n: number }
  | { k: 'dontneed' | 'pageout'; shared: boolean; page: number; n: number; child: boolean }
  | { k: 'fork' }
  | { k: 'exit' };

const page = fc.integer({ min: 0, max: PAGES - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('rw' as const), shared: fc.boolean(), write: fc.boolean(), page, tag: fc.integer({ min: 0, max: 99 }), child: fc.boolean() }), weight: 12 },
  { arbitrary: fc.record({ k: fc.constant('pread' as const), page }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('pwrite' as const), page, tag: fc.integer({ min: 0, max: 99 }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('truncate' as const), pages: fc.integer({ min: 0, max: PAGES }) }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('punch' as const), page, n: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constantFrom('dontneed' as const, 'pageout' as const), shared: fc.boolean(), page, n: fc.integer({ min: 1, max: 3 }), child: fc.boolean() }), weight: 2 },
  { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'exit' as const }), weight: 1 },
);

/** POSIX's view: the file's pages and size, and each process's private copies. */
class Model {
  size = PAGES;
  readonly data = new Map<number, string>();
  readonly cows = new Map<number, Map<number, string>>();
  constructor() {
    for (let i = 0; i < PAGES; i++) this.data.set(i, `F${i}`);
  }
  file(i: number): string {
    return this.data.get(i) ?? '0';
  }
  cow(pid: number): Map<number, string> {
    let c = this.cows.get(pid);
    if (!c) this.cows.set(pid, (c = new Map()));
    return c;
  }
}

/** An op as a `.mmo` line (the mappings SH and PR of file F), or nothing: a second fork, an exit with no child, MADV_PAGEOUT before 5.4. */
function line(o: Op, kid: boolean, era: string): string | undefined {
  const at = 'child' in o && o.child && kid ? '@child ' : '';
  switch (o.k) {
    case 'rw':
      return `${at}${o.write ? 'write' : 'read'} ${o.shared ? 'SH' : 'PR'} ${o.page}${o.write ? ` T${o.tag}` : ''}`;
    case 'pread':
      return `pread F ${o.page}`;
    case 'pwrite':
      return `pwrite F ${o.page} W${o.tag}`;
    case 'truncate':
      return `ftruncate F ${o.pages}p`;
    case 'punch':
      return `punch F ${o.page} ${o.n}`;
    case 'dontneed':
    case 'pageout':
      if (o.k === 'pageout' && era === '2.6.21') return undefined; // no MADV_PAGEOUT before 5.4
      return `${at}madvise ${o.shared ? 'SH' : 'PR'} ${o.page} ${Math.min(o.n, PAGES - o.page)} ${o.k === 'dontneed' ? 'DONTNEED' : 'PAGEOUT'}`;
    case 'fork':
      return kid ? undefined : 'fork';
    case 'exit':
      return kid ? '@child exit' : undefined;
  }
}

function run(spec: (typeof X86)[number], ops: Op[]): void {
  const lines = [`file F tmpfs ${PAGES} F`, `mmap SH ${PAGES} rw- shared slot=0 file=F`, `mmap PR ${PAGES} rw- private slot=1 file=F`];
  if (ops.length % 2 === 0) lines.push('swapon file 256');
  const setup = lines.length;
  const kept: Op[] = [];
  let kid = false;
  for (const o of ops) {
    const text = line(o, kid, spec.era);
    if (text === undefined) continue;
    lines.push(text);
    kept.push(o);
    if (o.k === 'fork') kid = true;
    if (o.k === 'exit') kid = false;
  }
  const script = lines.join('\n');
  const { machine: m, steps } = startScript(parseMmo(script, 'random-files.mmo'), { spec, frames: 1024 }, 'random-files.mmo', { check: true, observe: false });
  const model = new Model();
  const pid = { parent: -1, child: -1 };
  let i = -1;
  for (const step of steps) {
    if (++i < setup) {
      if (i === 0) pid.parent = m.procs[0]!.pid;
      expect(step.ret['ok'], `setup line ${i + 1}`).toBe(true);
      continue;
    }
    const o = kept[i - setup]!;
    const where = `${m.variant.key} line ${i + 1} '${lines[i]}' of:\n${script}`;
    const p = pid[step.proc];
    if (o.k !== 'rw') expect(step.ret['ok'], where).toBe(true);
    switch (o.k) {
      case 'rw': {
        const tag = `T${o.tag}`;
        const cow = model.cow(p);
        const hasCow = !o.shared && cow.has(o.page);
        const beyond = o.page >= model.size;
        if (beyond && !hasCow) {
          expect(step.ret['signal'], where).toBe('SIGBUS');
          break;
        }
        expect(step.ret['ok'], where).toBe(true);
        if (o.write) {
          if (o.shared) model.data.set(o.page, tag);
          else cow.set(o.page, tag);
        } else {
          const want = hasCow ? cow.get(o.page)! : model.file(o.page);
          expect(step.ret['data'], where).toBe(want);
        }
        break;
      }
      case 'pread':
        if (o.page >= model.size) expect(step.ret['bytes'], where).toBe(0);
        else expect(step.ret['data'], where).toBe(model.file(o.page));
        break;
      case 'pwrite':
        model.data.set(o.page, `W${o.tag}`);
        model.size = Math.max(model.size, o.page + 1);
        break;
      case 'truncate':
        if (o.pages < model.size) {
          for (const k of [...model.data.keys()]) if (k >= o.pages) model.data.delete(k);
          for (const c of model.cows.values()) for (const k of [...c.keys()]) if (k >= o.pages) c.delete(k);
        }
        model.size = o.pages;
        break;
      case 'punch':
        for (let k = o.page; k < o.page + o.n; k++) model.data.delete(k);
        break;
      case 'dontneed':
      case 'pageout': {
        const n = Math.min(o.n, PAGES - o.page);
        if (o.k === 'dontneed' && !o.shared) for (let k = o.page; k < o.page + n; k++) model.cow(p).delete(k);
        break;
      }
      case 'fork':
        pid.child = m.procs[m.procs.length - 1]!.pid;
        model.cows.set(pid.child, new Map(model.cow(pid.parent)));
        break;
      case 'exit':
        model.cows.delete(pid.child);
        break;
    }
  }
}

describe('random file operations keep the invariants and POSIX file semantics', () => {
  for (const spec of [...X86, ...PPC]) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 5, maxLength: 50, size: 'max' }), (ops) => run(spec, ops)),
        // 6 variants per arch family × 1700 = 10,200 sequences per family
        { numRuns: Number(process.env['MMSIM_RANDOM_FILE_RUNS'] ?? 1700) },
      );
    });
  }
});
