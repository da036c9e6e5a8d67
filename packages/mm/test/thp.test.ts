/**
 * PMD-mapped transparent huge pages (kernel/huge_memory.ts) on every
 * variant whose spec has a huge pmd format (6.18 i386, i386-pae, x86_64,
 * ppc64-64k): the huge pmd in the arch's own encoding, the folio's 6.18
 * mapcount/refcount rules, the splits (partial munmap, MADV_DONTNEED,
 * mprotect; COW after fork; split_huge_page), and random THP operation
 * sequences that keep the invariants and the data.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { hi32, lo32, PteClassCode, type VariantSpec } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  access,
  do_madvise,
  do_mmap,
  do_mprotect,
  do_munmap,
  dup_mmap,
  entireMapcount,
  exit_mmap,
  folioLargeMapcount,
  largeFolioAt,
  PG_head,
  PG_tail,
  split_huge_page,
  swapon,
  thpState,
  type Advice,
} from '../src/kernel/index.js';
import { checkInvariants, ReferenceModel } from '../src/check/index.js';
import { Machine, parseMmo, runScript, SyscallError, type Process } from '../src/index.js';
import { startScript } from '../src/script/index.js';
import { vmGetPageProt } from '../src/model/prot.js';
import { PG_anon_exclusive, PG_zero } from '../src/kernel/page-flags.js';
import { VM_READ, VM_WRITE } from '../src/kernel/vma.js';
import { adviseReference, clean, forkReference, hugeAt, peekPte, thpSetup } from './helpers.js';

const ALL = [...X86, ...PPC];
const THP = ALL.filter((s) => s.huge !== undefined);
const RW = { read: true, write: true, exec: false };

const setup = (spec: VariantSpec, pages?: number) => thpSetup(spec, pages === undefined ? {} : { pages });

describe('which variants have THP', () => {
  test('6.18 i386, i386-pae, x86_64 and ppc64-64k; HPAGE_PMD_NR is one pte table', () => {
    expect(THP.map((s) => `${s.id}@${s.era}`)).toEqual(['i386@6.18', 'i386-pae@6.18', 'x86_64@6.18', 'ppc64-64k@6.18']);
    expect(THP.map((s) => thpState(new Machine({ spec: s, frames: 64 }))!.nr)).toEqual([1024, 512, 512, 256]);
  });

  test('MADV_HUGEPAGE/NOHUGEPAGE: -EINVAL without CONFIG_TRANSPARENT_HUGEPAGE (2.6.21, ppc32, ppc64 4K); faults stay small', () => {
    for (const spec of ALL.filter((s) => s.huge === undefined)) {
      const m = new Machine({ spec, frames: 4096 });
      const p = m.spawn('p');
      do_mmap(m, p.mm, { start: 0x4000, pages: 1024, prot: RW, shared: false });
      for (const advice of ['HUGEPAGE', 'NOHUGEPAGE'] as const) {
        expect(() => do_madvise(m, p.mm, 0x4000, 1024, advice), `${spec.id}@${spec.era} ${advice}`).toThrow(SyscallError);
      }
      access(m, p.mm, 0x4000, true, m.tags.intern('X'));
      expect(p.mm.pgtable.huge.size).toBe(0);
      expect(m.frames.inUse).toBe(2);
    }
  });
});

for (const spec of THP) {
  describe(`THP on ${spec.id}@${spec.era}`, () => {
    test('a write fault maps a PMD THP: the arch huge pmd, the folio counts, every page exclusive', () => {
      const { m, p, nr, A } = setup(spec);
      const w = access(m, p.mm, A + 3, true, m.tags.intern('X'));
      expect(w).toMatchObject({ ok: true, minor: 1 });
      const h = hugeAt(p.mm, A)!;
      expect(h.vpn).toBe(A);
      const fast = m.variant.fast;
      const head = m.frames.frameOf(fast.pmd_pfn_lo!(h.hi, h.lo));
      expect(m.frames.pfn(head) % nr).toBe(0);
      expect(fast.pmd_trans_huge!(h.hi, h.lo)).toBe(true);
      expect(fast.pmd_present!(h.hi, h.lo)).toBe(true);
      expect(m.pteWrite(h.hi, h.lo)).toBe(true);
      expect(m.isPteDirty(h.hi, h.lo)).toBe(true);
      // the kernel-faithful layer agrees: pmd_mkyoung(pmd_mkwrite(pmd_mkdirty(mk_huge_pmd(pfn, PAGE_COPY))))
      let want = m.variant.kernel.mk_huge_pmd(BigInt(m.frames.pfn(head)), vmGetPageProt(m.variant, VM_READ | VM_WRITE));
      for (const name of ['pte_mkdirty', 'pte_mkwrite', 'pte_mkyoung'] as const) {
        const mod = spec.modifiers[name]!;
        want = (want | (mod.set ?? 0n)) & ~(mod.clear ?? 0n);
      }
      expect([h.hi, h.lo]).toEqual([hi32(want), lo32(want)]);
      expect(m.variant.kernel.pmd_pfn(want)).toBe(BigInt(m.frames.pfn(head)));
      // no pte table under it; the folio: entire mapcount 1, one reference, per-page mapcounts 0
      expect(p.mm.pgtable.walk(A, false)).toBe(-1);
      expect(entireMapcount(m, head)).toBe(1);
      expect(m.frames.refs(head)).toBe(1);
      expect(folioLargeMapcount(m, head)).toBe(1);
      for (let i = 0; i < nr; i++) {
        expect(m.frames.maps(head + i)).toBe(0);
        expect(m.frames.flags[head + i]! & (i === 0 ? PG_head : PG_tail)).not.toBe(0);
        expect(m.frames.flags[head + i]! & PG_anon_exclusive).not.toBe(0);
      }
      expect(access(m, p.mm, A + 3, false)).toMatchObject({ ok: true, tag: 'X', minor: 0 });
      expect(access(m, p.mm, A + nr - 1, false)).toMatchObject({ ok: true, tag: '0', minor: 0 });
      // a THP only where the aligned range fits the VMA and MADV_HUGEPAGE is set
      clean(m);
    });

    test('a read fault maps the huge zero folio; a write replaces it by a THP (do_huge_zero_wp_pmd)', () => {
      const { m, p, nr, A } = setup(spec);
      expect(access(m, p.mm, A + nr, false)).toMatchObject({ ok: true, tag: '0', minor: 1 });
      const z = hugeAt(p.mm, A + nr)!;
      const zero = m.frames.frameOf(m.variant.fast.pmd_pfn_lo!(z.hi, z.lo));
      expect(m.frames.flags[zero]! & PG_zero).not.toBe(0);
      expect(m.pteWrite(z.hi, z.lo)).toBe(false);
      clean(m);
      expect(access(m, p.mm, A + nr + 5, true, m.tags.intern('Z5'))).toMatchObject({ ok: true, minor: 1 });
      const h = hugeAt(p.mm, A + nr)!;
      expect(m.frames.frameOf(m.variant.fast.pmd_pfn_lo!(h.hi, h.lo))).not.toBe(zero);
      expect(access(m, p.mm, A + nr + 5, false)).toMatchObject({ tag: 'Z5' });
      expect(access(m, p.mm, A + nr + 6, false)).toMatchObject({ tag: '0' });
      clean(m);
    });

    test('no THP where the aligned range leaves the VMA, or without MADV_HUGEPAGE, or with MADV_NOHUGEPAGE', () => {
      const nr = thpState(new Machine({ spec, frames: 64 }))!.nr;
      const { m, p, A } = setup(spec, 2 * nr - 1);
      access(m, p.mm, A + nr, true, m.tags.intern('X')); // [A+nr, A+2nr) is one page short
      expect(p.mm.pgtable.huge.size).toBe(0);
      do_madvise(m, p.mm, A, nr, 'NOHUGEPAGE');
      access(m, p.mm, A, true, m.tags.intern('Y'));
      expect(p.mm.pgtable.huge.size).toBe(0);
      do_mmap(m, p.mm, { start: A + 4 * nr, pages: nr, prot: RW, shared: false });
      access(m, p.mm, A + 4 * nr, true, m.tags.intern('Z'));
      expect(p.mm.pgtable.huge.size).toBe(0);
      clean(m);
    });

    test('partial munmap splits the pmd: the same frames, PTE-mapped; the folio stays large', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 1, true, m.tags.intern('B'));
      const head = largeFolioAt(m, p.mm, A);
      do_munmap(m, p.mm, A + nr / 2, nr / 2);
      expect(p.mm.pgtable.huge.size).toBe(0);
      for (let i = 0; i < nr / 2; i++) {
        const e = peekPte(m, p.mm, A + i);
        expect(e.frame).toBe(head + i);
        expect(e.write).toBe(true);
        expect(m.frames.maps(head + i)).toBe(1);
      }
      expect(peekPte(m, p.mm, A + nr / 2).cls).toBe(PteClassCode.none);
      expect(entireMapcount(m, head)).toBe(0);
      expect(m.frames.refs(head)).toBe(nr / 2);
      expect(m.frames.flags[head + 1]! & PG_tail).not.toBe(0);
      expect(access(m, p.mm, A + 1, false)).toMatchObject({ tag: 'B' });
      clean(m);
      // the last pte of the folio gone frees all of it
      const before = m.frames.inUse;
      do_munmap(m, p.mm, A, nr / 2);
      expect(m.frames.inUse).toBe(before - nr);
      clean(m);
    });

    test('MADV_DONTNEED of part splits; of the whole pmd zaps it (zap_huge_pmd)', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 2, true, m.tags.intern('C'));
      access(m, p.mm, A + nr + 2, true, m.tags.intern('D'));
      const first = largeFolioAt(m, p.mm, A);
      const inUse = m.frames.inUse;
      do_madvise(m, p.mm, A, 1, 'DONTNEED');
      expect(hugeAt(p.mm, A)).toBeUndefined();
      expect(access(m, p.mm, A, false)).toMatchObject({ tag: '0' });
      expect(access(m, p.mm, A + 2, false)).toMatchObject({ tag: 'C' });
      expect(peekPte(m, p.mm, A + 2).frame).toBe(first + 2);
      clean(m);
      do_madvise(m, p.mm, A + nr, nr, 'DONTNEED');
      expect(hugeAt(p.mm, A + nr)).toBeUndefined();
      expect(m.frames.inUse).toBe(inUse - nr);
      expect(access(m, p.mm, A + nr + 2, false)).toMatchObject({ tag: '0' }); // the huge zero folio now
      clean(m);
      // the split first pmd, zapped whole: PT_RECLAIM (x86_64 only) frees its empty pte table, so the next
      // write faults a THP again; elsewhere the table stays and the fault is a small page
      do_madvise(m, p.mm, A, nr, 'DONTNEED');
      expect(m.frames.inUse).toBe(inUse - 2 * nr + nr); // both THPs gone; the huge zero folio stays
      access(m, p.mm, A + 7, true, m.tags.intern('E'));
      expect(hugeAt(p.mm, A) !== undefined).toBe(spec.id === 'x86_64');
      expect(access(m, p.mm, A + 7, false)).toMatchObject({ tag: 'E' });
      clean(m);
    });

    test('mprotect of part splits; of the whole huge pmd rewrites it (change_huge_pmd)', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('P'));
      access(m, p.mm, A + nr, true, m.tags.intern('Q'));
      do_mprotect(m, p.mm, A + nr, nr, { read: true, write: false, exec: false });
      const h = hugeAt(p.mm, A + nr)!;
      expect(m.pteWrite(h.hi, h.lo)).toBe(false);
      expect(access(m, p.mm, A + nr, true, m.tags.intern('no'))).toMatchObject({ ok: false, signal: 'SIGSEGV' });
      do_mprotect(m, p.mm, A + nr, nr, RW);
      // writable again at once: the folio is exclusive (can_change_pmd_writable)
      expect(m.pteWrite(hugeAt(p.mm, A + nr)!.hi, hugeAt(p.mm, A + nr)!.lo)).toBe(true);
      do_mprotect(m, p.mm, A + 1, 1, { read: true, write: false, exec: false });
      expect(hugeAt(p.mm, A)).toBeUndefined();
      expect(peekPte(m, p.mm, A + 1).write).toBe(false);
      expect(peekPte(m, p.mm, A + 2).write).toBe(true);
      expect(access(m, p.mm, A, false)).toMatchObject({ tag: 'P' });
      expect(p.mm.vmas.list.length).toBe(3);
      clean(m);
    });

    test('fork shares the PMD read-only; the child write splits its pmd and COWs one page; the parent then reuses', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('H0'));
      const head = largeFolioAt(m, p.mm, A);
      const c = dup_mmap(m, p, 'c');
      expect(entireMapcount(m, head)).toBe(2);
      expect(m.frames.refs(head)).toBe(2);
      for (const mm of [p.mm, c.mm]) expect(m.pteWrite(hugeAt(mm, A)!.hi, hugeAt(mm, A)!.lo)).toBe(false);
      expect(m.frames.flags[head + 1]! & PG_anon_exclusive).toBe(0);
      clean(m);
      expect(access(m, c.mm, A + 1, true, m.tags.intern('C1'))).toMatchObject({ ok: true });
      expect(hugeAt(c.mm, A)).toBeUndefined();
      expect(hugeAt(p.mm, A)).toBeDefined();
      expect(peekPte(m, c.mm, A + 1).frame).not.toBe(head + 1);
      expect(peekPte(m, c.mm, A + 2).frame).toBe(head + 2);
      expect(access(m, c.mm, A, false)).toMatchObject({ tag: 'H0' });
      expect(access(m, p.mm, A + 1, false)).toMatchObject({ tag: '0' });
      // the parent's page 1: its PMD mapping plus none of the child's ptes (the child has its copy)
      expect(m.frames.maps(head + 1) + entireMapcount(m, head)).toBe(1);
      clean(m);
      exit_mmap(m, c);
      clean(m);
      expect(access(m, p.mm, A + 2, true, m.tags.intern('P2'))).toMatchObject({ ok: true, minor: 1 });
      expect(hugeAt(p.mm, A)).toBeDefined();
      expect(m.frames.flags[head + 5]! & PG_anon_exclusive).not.toBe(0);
      clean(m);
    });

    test('split_huge_page: small pages, the zero-filled ones on the shared zero page (RMP_USE_SHARED_ZEROPAGE)', () => {
      const { m, p, nr, A } = setup(spec);
      access(m, p.mm, A + 3, true, m.tags.intern('S3'));
      const head = largeFolioAt(m, p.mm, A);
      const inUse = m.frames.inUse;
      expect(split_huge_page(m, head)).toBe(true);
      expect(hugeAt(p.mm, A)).toBeUndefined();
      expect(largeFolioAt(m, p.mm, A + 3)).toBe(-1);
      expect(peekPte(m, p.mm, A + 3).frame).toBe(head + 3);
      expect(peekPte(m, p.mm, A + 3).write).toBe(true);
      expect(peekPte(m, p.mm, A + 4).frame).toBe(m.zeroFrame);
      expect(m.frames.inUse).toBe(inUse - nr + 1);
      expect(access(m, p.mm, A + 3, false)).toMatchObject({ tag: 'S3' });
      expect(access(m, p.mm, A + 4, false)).toMatchObject({ tag: '0' });
      clean(m);
    });

    test('the .mmo op split_huge_page and the invariants between steps', () => {
      const nr = thpState(new Machine({ spec, frames: 64 }))!.nr;
      const trace = runScript(
        parseMmo(`mmap A ${2 * nr} rw- private,anon slot=0
madvise A 0 ${2 * nr} HUGEPAGE
write A 0 X
split_huge_page A 0
split_huge_page A 5
read A 0
`),
        { spec, frames: 8192 },
        'thp.mmo',
        { check: true },
      );
      expect(trace.steps.map((s) => s.ret)).toEqual([
        { ok: true, val: 0 },
        { ok: true, val: 0 },
        { ok: true, faults: { minor: 1, major: 0 } },
        { ok: true, val: 1 },
        { ok: true, val: 0 },
        { ok: true, data: 'X', faults: { minor: 0, major: 0 } },
      ]);
    });

    test('the invariants see a wrong entire mapcount and a reference on a tail page', () => {
      const { m, p, A } = setup(spec);
      access(m, p.mm, A, true, m.tags.intern('X'));
      const head = largeFolioAt(m, p.mm, A);
      thpState(m)!.entire.set(head, 2);
      expect(checkInvariants(m).map((v) => v.rule)).toContain('mapcount');
      thpState(m)!.entire.set(head, 1);
      m.frames.get(head + 7);
      expect(checkInvariants(m).map((v) => v.rule)).toContain('refcount');
      m.frames.put(head + 7);
      clean(m);
    });
  });
}

// --- random THP operation sequences against the POSIX reference model ---

type Op =
  | { k: 'mmap'; r: number; huge: boolean }
  | { k: 'write'; r: number; page: number; tag: number; child: boolean }
  | { k: 'read'; r: number; page: number; child: boolean }
  | { k: 'munmap'; r: number; page: number; n: number; child: boolean }
  | { k: 'mprotect'; r: number; page: number; n: number; prot: number; child: boolean }
  | { k: 'madvise'; r: number; page: number; n: number; advice: number; child: boolean }
  | { k: 'split'; r: number; page: number; child: boolean }
  | { k: 'fork' }
  | { k: 'exit' };

const ADVICE: Advice[] = ['DONTNEED', 'FREE', 'PAGEOUT', 'COLD', 'HUGEPAGE', 'NOHUGEPAGE', 'DONTFORK', 'DOFORK', 'POPULATE_READ', 'POPULATE_WRITE'];
/** page positions that scale with HPAGE_PMD_NR: the edges of the two huge pages and a few inside */
const SPOTS: ((nr: number) => number)[] = [() => 0, () => 1, () => 2, (nr) => nr / 2, (nr) => nr - 1, (nr) => nr, (nr) => nr + 1, (nr) => (3 * nr) / 2, (nr) => 2 * nr - 1];
/** page counts: a page or two, half a huge page, one, two, one and a page */
const COUNTS: ((nr: number) => number)[] = [() => 1, () => 2, (nr) => nr / 2, (nr) => nr, (nr) => 2 * nr, (nr) => nr + 1];

const r = fc.integer({ min: 0, max: 1 });
const page = fc.integer({ min: 0, max: SPOTS.length - 1 });
const n = fc.integer({ min: 0, max: COUNTS.length - 1 });
const child = fc.boolean();
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ k: fc.constant('mmap' as const), r, huge: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ k: fc.constant('write' as const), r, page, tag: fc.integer({ min: 0, max: 99 }), child }), weight: 6 },
  { arbitrary: fc.record({ k: fc.constant('read' as const), r, page, child }), weight: 5 },
  { arbitrary: fc.record({ k: fc.constant('munmap' as const), r, page, n, child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('mprotect' as const), r, page, n, prot: fc.integer({ min: 0, max: 2 }), child }), weight: 1 },
  { arbitrary: fc.record({ k: fc.constant('madvise' as const), r, page, n, advice: fc.integer({ min: 0, max: ADVICE.length - 1 }), child }), weight: 3 },
  { arbitrary: fc.record({ k: fc.constant('split' as const), r, page, child }), weight: 1 },
  { arbitrary: fc.constant({ k: 'fork' as const }), weight: 1 },
  { arbitrary: fc.constant({ k: 'exit' as const }), weight: 1 },
);

/** HPAGE_PMD_NR of a variant (a small machine asked once per variant) */
const NR = new Map<string, number>();
function hpageNr(spec: VariantSpec): number {
  let nr = NR.get(`${spec.id}@${spec.era}`);
  if (nr === undefined) NR.set(`${spec.id}@${spec.era}`, (nr = thpState(new Machine({ spec, frames: 64 }))!.nr));
  return nr;
}

/** mprotect's protections by number: none, read, read+write */
const THP_PROT = ['---', 'r--', 'rw-'];

/** An op as `.mmo` lines (regions R0, R1 of two huge pages at slots 0, 1), or none: a second fork, an exit with no child. */
function thpLines(o: Op, kid: boolean, nr: number): string[] {
  if (o.k === 'fork') return kid ? [] : ['fork'];
  if (o.k === 'exit') return kid ? ['@child exit'] : [];
  if (o.k === 'mmap') return [`mmap R${o.r} ${2 * nr} rw- private,anon slot=${o.r}`, ...(o.huge ? [`madvise R${o.r} 0 ${2 * nr} HUGEPAGE`] : [])];
  const at = `${o.child && kid ? '@child ' : ''}`;
  const spot = SPOTS[o.page]!(nr);
  switch (o.k) {
    case 'write':
      return [`${at}write R${o.r} ${spot} T${o.tag}`];
    case 'read':
      return [`${at}read R${o.r} ${spot}`];
    case 'munmap':
      return [`${at}munmap R${o.r} ${spot} ${COUNTS[o.n]!(nr)}`];
    case 'mprotect':
      return [`${at}mprotect R${o.r} ${spot} ${COUNTS[o.n]!(nr)} ${THP_PROT[o.prot]}`];
    case 'madvise':
      return [`${at}madvise R${o.r} ${spot} ${COUNTS[o.n]!(nr)} ${ADVICE[o.advice]}`];
    case 'split':
      return [`${at}split_huge_page R${o.r} ${spot}`];
  }
}

/** the live process of that name on the machine */
function live(m: Machine, name: string): Process {
  for (let i = m.procs.length - 1; i >= 0; i--) if (m.procs[i]!.name === name && m.procs[i]!.alive) return m.procs[i]!;
  throw new Error(`no live ${name}`);
}

function runThp(spec: VariantSpec, ops: Op[]): void {
  const nr = hpageNr(spec);
  // the regions are named before any op uses them (a script names a region by mapping it), then unmapped again
  const lines = [0, 1].flatMap((r) => [`mmap R${r} ${2 * nr} --- private,anon slot=${r}`, `munmap R${r} 0 ${2 * nr}`]);
  if (ops.length % 2 === 0) lines.push('swapon file 4096');
  const setup = lines.length;
  /** the op each line after the setup runs, and whether it is the op's own step (an mmap's HUGEPAGE madvise is not) */
  const owner: [Op, boolean][] = [];
  let kid = false;
  for (const o of ops) {
    const more = thpLines(o, kid, nr);
    more.forEach((text, k) => {
      lines.push(text);
      owner.push([o, k === 0]);
    });
    if (o.k === 'fork') kid = true;
    if (o.k === 'exit') kid = false;
  }
  const script = lines.join('\n');
  // the runner checks the invariants after every step, a failed one included; the reads are checked here, nothing observed
  const { machine: m, steps } = startScript(parseMmo(script, 'random-thp.mmo'), { spec, frames: 16384 }, 'random-thp.mmo', { check: true, observe: false });
  const ref = new ReferenceModel();
  const c = m.variant.constants;
  // the runner's arena: slot N starts 64 MiB × N past a quarter of the address space (script/run.ts Runner)
  const start = (region: number) => 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT) + region * 2 ** (26 - c.PAGE_SHIFT);
  let kidPid = -1;
  let i = -1;
  for (const step of steps) {
    if (++i < setup) continue;
    const [o, own] = owner[i - setup]!;
    if (!own) continue;
    const where = `${m.variant.key} line ${i + 1} '${lines[i]}' of:\n${script}`;
    const p = live(m, o.k === 'exit' ? 'parent' : step.proc); // an exit's step is the child's, which is gone now
    const at = 'page' in o ? start(o.r) + SPOTS[o.page]!(nr) : 0;
    const ok = step.ret['ok'] === true;
    if (!ok && 'errno' in step.ret) {
      if (step.ret['errno'] === 'ENOMEM' && o.k === 'madvise') adviseReference(ref, p.pid, ADVICE[o.advice]!, at, COUNTS[o.n]!(nr));
      continue;
    }
    switch (o.k) {
      case 'mmap':
        ref.unmap(p.pid, start(o.r), 2 * nr);
        ref.map(p.pid, start(o.r), 2 * nr);
        break;
      case 'write':
      case 'read': {
        const vma = p.mm.vmas.lookup(at);
        expect(ok, where).toBe(vma !== undefined && (vma.flags & (o.k === 'write' ? VM_WRITE : VM_READ)) !== 0);
        if (ok && o.k === 'write') ref.write(p.pid, at, `T${o.tag}`);
        if (ok && o.k === 'read') expect(ref.read(p.pid, at, String(step.ret['data'])), where).toBeUndefined();
        break;
      }
      case 'munmap':
        ref.unmap(p.pid, at, COUNTS[o.n]!(nr));
        break;
      case 'madvise':
        adviseReference(ref, p.pid, ADVICE[o.advice]!, at, COUNTS[o.n]!(nr));
        break;
      case 'fork':
        kidPid = forkReference(ref, live(m, 'parent'), live(m, 'child'));
        break;
      case 'exit':
        ref.exit(kidPid);
        break;
    }
  }
  // every page still mapped holds what the reference allows (no data lost in a split, COW or zap)
  for (const p of kid ? [live(m, 'parent'), live(m, 'child')] : [live(m, 'parent')]) {
    for (let region = 0; region < 2; region++) {
      for (let vpn = start(region); vpn < start(region) + 2 * nr; vpn++) {
        const vma = p.mm.vmas.lookup(vpn);
        if (!vma || (vma.flags & VM_READ) === 0) continue;
        const res = access(m, p.mm, vpn, false);
        expect(res.ok).toBe(true);
        if (res.ok) expect(ref.read(p.pid, vpn, res.tag), `${m.variant.key} final read of 0x${vpn.toString(16)}`).toBeUndefined();
      }
    }
  }
  expect(checkInvariants(m).map((v) => `${v.rule}: ${v.message}`)).toEqual([]);
}

describe('random THP operation sequences keep the invariants and the data', () => {
  for (const spec of THP) {
    test(`${spec.id}@${spec.era}`, { timeout: 120_000 }, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 5, maxLength: 40, size: 'max' }), (ops) => runThp(spec, ops)),
        { numRuns: Number(process.env['MMSIM_THP_RUNS'] ?? 150) },
      );
    });
  }
});

describe('THP under memory pressure', () => {
  for (const spec of THP) {
    test(`${spec.id}@${spec.era}: kswapd's reclaim splits the large folios first, and the data survive on swap`, () => {
      const m0 = new Machine({ spec, frames: 64 });
      const nr = thpState(m0)!.nr;
      const m = new Machine({ spec, frames: 5 * nr });
      swapon(m, 'file', 16 * nr);
      const p = m.spawn('p');
      const A = 8 * nr;
      do_mmap(m, p.mm, { start: A, pages: 8 * nr, prot: RW, shared: false });
      do_madvise(m, p.mm, A, 8 * nr, 'HUGEPAGE');
      access(m, p.mm, A + 1, true, m.tags.intern('first'));
      do_munmap(m, p.mm, A + nr / 2, 1); // PTE-mapped now
      for (let i = 0; i < 6 * nr; i += 7) {
        access(m, p.mm, A + nr + i, true, m.tags.intern(`t${i}`));
        clean(m);
      }
      expect(access(m, p.mm, A + 1, false)).toMatchObject({ ok: true, tag: 'first' });
      for (let i = 0; i < 6 * nr; i += 7) expect(access(m, p.mm, A + nr + i, false)).toMatchObject({ ok: true, tag: `t${i}` });
      clean(m);
    });
  }
});
