/**
 * Nonlinear mappings on every arch: with CONFIG_NONLINEAR=y (2.6.21)
 * remap_file_pages writes the arch's file ptes, truncate and faults treat
 * them as the kernel did, and an offset past PTE_FILE_MAX_BITS is EINVAL
 * on exactly the arches whose ptes cannot name it; with =n, and in 6.18,
 * the same script shows the VMA-splitting emulation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { DEFAULT_CONFIG } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { Machine, parseMmo, runScript, SyscallError } from '../src/index.js';
import { checkInvariants } from '../src/check/index.js';
import { create_file } from '../src/model/index.js';
import { do_mmap, do_truncate, sys_remap_file_pages, access } from '../src/kernel/index.js';

const script = parseMmo(readFileSync(join(__dirname, '..', 'scenarios', 'nonlinear.mmo'), 'utf8'), 'nonlinear.mmo');
const OLD = [...X86, ...PPC].filter((s) => s.era === '2.6.21');
const NEW = [...X86, ...PPC].filter((s) => s.era === '6.18');

const page = (trace: ReturnType<typeof runScript>, why: string, i: number) =>
  trace.steps.find((s) => s.args['why'] === why)!.obs['SH']!.pages[i]!;

describe('2.6.21 CONFIG_NONLINEAR=y', () => {
  for (const spec of OLD) {
    test(`${spec.id}: file ptes, truncate, faults`, () => {
      const trace = runScript(script, { spec });
      const ret = (op: string, n = 0) => trace.steps.filter((s) => s.op === op)[n]!.ret;
      expect(trace.steps.filter((s) => s.op === 'remap_file_pages').map((s) => s.ret['ok'])).toEqual([true, true, true]);
      expect(page(trace, 'file_pte_installed', 0)).toMatchObject({ st: 'present', data: 'F3' });
      expect(page(trace, 'file_pte_installed', 1)).toMatchObject({ st: 'present', data: 'F5' });
      expect(page(trace, 'file_pte_installed', 2)).toMatchObject({ st: 'file', pgoff: 6 });
      expect(ret('read', 0)).toMatchObject({ ok: true, data: '0' });
      expect(ret('pread')).toMatchObject({ ok: true, data: 'X3' });
      // truncate unmapped the present pages of index 5 and 6 and left file ptes naming them
      expect(page(trace, 'after_truncate', 1)).toMatchObject({ st: 'file', pgoff: 5 });
      expect(page(trace, 'after_truncate', 2)).toMatchObject({ st: 'file', pgoff: 6 });
      expect(page(trace, 'after_truncate', 0)).toMatchObject({ st: 'present', data: 'X3' });
      expect(ret('read', 1)).toEqual({ ok: false, signal: 'SIGBUS', si_code: 'BUS_ADRERR' });
      // reclaim: try_to_unmap_cluster left a file pte naming pgoff 3, and the fault finds the page again
      expect(page(trace, 'after_reclaim', 0)).toMatchObject({ st: 'file', pgoff: 3 });
      expect(ret('read', 2)).toMatchObject({ ok: true, data: 'X3' });
    });

    test(`${spec.id}: pgoff against PTE_FILE_MAX_BITS`, () => {
      const m = new Machine({ spec });
      const p = m.spawn('p');
      const inode = create_file(m, 'F', 'tmpfs', 1, 'F');
      const max = m.variant.constants.PTE_FILE_MAX_BITS!;
      const W = m.variant.constants.wordBits;
      const big = 2 ** Math.min(max + 1, 50);
      do_truncate(m, inode, 0);
      inode.size = big * m.variant.constants.PAGE_SIZE; // a sparse file: only i_size grows
      do_mmap(m, p.mm, { start: 0x100, pages: 2, prot: { read: true, write: true, exec: false }, shared: true, inode, pgoff: 0 });
      const remap = (pgoff: bigint) => sys_remap_file_pages(m, p.mm, { start: 0x100, pages: 1, prot: 0, pgoff, flags: 0x10000 });
      if (max < W) {
        expect(() => remap(BigInt(2 ** max - 1))).toThrow(SyscallError);
        expect(() => remap(BigInt(2 ** max - 2))).not.toThrow();
      } else {
        expect(() => remap(BigInt(2 ** 31))).not.toThrow();
      }
      expect(checkInvariants(m)).toEqual([]);
      // the pte really holds the offset the kernel encodes: decoding gives what a fault would use
      const slot = p.mm.pgtable.walk(0x100, false);
      expect(m.variant.fast.pte_file(p.mm.pgtable.hi(slot), p.mm.pgtable.lo(slot))).toBe(true);
    });
  }

  test('x86_64 keeps only 34 pgoff bits: a fault on a pgoff of 2^34 + 1 maps file page 1 (the kernel bug)', () => {
    const spec = OLD.find((s) => s.id === 'x86_64')!;
    const m = new Machine({ spec });
    const p = m.spawn('p');
    const inode = create_file(m, 'F', 'tmpfs', 4, 'F');
    inode.size = (2 ** 35) * m.variant.constants.PAGE_SIZE;
    do_mmap(m, p.mm, { start: 0x100, pages: 2, prot: { read: true, write: true, exec: false }, shared: true, inode, pgoff: 0 });
    sys_remap_file_pages(m, p.mm, { start: 0x100, pages: 1, prot: 0, pgoff: 2n ** 34n + 1n, flags: 0x10000 });
    expect(access(m, p.mm, 0x100, false)).toMatchObject({ ok: true, tag: 'F1' });
  });
});

describe('the emulation (6.18, and 2.6.21 with CONFIG_NONLINEAR=n)', () => {
  const emulated = [...NEW.map((spec) => ({ spec, config: DEFAULT_CONFIG })), ...OLD.map((spec) => ({ spec, config: { ...DEFAULT_CONFIG, NONLINEAR: false } }))];
  for (const { spec, config } of emulated) {
    test(`${spec.id}@${spec.era}${config.NONLINEAR ? '' : ' NONLINEAR=n'}: VMAs split, no file ptes`, () => {
      const trace = runScript(script, { spec, config });
      const obs = trace.steps.find((s) => s.args['why'] === 'file_pte_installed')!.obs['SH']!;
      expect(obs.pages.map((p) => p.st)).not.toContain('file');
      // pages 1 and 2 now map file pages 5 and 6: one VMA again (vma_merge)
      expect(obs.vmas.map((v) => `${v.from}-${v.to}@${v.pgoff}`)).toEqual(['0-1@3', '1-3@5', '3-4@3']);
      expect(trace.steps.filter((s) => s.op === 'read')[1]!.ret).toEqual({ ok: false, signal: 'SIGBUS', si_code: 'BUS_ADRERR' });
      // reclaim just unmaps (the VMA is linear again at [0-1 off=3]); the fault reads it back from swap
      expect(page(trace, 'after_reclaim', 0)).toMatchObject({ st: 'none' });
      expect(trace.steps.filter((s) => s.op === 'read')[2]!.ret).toMatchObject({ ok: true, data: 'X3' });
    });
  }
});
