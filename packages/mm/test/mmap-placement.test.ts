/**
 * Where `mmap` without slot= puts a region: where the kernel's
 * get_unmapped_area puts mmap(NULL, …) (kernel/mmap.ts), each mapping kept
 * at least one page away from the others (docs/mmo.md "Where regions go"); with
 * slot= exactly where it always did.
 */
import { i386_2621, x86_64_2621, x86_64_618, VARIANTS as X86 } from '@mmsim/arch-x86';
import { ppc32_2621, ppc64_2621, VARIANTS as PPC } from '@mmsim/arch-powerpc';
import type { VariantSpec } from '@mmsim/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMmo } from '../src/index.js';
import { Runner } from '../src/script/run.js';

/** A runner after these lines ran (each step's result kept). */
function run(spec: VariantSpec, text: string): { runner: Runner; rets: Record<string, unknown>[] } {
  const runner = new Runner({ spec, frames: 2048, nodes: 1 }, 't.mmo');
  const rets = parseMmo(text).ops.map((op) => {
    try {
      return runner.step(op).ret;
    } catch (error) {
      return { ok: false, errno: (error as { errno?: string }).errno ?? String(error) };
    }
  });
  return { runner, rets };
}

const startOf = (r: Runner, name: string): number => r.regions.get(name)!.start;
/** mmap_base of the top-down layout, in pages: TASK_SIZE − 128 MiB */
const mmapBase = (r: Runner): number => r.m.variant.constants.TASK_SIZE_PAGES - (128 * 1024 * 1024) / r.m.variant.constants.PAGE_SIZE;

describe('mmap without slot=: the kernel\'s placement, a free page around each region', () => {
  test('6.18 x86_64: top-down below mmap_base, each region a page below the last', () => {
    const { runner } = run(x86_64_618, 'mmap A 2 rw- private,anon\nmmap B 3 rw- private,anon\nmmap C 1 rw- private,anon');
    const base = mmapBase(runner);
    expect(startOf(runner, 'A')).toBe(base - 2); // the first one exactly where the kernel puts it
    expect(startOf(runner, 'B')).toBe(startOf(runner, 'A') - 1 - 3);
    expect(startOf(runner, 'C')).toBe(startOf(runner, 'B') - 1 - 1);
    // same flags, yet three VMAs: nothing merged
    expect(runner.procs.parent!.mm.vmas.list.length).toBe(3);
  });

  test('a hole an munmap leaves is found again', () => {
    const { runner } = run(x86_64_618, 'mmap A 2 rw- private,anon\nmmap B 2 rw- private,anon\nmunmap A 0 2\nmmap C 2 rw- private,anon');
    expect(startOf(runner, 'C')).toBe(startOf(runner, 'A'));
  });

  test('6.18 x86_64: a private anonymous region of whole huge pages is PMD-aligned and gets a THP', () => {
    const { runner, rets } = run(x86_64_618, 'mmap A 1 rw- private,anon\nmmap H 1024 rw- private,anon\nmadvise H 0 1024 HUGEPAGE\nwrite H 0 H0');
    expect(startOf(runner, 'H') % 512).toBe(0);
    expect(startOf(runner, 'H') + 1024).toBeLessThan(startOf(runner, 'A'));
    expect(rets.every((r) => r['ok'] === true)).toBe(true);
    const obs = runner.observe('parent');
    expect(obs['H']!.summary['pmd_mapped']).toBe(512);
  });

  test('2.6.21 x86_64: bottom-up from TASK_UNMAPPED_BASE (TASK_SIZE / 3)', () => {
    const { runner } = run(x86_64_2621, 'mmap A 2 rw- private,anon\nmmap B 2 rw- private,anon');
    const base = Number(0x2aaaaaaab000n >> 12n);
    expect(startOf(runner, 'A')).toBe(base);
    expect(startOf(runner, 'B')).toBe(startOf(runner, 'A') + 2 + 1);
  });

  test('2.6.21 ppc64 and ppc32: bottom-up from their TASK_UNMAPPED_BASE; i386 top-down', () => {
    expect(startOf(run(ppc64_2621, 'mmap A 2 rw- private,anon').runner, 'A')).toBe(Number(0x40000000000n >> 12n));
    expect(startOf(run(ppc32_2621, 'mmap A 2 rw- private,anon').runner, 'A')).toBe(Number(0x30000000n >> 12n));
    const i386 = run(i386_2621, 'mmap A 2 rw- private,anon').runner;
    expect(startOf(i386, 'A')).toBe(mmapBase(i386) - 2);
  });

  test('no room is the kernel\'s ENOMEM, and names nothing', () => {
    const { runner, rets } = run(i386_2621, 'mmap A 0x100000 rw- private,anon');
    expect(rets[0]).toEqual({ ok: false, errno: 'ENOMEM' });
    expect(runner.regions.has('A')).toBe(false);
  });

  test('slot=N is where it always was: the arena, 64 MiB a slot', () => {
    const { runner } = run(x86_64_618, 'mmap A 2 rw- private,anon slot=3');
    expect(startOf(runner, 'A')).toBe(runner.arena + 3 * runner.slotPages);
    const { runner: r2 } = run(x86_64_618, 'mmap A 2 rw- private,anon');
    expect(r2.step(parseMmo('mmap S 1 rw- private,anon slot=0').ops[0]!).args['slot']).toBe(0);
    expect(r2.step(parseMmo('mmap T 1 rw- private,anon').ops[0]!).args).not.toHaveProperty('slot');
  });

  test('on every variant, regions placed one after another never overlap or touch', () => {
    fc.assert(
      fc.property(fc.constantFrom(...X86, ...PPC), fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 12 }), fc.boolean(), (spec, sizes, shared) => {
        const text = sizes.map((n, i) => `mmap R${i} ${n} rw- ${shared ? 'shared' : 'private'},anon`).join('\n');
        const { runner, rets } = run(spec, text);
        expect(rets.every((r) => r['ok'] === true)).toBe(true);
        const ranges = sizes.map((n, i) => [startOf(runner, `R${i}`), startOf(runner, `R${i}`) + n] as const).sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![1]);
        expect(ranges[ranges.length - 1]![1]).toBeLessThanOrEqual(runner.m.variant.constants.TASK_SIZE_PAGES);
        expect(runner.procs.parent!.mm.vmas.list.length).toBe(sizes.length);
      }),
      { numRuns: 40 },
    );
  });
});
