/**
 * Which variants a command runs on: `--arch` (variant ids, aliases,
 * backend names, `all`, optionally `ID@ERA` and `ID@ERA+CONFIG_X=n`,
 * repeated or as a comma-separated list), `--kernel` (repeated or a list)
 * and `--config`, resolved against the discovered backends. Both CLIs
 * select through here, so they accept the same forms.
 */
import {
  ConfigError,
  DEFAULT_CONFIG,
  ERAS,
  compileVariant,
  configExists,
  configFor,
  configNamesIn,
  normalizeEra,
  parseConfig,
  type BackendV1,
  type ConfigName,
  type Era,
  type KernelConfig,
  type Variant,
  type VariantSpec,
} from '@mmsim/core';
import { UsageError } from './errors.js';
import { quote } from './text.js';

/**
 * `--arch x86_64,ppc64 --arch i386@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n`
 * as one list of refs: values split at commas, except the commas between
 * the NAME=y|n pairs after a `+`. An empty item is a typo, refused.
 */
export function splitArchList(values: readonly string[], option = '--arch'): string[] {
  const out: string[] = [];
  for (const value of values) {
    let inConfig = false;
    for (const part of value.split(',')) {
      if (part.trim() === '' && !inConfig) throw new UsageError(`an empty item in ${option} ${quote(value)}; valid: ID[@ERA][+CONFIG_X=y|n,…] items separated by ','`);
      if (inConfig && (part.trim() === '' || (/=/.test(part) && !/[@+]/.test(part)))) {
        out[out.length - 1] += `,${part}`;
        continue;
      }
      out.push(part.trim());
      inConfig = part.includes('+');
    }
  }
  return out;
}


export const KERNEL_FORMS = `${ERAS.join(', ')}; 2.6.20 is accepted for 2.6.21`;

/** `where`: `for --kernel`, `in 'x86_64@3.0'` */
export function parseKernel(text: string, where = 'for --kernel'): Era {
  const era = normalizeEra(text.trim());
  if (!era) throw new UsageError(`unknown kernel ${quote(text)} ${where} (valid: ${KERNEL_FORMS})`);
  return era;
}

/** The eras asked for, in the canonical order; none asked: `defaults`. */
export function parseKernels(texts: readonly string[], defaults: readonly Era[] = ERAS): Era[] {
  if (texts.length === 0) return [...defaults];
  const items = texts.flatMap((t) => t.split(','));
  const wanted = new Set(items.map((t) => parseKernel(t)));
  return ERAS.filter((e) => wanted.has(e));
}

export function parseConfigs(pairs: readonly string[], base: KernelConfig = DEFAULT_CONFIG, where = '--config'): KernelConfig {
  try {
    return parseConfig(pairs, base);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${where}: ${error.message}`);
    throw error;
  }
}

/** The options `pairs` name (also those set to their default): each must exist on some chosen variant. */
export function configNames(pairs: readonly string[], where = '--config'): ConfigName[] {
  try {
    return configNamesIn(pairs);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${where}: ${error.message}`);
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
  const plus = text.indexOf('+');
  const head = plus < 0 ? text : text.slice(0, plus);
  const at = head.indexOf('@');
  const name = at < 0 ? head : head.slice(0, at);
  const era = at < 0 ? undefined : parseKernel(head.slice(at + 1), `in ${quote(text)}`);
  const configPairs = plus < 0 ? [] : text.slice(plus + 1).split(',');
  // `x86_64@6.18+` or `…+A=n,,B=y`: a config list with nothing in it is a typo, not the defaults
  if (configPairs.some((p) => p.trim() === '')) {
    throw new UsageError(`empty config in ${quote(text)}: after '+' give NAME=y|n pairs separated by ',' (e.g. x86_64@2.6.21+CONFIG_NONLINEAR=n)`);
  }
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
  /**
   * The --config options named: each must exist on at least one chosen
   * variant (refused otherwise); on the others it is left at its default.
   * Empty: not checked (a command's second look at part of its selection).
   */
  readonly configNames?: readonly ConfigName[];
}

interface Chosen {
  readonly spec: VariantSpec;
  readonly config: KernelConfig;
}

/** `in 6.18`, `on ppc64 in 2.6.21 and 6.18`, `on i386 in 2.6.21; in 6.18`: a set of specs by era, naming ids only where it is not every variant of the era. */
function describeSpecs(specs: readonly VariantSpec[], backends: readonly BackendV1[]): string {
  const all = allSpecs(backends).map((s) => s.spec);
  const groups: { who: string; eras: Era[] }[] = [];
  for (const era of ERAS) {
    const inEra = all.filter((s) => s.era === era);
    const have = inEra.filter((s) => specs.includes(s));
    if (have.length === 0) continue;
    const who = have.length === inEra.length ? '' : `on ${have.map((s) => s.id).join(', ')} `;
    const same = groups.find((g) => g.who === who);
    if (same) same.eras.push(era);
    else groups.push({ who, eras: [era] });
  }
  return groups.map((g) => `${g.who}in ${g.eras.join(' and ')}`).join('; ');
}

/** Refuse an option named for specs none of which has it, saying where it exists. */
function requireConfigs(names: readonly ConfigName[], specs: readonly VariantSpec[], backends: readonly BackendV1[], where: string): void {
  for (const name of names) {
    if (specs.some((s) => configExists(name, s))) continue;
    const exists = allSpecs(backends)
      .map((s) => s.spec)
      .filter((s) => configExists(name, s));
    throw new UsageError(
      `${where} CONFIG_${name} does not exist ${describeSpecs(specs, backends)} (${exists.length ? `it exists ${describeSpecs(exists, backends)}` : 'no variant here has it'})`,
    );
  }
}

/**
 * The specs a selection names, each with the config it runs under, in
 * backend order, each once. Refuses an unknown arch, an arch without the
 * era, and a --config option (or an ID+CONFIG one) that exists on none of
 * the variants it is given for.
 */
export function resolveSelection(backends: readonly BackendV1[], selection: Selection): Chosen[] {
  const refs = (selection.arch.length ? splitArchList(selection.arch) : ['all']).map(parseRef);
  const chosen: Chosen[] = [];
  for (const ref of refs) {
    const specs = specsNamed(backends, ref.name);
    if (!specs) throw new UsageError(`unknown arch ${quote(ref.name)} (valid: ${archNames(backends).join(', ')})`);
    const eras = ref.era ? [ref.era] : selection.eras;
    const matching = specs.filter((s) => eras.includes(s.era));
    if (matching.length === 0) {
      const have = [...new Set(specs.map((s) => s.era))].join(', ');
      throw new UsageError(`arch ${quote(ref.name)} has no variant for kernel ${eras.join(', ')} (it has ${have})`);
    }
    let config = selection.config;
    if (ref.configPairs.length) {
      const where = `in ${quote(ref.text)}`;
      config = parseConfigs(ref.configPairs, selection.config, where);
      requireConfigs(configNames(ref.configPairs, where), matching, backends, `${where}:`);
    }
    for (const spec of matching) chosen.push({ spec, config });
  }
  requireConfigs(selection.configNames ?? [], chosen.map((c) => c.spec), backends, '--config');
  return chosen;
}

/** The compiled variants a selection names, in backend order, each once. */
export function selectVariants(backends: readonly BackendV1[], selection: Selection): Variant[] {
  const chosen: Variant[] = [];
  const keys = new Set<string>();
  for (const { spec, config } of resolveSelection(backends, selection)) {
    // an option the variant does not have stays at its default there (X86_NX=n with --arch all: the x86 variants with NX)
    const variant = compileVariant(spec, configFor(spec, config));
    if (keys.has(variant.key)) continue;
    keys.add(variant.key);
    chosen.push(variant);
  }
  // Canonical order (era, then backend order) so output does not depend on how --arch was spelled.
  const order = allSpecs(backends).map((s) => s.spec);
  return chosen.sort((a, b) => ERAS.indexOf(a.era) - ERAS.indexOf(b.era) || order.indexOf(a.spec) - order.indexOf(b.spec));
}
