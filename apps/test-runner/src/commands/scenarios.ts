/**
 * The `scenarios` suite: every built-in simulator scenario (@mmsim/mm's
 * `scenarios/*.mmo`) on every variant of a backend, in its era, with the
 * invariants checked after every step. A case fails on a kernel BUG or a
 * broken invariant; its repro line reruns just that scenario with `mmsim run`.
 */
import { compileVariant, DEFAULT_CONFIG, describeConfig, type BackendV1, type Variant, type VariantSpec } from '@mmsim/core';
import { configLabel, type TestCase } from '../cases.js';
import { commandLine } from '../repro.js';

type Mm = typeof import('@mmsim/mm');
type MmModel = typeof import('@mmsim/mm/model');

function variantsOf(backend: BackendV1, arch?: readonly string[], kernel?: string, specs?: ReadonlySet<VariantSpec>): Variant[] {
  const out: Variant[] = [];
  for (const spec of backend.variants) {
    if (specs) {
      if (!specs.has(spec)) continue;
    } else {
      if (arch && arch.length > 0 && !arch.includes(spec.id) && !arch.includes(backend.name)) continue;
      if (kernel && spec.era !== kernel) continue;
    }
    out.push(compileVariant(spec, DEFAULT_CONFIG));
    if (spec.era === '2.6.21' && spec.file) out.push(compileVariant(spec, { ...DEFAULT_CONFIG, NONLINEAR: false }));
  }
  return out;
}

export async function scenarioCases(backend: BackendV1, options: { arch?: readonly string[]; kernel?: string; specs?: ReadonlySet<VariantSpec> }): Promise<TestCase[]> {
  const mm: Mm = await import('@mmsim/mm');
  const model: MmModel = await import('@mmsim/mm/model');
  // each scenario read and parsed once for every variant; a parse error fails its case on each
  const scenarios = mm.builtinScenarios().map((s) => {
    try {
      return { ...s, script: mm.parseMmo(s.text, s.name) };
    } catch (error) {
      return { ...s, error: error as Error };
    }
  });
  const cases: TestCase[] = [];
  for (const variant of variantsOf(backend, options.arch, options.kernel, options.specs)) {
    const config = configLabel(describeConfig(variant.era, variant.config));
    const configArgs = config === 'default' ? [] : config.split(',').flatMap((c) => ['--config', c]);
    for (const s of scenarios) {
      const base = {
        suite: 'scenarios' as const,
        backend: backend.name,
        variant: variant.key,
        variantId: variant.id,
        era: variant.era,
        config,
        name: s.name,
        repro: commandLine(['mmsim', 'run', s.path, '--arch', variant.id, '--kernel', variant.era, ...configArgs, '--check']),
      };
      // a variant whose data lacks what the simulator applies is skipped with the reason, not failed
      const needs = model.simulatorNeeds(variant.spec);
      if (needs.length) {
        cases.push({ ...base, status: 'skip', message: `needs ${needs.join(' and ')} (the simulator)` });
        continue;
      }
      try {
        if ('error' in s) throw s.error;
        const trace = mm.runScript(s.script, { spec: variant.spec, config: variant.config }, s.name, { check: true });
        cases.push({ ...base, status: 'pass', input: `${trace.steps.length} steps` });
      } catch (error) {
        const e = error as Error;
        cases.push({ ...base, status: 'fail', message: `${e.name}: ${e.message}` });
      }
    }
  }
  return cases;
}
