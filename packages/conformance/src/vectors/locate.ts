/**
 * Match a vector file to a backend variant, by the file's `variant` name
 * (a variant alias) and its kernel era.
 */
import { compileVariant, type BackendV1, type KernelConfig, type Variant } from '@mmsim/core';
import { vectorEra, VectorFormatError, type VectorFile } from './format.js';
import { clip } from './preview.js';

export function variantForVectors(file: VectorFile, backends: readonly BackendV1[], config?: KernelConfig): Variant {
  const era = vectorEra(file);
  for (const backend of backends) {
    for (const spec of backend.variants) {
      if (spec.era !== era) continue;
      const names = [spec.id, ...(spec.aliases ?? [])];
      if (names.includes(file.variant)) return compileVariant(spec, config);
    }
  }
  // one name per variant (its first alias, the vector files' own name), so the line stays short
  const known = backends.flatMap((b) => b.variants.filter((s) => s.era === era).map((s) => s.aliases?.[0] ?? s.id));
  throw new VectorFormatError(`no installed backend has variant '${clip(file.variant)}' for ${era} (known: ${known.join(', ') || 'none'})`);
}
