/**
 * The `scenarios` suite: every built-in simulator scenario (@mmsim/mm's
 * `scenarios/*.mmo`) on every variant of a backend, in its era, with the
 * invariants checked after every step. A case fails on a kernel BUG or a
 * broken invariant; its repro line reruns just that scenario with `mmsim run`.
 */
import { compileVariant, DEFAULT_CONFIG, describeConfig, type BackendV1, type Variant } from '@mmsim/core';
import { configLabel, type TestCase } from '../cases.js';

type Mm = typeof import('@mmsim/mm');

function variantsOf(backend: BackendV1, arch?: readonly string[], kernel?: string): Variant[] {
  const out: Variant[] = [];
  for (const spec of backend.variants) {
    if (arch && arch.length > 0 && !arch.includes(spec.id) && !arch.includes(backend.name)) continue;
    if (kernel && spec.era !== kernel) continue;
    out.push(compileVariant(spec, DEFAULT_CONFIG));
    if (spec.era === '2.6.21' && spec.file) out.push(compileVariant(spec, { ...DEFAULT_CONFIG, NONLINEAR: false }));
  }
  return out;
}

export async function scenarioCases(backend: BackendV1, options: { arch?: readonly string[]; kernel?: string }): Promise<TestCase[]> {
  const mm: Mm = await import('@mmsim/mm');
  const cases: TestCase[] = [];
  for (const variant of variantsOf(backend, options.arch, options.kernel)) {
    const cfg = describeConfig(variant.era, variant.config);
    for (const s of mm.builtinScenarios()) {
      const base = {
        suite: 'scenarios' as const,
        backend: backend.name,
        variant: variant.key,
        variantId: variant.id,
        era: variant.era,
        config: configLabel(cfg),
        name: s.name,
        repro: `mmsim run ${s.path} --arch ${variant.id} --kernel ${variant.era}${cfg ? ` --config ${cfg.replace(/CONFIG_/g, '').split(',').join(' --config ')}` : ''} --check`,
      };
      try {
        const trace = mm.runScript(mm.parseMmo(s.text, s.name), { spec: variant.spec, config: variant.config }, s.name, { check: true });
        cases.push({ ...base, status: 'pass', input: `${trace.steps.length} steps` });
      } catch (error) {
        const e = error as Error;
        cases.push({ ...base, status: 'fail', message: `${e.name}: ${e.message}` });
      }
    }
  }
  return cases;
}
