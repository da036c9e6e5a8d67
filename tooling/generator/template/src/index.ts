/**
 * @mmsim/arch-__NAME__: __NAME__ page-table encodings as data for @mmsim/core.
 *
 * REPLACE the example variant with the real ones: one file per variant and
 * era under src/v2.6.21/ and src/v6.18/, listed in VARIANTS below. Everything
 * callable (encoders, predicates, the classifier, limits, docs) is derived by
 * core from that data.
 */
import { defineBackend, type BackendV1, type VariantSpec } from '@mmsim/core';
import { toy32_618 } from './v6.18/toy32.js';

export const VARIANTS: readonly VariantSpec[] = [toy32_618];

export interface __PASCAL__BackendSettings {
  /** restrict to these variant ids */
  readonly only?: readonly string[];
}

export function create__PASCAL__Backend(settings: __PASCAL__BackendSettings = {}): BackendV1 {
  const variants = settings.only ? VARIANTS.filter((v) => settings.only!.includes(v.id)) : VARIANTS;
  return defineBackend({
    specificationVersion: 'v1',
    name: '__NAME__',
    packageName: '@mmsim/arch-__NAME__',
    description: '__NAME__ (REPLACE: the variants this backend models)',
    variants,
  });
}

export const __CAMEL__: BackendV1 = create__PASCAL__Backend();
/** What the mmsim loader imports: `"mmsim": { "backend": "." }` in package.json points here. */
export const backend = __CAMEL__;

export { toy32_618 };
