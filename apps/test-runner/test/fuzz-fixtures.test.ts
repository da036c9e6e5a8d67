/**
 * The regression fixtures the fuzz campaigns wrote
 * (packages/mm/test/fixtures/fuzz/NAME.mmo, the shrunk script, and
 * NAME.json, its recording on Linux 6.18 x86_64): each replays on the
 * simulator's x86_64 6.18 profile step-identical to the recording (the
 * comparison `mmsim check` makes, @mmsim/recorder compareSteps), or equal
 * to one of the model's timing alternatives. No host needed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { x86_64_618 } from '@mmsim/arch-x86';
import { parseMmo, timedRuns } from '@mmsim/mm/script';
import { compareSteps, type Recording } from '@mmsim/recorder';
import { describe, expect, test } from 'vitest';

const DIR = fileURLToPath(new URL('../../../packages/mm/test/fixtures/fuzz', import.meta.url));
const names = readdirSync(DIR).filter((f) => f.endsWith('.mmo')).map((f) => f.slice(0, -4)).sort();

describe('fuzz fixtures replay identically (x86_64, 6.18)', () => {
  test('there are fixtures', () => expect(names.length).toBeGreaterThan(0));
  for (const name of names) {
    const text = readFileSync(join(DIR, `${name}.mmo`), 'utf8');
    const why = text.split('\n').find((l) => l.startsWith('# fixed:'))?.slice(2) ?? '';
    test(`${name}: ${why}`, () => {
      const rec = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Recording;
      let last: readonly number[] = [];
      for (const run of timedRuns(parseMmo(text, `${name}.mmo`), { spec: x86_64_618 }, `${name}.mmo`)) {
        const c = compareSteps(rec.steps, run.trace.steps as never);
        if (c.identical) return;
        if (last.length === 0) last = c.differing;
      }
      expect(last, 'steps that differ from the recording').toEqual([]);
    });
  }
});
