/**
 * The 2018 vma_is_anonymous() race (scenarios/races/vma-is-anonymous.mmo):
 * a MAP_PRIVATE mapping of a special device without ->fault (kcov), a
 * write, and a truncate of the device without mmap_lock. With vm_ops NULL
 * the VMA counts as anonymous, the write gets a THP and truncate's
 * zap_pmd_range hits its VM_BUG_ON_VMA on the split; with vma_dummy_vm_ops
 * the write SIGBUSes (the zygote regression); after the revert and the
 * VM_BUG_ON's deletion the THP is split and the write stays.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, expect, test } from 'vitest';
import { access, do_madvise, do_mmap, do_truncate } from '../src/kernel/index.js';
import { create_device, defaultPolicies } from '../src/model/index.js';
import { exploreDfs, findRace, Machine, replay } from '../src/index.js';

const race = findRace('vma-is-anonymous')!;
const ALL = [...X86, ...PPC];
const THP = ALL.filter((s) => s.huge !== undefined);

describe('vma_is_anonymous() and a device without ->fault (vma-is-anonymous.mmo)', () => {
  test('the scenario file: the anon policies, two of them fail', () => {
    expect(race.failsUnder).toEqual(['vm_ops-null', 'dummy_vm_ops']);
    expect(race.bound).toBe(3);
    for (const spec of ALL) expect(race.policies(spec)).toEqual(spec.huge ? ['vm_ops-null', 'dummy_vm_ops', 'revert'] : []);
  });

  for (const spec of THP) {
    test(`${spec.id}@${spec.era}: VM_BUG_ON_VMA, SIGBUS, then clean`, () => {
      const bug = exploreDfs(race.make(spec, 'vm_ops-null'), { bound: race.bound });
      expect(bug.failure?.message).toMatch(/^VM_BUG_ON_VMA\(vma_is_anonymous\(vma\) && !rwsem_is_locked\(&tlb->mm->mmap_sem\)\): zap_pmd_range must split the THP/);
      expect(bug.failure!.schedule).toBe('0,1*4');
      const again = replay(race.make(spec, 'vm_ops-null'), bug.failure!.schedule);
      expect(again.failure).toBe(bug.failure!.message);
      // the state at the failing step shows the THP the write fault got, once, in the arch's huge pmd encoding
      expect(again.state).toMatch(/^parent M\[0…\] huge pmd 0x[0-9a-f]+: THP head pfn 0x[0-9a-f]+ \(anon, mapcount 0, refcount 1, data W\)$/m);
      expect(again.steps.map((s) => `${s.thread} ${s.where}`)).toEqual([
        '0 fault: write M 0 W',
        '1 truncate: ftruncate K 1p',
        '1 truncate: truncate: i_size_write',
        '1 truncate: unmap_mapping_range: i_mmap lock; truncate_count++',
        '1 truncate: zap_pte_range: pte lock; the file ptes cleared',
      ]);

      const sigbus = exploreDfs(race.make(spec, 'dummy_vm_ops'), { bound: race.bound });
      expect(sigbus.failure?.message).toBe('the private write lands in the mapping and stays there: parent reads SIGBUS at M page 0, not W');
      expect(replay(race.make(spec, 'dummy_vm_ops'), sigbus.failure!.schedule).failure).toBe(sigbus.failure!.message);

      const t0 = performance.now();
      const fixed = exploreDfs(race.make(spec, 'revert'), { bound: race.bound });
      expect(fixed.failure).toBeNull();
      expect(fixed.exhaustive).toBe(true);
      expect(fixed.schedules).toBeGreaterThan(5);
      expect(performance.now() - t0).toBeLessThan(10_000);
    });
  }

  test('6.18 by default is dummy_vm_ops (re-landed in 4.19): a private device mapping SIGBUSes; 2.6.21 maps anonymous memory', () => {
    expect(defaultPolicies('6.18').anon).toBe('dummy_vm_ops');
    expect(defaultPolicies('2.6.21').anon).toBe('vm_ops-null');
    for (const spec of ALL) {
      const m = new Machine({ spec, frames: 4096 });
      const p = m.spawn('p');
      const K = create_device(m, 'K', 16);
      do_mmap(m, p.mm, { inode: K, pgoff: 0, start: 0x400, pages: 16, prot: { read: true, write: true, exec: false }, shared: false });
      const w = access(m, p.mm, 0x400, true, m.tags.intern('W'));
      if (spec.era === '6.18') expect(w).toMatchObject({ ok: false, signal: 'SIGBUS' });
      else expect(access(m, p.mm, 0x400, false)).toMatchObject({ ok: true, tag: 'W' });
    }
  });

  test("'revert': truncate splits the device mapping's THP and keeps what the process wrote below the cut", () => {
    for (const spec of THP) {
      const m = new Machine({ spec, frames: 4096, policies: { anon: 'revert' } });
      const nr = 2 ** m.variant.constants.HPAGE_PMD_ORDER!;
      const p = m.spawn('p');
      const K = create_device(m, 'K', nr);
      const A = 4 * nr;
      do_mmap(m, p.mm, { inode: K, pgoff: 0, start: A, pages: nr, prot: { read: true, write: true, exec: false }, shared: false });
      do_madvise(m, p.mm, A, nr, 'HUGEPAGE');
      access(m, p.mm, A, true, m.tags.intern('W0'));
      access(m, p.mm, A + 2, true, m.tags.intern('W2'));
      expect(p.mm.pgtable.huge.size).toBe(1);
      do_truncate(m, K, 2 * m.variant.constants.PAGE_SIZE);
      expect(p.mm.pgtable.huge.size).toBe(0);
      expect(access(m, p.mm, A, false)).toMatchObject({ ok: true, tag: 'W0' });
      // beyond the cut the private copy went with the truncate (even_cows); the VMA is anonymous: a fresh zero page
      expect(access(m, p.mm, A + 2, false)).toMatchObject({ ok: true, tag: '0' });
    }
  });
});
