/**
 * The runner's accounting agrees with the suite's vitest registration: a
 * check that does not apply is a skip with the same reason (and the summary
 * counts it as skipped), and a declared expected failure counts only when the
 * check fails with the quirk's own message. In-process, on a few checks.
 */
import { x86, x86_64_618 } from '@mmsim/arch-x86';
import { CHECKS, skipReason, variantMatrix } from '@mmsim/conformance';
import { defineBackend } from '@mmsim/core';
import { describe, expect, test } from 'vitest';
import { conformanceText, runConformanceMatrix } from '../src/commands/conformance.js';
import { junitReport } from '../src/reporters/junit.js';
import { tapReport } from '../src/reporters/tap.js';

describe('skips', () => {
  const result = runConformanceMatrix([x86], { only: ['huge.', 'file.roundtrip'], numRuns: 5 });

  test('the same checks are skipped as vitest registers with test.skip, with the same reasons', () => {
    const vitestSkips = variantMatrix(x86).flatMap((v) =>
      CHECKS.filter((c) => c.id.startsWith('huge.') || c.id === 'file.roundtrip').flatMap((c) => {
        const reason = skipReason(c.needs, v);
        return reason === undefined ? [] : [`${v.key} ${c.id}: ${reason}`];
      }),
    );
    const runnerSkips = result.cases.filter((c) => c.status === 'skip').map((c) => `${c.variant} ${c.name}: ${c.message}`);
    expect(runnerSkips).toEqual(vitestSkips);
    expect(runnerSkips.length).toBeGreaterThan(0);
    expect(result.rows.reduce((n, r) => n + r.skip, 0)).toBe(vitestSkips.length);
  });

  test('the summary counts them as skipped and says why', () => {
    const lines = conformanceText(result);
    const skipped = result.cases.filter((c) => c.status === 'skip').length;
    expect(lines.at(-1)).toMatch(new RegExp(`^conformance: \\d+ passed, 0 failed, ${skipped} skipped$`));
    expect(lines).toContain(`${skipped} skipped (does not apply; not counted as passed), by reason:`);
    expect(lines.some((l) => /^ +\d+ needs transparent huge pages \(constants\.hasThp\)$/.test(l))).toBe(true);
    expect(lines.some((l) => /^ +\d+ needs nonlinear file ptes /.test(l))).toBe(true);
  });

  test('TAP and JUnit carry the reason', () => {
    expect(tapReport(result.cases)).toMatch(/^ok \d+ - conformance x86 i386@2\.6\.21 huge\.layout # SKIP needs transparent huge pages \(constants\.hasThp\)$/m);
    expect(junitReport(result.cases, { name: 'mmsim-test conformance' })).toContain('<skipped message="needs transparent huge pages (constants.hasThp)"/>');
  });
});

describe('expected failures', () => {
  test('the declared quirk is an xfail, not a failure', () => {
    const result = runConformanceMatrix([x86], { arch: ['x86_64'], kernel: '6.18', config: ['default'], only: ['swap.never-none'], numRuns: 5 });
    expect(result.rows.map((r) => [r.pass, r.fail, r.expectedFail])).toEqual([[0, 0, 1]]);
    expect(result.good).toBe(true);
  });

  test('the same check failing with another message under the declaration is a failure', () => {
    const planted = defineBackend({
      specificationVersion: 'v1',
      name: 'planted',
      variants: [{ ...x86_64_618, expectedFailures: [{ ...x86_64_618.expectedFailures![0]!, message: 'a message the quirk does not give' }] }],
    });
    const result = runConformanceMatrix([planted], { config: ['default'], only: ['swap.never-none'], numRuns: 5 });
    expect(result.rows.map((r) => [r.pass, r.fail, r.expectedFail])).toEqual([[0, 1, 0]]);
    expect(result.good).toBe(false);
    expect(result.cases[0]!.message).toMatch(/^not the declared quirk \(its message: "a message the quirk does not give"\): x86_64@6\.18: swap entry/);
    expect(conformanceText(result).at(-1)).toBe('conformance: 0 passed, 1 failed, 0 skipped');
  });
});
