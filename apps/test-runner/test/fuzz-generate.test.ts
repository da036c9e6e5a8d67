/**
 * The random-script generator (src/fuzz/generate.ts), with no host: every
 * script it makes is valid `.mmo` that the simulator runs to the end (a
 * script error would be the generator's bug, and the campaign would count
 * it `invalid`), a seed gives the same scripts every time, the ops the
 * issue lists all occur, and the fuzz command refuses bad input with one
 * line and exit 2.
 */
import { x86_64_618 } from '@mmsim/arch-x86';
import { parseMmo, runScript } from '@mmsim/mm/script';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli.js';
import { EXCLUSIONS, materialize, MAX_OPS, MIN_OPS, scriptChoicesArb, scriptsFor } from '../src/fuzz/generate.js';

describe('the random-script generator', () => {
  test('every script parses and runs to its end on the simulator (x86_64, 6.18)', () => {
    fc.assert(
      fc.property(scriptChoicesArb, (choices) => {
        const { text, lines } = materialize(choices, 'prop');
        expect(lines.length).toBeGreaterThanOrEqual(MIN_OPS);
        expect(lines.length).toBeLessThanOrEqual(MAX_OPS + 1); // + the closing `@child exit`
        const trace = runScript(parseMmo(text, 'prop.mmo'), { spec: x86_64_618 });
        expect(trace.steps.length).toBe(lines.length);
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  test('a seed gives the same scripts', () => {
    const a = scriptsFor(7, 5).map((c) => materialize(c).text);
    const b = scriptsFor(7, 5).map((c) => materialize(c).text);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(5);
  });

  test('the ops of issue 12 all occur in 300 scripts', () => {
    const kinds = new Set<string>();
    for (const c of scriptsFor(1, 300)) for (const l of materialize(c).lines) kinds.add(l.kind);
    const want = [
      'mmap anon', 'mmap shmem shared', 'mmap file shared', 'mmap file', 'mmap anon thp', 'fork', '@child exit', 'file',
      'mremap grow', 'mremap shrink', 'mremap maymove', 'mremap dontunmap', 'mremap_part', 'mremap_part fixed', 'mremap_part fixed,dontunmap',
      'mprotect', 'munmap', 'ftruncate', 'punch', 'pread', 'pwrite', 'swapon', 'swapoff', 'madvise PAGEOUT', 'remap_file_pages',
      'madvise HUGEPAGE', 'madvise COLLAPSE', 'madvise GUARD_INSTALL', 'madvise DONTFORK', 'madvise WIPEONFORK', 'madvise POPULATE_WRITE',
    ];
    expect(want.filter((k) => !kinds.has(k))).toEqual([]);
  });

  test('each exclusion is named with its reason', () => {
    for (const e of EXCLUSIONS) expect(e.why.length).toBeGreaterThan(20);
  });
});

describe('mmsim-test fuzz: bad input', () => {
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const status = await main(['node', 'mmsim-test', ...args], { io: { out: (t) => void (out += t), err: (t) => void (err += t) } });
    return { status, out, err };
  };
  test('without --host, a bad --count or --seed: one line, exit 2', async () => {
    for (const args of [['fuzz'], ['fuzz', '--host', '--count', '0'], ['fuzz', '--host', '--count', 'lots'], ['fuzz', '--host', '--seed', '0x100000000'], ['fuzz', '--host', '--time-limit', '0']]) {
      const r = await run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.out).toBe('');
    }
  });
});
