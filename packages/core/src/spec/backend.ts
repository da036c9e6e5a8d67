/**
 * A backend is one architecture family (x86, powerpc, or a third party's),
 * delivering variant specs for one or more eras. Backends are plain data
 * behind a versioned contract, so two copies of core in node_modules still
 * agree on what a backend is (no instanceof).
 */
import { MmsimError } from '../errors.js';
import type { VariantSpec } from './variant-spec.js';

export interface BackendV1 {
  readonly specificationVersion: 'v1';
  /** family name: `x86`, `powerpc` */
  readonly name: string;
  /** npm package the backend came from, when known */
  readonly packageName?: string;
  readonly description?: string;
  readonly variants: readonly VariantSpec[];
}

export const SUPPORTED_SPECIFICATION_VERSIONS = ['v1'] as const;

export class UnsupportedBackendVersionError extends MmsimError {
  override readonly name = 'UnsupportedBackendVersionError';
}

/** Identity function with a structural check: use it to declare a backend. */
export function defineBackend(backend: BackendV1): BackendV1 {
  return resolveBackend(backend, backend.name);
}

/**
 * Accept what a backend module exports (the backend itself, or a module with
 * `default` or `backend`), check its contract version and its variants'.
 */
export function resolveBackend(candidate: unknown, origin = 'backend'): BackendV1 {
  let value = candidate as Record<string, unknown> | undefined;
  if (value && typeof value === 'object' && !('specificationVersion' in value)) {
    value = (value['backend'] ?? value['default']) as Record<string, unknown> | undefined;
  }
  if (!value || typeof value !== 'object') {
    throw new UnsupportedBackendVersionError(`${origin} does not export an mmsim backend (expected an object with specificationVersion 'v1')`);
  }
  const version = value['specificationVersion'];
  if (!(SUPPORTED_SPECIFICATION_VERSIONS as readonly unknown[]).includes(version)) {
    throw new UnsupportedBackendVersionError(
      `${origin} has backend specificationVersion '${String(version)}'; this core supports ${SUPPORTED_SPECIFICATION_VERSIONS.join(', ')}`,
    );
  }
  const backend = value as unknown as BackendV1;
  if (typeof backend.name !== 'string' || !Array.isArray(backend.variants)) {
    throw new UnsupportedBackendVersionError(`${origin} is missing 'name' or 'variants'`);
  }
  for (const v of backend.variants) {
    if (v.specificationVersion !== 'v1') {
      throw new UnsupportedBackendVersionError(`${origin}: variant ${v.id}@${v.era} has specificationVersion '${String(v.specificationVersion)}'`);
    }
    // what generic mm asks of an arch (core 0.2): a backend written for an older core lacks it
    const missing = (['roles', 'chgMask', 'selects', 'protectionMap'] as const).filter((k) => (v as Partial<VariantSpec>)[k] === undefined);
    if (missing.length > 0) {
      throw new UnsupportedBackendVersionError(
        `${origin}: variant ${v.id}@${v.era} declares no ${missing.join(', ')} (the pte roles, _PAGE_CHG_MASK, Kconfig selects and protection_map generic mm needs: see docs/adding-an-arch.md)`,
      );
    }
    // protection_map: 16 entries, each a protection the variant declares
    const names = v.protectionMap.names as readonly unknown[];
    const bad = Array.isArray(names) ? names.findIndex((n) => typeof n !== 'string' || !Object.hasOwn(v.prots, n)) : 0;
    if (!Array.isArray(names) || names.length !== 16 || bad !== -1) {
      const what = !Array.isArray(names) || names.length !== 16 ? `has ${Array.isArray(names) ? names.length : 'no'} entries, not 16` : `entry ${bad} names '${String(names[bad])}', not one of its prots (${Object.keys(v.prots).join(', ')})`;
      throw new UnsupportedBackendVersionError(`${origin}: variant ${v.id}@${v.era} protectionMap ${what}`);
    }
  }
  return backend;
}
