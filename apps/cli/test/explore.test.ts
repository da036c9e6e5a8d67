/**
 * `mmsim explore RACE` and `mmsim replay RACE SCHEDULE`: the failing
 * schedule per policy with its replay line, the step-by-step replay, JSON,
 * and one-line errors for bad input.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { requireBuilt, run, runJson } from './helpers.js';

beforeAll(requireBuilt);

describe('mmsim explore', () => {
  test('every policy of a race: the old rule fails with a schedule, the fixed one is clean', () => {
    const r = run(['explore', 'cow-gup-vmsplice']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("✗ mapcount: data leak: the child's read-only pin reads S2");
    expect(r.stdout).toContain('mmsim replay cow-gup-vmsplice 0*2,1 --policy mapcount --arch x86_64 --kernel 6.18');
    expect(r.stdout).toMatch(/✓ refcount: no failing schedule \(exhaustive within the bound\)/);
    expect(r.stdout).toMatch(/✓ anon-exclusive: no failing schedule \(exhaustive within the bound\)/);
  });

  test('--json carries the counts and the replay line', () => {
    const j = runJson(['explore', 'cow-gup-device', '--policy', 'refcount', '--arch', 'ppc64']) as { results: { policy: string; schedules: number; failure: { schedule: string } | null; replay?: string }[] };
    expect(j.results).toHaveLength(1);
    expect(j.results[0]!.failure?.schedule).toBe('0,1,2');
    expect(j.results[0]!.replay).toBe('mmsim replay cow-gup-device 0,1,2 --policy refcount --arch ppc64 --kernel 6.18');
  });

  test('the printed replay line reproduces the failure step by step', () => {
    const r = run(['replay', 'cow-gup-vmsplice', '0*2,1', '--policy', 'mapcount', '--arch', 'x86_64', '--kernel', '6.18']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('  0  T0  child: vmsplice: pin_user_pages(0x1000, read-only)');
    expect(r.stdout).toContain('  2  T1  parent: write 0x1000 = S2');
    expect(r.stdout).toContain("✗ data leak: the child's read-only pin reads S2");
    const clean = run(['replay', 'cow-gup-vmsplice', '1,0*2', '--policy', 'mapcount']);
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('✓ every thread finished; every check held');
  });

  test.each([
    [['explore'], 'mmsim explore: explore needs a RACE (one of: fault-invalidate, fault-truncate, mremap-rmap, cow-gup-vmsplice, cow-gup-device, thp-split-zap)'],
    [['explore', 'nope'], "mmsim explore: unknown race 'nope' (valid: fault-invalidate, fault-truncate, mremap-rmap, cow-gup-vmsplice, cow-gup-device, thp-split-zap)"],
    [['explore', 'cow-gup-device', '--policy', 'anon-exclusive', '--kernel', '2.6.21'], 'mmsim explore: --policy anon-exclusive: not a policy of cow-gup-device in 2.6.21 (valid: mapcount, refcount)'],
    [['explore', 'cow-gup-device', '--bound', '99'], 'mmsim explore: --bound 99: expected an integer from 0 to 64'],
    [['explore', 'cow-gup-device', '--strategy', 'bfs'], 'mmsim explore: --strategy bfs: expected dfs, random or pct'],
    [['explore', 'thp-split-zap', '--kernel', '2.6.21'], 'mmsim explore: thp-split-zap does not apply to 2.6.21: it needs what that era lacks (try --kernel 6.18)'],
    [['replay', 'cow-gup-vmsplice'], 'mmsim replay: replay needs a SCHEDULE (e.g. 0*2,1)'],
    [['replay', 'cow-gup-vmsplice', '0*3'], 'mmsim replay: schedule: step 2 runs thread 0, which has finished'],
    [['replay', 'cow-gup-vmsplice', '0,x'], "mmsim replay: schedule: bad step 'x': expected THREAD or THREAD*COUNT (e.g. 0*3,1,0*2)"],
  ])('%j → one line, exit 2', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${message}\n`);
  });
});
