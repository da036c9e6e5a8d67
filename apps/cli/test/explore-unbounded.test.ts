/**
 * `mmsim explore` without a bound (issue 14), shards and --merge, the
 * race's own era, --arch all, and random/pct results that never claim a
 * proof (issue 13).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { run, runJson } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mmsim-explore-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Res {
  policy: string;
  bound: number | 'none';
  complete: boolean;
  exhaustive: boolean;
  distinctStates?: number;
  stateKeys?: string[];
  failure: { schedule: string; preemptions: number } | null;
}

describe('--bound none', () => {
  test('the 2007 race on its own era: truncate_count refuted with its minimal schedule, the page lock proven over the whole state space', async () => {
    const j = (await runJson(['explore', 'fault-invalidate', '--bound', 'none'])) as { variant: string; bound: string; complete: boolean; cpuMs: number; results: Res[] };
    expect(j).toMatchObject({ variant: 'x86_64@2.6.21', bound: 'none', complete: true });
    expect(j.cpuMs).toBeGreaterThanOrEqual(0);
    const [bad, good] = j.results;
    expect(bad).toMatchObject({ policy: 'truncate_count', bound: 'none', failure: { schedule: '0*2,1*4,0', preemptions: 1 } });
    expect(good).toMatchObject({ policy: 'page-lock', bound: 'none', complete: true, exhaustive: true, failure: null, keyBits: 64, key: 'trace' });
    expect(good!.distinctStates).toBeGreaterThan(100);
    const text = await run(['explore', 'fault-invalidate', '--bound', 'none']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/✓ page-lock: no failing schedule over the whole state space \(no bound\)/);
    expect(text.stdout).toMatch(/x86_64@2\.6\.21 +page-lock +proven clean +\d+/);
  });

  test('--key declared: the 2×2 scaling race file — truncate_count refuted, the page lock proven; the key named in the result', async () => {
    const file = fileURLToPath(new URL('../../../packages/mm/scenarios/races/scaling/fault-invalidate-2x2.mmo', import.meta.url));
    const j = (await runJson(['explore', file, '--bound', 'none', '--key', 'declared'])) as { key: string; complete: boolean; results: Res[] };
    expect(j).toMatchObject({ key: 'declared', complete: true });
    const [bad, good] = j.results;
    expect(bad).toMatchObject({ policy: 'truncate_count', key: 'declared', complete: true });
    expect(bad!.failure).not.toBeNull();
    expect(good).toMatchObject({ policy: 'page-lock', key: 'declared', complete: true, exhaustive: true, failure: null });
  });

  test('--shard 0/4 … 3/4 then --merge: the verdict and the state count of one run', async () => {
    const args = ['explore', 'fault-truncate', '--policy', 'page-lock', '--bound', 'none'];
    const one = (await runJson([...args, '--kernel', '6.18'])) as { results: Res[] };
    const files: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await run([...args, '--kernel', '6.18', '--shard', `${i}/4`, '--json']);
      expect(r.status).toBe(0);
      const file = join(dir, `shard-${i}.json`);
      writeFileSync(file, r.stdout);
      files.push(file);
      expect((JSON.parse(r.stdout) as { results: Res[] }).results[0]!.stateKeys!.length).toBeGreaterThan(0);
    }
    const merged = (await runJson(['explore', '--merge', ...files])) as { shards: number; complete: boolean; results: Res[] };
    expect(merged).toMatchObject({ shards: 4, complete: true });
    expect(merged.results[0]).toMatchObject({ policy: 'page-lock', failure: null, complete: true, distinctStates: one.results[0]!.distinctStates });
    const text = await run(['explore', '--merge', ...files]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/4 shards merged/);
    // a split with a shard missing, or a file that is not a shard's: one line, exit 2
    const missing = await run(['explore', '--merge', ...files.slice(1)]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('mmsim explore: --merge: shard 0 of 4 missing; valid: every shard 0 … 3 of the split, once\n');
    const twice = await run(['explore', '--merge', files[0]!, ...files]);
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/shard 0\/4 again/);
  });

  test.each([
    [['explore', 'fault-invalidate', '--shard', '4/4', '--bound', 'none'], "mmsim explore: --shard '4/4': shard 4 of 4 is out of range; valid: 0 ≤ I < N ≤ 4096"],
    [['explore', 'fault-invalidate', '--shard', 'x'], "mmsim explore: --shard 'x': expected I/N, shard I of N (e.g. 0/4); valid: 0 ≤ I < N ≤ 4096"],
    [['explore', 'fault-invalidate', '--shard', '0/2'], 'mmsim explore: --shard goes with --bound none (the unbounded dfs)'],
    [['explore', 'fault-invalidate', '--bound', 'none', '--key', 'exact'], "mmsim explore: --key 'exact': expected trace, history or declared"],
    [['explore', 'fault-invalidate', '--bound', 'forever'], "mmsim explore: --bound: 'forever' is not an unsigned integer (hex 0x…, binary 0b…, octal 0o… or decimal, '_' between digits); valid: 0–64, or none"],
    [['explore', '--merge'], 'mmsim explore: --merge needs the shard result files (FILE.json…)'],
    [['explore', '--merge', '/nonexistent/x.json'], "mmsim explore: --merge '/nonexistent/x.json': cannot read it (ENOENT)"],
  ])('%j → one line, exit 2', async (args, message) => {
    const r = await run(args);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.status).toBe(2);
  });
});

describe("the race's own era and arch (issue 13)", () => {
  test('a 2.6.21-only race runs without --kernel; 6.18 is refused with the race file\'s reason, not THP advice', async () => {
    const r = await run(['explore', 'fault-nonlinear-punch']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('on x86_64@2.6.21');
    const refused = await run(['explore', 'fault-nonlinear-punch', '--kernel', '6.18']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe('mmsim explore: fault-nonlinear-punch does not apply to x86_64@6.18: its race file names era 2.6.21 (give --kernel 2.6.21, or leave --kernel out)\n');
  });

  test('a THP race on 2.6.21 is refused for what it needs', async () => {
    const r = await run(['explore', 'thp-split-zap', '--kernel', '2.6.21']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('mmsim explore: thp-split-zap does not apply to x86_64@2.6.21: its race file names era 6.18 (give --kernel 6.18, or leave --kernel out)\n');
  });

  test('--arch all: every variant the race applies to, one summary table', async () => {
    const j = (await runJson(['explore', 'cow-gup-vmsplice', '--arch', 'all', '--kernel', '6.18', '--policy', 'anon-exclusive'])) as { variants: string[]; runs: { variant: string; results: Res[] }[] };
    expect(j.variants.length).toBeGreaterThan(3);
    expect(j.variants).toContain('ppc64@6.18');
    for (const v of j.runs) expect(v.results[0]).toMatchObject({ policy: 'anon-exclusive', failure: null });
    const text = await run(['explore', 'cow-gup-vmsplice', '--arch', 'all', '--kernel', '6.18', '--policy', 'anon-exclusive']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/variant +policy +verdict +states +schedules/);
    expect(text.stdout).toMatch(/ppc64@6\.18 +anon-exclusive +clean within bound/);
  });
});

describe('random and pct never show a ✓', () => {
  test('a buggy policy a search missed: "no failure found in N runs", and it proves nothing', async () => {
    for (const strategy of ['random', 'pct']) {
      const r = await run(['explore', 'mremap-rmap', '--policy', 'merge-order', '--strategy', strategy, '--runs', '2', '--seed', '5']);
      expect(r.stdout).not.toContain('✓');
      expect(r.stdout).toMatch(/· merge-order: no failure found in 2 runs \(the race fails under this policy: this search missed it, and proves nothing\)/);
      expect(r.status).toBe(0);
    }
  });
});
