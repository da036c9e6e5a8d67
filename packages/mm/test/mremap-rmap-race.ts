/**
 * The checks of the mremap-vs-rmap_walk race file (scenarios/races/mremap-rmap.mmo)
 * on one variant, shared by the x86 and powerpc test files (two files, so
 * vitest runs them side by side).
 */
import type { VariantSpec } from '@mmsim/core';
import { expect } from 'vitest';
import { exploreDfs, findRace, replay } from '../src/index.js';

export const LEFT_BEHIND =
  /^migration-entry: pid 1: the pte at 0x[0-9a-f]+ is a migration entry for pfn 0x[0-9a-f]+, which is free: the migration finished without restoring it, and a fault there waits in migration_entry_wait for ever$/;

/** the minimal failing schedule: mremap's copy_vma, the child's migration up to the source's pte, the move, the rest of the migration */
export const SCHEDULE = { '2.6.21': '0*4,1*17,0*2,1*7', '6.18': '0*4,1*18,0*2,1*7' } as const;

export function checkRace(spec: VariantSpec): void {
  const race = findRace('mremap-rmap')!;
  expect(race.policies(spec)).toEqual(['merge-order', 'order-tail', 'anon-vma-lock']);
  expect(race.failsUnder).toEqual(['merge-order']);
  expect(race.bound).toBe(3);
  const before = exploreDfs(race.make(spec, 'merge-order'), { bound: race.bound });
  expect(before.failure?.message).toMatch(LEFT_BEHIND);
  expect(before.failure!.preemptions).toBe(2);
  expect(before.failure!.schedule).toBe(SCHEDULE[spec.era]);
  const steps = replay(race.make(spec, 'merge-order'), before.failure!.schedule);
  expect(steps.failure).toBe(before.failure!.message);
  const where = steps.steps.map((s) => s.where);
  // copy_vma put the destination before the source; the walk passed it; the entry moved into it; the page went
  const copy = where.findIndex((w) => /^mremap: copy_vma: the destination is merged into the VMA at 0x[0-9a-f]+, before the source/.test(w));
  const walk = where.findIndex((w) => w.startsWith('migrate: remove_migration_ptes: anon_vma lock'));
  const moved = where.findIndex((w) => /^mremap: move_ptes: .*: migration entry moved/.test(w));
  expect(copy).toBeGreaterThanOrEqual(0);
  expect(walk).toBeGreaterThan(copy);
  expect(moved).toBeGreaterThan(walk);
  expect(where.slice(walk, moved).some((w) => w.includes('remove_migration_ptes: VMA at') && w.includes('read the pte'))).toBe(true);
  expect(where.at(-1)).toMatch(/^migrate: migrate: unlock_page of pfn 0x[0-9a-f]+$/);
  for (const policy of ['order-tail', 'anon-vma-lock']) {
    const after = exploreDfs(race.make(spec, policy), { bound: race.bound });
    expect(after.failure, policy).toBeNull();
    expect(after.exhaustive).toBe(true);
    expect(after.schedules).toBeGreaterThan(1000);
  }
}
