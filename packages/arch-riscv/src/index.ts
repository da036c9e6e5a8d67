/**
 * @mmsim/arch-riscv: riscv64 page-table encodings (Linux 6.18, 4K pages; the
 * leaf pte layout is the same under Sv39/Sv48/Sv57), as data for @mmsim/core.
 * riscv did not exist in 2.6.21: this backend declares the 6.18 era only.
 */
import { defineBackend, type BackendV1, type VariantSpec } from '@mmsim/core';
import { riscv64_618 } from './v6.18/riscv64.js';

export const VARIANTS: readonly VariantSpec[] = [riscv64_618];

export interface RiscvBackendSettings {
  /** restrict to these variant ids */
  readonly only?: readonly string[];
}

export function createRiscvBackend(settings: RiscvBackendSettings = {}): BackendV1 {
  const variants = settings.only ? VARIANTS.filter((v) => settings.only!.includes(v.id)) : VARIANTS;
  return defineBackend({
    specificationVersion: 'v1',
    name: 'riscv',
    packageName: '@mmsim/arch-riscv',
    description: 'riscv64 (Sv39/Sv48/Sv57 leaf ptes, 4K pages), Linux 6.18',
    variants,
  });
}

export const riscv: BackendV1 = createRiscvBackend();
/** What the mmsim loader imports: `"mmsim": { "backend": "." }` in package.json points here. */
export const backend = riscv;

export { riscv64_618 };
export { RISCV_CHG_MASK_618, RISCV_PROTECTION_MAP_618, RISCV_ROLES_618, RISCV_SELECTS_618 } from './capabilities.js';
