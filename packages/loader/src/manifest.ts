/**
 * How a package declares itself an mmsim backend: a field in its
 * package.json naming the module that exports the backend,
 *
 *   "mmsim": { "backend": "." }            // the package's own entry
 *   "mmsim": { "backend": "./dist/x.js" }  // a file inside the package
 *
 * The module exports `backend` (or a default export) satisfying BackendV1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BackendManifest {
  /** package name */
  readonly name: string;
  readonly version: string;
  /** absolute path of the package folder */
  readonly dir: string;
  /** the `mmsim.backend` specifier, relative to dir */
  readonly entry: string;
}

/** The manifest of the package in `dir`, or undefined when it is not an mmsim backend. */
export function readBackendManifest(dir: string): BackendManifest | undefined {
  let json: { name?: string; version?: string; mmsim?: { backend?: unknown } };
  try {
    json = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = json.mmsim?.backend;
  if (typeof entry !== 'string' || typeof json.name !== 'string') return undefined;
  return { name: json.name, version: json.version ?? '0.0.0', dir, entry };
}
