/**
 * `mmsim explore RACE` and `mmsim replay RACE SCHEDULE`: the failing
 * schedule per policy with its replay line, the step-by-step replay, JSON,
 * and one-line errors for bad input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { run, runJson } from './helpers.js';

describe('mmsim explore', () => {
  test('every policy of a race: the old rule fails with a schedule, the fixed one is clean', async () => {
    const r = await run(['explore', 'cow-gup-vmsplice']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("✗ mapcount: data leak: the child's read-only pin must keep reading what its memory held: pin P reads S2, not S1");
    expect(r.stdout).toContain('mmsim replay cow-gup-vmsplice 0*2,1*3 --policy mapcount --arch x86_64 --kernel 6.18');
    // the minimal failing schedule's trace and the state at the failing step, printed with it
    expect(r.stdout).toContain('      2  T1  parent: write M 0 S2');
    expect(r.stdout).toMatch(/ {4}state at the failing step:\n {6}parent M\[0\] pte 0x[0-9a-f]{16}: present pfn 0x[0-9a-f]+ \(anon, mapcount 1, refcount 2, data S2\)/);
    expect(r.stdout).toMatch(/✓ refcount: no failing schedule \(exhaustive within the bound\)/);
    expect(r.stdout).toMatch(/✓ anon-exclusive: no failing schedule \(exhaustive within the bound\)/);
  });

  test('--json carries the counts and the replay line', async () => {
    const j = await runJson(['explore', 'cow-gup-device', '--policy', 'refcount', '--arch', 'ppc64']) as { results: { policy: string; schedules: number; failure: { schedule: string } | null; replay?: string; trace?: { steps: { where: string }[]; state: string } }[] };
    expect(j.results).toHaveLength(1);
    expect(j.results[0]!.failure?.schedule).toBe('0*5,1,2'); // the parent's COW fault stops at the pte lock twice
    expect(j.results[0]!.replay).toBe('mmsim replay cow-gup-device 0*5,1,2 --policy refcount --arch ppc64 --kernel 6.18');
    expect(j.results[0]!.trace!.steps.map((x) => x.where)).toEqual([
      'parent: write M 0 B',
      'parent: handle_pte_fault: pte lock; is the pte the one the fault read?',
      'parent: do_wp_page: old page held, pte lock dropped; wp_page_copy allocates the copy',
      'parent: wp_page_copy: pte lock; is the pte still the same?',
      'parent: wp_page_copy: the copy installed, pte lock dropped',
      'child: @child exit',
      'device: dev_write P D',
    ]);
    expect(j.results[0]!.trace!.state).toMatch(/^parent M\[0\] pte 0x[0-9a-f]+: present pfn/);
  });

  test('the printed replay line reproduces the failure step by step', async () => {
    const r = await run(['replay', 'cow-gup-vmsplice', '0*2,1*3', '--policy', 'mapcount', '--arch', 'x86_64', '--kernel', '6.18']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('  0  T0  child: @child gup M 0 pin P');
    expect(r.stdout).toContain('  2  T1  parent: write M 0 S2');
    expect(r.stdout).toContain("✗ data leak: the child's read-only pin must keep reading what its memory held: pin P reads S2, not S1");
    // the ptes and pages at the failing step
    expect(r.stdout).toMatch(/state at the failing step:\n {2}parent M\[0\] pte 0x[0-9a-f]{16}: present pfn 0x[0-9a-f]+ \(anon, mapcount 1, refcount 2, data S2\)/);
    const clean = await run(['replay', 'cow-gup-vmsplice', '1*5,0*2', '--policy', 'mapcount']); // the parent's write first: a COW (two pte-lock rounds)
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('✓ every thread finished; every check held');
  });

  test('a race scenario file given by path: the page lock over ->fault, step by step', async () => {
    const file = fileURLToPath(new URL('../../../packages/mm/scenarios/races/fault-invalidate.mmo', import.meta.url));
    const r = await run(['explore', file, '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/✗ truncate_count: stale-file-pte: .* a file page no longer in the page cache/);
    expect(r.stdout).toContain('schedule 0*2,1*4,0 (7 steps, 1 preemptions)');
    expect(r.stdout).toMatch(/✓ page-lock: no failing schedule \(exhaustive within the bound\)/);
    const replay = await run(['replay', file, '0*2,1*4,0', '--policy', 'truncate_count', '--kernel', '2.6.21']);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toMatch(/ 3 {2}T1 {2}\[lock page lock of pfn 0x[0-9a-f]+\] invalidate: invalidate_inode_pages2: lock_page/);
    expect(replay.stdout).toMatch(/parent M\[1\] pte 0x[0-9a-f]+: present pfn 0x[0-9a-f]+ \(NOT in the page cache/);
  });

  test("a race file's replay line names the file as given (a copy of a shipped race is not replaced by it), relative to the working directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim race '));
    const shipped = fileURLToPath(new URL('../../../packages/mm/scenarios/races/cow-gup-vmsplice.mmo', import.meta.url));
    writeFileSync(join(dir, 'cow-gup-vmsplice.mmo'), readFileSync(shipped, 'utf8'));
    const r = await run(['explore', './cow-gup-vmsplice.mmo', '--policy', 'mapcount'], { NO_COLOR: '1' }, dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('mmsim replay ./cow-gup-vmsplice.mmo 0*2,1*3 --policy mapcount --arch x86_64 --kernel 6.18');
    const quoted = await run(['explore', join(dir, 'cow-gup-vmsplice.mmo'), '--policy', 'mapcount']);
    expect(quoted.stdout).toContain(`mmsim replay '${join(dir, 'cow-gup-vmsplice.mmo')}' 0*2,1*3 --policy mapcount`);
    const again = await run(['replay', './cow-gup-vmsplice.mmo', '0*2,1*3', '--policy', 'mapcount'], { NO_COLOR: '1' }, dir);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain("✗ data leak: the child's read-only pin must keep reading what its memory held");
  });

  test('a race scenario file with a bad line: one line naming file, line and column, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-race-'));
    const file = join(dir, 'bad.mmo');
    writeFileSync(file, 'scenario bad two threads\npolicy fault truncate_count sometimes\nthread a\nread M 0\nthread b\nread M 0\n');
    const r = await run(['explore', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`mmsim explore: ${file}:2:29: 'sometimes' is not a fault policy; valid: truncate_count, page-lock\n`);
  });

  test('a scenario whose thread names a region nobody mapped: bad input (one line, exit 2), not a failing schedule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-race-'));
    const file = join(dir, 'noregion.mmo');
    writeFileSync(file, 'scenario noregion x\npolicy fault truncate_count page-lock\nfile F ext4 2 F\nmmap M 2 r-- shared file=F pgoff=0 slot=0\nthread a\nread M 0\nthread b\nread Q 1\n');
    for (const args of [['explore', file], ['replay', file, '1']]) {
      const r = await run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`mmsim ${args[0]}: ${file}:8:6: no region 'Q' (mmap it first)\n`);
    }
  });

  test.each([
    [['explore'], 'mmsim explore: explore needs a RACE (one of: fault-invalidate, fault-truncate, fault-nonlinear-punch, mremap-rmap, cow-gup-vmsplice, cow-gup-device, thp-split-zap, vma-is-anonymous) or a race scenario file'],
    [['explore', 'nope'], "mmsim explore: unknown race 'nope' (valid: fault-invalidate, fault-truncate, fault-nonlinear-punch, mremap-rmap, cow-gup-vmsplice, cow-gup-device, thp-split-zap, vma-is-anonymous, or a path to a race scenario .mmo)"],
    [['explore', 'cow-gup-device', '--policy', 'anon-exclusive', '--kernel', '2.6.21'], "mmsim explore: --policy 'anon-exclusive': not a policy of cow-gup-device in 2.6.21 (valid: mapcount, refcount)"],
    [['explore', 'cow-gup-device', '--bound', '99'], "mmsim explore: --bound: '99' is out of range; valid: 0–64, or none"],
    [['explore', 'cow-gup-device', '--bound', '0x41'], "mmsim explore: --bound: '0x41' is out of range; valid: 0–64, or none"],
    [['explore', 'cow-gup-device', '--bound', '-1'], "mmsim explore: --bound: '-1' is not an unsigned integer (hex 0x…, binary 0b…, octal 0o… or decimal, '_' between digits); valid: 0–64, or none"],
    [['explore', 'cow-gup-device', '--strategy', 'random', '--seed', '0x100000000'], "mmsim explore: --seed: '0x100000000' is out of range; valid: 0–0xffffffff"],
    [['explore', 'cow-gup-device', '--strategy', 'random', '--runs', '0'], "mmsim explore: --runs: '0' is out of range; valid: 1–1000000000"],
    [['explore', 'cow-gup-device', '--max-schedules', '0'], "mmsim explore: --max-schedules: '0' is out of range; valid: 1–0x1fffffffffffff"],
    [['explore', 'cow-gup-device', '--time-limit', '1.5'], "mmsim explore: --time-limit: '1.5' is not an unsigned integer (hex 0x…, binary 0b…, octal 0o… or decimal, '_' between digits); valid: 0–1000000000"],
    [['explore', 'cow-gup-device', '--max-schedules', '5', '--max-schedules', '6'], "mmsim explore: option '--max-schedules' given twice ('5', then '6'); it takes one value"],
    [['explore', '/'], "mmsim explore: race scenario '/': is a directory, not a script file"],
    [['explore', 'cow-gup-device', '--strategy', 'bfs'], "mmsim explore: --strategy 'bfs': expected dfs, random or pct"],
    [['explore', 'thp-split-zap', '--kernel', '2.6.21'], 'mmsim explore: thp-split-zap does not apply to x86_64@2.6.21: its race file names era 6.18 (give --kernel 6.18, or leave --kernel out)'],
    [['explore', 'no/such.mmo'], "mmsim explore: race scenario 'no/such.mmo': no such file"],
    [['replay', 'cow-gup-vmsplice'], 'mmsim replay: replay needs a SCHEDULE (e.g. 0*2,1)'],
    [['replay', 'cow-gup-vmsplice', '0*3'], 'mmsim replay: schedule: step 2 runs thread 0, which has finished (a schedule may stop early: the rest runs in thread order)'],
    [['replay', 'cow-gup-vmsplice', '0,x'], "mmsim replay: schedule: bad step 'x': expected THREAD or THREAD*COUNT (e.g. 0*3,1,0*2)"],
  ])('%j → one line, exit 2', async (args, message) => {
    const r = await run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`${message}\n`);
  });
});

describe('explore caps (issue 9)', () => {
  test('--max-schedules stops every policy before a verdict: a partial result, exit 4, in text and --json', async () => {
    const r = await run(['explore', 'fault-invalidate', '--max-schedules', '0x3']);
    expect(r.status).toBe(4);
    expect(r.stdout).toContain('capped: at most 3 schedules per policy');
    expect(r.stdout).toMatch(/… truncate_count: no failing schedule so far, stopped by --max-schedules before a verdict; bound 0 complete, stopped in bound 1 of 3; 3 schedules, \d+ steps/);
    const j = await runJson(['explore', 'fault-invalidate', '--max-schedules', '3'], 4);
    expect(j).toMatchObject({ complete: false, stoppedBy: 'max-schedules', maxSchedules: 3 });
    for (const x of j.results) expect(x).toMatchObject({ schedules: 3, complete: false, stoppedBy: 'max-schedules', boundCompleted: 0, boundReached: 1, failure: null });
  });

  test('--time-limit 0: each search stops after its first schedule, exit 4', async () => {
    const j = await runJson(['explore', 'fault-invalidate', '--time-limit', '0', '--strategy', 'pct', '--runs', '500'], 4);
    expect(j).toMatchObject({ complete: false, stoppedBy: 'time-limit', timeLimitSeconds: 0 });
    for (const x of j.results) expect(x).toMatchObject({ schedules: 1, complete: false, stoppedBy: 'time-limit' });
  });

  test('a cap the search does not reach changes no verdict: exit 0, complete', async () => {
    const j = await runJson(['explore', 'cow-gup-vmsplice', '--max-schedules', '1000000', '--time-limit', '3600']);
    expect(j.complete).toBe(true);
    expect(j.results.map((x: { policy: string; failure: unknown }) => [x.policy, x.failure !== null])).toEqual([
      ['mapcount', true],
      ['refcount', false],
      ['anon-exclusive', false],
    ]);
  });

  test('a failure where none is expected is exit 1 even when another policy was stopped by the cap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-race-caps-'));
    const file = join(dir, 'wrong.mmo');
    // the edited race claims no policy fails: truncate_count's failure (found in its fifth schedule) contradicts it,
    // while page-lock's search is stopped by the cap
    const text = readFileSync(fileURLToPath(new URL('../../../packages/mm/scenarios/races/fault-invalidate.mmo', import.meta.url)), 'utf8').replace(/^fails truncate_count\n/m, '');
    writeFileSync(file, text);
    const found = await run(['explore', file, '--max-schedules', '10']);
    expect(found.stdout).toMatch(/✗ truncate_count/);
    expect(found.stdout).toMatch(/… page-lock: no failing schedule so far, stopped by --max-schedules before a verdict/);
    expect(found.status).toBe(1);
  });

  test('a race whose setup needs more frames than the race machine has (tmpfs: ENOSPC): bad input, one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-race-oom-'));
    const file = join(dir, 'oom.mmo');
    const preads = Array.from({ length: 70 }, (_, i) => `pread F ${i}`).join('\n');
    writeFileSync(file, `scenario oom x\npolicy fault truncate_count page-lock\nfile F tmpfs 70 F\nmmap M 70 r-- shared file=F pgoff=0 slot=0\n${preads}\nthread a\nread M 0\nthread b\nread M 1\n`);
    for (const args of [['explore', file], ['replay', file, '0']]) {
      const r = await run(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      // explore runs on the race's own era (2.6.21: the oldest with both policies), replay on its default
      expect(r.stderr).toMatch(/oom\.mmo:3: the setup op 'file' failed on x86_64@(2\.6\.21|6\.18): ENOSPC/);
    }
  });

  test('an ext4 file larger than the race machine: clean cache pages are reclaimed as the kernel does, and the search runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmsim-race-ext4-'));
    const file = join(dir, 'big.mmo');
    const preads = Array.from({ length: 70 }, (_, i) => `pread F ${i}`).join('\n');
    writeFileSync(file, `scenario big x\npolicy fault truncate_count page-lock\nfile F ext4 70 F\nmmap M 70 r-- shared file=F pgoff=0 slot=0\n${preads}\nthread a\nread M 0\nthread b\nread M 1\n`);
    const r = await run(['explore', file, '--policy', 'page-lock']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/✓ page-lock: no failing schedule/);
    expect(r.status).toBe(0);
  });
});
