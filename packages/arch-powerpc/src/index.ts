/**
 * @mmsim/arch-powerpc: ppc32 (classic 6xx hash, book3s/32) and ppc64 (hash
 * MMU with 4K and 64K pages, book3s64) page-table encodings in the 2.6.21
 * and 6.18 eras, as data for @mmsim/core.
 */
import { defineBackend, type BackendV1, type VariantSpec } from '@mmsim/core';
import { ppc32_2621 } from './v2.6.21/ppc32.js';
import { ppc64_2621 } from './v2.6.21/ppc64.js';
import { ppc64_64k_2621 } from './v2.6.21/ppc64-64k.js';
import { ppc32_618 } from './v6.18/ppc32.js';
import { ppc64_618 } from './v6.18/ppc64.js';
import { ppc64_64k_618 } from './v6.18/ppc64-64k.js';

export const VARIANTS: readonly VariantSpec[] = [ppc32_2621, ppc64_2621, ppc64_64k_2621, ppc32_618, ppc64_618, ppc64_64k_618];

export interface PowerpcBackendSettings {
  /** restrict to these variant ids */
  readonly only?: readonly string[];
}

export function createPowerpcBackend(settings: PowerpcBackendSettings = {}): BackendV1 {
  const variants = settings.only ? VARIANTS.filter((v) => settings.only!.includes(v.id)) : VARIANTS;
  return defineBackend({
    specificationVersion: 'v1',
    name: 'powerpc',
    packageName: '@mmsim/arch-powerpc',
    description: 'ppc32 (classic hash, book3s/32) and ppc64 (hash 4K/64K, book3s64)',
    variants,
  });
}

export const powerpc: BackendV1 = createPowerpcBackend();
export const backend = powerpc;

export { ppc32_2621, ppc64_2621, ppc64_64k_2621, ppc32_618, ppc64_618, ppc64_64k_618 };
