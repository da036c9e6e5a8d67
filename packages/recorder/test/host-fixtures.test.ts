/**
 * The recorder on this host against the simulator: every `.mmo` script of
 * the host fixtures (packages/mm/test/fixtures/host) and of the outside
 * harness (shared/host-oracle/scripts, where present) recorded here and
 * compared, exactly, with the x86_64 6.18 profile's run — or with one of
 * its timing alternatives (script/alternatives.ts), named in the failure
 * message otherwise. Needs Linux, root and a C compiler; elsewhere each is
 * a skip with the reason.
 *
 * Each script is recorded up to RECORDINGS times and passes when one
 * recording is identical; every comparison is exact. The retries are for
 * the host's own noise the recorder cannot always see — a PFN freed late by
 * a per-CPU batch and handed out again within a step keeps its label
 * (labels.c retires labels as early as the page's state allows; before
 * that, about one recording in 20 of mremap_partial and mremap_multi kept
 * one) — and for timing the model does not enumerate.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x86_64_618 } from '@mmsim/arch-x86';
import { parseMmo } from '@mmsim/mm';
import { recordingToMmo, timedRuns, type Recording } from '@mmsim/mm/script';
import { afterAll, describe, expect, test } from 'vitest';
import { compareSteps, recordScript, sideBySide } from '../src/index.js';
import { HOST_SKIP } from './host.js';

const FIXTURES = join(__dirname, '..', '..', 'mm', 'test', 'fixtures', 'host');
const HARNESS = join(__dirname, '..', '..', '..', '..', '..', 'shared', 'host-oracle', 'scripts');
/** recordings per script before it counts as divergent (see above) */
const RECORDINGS = 3;
const scripts = [FIXTURES, HARNESS].filter(existsSync).flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.mmo')).map((f) => join(d, f)));

/**
 * The harness's compiled scenarios (fixtures/host/<scenario>.json), turned
 * back into scripts (recordingToMmo) and recorded here too — but for those
 * where the model and this kernel differ (found by this recorder; the fix
 * is the model's) or the kernel itself varies, each skipped with the reason.
 */
const NOT_MATCHED: Readonly<Record<string, string>> = {
  ksm: 'model gap: after MADV_UNMERGEABLE the copies count as Private_Clean in smaps, the kernel\'s as Private_Dirty',
  swap_thp: 'model gap: the slots a split THP\'s pages get on a rotational swap file (+3, +514, +513 … on the kernel)',
  migration: 'compact_memory moves a page or not, at random (the harness README\'s one nondeterministic scenario)',
};
const compiledDir = mkdtempSync(join(tmpdir(), 'mmsim-rec-compiled-'));
afterAll(() => rmSync(compiledDir, { recursive: true, force: true }));
const compiled = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json') && !f.startsWith('script.') && f !== 'env.json')
  .map((f) => {
    const name = f.slice(0, -'.json'.length);
    const mmo = recordingToMmo(JSON.parse(readFileSync(join(FIXTURES, f), 'utf8')) as Recording);
    if (!('text' in mmo)) throw new Error(`${f}: step ${mmo.unsupported.n} (${mmo.unsupported.op}) cannot be scripted`);
    const path = join(compiledDir, `${name}.mmo`);
    writeFileSync(path, mmo.text);
    return { name, path };
  });

const skip = HOST_SKIP;

describe('recorded here, checked against the model', () => {
  const cases = [...scripts.map((path) => ({ path, name: path.split('/').slice(-2).join('/'), gap: undefined as string | undefined })), ...compiled.map((c) => ({ path: c.path, name: `compiled/${c.name}`, gap: NOT_MATCHED[c.name] }))];
  for (const { path, name, gap } of cases) {
    if (skip || gap) {
      test.skip(`${name} — skipped: ${skip ?? gap}`, () => {});
      continue;
    }
    test(`${name}: step-identical (or a modelled timing alternative)`, () => {
      const runs = [...timedRuns(parseMmo(readFileSync(path, 'utf8'), name), { spec: x86_64_618 }, name)];
      let first: ReturnType<typeof compareSteps> | undefined;
      let shown: string[] = [];
      for (let attempt = 0; attempt < RECORDINGS; attempt++) {
        const recording = recordScript(path);
        for (const run of runs) {
          const c = compareSteps(recording.steps, run.trace.steps);
          if (c.identical) return;
          if (!first) {
            first = c;
            shown = sideBySide(recording.steps, run.trace.steps).filter((l) => l.startsWith('≠'));
          }
        }
      }
      expect(shown.slice(0, 40).join('\n'), `first differing step ${first?.differing[0]}`).toBe('');
    }, 60_000);
  }
});
