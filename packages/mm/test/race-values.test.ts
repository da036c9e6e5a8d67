/**
 * Races you can see: every seed race's trace shows, at the steps that
 * decide it, the values the kernel path read (model/step-values.ts) — and
 * a replay may be given a prefix of a schedule, the rest running in thread
 * order. The values are recorded only while the explorer drives the
 * machine; the sequential simulator records none.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { exploreDfs, findRace, replay, RACES } from '../src/index.js';
import { formatValues, MAX_STEP_VALUES, StepValues, V_MM, V_RMAP_VMA, V_TRUNCATE_NOW } from '../src/model/step-values.js';
import { Machine } from '../src/model/machine.js';
import { noteValue } from '../src/model/step-values.js';
import { vaddr } from '../src/model/vaddr.js';

const x86_64 = (era: '2.6.21' | '6.18') => X86.find((s) => s.id === 'x86_64' && s.era === era)!;

/** The values a race's failing (or, for a race that never fails, a whole serial) trace shows, by name. */
function valuesSeen(name: string, era: '2.6.21' | '6.18', policy: string): Map<string, string[]> {
  const race = findRace(name)!;
  const program = race.make(x86_64(era), policy);
  const found = exploreDfs(program, { bound: race.bound });
  const r = found.failure ? replay(race.make(x86_64(era), policy), found.failure.schedule) : replay(program, '0', { rest: true });
  const seen = new Map<string, string[]>();
  for (const s of r.steps) for (const [k, v] of Object.entries(s.values ?? {})) seen.set(k, [...(seen.get(k) ?? []), String(v)]);
  return seen;
}

describe('the values that decide each seed race', () => {
  const cases: [string, '2.6.21' | '6.18', string, string[]][] = [
    ['fault-invalidate', '2.6.21', 'truncate_count', ['truncate_count sampled', 'truncate_count now', 'i_size (pages)']],
    ['fault-invalidate', '6.18', 'page-lock', ['still in the page cache', 'i_size (pages)']],
    ['fault-truncate', '2.6.21', 'truncate_count', ['truncate_count sampled', 'truncate_count now', 'i_size (pages)']],
    ['fault-nonlinear-punch', '2.6.21', 'truncate_count', ['page->mapping set', 'i_size (pages)', 'truncate_count now']],
    ['mremap-rmap', '6.18', 'merge-order', ['rmap walk VMA', 'pte is a migration entry', 'moved from', 'moved to']],
    ['cow-gup-vmsplice', '6.18', 'mapcount', ['mapcount', 'refcount', 'reuse']],
    ['cow-gup-device', '6.18', 'refcount', ['mapcount', 'refcount', 'reuse']],
    ['thp-split-zap', '6.18', 'no-TTU_SYNC', ['pte none', 'folio mapcount']],
    ['vma-is-anonymous', '6.18', 'vm_ops-null', ['vma_is_anonymous', 'mmap_lock held']],
  ];
  test('every seed race has a case here', () => {
    expect(new Set(cases.map((c) => c[0]))).toEqual(new Set(RACES.map((r) => r.name)));
  });
  for (const [name, era, policy, names] of cases) {
    test(`${name} under ${policy} (${era}): ${names.join(', ')}`, () => {
      const seen = valuesSeen(name, era, policy);
      for (const n of names) expect(seen.has(n), `${n} in ${[...seen.keys()].join(', ')}`).toBe(true);
    }, 60_000);
  }

  test('fault-invalidate: the re-check reads the count it sampled, unchanged — invalidate never bumped it', () => {
    const seen = valuesSeen('fault-invalidate', '2.6.21', 'truncate_count');
    expect(seen.get('truncate_count now')).toEqual(['0']);
    expect(seen.get('truncate_count sampled')).toEqual(['0', '0']);
  });

  test('mremap-rmap: the walk lists each VMA with its mm, in chain order, as addresses', () => {
    const walk = valuesSeen('mremap-rmap', '6.18', 'merge-order').get('rmap walk VMA')![0]!;
    expect(walk).toMatch(/^mm #1 0x[0-9a-f]+000, mm #1 0x[0-9a-f]+000/);
    expect(walk).toContain('mm #2');
  });

  test('cow-gup-vmsplice under mapcount: the parent reuses the page the child pinned because its mapcount is 1', () => {
    const seen = valuesSeen('cow-gup-vmsplice', '6.18', 'mapcount');
    const at = seen.get('reuse')!.indexOf('yes');
    expect(at).toBeGreaterThanOrEqual(0);
    expect(seen.get('mapcount')).toContain('1');
  });
});

describe('addresses, not page numbers', () => {
  test('vaddr: the page number times the page size, exact past 2^53', () => {
    const m = new Machine({ spec: x86_64('6.18') });
    expect(vaddr(m, 0x200000001)).toBe('0x200000001000');
    expect(vaddr(m, 2 ** 52 - 1)).toBe('0xfffffffffffff000');
  });

  test('vma-is-anonymous: the VM_BUG_ON names the partial unmap by address', () => {
    const race = findRace('vma-is-anonymous')!;
    const r = exploreDfs(race.make(x86_64('6.18'), 'vm_ops-null'), { bound: race.bound });
    expect(r.failure!.message).toContain('for a partial unmap of [0x200000001000, 0x200000400000)');
  });
});

describe('the recorder', () => {
  test('nothing is recorded unless the explorer drives the machine', () => {
    const m = new Machine({ spec: x86_64('6.18') });
    noteValue(m, V_TRUNCATE_NOW, 3);
    expect(m.sched.values.n).toBe(0);
    m.sched.on = true;
    noteValue(m, V_TRUNCATE_NOW, 3);
    expect(m.sched.values.n).toBe(1);
  });

  test('a step keeps at most MAX_STEP_VALUES; an mm prefixes the VMA after it; addresses use the page size', () => {
    const v = new StepValues();
    for (let i = 0; i < MAX_STEP_VALUES + 4; i++) v.note(i % 2 ? V_RMAP_VMA : V_MM, i);
    expect(v.n).toBe(MAX_STEP_VALUES);
    const text = formatValues(v.kinds, v.vals, v.n, 4096);
    expect(text['rmap walk VMA']).toMatch(/^mm #0 0x1000, mm #2 0x3000,/);
  });
});

describe('replay of a prefix', () => {
  test('the rest runs in thread order to the end, and says which steps were given', () => {
    const race = findRace('fault-invalidate')!;
    const r = replay(race.make(x86_64('2.6.21'), 'truncate_count'), '0*2,1', { rest: true });
    expect(r.given).toBe(3);
    expect(r.steps.slice(0, 3).every((s) => !s.rest)).toBe(true);
    expect(r.steps.slice(3).every((s) => s.rest)).toBe(true);
    expect(r.finished).toBe(true);
    expect(r.schedule.startsWith('0*2,1,')).toBe(true);
    // the same schedule, given whole, replays the same
    expect(replay(race.make(x86_64('2.6.21'), 'truncate_count'), r.schedule).steps.map((s) => s.where)).toEqual(r.steps.map((s) => s.where));
  });

  test('without rest the replay stops where the schedule does', () => {
    const race = findRace('fault-invalidate')!;
    const r = replay(race.make(x86_64('2.6.21'), 'truncate_count'), '0*2,1');
    expect(r.steps).toHaveLength(3);
    expect(r.finished).toBe(false);
  });

  test('states: the state after every step, for a picture', () => {
    const race = findRace('fault-invalidate')!;
    const r = replay(race.make(x86_64('2.6.21'), 'truncate_count'), '0*2,1*4,0', { states: true });
    expect(r.failure).not.toBeNull();
    expect(r.steps.every((s) => typeof s.state === 'string')).toBe(true);
    expect(r.steps.at(-1)!.state).toContain('NOT in the page cache');
  });
});
