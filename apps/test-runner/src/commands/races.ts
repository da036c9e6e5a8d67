/**
 * The `races` suite: every race program of @mmsim/mm (RACES) on every
 * variant of a backend, under each policy the race compares. A case passes
 * when the exhaustive search within the race's preemption bound finds a
 * failing schedule exactly under the policies that had the bug — and that
 * schedule replays to the same failure — and finds none under the fix.
 */
import { compileVariant, DEFAULT_CONFIG, type BackendV1, type VariantSpec } from '@mmsim/core';
import type { TestCase } from '../cases.js';
import { commandLine } from '../repro.js';

type Mm = typeof import('@mmsim/mm');
type MmModel = typeof import('@mmsim/mm/model');

export async function raceCases(backend: BackendV1, options: { arch?: readonly string[]; kernel?: string; specs?: ReadonlySet<VariantSpec> }): Promise<TestCase[]> {
  const mm: Mm = await import('@mmsim/mm');
  const model: MmModel = await import('@mmsim/mm/model');
  const cases: TestCase[] = [];
  for (const spec of backend.variants) {
    if (options.specs) {
      if (!options.specs.has(spec)) continue;
    } else {
      if (options.arch && options.arch.length > 0 && !options.arch.includes(spec.id) && !options.arch.includes(backend.name)) continue;
      if (options.kernel && spec.era !== options.kernel) continue;
    }
    const variant = compileVariant(spec, DEFAULT_CONFIG);
    for (const race of mm.RACES) {
      for (const policy of race.policies(spec)) {
        const base = {
          suite: 'races' as const,
          backend: backend.name,
          variant: variant.key,
          variantId: variant.id,
          era: variant.era,
          config: 'default',
          name: `${race.name} under ${policy}`,
          repro: commandLine(['mmsim', 'explore', race.name, '--policy', policy, '--arch', variant.id, '--kernel', variant.era]),
        };
        const shouldFail = race.failsUnder.includes(policy);
        // a variant whose data lacks what the simulator applies is skipped with the reason, not failed
        const needs = model.simulatorNeeds(spec);
        if (needs.length) {
          cases.push({ ...base, status: 'skip', message: `needs ${needs.join(' and ')} (the simulator)` });
          continue;
        }
        try {
          const program = race.make(spec, policy);
          const r = mm.exploreDfs(program, { bound: race.bound });
          const input = `bound ${race.bound}: ${r.schedules} schedules, ${r.states} steps, ${r.elapsedMs.toFixed(1)} ms`;
          if (r.failure && !shouldFail) {
            cases.push({ ...base, status: 'fail', input, message: `the fixed policy failed: ${r.failure.message} (schedule ${r.failure.schedule})` });
          } else if (!r.failure && shouldFail) {
            cases.push({ ...base, status: 'fail', input, message: `no failing schedule within bound ${race.bound}, but ${policy} is the policy with the bug` });
          } else if (r.failure && mm.replay(program, r.failure.schedule).failure !== r.failure.message) {
            cases.push({ ...base, status: 'fail', input, message: `schedule ${r.failure.schedule} does not replay to the failure it was found with` });
          } else {
            cases.push({ ...base, status: 'pass', input: r.failure ? `${input}; fails as expected with schedule ${r.failure.schedule}` : `${input}; no failing schedule` });
          }
        } catch (error) {
          const e = error as Error;
          cases.push({ ...base, status: 'fail', message: `${e.name}: ${e.message}` });
        }
      }
    }
  }
  return cases;
}
