/** spec/backend.ts: resolveBackend / defineBackend, the v1 contract check. */
import { describe, expect, test } from 'vitest';
import { MmsimError } from '../src/errors.js';
import { defineBackend, resolveBackend, SUPPORTED_SPECIFICATION_VERSIONS, UnsupportedBackendVersionError, type BackendV1 } from '../src/spec/backend.js';
import { VARIANTS } from './helpers.js';

const backend: BackendV1 = { specificationVersion: 'v1', name: 'x86', variants: VARIANTS };

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
}

describe('resolveBackend', () => {
  test('accepts a backend object as is', () => {
    expect(resolveBackend(backend)).toBe(backend);
    expect(SUPPORTED_SPECIFICATION_VERSIONS).toEqual(['v1']);
  });

  test('accepts a module exporting { backend } or { default }', () => {
    expect(resolveBackend({ backend })).toBe(backend);
    expect(resolveBackend({ default: backend })).toBe(backend);
    expect(resolveBackend({ backend, default: { specificationVersion: 'v2' } })).toBe(backend); // backend wins
  });

  test('accepts the real x86 module namespace', async () => {
    const mod = await import('../../arch-x86/src/index.js');
    const resolved = resolveBackend(mod);
    expect(resolved.name).toBe('x86');
    expect(resolved.variants).toHaveLength(6);
  });

  test("rejects specificationVersion 'v2', naming the version and the origin", () => {
    const e = errorOf(() => resolveBackend({ ...backend, specificationVersion: 'v2' }, '@acme/arch-riscv'));
    expect(e).toBeInstanceOf(UnsupportedBackendVersionError);
    expect(e).toBeInstanceOf(MmsimError);
    expect(e.name).toBe('UnsupportedBackendVersionError');
    expect(e.message).toBe("@acme/arch-riscv has backend specificationVersion 'v2'; this core supports v1");
    // also behind a module
    expect(errorOf(() => resolveBackend({ backend: { ...backend, specificationVersion: 'v2' } })).message).toContain("'v2'");
  });

  test('rejects a missing version', () => {
    const e = errorOf(() => resolveBackend({ backend: { name: 'x', variants: [] } }));
    expect(e).toBeInstanceOf(UnsupportedBackendVersionError);
    expect(e.message).toContain("specificationVersion 'undefined'");
  });

  test('rejects what is not a backend at all', () => {
    for (const candidate of [undefined, null, 42, 'x86', {}, { something: backend }]) {
      const e = errorOf(() => resolveBackend(candidate, 'my-module'));
      expect(e).toBeInstanceOf(UnsupportedBackendVersionError);
      expect(e.message).toBe("my-module does not export an mmsim backend (expected an object with specificationVersion 'v1')");
    }
  });

  test('rejects a v1 backend without name or variants', () => {
    expect(() => resolveBackend({ specificationVersion: 'v1', variants: [] })).toThrow("backend is missing 'name' or 'variants'");
    expect(() => resolveBackend({ specificationVersion: 'v1', name: 'x', variants: {} })).toThrow(/missing 'name' or 'variants'/);
  });

  test('rejects a variant with another specificationVersion, naming it', () => {
    const bad = { ...VARIANTS[0]!, specificationVersion: 'v2' };
    const e = errorOf(() => resolveBackend({ ...backend, variants: [VARIANTS[1]!, bad] }, 'x86'));
    expect(e).toBeInstanceOf(UnsupportedBackendVersionError);
    expect(e.message).toBe("x86: variant i386@2.6.21 has specificationVersion 'v2'");
  });
});

describe('defineBackend', () => {
  test('is the identity on a valid backend and checks it, naming the backend', () => {
    expect(defineBackend(backend)).toBe(backend);
    const e = errorOf(() => defineBackend({ ...backend, name: 'acme', specificationVersion: 'v3' as 'v1' }));
    expect(e.message).toBe("acme has backend specificationVersion 'v3'; this core supports v1");
  });
});
