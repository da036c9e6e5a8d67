/**
 * The same mremap requests in both eras, each answered as its kernel does:
 * 2.6.21 (2.6.20 mm/mremap.c do_mremap) shrinks, or leaves alone, a range
 * before it looks for a VMA, knows no MREMAP_DONTUNMAP, and moves only
 * within one VMA; 6.18 (mm/mremap.c do_mremap: check_mremap_params,
 * check_prep_vma, remap_move) needs one VMA only for a move or a grow —
 * except a FIXED move of unchanged size, which moves every VMA in the range.
 */
import { x86_64_618, VARIANTS as X86 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { Machine } from '../src/index.js';
import { access, do_madvise, do_mmap, do_mremap, type MremapRequest } from '../src/kernel/index.js';
import { errnoOf } from './helpers.js';

const RW = { read: true, write: true, exec: false };
const x86_64_2621 = X86.find((s) => s.id === 'x86_64' && s.era === '2.6.21')!;

/** A, 8 pages, its upper half MADV_DONTFORK (two VMAs), every page written */
function setup(spec: typeof x86_64_618) {
  const m = new Machine({ spec, frames: 256 });
  const p = m.spawn('p');
  const A = 0x10000;
  do_mmap(m, p.mm, { start: A, pages: 8, prot: RW, shared: false });
  for (let i = 0; i < 8; i++) access(m, p.mm, A + i, true, m.tags.intern(`A${i}`));
  do_madvise(m, p.mm, A + 4, 4, 'DONTFORK');
  return { m, mm: p.mm, A };
}

const req = (start: number, oldPages: number, newPages: number, o: Partial<MremapRequest> = {}): MremapRequest => ({ start, oldPages, newPages, maymove: false, fixed: false, dontunmap: false, ...o });

describe('mremap across two VMAs', () => {
  test('shrink: both eras unmap the tail (2.6.20 before any VMA lookup; 6.18 check_prep_vma checks only the new length)', () => {
    for (const spec of [x86_64_2621, x86_64_618]) {
      const { m, mm, A } = setup(spec);
      expect(do_mremap(m, mm, req(A, 8, 3))).toEqual({ moved: false, start: A });
      expect(mm.vmas.overlapping(A, A + 8).map((v) => [v.start - A, v.end - A])).toEqual([[0, 3]]);
    }
  });

  test('a grow spanning them is EFAULT in both eras', () => {
    for (const spec of [x86_64_2621, x86_64_618]) {
      const { m, mm, A } = setup(spec);
      expect(errnoOf(() => do_mremap(m, mm, req(A, 8, 12, { maymove: true })))).toBe('EFAULT');
    }
  });

  test('a FIXED move of unchanged size: EFAULT in 2.6.21; 6.18 moves both VMAs, the DONTFORK one keeping its flag', () => {
    const old = setup(x86_64_2621);
    expect(errnoOf(() => do_mremap(old.m, old.mm, req(old.A, 8, 8, { maymove: true, fixed: true, newStart: old.A + 0x1000 })))).toBe('EFAULT');
    const { m, mm, A } = setup(x86_64_618);
    const B = A + 0x1000;
    expect(do_mremap(m, mm, req(A, 8, 8, { maymove: true, fixed: true, newStart: B }))).toEqual({ moved: true, start: B });
    expect(mm.vmas.overlapping(A, A + 8)).toEqual([]);
    const moved = mm.vmas.overlapping(B, B + 8);
    expect(moved.map((v) => [v.start - B, v.end - B, (v.flags & 0x20000) !== 0])).toEqual([
      [0, 4, false],
      [4, 8, true],
    ]);
    for (let i = 0; i < 8; i++) expect(access(m, mm, B + i, false)).toMatchObject({ ok: true, tag: `A${i}` });
  });

  test('MREMAP_DONTUNMAP: EINVAL in 2.6.21 (no such flag); in 6.18 it always moves, the old range stays mapped and empty', () => {
    const old = setup(x86_64_2621);
    expect(errnoOf(() => do_mremap(old.m, old.mm, req(old.A, 4, 4, { maymove: true, dontunmap: true })))).toBe('EINVAL');
    const { m, mm, A } = setup(x86_64_618);
    const res = do_mremap(m, mm, req(A, 4, 4, { maymove: true, dontunmap: true }));
    expect(res.moved).toBe(true);
    expect(access(m, mm, res.start + 1, false)).toMatchObject({ ok: true, tag: 'A1' });
    expect(access(m, mm, A + 1, false)).toMatchObject({ ok: true, tag: '0' });
    // without MAYMOVE, or resizing: EINVAL (check_mremap_params)
    expect(errnoOf(() => do_mremap(m, mm, req(A + 4, 4, 4, { dontunmap: true })))).toBe('EINVAL');
    expect(errnoOf(() => do_mremap(m, mm, req(A + 4, 4, 2, { maymove: true, dontunmap: true })))).toBe('EINVAL');
  });
});
