/**
 * Kernel configuration options that change encodings or limits.
 * Defaults are what the reference vectors assume.
 */
import type { Era } from './era.js';
import type { VariantSpec } from './variant-spec.js';

export interface KernelConfig {
  /**
   * CONFIG_NONLINEAR (2.6.21 only; default y). Nick Piggin's March 2007 patch
   * (never merged): when n, pte_file() is constant 0, PTE_FILE_MAX_BITS is 0
   * and pgoff_to_pte() is a BUG() stub. Swap layouts do not change.
   */
  readonly NONLINEAR: boolean;
  /** CONFIG_MIGRATION: reserves migration swap types (2 in 2.6.21, 3 in 6.18). */
  readonly MIGRATION: boolean;
  /** CONFIG_MEMORY_FAILURE: reserves SWP_HWPOISON (6.18; hwpoison entries came in 2.6.32). */
  readonly MEMORY_FAILURE: boolean;
  /** CONFIG_DEVICE_PRIVATE: reserves the three device types (6.18). */
  readonly DEVICE_PRIVATE: boolean;
  /** x86 NX: whether __supported_pte_mask keeps _PAGE_NX (bit 63) on PAE/x86_64. */
  readonly X86_NX: boolean;
}

export type ConfigName = keyof KernelConfig;
export const CONFIG_NAMES: readonly ConfigName[] = ['NONLINEAR', 'MIGRATION', 'MEMORY_FAILURE', 'DEVICE_PRIVATE', 'X86_NX'];

export const DEFAULT_CONFIG: KernelConfig = {
  NONLINEAR: true,
  MIGRATION: true,
  MEMORY_FAILURE: true,
  DEVICE_PRIVATE: true,
  X86_NX: true,
};

/** Which options exist in which era (the others are fixed and ignored). */
export const CONFIG_ERAS: Readonly<Record<ConfigName, readonly Era[]>> = {
  NONLINEAR: ['2.6.21'],
  MIGRATION: ['2.6.21', '6.18'],
  MEMORY_FAILURE: ['6.18'],
  DEVICE_PRIVATE: ['6.18'],
  X86_NX: ['2.6.21', '6.18'],
};

/**
 * Which variants an option exists on, within its eras: the spec data the
 * option acts on. An option whose variant lacks that data changes nothing
 * there, so naming it for such a variant is refused, not ignored.
 * - NONLINEAR: the nonlinear file-pte layout (`spec.file`); compileVariant and
 *   kernelOps read CONFIG_NONLINEAR only through it.
 * - X86_NX: the NX bit (`spec.nxBit`) __supported_pte_mask drops; a spec
 *   without one (i386 2-level, powerpc) has no NX to turn off.
 * - MIGRATION, MEMORY_FAILURE, DEVICE_PRIVATE: the generic swap types
 *   (include/linux/swap.h), on every variant of their eras.
 */
export const CONFIG_ACTS_ON: Readonly<Record<ConfigName, ((spec: ConfigScope) => boolean) | null>> = {
  NONLINEAR: (spec) => spec.file !== undefined,
  MIGRATION: null,
  MEMORY_FAILURE: null,
  DEVICE_PRIVATE: null,
  X86_NX: (spec) => spec.nxBit !== undefined,
};

/** What configExists looks at: a spec's era and the data the options act on. */
export type ConfigScope = Pick<VariantSpec, 'era' | 'file' | 'nxBit'>;

/** Does option `name` exist for this variant: its era has it (CONFIG_ERAS) and the spec has what it acts on (CONFIG_ACTS_ON). */
export function configExists(name: ConfigName, spec: ConfigScope): boolean {
  if (!CONFIG_ERAS[name].includes(spec.era)) return false;
  const actsOn = CONFIG_ACTS_ON[name];
  return actsOn === null || actsOn(spec);
}

/** The config as this variant sees it: options it does not have are at their defaults (so its key names none of them). */
export function configFor(spec: ConfigScope, config: KernelConfig): KernelConfig {
  let out: Record<string, boolean> | undefined;
  for (const name of CONFIG_NAMES) {
    if (config[name] === DEFAULT_CONFIG[name] || configExists(name, spec)) continue;
    out ??= { ...config };
    out[name] = DEFAULT_CONFIG[name];
  }
  return (out as unknown as KernelConfig | undefined) ?? config;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Normalise `CONFIG_NONLINEAR` / `NONLINEAR` to the option name; throws with the valid names. */
export function configName(text: string): ConfigName {
  const bare = text.replace(/^CONFIG_/i, '').toUpperCase();
  if ((CONFIG_NAMES as readonly string[]).includes(bare)) return bare as ConfigName;
  throw new ConfigError(`unknown config option '${shorten(text)}' (valid: ${CONFIG_NAMES.map((n) => `CONFIG_${n}`).join(', ')})`);
}

/** One `NAME=y|n` pair: the option and its value; throws naming the pair (shortened) when it is not one. */
export function parseConfigPair(pair: string): { readonly name: ConfigName; readonly value: boolean } {
  const match = /^([A-Za-z0-9_]+)=(y|n)$/.exec(pair.trim());
  if (!match) throw new ConfigError(`config '${shorten(pair)}' is not NAME=y or NAME=n (for example CONFIG_NONLINEAR=n)`);
  return { name: configName(match[1]!), value: match[2] === 'y' };
}

/** Parse `NAME=y|n` pairs onto the defaults. */
export function parseConfig(pairs: readonly string[], base: KernelConfig = DEFAULT_CONFIG): KernelConfig {
  const out: Record<string, boolean> = { ...base };
  for (const pair of pairs) {
    const { name, value } = parseConfigPair(pair);
    out[name] = value;
  }
  return out as unknown as KernelConfig;
}

/** The options `pairs` name, each once, in CONFIG_NAMES order (a pair that sets the default still names its option). */
export function configNamesIn(pairs: readonly string[]): ConfigName[] {
  const named = new Set(pairs.map((p) => parseConfigPair(p).name));
  return CONFIG_NAMES.filter((n) => named.has(n));
}

/** A bad value quoted in an error: at most 40 characters, the rest elided. */
function shorten(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/** Short string of the options that differ from the defaults and matter in this era. */
export function describeConfig(era: Era, config: KernelConfig): string {
  const parts: string[] = [];
  for (const name of CONFIG_NAMES) {
    if (!CONFIG_ERAS[name].includes(era)) continue;
    if (config[name] !== DEFAULT_CONFIG[name]) parts.push(`CONFIG_${name}=${config[name] ? 'y' : 'n'}`);
  }
  return parts.join(',');
}
