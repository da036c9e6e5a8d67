/**
 * The kernel's own mm selftests (Linux 6.18.2 tools/testing/selftests/mm/)
 * as `.mmo` scripts: each ported case is a script made from a table of
 * cases, run through the script runner on every 6.18 variant the case
 * applies to (by capability: THP where the variant has a huge pmd format),
 * its `expect*` ops asserting what the selftest asserts. A case the model
 * cannot run is a named skip with its reason, never a pass.
 *
 * Each file keeps a tally — ported / passing / skipped-with-reason — and
 * prints it after its tests (the closing note quotes it).
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import type { VariantSpec } from '@mmsim/core';
import { afterAll, expect, test } from 'vitest';
import { checkInvariants } from '../../src/check/index.js';
import { thpState } from '../../src/kernel/index.js';
import { Machine, parseMmo, type MachineOptions } from '../../src/index.js';
import { startScript } from '../../src/script/index.js';

/** The 6.18 variants the selftests run on: the kernel the 6.18.2 selftests were written against. */
export const SPECS_618: readonly VariantSpec[] = [...X86, ...PPC].filter((s) => s.era === '6.18');

/** What a case may need of a variant, read from the machine (never from the arch's name). */
export interface Caps {
  /** pages per PMD-sized THP (HPAGE_PMD_NR), 0 where the variant has no THP */
  readonly thpPages: number;
}

export function capsOf(spec: VariantSpec): Caps {
  const st = thpState(new Machine({ spec, frames: 64 }));
  return { thpPages: st ? st.nr : 0 };
}

/** Physical memory for a case: room for a few THPs and their copies. */
export function framesFor(caps: Caps): number {
  return Math.max(4096, 12 * caps.thpPages);
}

/**
 * Run a script on a fresh machine of `spec`: every op, the expectations
 * throwing when the outcome differs; then the invariants (refcounts, rmap,
 * pins) must hold. A failure names the variant and the script's line.
 * `machine` overrides the machine's options (a test that the port can fail
 * runs it under an older kernel's COW rule).
 */
export function runCase(text: string, spec: VariantSpec, name: string, caps: Caps = capsOf(spec), machine: Partial<MachineOptions> = {}): number {
  const run = startScript(parseMmo(text, `${name}.mmo`), { spec, frames: framesFor(caps), ...machine }, `${name}.mmo`, { observe: false });
  let steps = 0;
  for (const step of run.steps) {
    steps++;
    // a syscall the selftest asserts succeeds (ASSERT_NE(…, MAP_FAILED), ksft_perror → FAIL) must not fail here either
    if (step.ret['ok'] === false) throw new Error(`${spec.id}@${spec.era} ${name}: step ${step.n} (${step.proc} ${step.op} ${JSON.stringify(step.args)}) failed: ${JSON.stringify(step.ret)}`);
  }
  const broken = checkInvariants(run.machine);
  expect(broken.map((v) => `${v.rule}: ${v.message}`), `${spec.id}@${spec.era} ${name}: invariants`).toEqual([]);
  return steps;
}

/** A ported case's outcome for the file's tally. */
interface Entry {
  readonly name: string;
  passed: boolean;
  readonly skip?: string;
}

/**
 * One selftest file's ported cases: `port` adds a case that runs, `skip`
 * one the model cannot run (its reason in the test's name, so the
 * reporter shows it), and the tally is printed after the file's tests.
 */
export class SelftestFile {
  private readonly entries: Entry[] = [];

  constructor(readonly file: string) {
    afterAll(() => {
      const t = this.tally();
      const lines = [`${this.file}: ${t.ported} ported, ${t.passing} passing, ${t.skipped} skipped with a reason, ${t.failing} failing`];
      for (const e of this.entries) if (e.skip !== undefined) lines.push(`  skipped: ${e.name} — ${e.skip}`);
      console.log(lines.join('\n'));
    });
  }

  /** A case that runs: `body` asserts (it throws on a miss); counted as passing only when it returns. */
  port(name: string, body: () => void): void {
    const e: Entry = { name, passed: false };
    this.entries.push(e);
    test(name, () => {
      body();
      e.passed = true;
    });
  }

  /** A case the model cannot run: a skip that says why, never a pass. */
  skip(name: string, reason: string): void {
    this.entries.push({ name, passed: false, skip: reason });
    test.skip(`${name} — skipped: ${reason}`, () => {});
  }

  tally(): { ported: number; passing: number; skipped: number; failing: number } {
    const ported = this.entries.length;
    const skipped = this.entries.filter((e) => e.skip !== undefined).length;
    const passing = this.entries.filter((e) => e.passed).length;
    return { ported, passing, skipped, failing: ported - skipped - passing };
  }
}
