/**
 * Kernel configuration options that change encodings or limits.
 * Defaults are what the reference vectors assume.
 */
import type { Era } from './era.js';

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

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Normalise `CONFIG_NONLINEAR` / `NONLINEAR` to the option name; throws with the valid names. */
export function configName(text: string): ConfigName {
  const bare = text.replace(/^CONFIG_/i, '').toUpperCase();
  if ((CONFIG_NAMES as readonly string[]).includes(bare)) return bare as ConfigName;
  throw new ConfigError(`unknown config option '${text}' (valid: ${CONFIG_NAMES.map((n) => `CONFIG_${n}`).join(', ')})`);
}

/** Parse `NAME=y|n` pairs onto the defaults. */
export function parseConfig(pairs: readonly string[], base: KernelConfig = DEFAULT_CONFIG): KernelConfig {
  const out: Record<string, boolean> = { ...base };
  for (const pair of pairs) {
    const match = /^([A-Za-z0-9_]+)=(y|n)$/.exec(pair.trim());
    if (!match) throw new ConfigError(`config '${pair}' is not NAME=y or NAME=n (for example CONFIG_NONLINEAR=n)`);
    out[configName(match[1]!)] = match[2] === 'y';
  }
  return out as unknown as KernelConfig;
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
