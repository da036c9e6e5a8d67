/**
 * Race scenario files as input: every directive's bad value is a one-line
 * error naming file, line and column; a script error inside a thread or a
 * setup op that fails is the scenario's fault, not a failing schedule — the
 * searches pass it through as a ProgramError instead of reporting it.
 */
import { x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exploreDfs, MmoSyntaxError, replay } from '../src/index.js';
import { parseRaceFile, RACE_DIR, raceProgram } from '../src/races/index.js';
import { ProgramError } from '../src/explore/index.js';

const HEAD = 'scenario demo two readers\npolicy fault truncate_count page-lock\nfile F ext4 2 F\nmmap M 2 r-- shared file=F pgoff=0 slot=0\n';

describe('race scenario files', () => {
  test.each([
    ['scenario x\npolicy fault sometimes\nthread a\nread M 0\nthread b\nread M 0\n', "race.mmo:2:14: 'sometimes' is not a fault policy; valid: truncate_count, page-lock"],
    ['scenario x\npolicy speed fast\n', "race.mmo:2:8: policy kind 'speed' is not a known kind; valid: cow, fault, mremap, split, anon"],
    ['scenario x\npolicy fault page-lock\nfails truncate_count\n', "race.mmo:3:7: fails names 'truncate_count', which the policy line does not list; valid: page-lock"],
    ['scenario x\npolicy fault page-lock\nbound three\n', "race.mmo:3:7: bound 'three' is not a whole number"],
    ['scenario x\npolicy fault page-lock\nera 2.6.22\n', "race.mmo:3:5: era '2.6.22' is not a known era; valid: 2.6.21, 6.18"],
    ['scenario x\npolicy fault page-lock\nneeds numa\n', "race.mmo:3:7: needs 'numa' is not a known need; valid: thp"],
    ['scenario x\npolicy fault page-lock\nthread a\nread M 0\n', 'race.mmo:1:1: a race scenario needs at least 2 threads, x has 1'],
    ['policy fault page-lock\nthread a\nread M 0\nthread b\nread M 0\n', "race.mmo:1:1: a race scenario needs a 'scenario NAME summary' line"],
    [`${HEAD}thread a\nread M 0\nthread b\nfrob M 0\n`, "race.mmo:8:1: unknown op 'frob'"],
  ])('%j → %s', (text, message) => {
    expect(() => parseRaceFile(text)).toThrow(MmoSyntaxError);
    expect(() => parseRaceFile(text)).toThrow(message);
  });

  test('a thread naming a region nobody mapped: a ProgramError out of the search, not a failing schedule', () => {
    const race = parseRaceFile(`${HEAD}thread a\nread M 0\nthread b\nread Q 1\n`, 'demo.mmo');
    expect(() => exploreDfs(raceProgram(race, x86_64_618, 'page-lock'), { bound: 2 })).toThrow(new ProgramError("demo.mmo:8:6: no region 'Q' (mmap it first)"));
    expect(() => replay(raceProgram(race, x86_64_618, 'page-lock'), '1')).toThrow(ProgramError);
  });

  test('a setup op that fails names its line, the errno and the variant', () => {
    const race = parseRaceFile('scenario demo x\npolicy fault page-lock\nmmap M 0 r-- private,anon slot=0\nthread a\nread M 0\nthread b\nread M 0\n', 'demo.mmo');
    expect(() => exploreDfs(raceProgram(race, x86_64_618, 'page-lock'))).toThrow(/^demo\.mmo:3: the setup op 'mmap' failed on x86_64@6\.18: EINVAL: /);
  });

  test('raceProgram sizes a `needs thp` scenario\'s machine itself: the THP race runs from its file alone', () => {
    const file = join(RACE_DIR, 'thp-split-zap.mmo');
    const race = parseRaceFile(readFileSync(file, 'utf8'), file);
    const r = exploreDfs(raceProgram(race, x86_64_618, 'no-TTU_SYNC'), { bound: race.bound });
    expect(r.failure?.message).toMatch(/^VM_BUG_ON_FOLIO\(folio_mapped\(folio\)\)/);
  });

  test('an errno inside a thread is that op\'s result: the threads go on', () => {
    const race = parseRaceFile(`${HEAD}thread a\nmunmap M 0 2\nthread b\nmprotect M 0 2 rw-\n`, 'demo.mmo');
    const r = exploreDfs(raceProgram(race, x86_64_618, 'page-lock'), { bound: 2 });
    expect(r.failure).toBeNull();
    expect(r.exhaustive).toBe(true);
  });
});
