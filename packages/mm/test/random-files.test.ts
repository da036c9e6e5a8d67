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
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  Machine,
  checkInvariants,
  create_file,
  do_madvise,
  do_mmap,
  do_punch,
  do_truncate,
  dup_mmap,
  exit_mmap,
  file_pread,
  file_pwrite,
  swapon,
  touch,
  TOUCH_OK,
  TOUCH_SIGBUS,
  type Process,
} from '../src/index.js';

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

function run(spec: (typeof X86)[number], ops: Op[]): void {
  const m = new Machine({ spec, frames: 1024 });
  if (ops.length % 2 === 0) swapon(m, 'file', 256);
  const parent = m.spawn('parent');
  const inode = create_file(m, 'F', 'tmpfs', PAGES, 'F');
  const SH = 0x400;
  const PR = 0x800;
  const prot = { read: true, write: true, exec: false };
  do_mmap(m, parent.mm, { start: SH, pages: PAGES, prot, shared: true, inode, pgoff: 0 });
  do_mmap(m, parent.mm, { start: PR, pages: PAGES, prot, shared: false, inode, pgoff: 0 });
  const model = new Model();
  const pageSize = m.variant.constants.PAGE_SIZE;
  let kid: Process | undefined;
  ops.forEach((o, step) => {
    const p = 'child' in o && o.child && kid ? kid : parent;
    const where = `${m.variant.key} step ${step} ${JSON.stringify(o)}`;
    switch (o.k) {
      case 'rw': {
        const base = o.shared ? SH : PR;
        const tag = `T${o.tag}`;
        const code = touch(m, p.mm, base + o.page, o.write, m.tags.intern(tag));
        const cow = model.cow(p.pid);
        const hasCow = !o.shared && cow.has(o.page);
        const beyond = o.page >= model.size;
        if (beyond && !hasCow) {
          expect(code, where).toBe(TOUCH_SIGBUS);
          break;
        }
        expect(code, where).toBe(TOUCH_OK);
        if (o.write) {
          if (o.shared) model.data.set(o.page, tag);
          else cow.set(o.page, tag);
        } else {
          const want = hasCow ? cow.get(o.page)! : model.file(o.page);
          expect(m.tags.name(m.lastTag), where).toBe(want);
        }
        break;
      }
      case 'pread': {
        const r = file_pread(m, inode, o.page);
        if (o.page >= model.size) expect(r.bytes, where).toBe(0);
        else expect(r.data, where).toBe(model.file(o.page));
        break;
      }
      case 'pwrite':
        file_pwrite(m, inode, o.page, `W${o.tag}`);
        model.data.set(o.page, `W${o.tag}`);
        model.size = Math.max(model.size, o.page + 1);
        break;
      case 'truncate':
        do_truncate(m, inode, o.pages * pageSize);
        if (o.pages < model.size) {
          for (const i of [...model.data.keys()]) if (i >= o.pages) model.data.delete(i);
          for (const c of model.cows.values()) for (const i of [...c.keys()]) if (i >= o.pages) c.delete(i);
        }
        model.size = o.pages;
        break;
      case 'punch':
        do_punch(m, inode, o.page, o.n);
        for (let i = o.page; i < o.page + o.n; i++) model.data.delete(i);
        break;
      case 'dontneed':
      case 'pageout': {
        const base = o.shared ? SH : PR;
        const n = Math.min(o.n, PAGES - o.page);
        if (o.k === 'pageout' && m.era === '2.6.21') break; // no MADV_PAGEOUT before 5.4
        do_madvise(m, p.mm, base + o.page, n, o.k === 'dontneed' ? 'DONTNEED' : 'PAGEOUT');
        if (o.k === 'dontneed' && !o.shared) for (let i = o.page; i < o.page + n; i++) model.cow(p.pid).delete(i);
        break;
      }
      case 'fork':
        if (kid) break;
        kid = dup_mmap(m, parent, 'child');
        model.cows.set(kid.pid, new Map(model.cow(parent.pid)));
        break;
      case 'exit':
        if (!kid) break;
        exit_mmap(m, kid);
        model.cows.delete(kid.pid);
        kid = undefined;
        break;
    }
    expect(checkInvariants(m).map((v) => v.message), where).toEqual([]);
  });
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
