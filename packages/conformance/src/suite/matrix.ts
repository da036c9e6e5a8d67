/**
 * The configurations every variant is checked under: the defaults the
 * reference vectors assume, and each option that exists in the era turned
 * off (2.6.21: NONLINEAR, MIGRATION; 6.18: MIGRATION, MEMORY_FAILURE,
 * DEVICE_PRIVATE, and all three at once; x86 with NX: X86_NX).
 */
import { compileVariant, DEFAULT_CONFIG, type BackendV1, type KernelConfig, type Variant, type VariantSpec } from '@mmsim/core';

export function configsFor(spec: VariantSpec): KernelConfig[] {
  const configs: KernelConfig[] = [DEFAULT_CONFIG];
  if (spec.era === '2.6.21') {
    if (spec.file) configs.push({ ...DEFAULT_CONFIG, NONLINEAR: false });
    configs.push({ ...DEFAULT_CONFIG, MIGRATION: false });
  } else {
    configs.push({ ...DEFAULT_CONFIG, MIGRATION: false });
    configs.push({ ...DEFAULT_CONFIG, MEMORY_FAILURE: false });
    configs.push({ ...DEFAULT_CONFIG, DEVICE_PRIVATE: false });
    configs.push({ ...DEFAULT_CONFIG, MIGRATION: false, MEMORY_FAILURE: false, DEVICE_PRIVATE: false });
  }
  if (spec.nxBit !== undefined) configs.push({ ...DEFAULT_CONFIG, X86_NX: false });
  return configs;
}

/** Every variant of the backends under every configuration of configsFor(). */
export function variantMatrix(...backends: readonly BackendV1[]): Variant[] {
  const out: Variant[] = [];
  for (const backend of backends) {
    for (const spec of backend.variants) {
      for (const config of configsFor(spec)) out.push(compileVariant(spec, config));
    }
  }
  return out;
}
