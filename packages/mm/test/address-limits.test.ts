/**
 * TASK_SIZE in the kernel paths: a mapping beyond the user address space is
 * refused as the kernel refuses it (mmap -ENOMEM, munmap / mremap's new
 * range / userfaultfd ranges -EINVAL), so no address can wrap the page
 * table's top-level index and alias a lower one; the invariants see any
 * VMA outside [0, TASK_SIZE), overlapping VMAs and pte tables hanging from
 * the wrong pmd entry.
 */
import { VARIANTS as X86, x86_64_618 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import type { VariantSpec } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { access, do_mmap, do_mremap, do_munmap } from '../src/kernel/index.js';
import { checkInvariants } from '../src/check/index.js';
import { Machine } from '../src/index.js';
import { sys_userfaultfd, userfaultfd_api, userfaultfd_register_wp, UFFD_FEATURE_WP_ASYNC } from '../src/kernel/userfaultfd.js';
import { clean, errnoOf } from './helpers.js';

const ALL: readonly VariantSpec[] = [...X86, ...PPC];
const RW = { read: true, write: true, exec: false };

/** The script runner's placement (src/script/run.ts): an arena, then 64 MiB slots. */
function slotVpn(m: Machine, slot: number): number {
  const c = m.variant.constants;
  return 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT) + slot * 2 ** (26 - c.PAGE_SHIFT);
}

function setup(spec: VariantSpec) {
  const m = new Machine({ spec, frames: 512 });
  const p = m.spawn('p');
  return { m, p, mm: p.mm, limit: m.variant.constants.TASK_SIZE_PAGES };
}

describe('the issue-9 reproduction: no two addresses share a pte', () => {
  test('x86_64@6.18: slot=4194304 (256 TiB up) is ENOMEM, and A keeps its data', () => {
    const { m, mm } = setup(x86_64_618);
    const a = slotVpn(m, 0);
    do_mmap(m, mm, { start: a, pages: 4, prot: RW, shared: false });
    expect(access(m, mm, a, true, m.tags.intern('X')).ok).toBe(true);
    expect(errnoOf(() => do_mmap(m, mm, { start: slotVpn(m, 4194304), pages: 4, prot: RW, shared: false }))).toBe('ENOMEM');
    expect(access(m, mm, a, false)).toMatchObject({ ok: true, tag: 'X' });
    expect(access(m, mm, slotVpn(m, 4194304), false)).toMatchObject({ ok: false, signal: 'SIGSEGV' });
    clean(m);
  });
  for (const spec of ALL.filter((s) => s.wordBits === 32)) {
    test(`${spec.id}@${spec.era}: slot=40 and slot=64 lie above TASK_SIZE: ENOMEM`, () => {
      const { m, mm, limit } = setup(spec);
      expect(slotVpn(m, 40) + 4).toBeGreaterThan(limit);
      for (const slot of [40, 64]) expect(errnoOf(() => do_mmap(m, mm, { start: slotVpn(m, slot), pages: 4, prot: RW, shared: false }))).toBe('ENOMEM');
      expect(mm.vmas.list).toEqual([]);
      clean(m);
    });
  }
});

describe.each(ALL.map((s) => [`${s.id}@${s.era}`, s] as const))('%s', (_key, spec) => {
  test('the last page below TASK_SIZE maps and holds its data; one page more is ENOMEM', () => {
    const { m, mm, limit } = setup(spec);
    expect(errnoOf(() => do_mmap(m, mm, { start: limit, pages: 1, prot: RW, shared: false }))).toBe('ENOMEM');
    expect(errnoOf(() => do_mmap(m, mm, { start: limit - 1, pages: 2, prot: RW, shared: false }))).toBe('ENOMEM');
    expect(errnoOf(() => do_mmap(m, mm, { start: 0, pages: limit + 1, prot: RW, shared: false }))).toBe('ENOMEM');
    do_mmap(m, mm, { start: 0, pages: 1, prot: RW, shared: false });
    do_mmap(m, mm, { start: limit - 1, pages: 1, prot: RW, shared: false });
    expect(access(m, mm, 0, true, m.tags.intern('low')).ok).toBe(true);
    expect(access(m, mm, limit - 1, true, m.tags.intern('high')).ok).toBe(true);
    expect(access(m, mm, 0, false)).toMatchObject({ ok: true, tag: 'low' });
    expect(access(m, mm, limit - 1, false)).toMatchObject({ ok: true, tag: 'high' });
    clean(m);
  });

  test('munmap past TASK_SIZE is EINVAL; up to it, it unmaps what is there', () => {
    const { m, mm, limit } = setup(spec);
    do_mmap(m, mm, { start: 8, pages: 4, prot: RW, shared: false });
    expect(errnoOf(() => do_munmap(m, mm, 8, limit))).toBe('EINVAL');
    expect(errnoOf(() => do_munmap(m, mm, limit + 1, 1))).toBe('EINVAL');
    expect(mm.vmas.list).toHaveLength(1);
    do_munmap(m, mm, 0, limit);
    expect(mm.vmas.list).toEqual([]);
    clean(m);
  });

  test("mremap: a fixed target past TASK_SIZE is EINVAL; a grow past it cannot stay in place", () => {
    const { m, mm, limit } = setup(spec);
    do_mmap(m, mm, { start: limit - 4, pages: 4, prot: RW, shared: false });
    expect(access(m, mm, limit - 4, true, m.tags.intern('D')).ok).toBe(true);
    const fixed = { start: limit - 4, oldPages: 4, newPages: 4, maymove: true, fixed: true, dontunmap: false };
    expect(errnoOf(() => do_mremap(m, mm, { ...fixed, newStart: limit - 2 }))).toBe('EINVAL');
    expect(errnoOf(() => do_mremap(m, mm, { ...fixed, newStart: 2 ** 52 }))).toBe('EINVAL');
    const grow = { start: limit - 4, oldPages: 4, newPages: 8, maymove: false, fixed: false, dontunmap: false };
    expect(errnoOf(() => do_mremap(m, mm, grow))).toBe('ENOMEM');
    // a new length beyond TASK_SIZE: 6.18 check_mremap_params says EINVAL; 2.6.21 fails the move's get_unmapped_area
    expect(errnoOf(() => do_mremap(m, mm, { ...grow, maymove: true, newPages: limit + 1 }))).toBe(spec.era === '6.18' ? 'EINVAL' : 'ENOMEM');
    // with MREMAP_MAYMOVE it moves below TASK_SIZE, data and all
    const res = do_mremap(m, mm, { ...grow, maymove: true });
    expect(res.moved).toBe(true);
    expect(res.start + 8).toBeLessThanOrEqual(limit);
    expect(access(m, mm, res.start, false)).toMatchObject({ ok: true, tag: 'D' });
    clean(m);
  });

  test('the page table refuses a vpn its levels cannot translate', () => {
    const { mm } = setup(spec);
    const pt = mm.pgtable;
    expect(pt.reach).toBeGreaterThanOrEqual(setup(spec).limit);
    expect(pt.walk(pt.reach, false)).toBe(-1);
    expect(pt.walk(2 ** 52, false)).toBe(-1);
    expect(() => pt.walk(pt.reach, true)).toThrow(RangeError);
    expect(pt.walk(pt.reach - 1, true)).toBeGreaterThanOrEqual(0);
  });
});

test('userfaultfd ranges past TASK_SIZE are EINVAL (validate_unaligned_range)', () => {
  const { m, mm, limit } = setup(x86_64_618);
  do_mmap(m, mm, { start: 16, pages: 4, prot: RW, shared: false });
  const ctx = sys_userfaultfd(m, mm);
  userfaultfd_api(m, ctx, UFFD_FEATURE_WP_ASYNC);
  expect(errnoOf(() => userfaultfd_register_wp(m, ctx, 16, limit))).toBe('EINVAL');
  expect(errnoOf(() => userfaultfd_register_wp(m, ctx, limit, 1))).toBe('EINVAL');
  userfaultfd_register_wp(m, ctx, 16, 4);
});

describe('the address-space invariants', () => {
  test('a VMA outside [0, TASK_SIZE) and overlapping VMAs are reported', () => {
    const { m, mm, limit } = setup(x86_64_618);
    do_mmap(m, mm, { start: 16, pages: 4, prot: RW, shared: false });
    const v = mm.vmas.list[0]!;
    mm.vmas.list.push({ ...v, start: 18, end: 22 });
    mm.vmas.list.push({ ...v, start: limit, end: limit + 4 });
    const rules = checkInvariants(m).map((x) => `${x.rule}: ${x.message}`);
    expect(rules.some((r) => /^address-space: .*overlap/.test(r))).toBe(true);
    expect(rules.some((r) => /^address-space: .*not a non-empty range inside \[0, TASK_SIZE/.test(r))).toBe(true);
  });
  test('a pte table hanging from a second pmd entry (two ranges sharing pte slots) is reported', () => {
    const { m, mm } = setup(x86_64_618);
    do_mmap(m, mm, { start: 0, pages: 4, prot: RW, shared: false });
    do_mmap(m, mm, { start: 1024, pages: 4, prot: RW, shared: false });
    access(m, mm, 0, true, m.tags.intern('A'));
    access(m, mm, 1024, true, m.tags.intern('B'));
    clean(m);
    // alias: the pmd entry for vpn 1024 (index 2 of the first pmd table) made to point at vpn 0's pte table
    const upper = (mm.pgtable as unknown as { upper: Int32Array[] }).upper;
    const pmd = upper[upper.length - 1]!;
    pmd[2] = pmd[0]!;
    mm.pgtable.structure++; // what any real change of an upper entry does (PageTable bumps it)
    access(m, mm, 0, false); // the one-entry TLB now holds vpn 0's table
    expect(access(m, mm, 1024, false)).toMatchObject({ ok: true, tag: 'A' }); // what the aliasing bug looked like
    expect(checkInvariants(m).some((x) => x.rule === 'page-table' && /hangs from the pmd entries of vpn 0x0 and 0x400/.test(x.message))).toBe(true);
  });
});

describe('hostile placements (property)', () => {
  for (const spec of [x86_64_618, ...PPC.filter((s) => s.id === 'ppc64-64k' || s.id === 'ppc32'), X86[0]!]) {
    test(`${spec.id}@${spec.era}: mmap/munmap/mremap anywhere up to 2^52 pages never aliases and keeps the invariants`, () => {
      const op = fc.record({
        kind: fc.constantFrom('mmap', 'munmap', 'mremap', 'write'),
        start: fc.oneof(fc.integer({ min: 0, max: 2 ** 52 }), fc.integer({ min: 0, max: 4096 })),
        pages: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 2 ** 52 })),
      });
      fc.assert(
        fc.property(fc.array(op, { maxLength: 12 }), (ops) => {
          const { m, mm } = setup(spec);
          const written = new Map<number, string>();
          let n = 0;
          for (const o of ops) {
            const tag = `t${n++}`;
            errnoOf(() => {
              if (o.kind === 'mmap') {
                do_mmap(m, mm, { start: o.start, pages: Math.min(o.pages, 64), prot: RW, shared: false });
                for (let v = o.start; v < o.start + Math.min(o.pages, 64); v++) written.delete(v);
              } else if (o.kind === 'munmap') {
                do_munmap(m, mm, o.start, o.pages);
                for (const v of [...written.keys()]) if (v >= o.start && v < o.start + o.pages) written.delete(v);
              } else if (o.kind === 'mremap') {
                const v = mm.vmas.list[0];
                if (!v) return;
                do_mremap(m, mm, { start: v.start, oldPages: v.end - v.start, newPages: v.end - v.start, maymove: true, fixed: true, dontunmap: false, newStart: o.start });
                written.clear();
              } else if (mm.vmas.lookup(o.start)) {
                if (access(m, mm, o.start, true, m.tags.intern(tag)).ok) written.set(o.start, tag);
              }
            });
            expect(checkInvariants(m).map((x) => `${x.rule}: ${x.message}`)).toEqual([]);
          }
          for (const [vpn, tag] of written) expect(access(m, mm, vpn, false)).toMatchObject({ ok: true, tag });
        }),
        { numRuns: 60, seed: 9 },
      );
    });
  }
});
