/**
 * Every built-in scenario on every variant in both eras (and 2.6.21 with
 * CONFIG_NONLINEAR=n): it runs to the end with the invariants checked after
 * every step — no kernel BUG, no broken rmap or refcount, no lost data.
 *
 * On one variant per arch family and era here: mmsim-test's scenarios suite (apps/test-runner, its
 * default run in run.test.ts) runs every scenario on every variant and config the same way, so the
 * test command does not run them all twice. MMSIM_ALL_VARIANTS=1 runs them all here too.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { DEFAULT_CONFIG } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { builtinScenarios, parseMmo, runScript } from '../src/index.js';
import { sample } from './helpers.js';

const scenarios = builtinScenarios();

describe('built-in scenarios keep every invariant', () => {
  test('the scenarios are shipped', () => {
    expect(scenarios.map((s) => s.name)).toEqual(expect.arrayContaining(['anon_basic', 'nonlinear', 'swap', 'mremap', 'remap_file_pages']));
  });
  for (const spec of sample([...X86, ...PPC], ['i386@2.6.21', 'x86_64@6.18', 'ppc64@2.6.21', 'ppc64-64k@6.18'])) {
    const configs = spec.era === '2.6.21' ? [DEFAULT_CONFIG, { ...DEFAULT_CONFIG, NONLINEAR: false }] : [DEFAULT_CONFIG];
    for (const config of configs) {
      test(`${spec.id}@${spec.era}${config.NONLINEAR ? '' : ' NONLINEAR=n'}`, () => {
        for (const s of scenarios) {
          const trace = runScript(parseMmo(s.text, s.name), { spec, config }, s.name, { check: true });
          expect(trace.steps.length, s.name).toBeGreaterThan(0);
        }
      });
    }
  }
});
