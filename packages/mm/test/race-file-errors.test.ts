/**
 * Hostile race scenario files and script files: repeated or empty
 * directives, bounds the explorer does not take, prototype names as
 * policies, files that are directories, missing or too big — each one
 * MmoSyntaxError (one line, file:line:column), never a TypeError.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MAX_RACE_BOUND, parseRaceFile } from '../src/races/index.js';
import { MAX_SCRIPT_BYTES } from '../src/script/index.js';
import { MmoSyntaxError, raceFromFile, readScriptFile, ScriptFileError } from '../src/index.js';

const HEAD = 'scenario demo a demo\npolicy fault truncate_count page-lock\n';
const THREADS = 'file F ext4 2 F\nmmap M 2 r-- shared file=F pgoff=0 slot=0\nthread a\nread M 0\nthread b\nread M 1\n';

function refusal(text: string): MmoSyntaxError {
  try {
    parseRaceFile(text, 'race.mmo');
  } catch (error) {
    expect(error).toBeInstanceOf(MmoSyntaxError);
    expect((error as Error).message).not.toContain('\n');
    return error as MmoSyntaxError;
  }
  throw new Error('accepted');
}

describe('race file directives', () => {
  test.each(['policy fault page-lock', 'bound 2', 'era 6.18', 'scenario other x', 'needs thp', 'fails page-lock', 'source elsewhere'])('a repeated directive is refused: %s', (line) => {
    const first = line.startsWith('scenario') || line.startsWith('policy') ? '' : `${line}\n`;
    const e = refusal(`${HEAD}${first}${line}\n${THREADS}`);
    expect(e.message).toMatch(new RegExp(`race\\.mmo:\\d+:1: '${line.split(' ')[0]}' is given again \\(first on line \\d+\\); valid: one`));
  });

  test.each(['era', 'bound', 'needs', 'fails', 'source', 'policy'])('an empty directive is refused: %s', (d) => {
    const text = d === 'policy' ? `scenario demo x\npolicy\n${THREADS}` : `${HEAD}${d}\n${THREADS}`;
    expect(refusal(text).message).toMatch(new RegExp(`race\\.mmo:\\d+:1: '${d}' needs a value`));
  });

  test('the bound is within what the explorer accepts', () => {
    expect(parseRaceFile(`${HEAD}bound ${MAX_RACE_BOUND}\n${THREADS}`).bound).toBe(MAX_RACE_BOUND);
    expect(parseRaceFile(`${HEAD}bound 0x3\n${THREADS}`).bound).toBe(3);
    for (const b of ['1000', '65', '-1', 'x', '1.5', '9'.repeat(500)]) {
      const e = refusal(`${HEAD}bound ${b}\n${THREADS}`);
      expect(e.message).toMatch(/race\.mmo:3:7: bound '.*' is not .*; valid: 0 … 64/);
      expect(e.message.length).toBeLessThan(200);
    }
  });

  test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])('policy kind %s is looked up safely and refused with the valid list', (kind) => {
    expect(refusal(`scenario demo x\npolicy ${kind} x\n${THREADS}`).message).toBe(`race.mmo:2:8: policy kind '${kind}' is not a known kind; valid: cow, fault, mremap, split, anon`);
  });

  test('policy values and fails are checked by list, a value named twice refused', () => {
    expect(refusal(`scenario demo x\npolicy fault constructor\n${THREADS}`).message).toMatch(/'constructor' is not a fault policy; valid: truncate_count, page-lock/);
    expect(refusal(`scenario demo x\npolicy fault page-lock page-lock\n${THREADS}`).message).toMatch(/race\.mmo:2:24: policy 'page-lock' is named twice/);
    expect(refusal(`${HEAD}fails toString\n${THREADS}`).message).toMatch(/fails names 'toString'/);
  });

  test('a long token is quoted shortened', () => {
    const e = refusal(`scenario demo x\npolicy ${'k'.repeat(10000)} x\n`);
    expect(e.message).toMatch(/policy kind 'k{40}…'/);
    expect(e.message.length).toBeLessThan(300);
  });
});

describe('reading script and race files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmsim-race-files-'));

  test('a directory, a missing file: ScriptFileError (an MmoSyntaxError), one line', () => {
    for (const [path, why] of [
      [dir, 'is a directory'],
      [join(dir, 'nope.mmo'), 'no such file'],
      [join(dir, 'nope', 'x.mmo'), 'no such file'],
    ] as const) {
      expect(() => readScriptFile(path)).toThrow(ScriptFileError);
      expect(() => readScriptFile(path)).toThrow(why);
      // a race file given as a path: the error comes when it is first read, as an MmoSyntaxError; a missing one keeps its ENOENT code
      if (why === 'no such file') expect(() => raceFromFile(path).summary).toThrow(expect.objectContaining({ code: 'ENOENT' }));
      else expect(() => raceFromFile(path).summary).toThrow(MmoSyntaxError);
    }
  });

  test('a file over the cap is refused before reading; a device is read only up to the cap', () => {
    const big = join(dir, 'big.mmo');
    writeFileSync(big, 'x'.repeat(1000));
    expect(readScriptFile(big, 1000)).toHaveLength(1000);
    expect(() => readScriptFile(big, 999)).toThrow(/is more than 999 bytes/);
    expect(() => readScriptFile('/dev/zero', 4096)).toThrow(/is more than 4096 bytes/);
    expect(MAX_SCRIPT_BYTES).toBe(32 * 1024 * 1024);
  });

  test('a good race file reads through the cap', () => {
    const path = join(dir, 'demo.mmo');
    writeFileSync(path, `${HEAD}bound 2\n${THREADS}`);
    const race = raceFromFile(path);
    expect(race.bound).toBe(2);
    expect(race.summary).toBe('a demo');
  });
});
