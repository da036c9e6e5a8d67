/**
 * Which variants a command runs on: `--arch` (variant ids, aliases,
 * backend names, `all`, optionally `ID@ERA` and `ID@ERA+CONFIG_X=n`),
 * `--kernel` and `--config`, resolved against the discovered backends.
 */
import {
  CONFIG_ERAS,
  ConfigError,
  DEFAULT_CONFIG,
  ERAS,
  compileVariant,
  normalizeEra,
  parseConfig,
  type BackendV1,
  type Era,
  type KernelConfig,
  type Variant,
  type VariantSpec,
} from '@mmsim/core';
import { UsageError } from './errors.js';

export const KERNEL_FORMS = `${ERAS.join(', ')}; 2.6.20 is accepted for 2.6.21`;

/** `where`: `for --kernel`, `in 'x86_64@3.0'` */
export function parseKernel(text: string, where = 'for --kernel'): Era {
  const era = normalizeEra(text.trim());
  if (!era) throw new UsageError(`unknown kernel '${text}' ${where} (valid: ${KERNEL_FORMS})`);
  return era;
}

/** The eras asked for, in the canonical order; none asked: `defaults`. */
export function parseKernels(texts: readonly string[], defaults: readonly Era[] = ERAS): Era[] {
  if (texts.length === 0) return [...defaults];
  const wanted = new Set(texts.map((t) => parseKernel(t)));
  return ERAS.filter((e) => wanted.has(e));
}

export function parseConfigs(pairs: readonly string[], base: KernelConfig = DEFAULT_CONFIG): KernelConfig {
  try {
    return parseConfig(pairs, base);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`--config: ${error.message}`);
    throw error;
  }
}

/** Every variant spec, deduplicated: the first backend to offer an id and era wins (explicit --backend ones come first). */
export function allSpecs(backends: readonly BackendV1[]): { spec: VariantSpec; backend: BackendV1 }[] {
  const seen = new Set<string>();
  const out: { spec: VariantSpec; backend: BackendV1 }[] = [];
  for (const backend of backends) {
    for (const spec of backend.variants) {
      const key = `${spec.id}@${spec.era}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ spec, backend });
    }
  }
  return out;
}

/** The names --arch accepts, for error messages: all, backend names, variant ids. */
export function archNames(backends: readonly BackendV1[]): string[] {
  const names = ['all', ...backends.map((b) => b.name)];
  for (const { spec } of allSpecs(backends)) if (!names.includes(spec.id)) names.push(spec.id);
  return names;
}

export interface VariantRef {
  /** what the user typed */
  readonly text: string;
  readonly name: string;
  readonly era?: Era;
  readonly configPairs: readonly string[];
}

/** `x86_64`, `x86_64@2.6.20`, `i386@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n` (the form Variant.key prints). */
export function parseRef(text: string): VariantRef {
  const [head = '', ...rest] = text.split('+');
  const at = head.indexOf('@');
  const name = at < 0 ? head : head.slice(0, at);
  const era = at < 0 ? undefined : parseKernel(head.slice(at + 1), `in '${text}'`);
  const configPairs = rest.join('+').split(',').filter((p) => p !== '');
  return { text, name, ...(era ? { era } : {}), configPairs };
}

function specsNamed(backends: readonly BackendV1[], name: string): VariantSpec[] | undefined {
  const specs = allSpecs(backends);
  if (name === 'all') return specs.map((s) => s.spec);
  const byBackend = specs.filter((s) => s.backend.name === name);
  if (byBackend.length) return byBackend.map((s) => s.spec);
  const byId = specs.filter((s) => s.spec.id === name || (s.spec.aliases ?? []).includes(name));
  return byId.length ? byId.map((s) => s.spec) : undefined;
}

export interface Selection {
  /** `--arch` values (or positional ids); none: every variant */
  readonly arch: readonly string[];
  readonly eras: readonly Era[];
  readonly config: KernelConfig;
}

/** The compiled variants a selection names, in backend order, each once. */
export function selectVariants(backends: readonly BackendV1[], selection: Selection): Variant[] {
  const refs = (selection.arch.length ? selection.arch : ['all']).map(parseRef);
  const chosen: Variant[] = [];
  const keys = new Set<string>();
  for (const ref of refs) {
    const specs = specsNamed(backends, ref.name);
    if (!specs) throw new UsageError(`unknown arch '${ref.name}' (valid: ${archNames(backends).join(', ')})`);
    const eras = ref.era ? [ref.era] : selection.eras;
    const config = ref.configPairs.length ? parseConfigs(ref.configPairs, selection.config) : selection.config;
    const matching = specs.filter((s) => eras.includes(s.era));
    if (matching.length === 0) {
      const have = [...new Set(specs.map((s) => s.era))].join(', ');
      throw new UsageError(`arch '${ref.name}' has no variant for kernel ${eras.join(', ')} (it has ${have})`);
    }
    for (const spec of matching) {
      const variant = compileVariant(spec, config);
      if (keys.has(variant.key)) continue;
      keys.add(variant.key);
      chosen.push(variant);
    }
  }
  // Canonical order (era, then backend order) so output does not depend on how --arch was spelled.
  const order = allSpecs(backends).map((s) => s.spec);
  return chosen.sort((a, b) => ERAS.indexOf(a.era) - ERAS.indexOf(b.era) || order.indexOf(a.spec) - order.indexOf(b.spec));
}

/** `CONFIG_NONLINEAR=n` etc. that do not exist in any of these eras: worth a warning, not an error. */
export function ignoredConfig(config: KernelConfig, eras: readonly Era[]): string[] {
  return (Object.keys(CONFIG_ERAS) as (keyof KernelConfig)[])
    .filter((name) => config[name] !== DEFAULT_CONFIG[name] && !CONFIG_ERAS[name].some((e) => eras.includes(e)))
    .map((name) => `CONFIG_${name}`);
}
