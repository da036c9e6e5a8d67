/**
 * The runs a script can take on a real kernel where the result hangs on
 * timing: the model's own run first, then the runs that take the other
 * branch at one or more of the decisions a per-CPU batch's page reference
 * decides (kernel/swap.ts batch_refs_choice: COW reuse, the swap slot freed
 * on a write fault). A fork at each decision: a run is the script from the
 * start with a set of decisions flipped, numbered as that run meets them,
 * so a flip that changes what comes after is followed faithfully.
 *
 * A recording equal to one of these runs is what the kernel can do; the
 * comparison of each run with the recording stays exact.
 */
import type { MachineOptions } from '../model/machine.js';
import type { TimingChoices } from '../kernel/swap.js';
import type { MmoSource } from './parse.js';
import { runScript, type RunOptions, type Trace } from './run.js';

export interface TimedRun {
  /** the decisions flipped, by number, in the order met */
  readonly flips: readonly number[];
  /** what the model counted at each flipped decision (kernel function: the batch reference) */
  readonly flipped: readonly string[];
  /** every decision this run met */
  readonly decisions: readonly string[];
  readonly trace: Trace;
}

export interface AlternativesOptions {
  /** the most decisions flipped in one run (default 2) */
  readonly depth?: number;
  /** the most runs, the model's own included (default 256) */
  readonly runs?: number;
}

/** One run with the decisions `flips` taking the other branch. */
export function runTimed(script: MmoSource, options: MachineOptions, flips: readonly number[], file = 'script.mmo', run: RunOptions = {}): TimedRun {
  const timing: TimingChoices = { seen: 0, flip: new Set(flips), sites: [] };
  const trace = runScript(script, { ...options, timing }, file, run);
  return { flips, flipped: flips.map((k) => timing.sites[k] ?? `decision ${k}`), decisions: timing.sites, trace };
}

/**
 * The model's run, then every run with up to `depth` decisions flipped
 * (breadth first: one flip before two), at most `runs` in all.
 */
export function* timedRuns(script: MmoSource, options: MachineOptions, file = 'script.mmo', o: AlternativesOptions = {}, run: RunOptions = {}): Generator<TimedRun, void, void> {
  const depth = o.depth ?? 2;
  let budget = o.runs ?? 256;
  let level: TimedRun[] = [runTimed(script, options, [], file, run)];
  budget--;
  yield level[0]!;
  for (let d = 1; d <= depth && budget > 0; d++) {
    const next: TimedRun[] = [];
    for (const parent of level) {
      const from = parent.flips.length ? parent.flips[parent.flips.length - 1]! + 1 : 0;
      for (let k = from; k < parent.decisions.length && budget > 0; k++) {
        const r = runTimed(script, options, [...parent.flips, k], file, run);
        budget--;
        next.push(r);
        yield r;
      }
    }
    level = next;
  }
}
