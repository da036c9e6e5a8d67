/**
 * @mmsim/arch-arm64: arm64 page-table encodings (Linux 6.18, 4K pages, 48-bit
 * VA and PA, no LPA2), as data for @mmsim/core. arm64 did not exist in
 * 2.6.21: this backend declares the 6.18 era only.
 */
import { defineBackend, type BackendV1, type VariantSpec } from '@mmsim/core';
import { arm64_618 } from './v6.18/arm64.js';

export const VARIANTS: readonly VariantSpec[] = [arm64_618];

export interface Arm64BackendSettings {
  /** restrict to these variant ids */
  readonly only?: readonly string[];
}

export function createArm64Backend(settings: Arm64BackendSettings = {}): BackendV1 {
  const variants = settings.only ? VARIANTS.filter((v) => settings.only!.includes(v.id)) : VARIANTS;
  return defineBackend({
    specificationVersion: 'v1',
    name: 'arm64',
    packageName: '@mmsim/arch-arm64',
    description: 'arm64 (4K pages, 48-bit VA and PA), Linux 6.18',
    variants,
  });
}

export const arm64: BackendV1 = createArm64Backend();
/** What the mmsim loader imports: `"mmsim": { "backend": "." }` in package.json points here. */
export const backend = arm64;

export { arm64_618 };
export { ARM64_CHG_MASK_618, ARM64_PROTECTION_MAP_618, ARM64_ROLES_618, ARM64_SELECTS_618 } from './capabilities.js';
