/**
 * Built on demand: the C sources shipped in csrc/ compiled with the system
 * compiler into the cache folder, once per version of the sources. Needs
 * Linux and a C compiler (not root); elsewhere a skip with the reason.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cacheDir, hostProblem, recorderBinary, RecorderUnavailable } from '../src/index.js';

const PROBLEM = hostProblem();
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempCache = () => {
  const d = mkdtempSync(join(tmpdir(), 'mmsim-rec-cache-'));
  made.push(d);
  return d;
};
const buildTest = PROBLEM ? (name: string, _fn: () => unknown) => test.skip(`${name} — skipped: ${PROBLEM}`, () => {}) : (name: string, fn: () => unknown) => test(name, fn, 120_000);

describe('the recorder binary', () => {
  buildTest('built into an empty cache folder on first use, reused after', () => {
    const cache = tempCache();
    const env = { ...process.env, MMSIM_RECORDER_CACHE: cache };
    const bin = recorderBinary(env);
    expect(bin.startsWith(cache)).toBe(true);
    expect(readdirSync(cache)).toEqual([bin.slice(cache.length + 1)]);
    const built = statSync(bin).mtimeMs;
    expect(recorderBinary(env)).toBe(bin);
    expect(statSync(bin).mtimeMs).toBe(built);
    // it knows its vocabulary
    const list = spawnSync(bin, ['--list'], { encoding: 'utf8' }).stdout;
    expect(list).toMatch(/^run\tmmap$/m);
    expect(list).toMatch(/^refused\tgup\t/m);
  });

  buildTest('no compiler: one line saying so', () => {
    const env = { ...process.env, CC: '', PATH: '/nonexistent', MMSIM_RECORDER_CACHE: tempCache() };
    expect(() => recorderBinary(env)).toThrow(RecorderUnavailable);
    expect(() => recorderBinary(env)).toThrow(/^no C compiler found \(tried \$CC, cc, gcc\): the recorder is built from source on first use$/);
  });

  test('the cache folder: $MMSIM_RECORDER_CACHE, else $XDG_CACHE_HOME/mmsim-recorder, else ~/.cache/mmsim-recorder', () => {
    expect(cacheDir({ MMSIM_RECORDER_CACHE: '/x' })).toBe('/x');
    expect(cacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/mmsim-recorder');
    expect(cacheDir({})).toMatch(/\.cache\/mmsim-recorder$/);
  });
});
