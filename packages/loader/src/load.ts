/**
 * Load backends: the installed ones (scan.ts) plus any named explicitly
 * with `--backend PATH|PACKAGE`. Import errors and contract mismatches are
 * reported per backend as one line, not thrown past the caller.
 */
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveBackend, MmsimError, type BackendV1 } from '@mmsim/core';
import { readBackendManifest, type BackendManifest } from './manifest.js';
import { scanBackends } from './scan.js';

export class BackendLoadError extends MmsimError {
  override readonly name = 'BackendLoadError';
}

export interface LoadedBackend {
  readonly backend: BackendV1;
  /** where it came from: a package name, or a path */
  readonly origin: string;
  readonly version?: string;
}

async function importManifest(manifest: BackendManifest): Promise<LoadedBackend> {
  const target = manifest.entry === '.' ? manifest.dir : join(manifest.dir, manifest.entry);
  const require = createRequire(join(manifest.dir, 'package.json'));
  let file: string;
  try {
    file = require.resolve(target);
  } catch {
    throw new BackendLoadError(`backend ${manifest.name}: cannot resolve its entry '${manifest.entry}' (is it built?)`);
  }
  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new BackendLoadError(`backend ${manifest.name}: import of ${file} failed: ${(error as Error).message.split('\n')[0]}`);
  }
  return { backend: resolveBackend(module, manifest.name), origin: manifest.name, version: manifest.version };
}

/** A user-given value as an error quotes it: never echoed whole (a 100 kB --backend stays one short line). */
function shown(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A folder (with package.json, or a JS file) or a package name resolved from `cwd`. */
export async function loadBackendFrom(spec: string, cwd = process.cwd()): Promise<LoadedBackend> {
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) {
      const manifest = readBackendManifest(path);
      if (manifest) return importManifest(manifest);
      if (!existsSync(join(path, 'package.json'))) throw new BackendLoadError(`--backend ${shown(spec)}: no package.json in that folder`);
      // a package without the mmsim field: try its main entry
      const name = spec;
      return importManifest({ name, version: '0.0.0', dir: path, entry: '.' });
    }
    let module: unknown;
    try {
      module = await import(pathToFileURL(path).href);
    } catch (error) {
      throw new BackendLoadError(`--backend ${shown(spec)}: import failed: ${shown((error as Error).message.split('\n')[0] ?? '', 200)}`);
    }
    return { backend: resolveBackend(module, spec), origin: spec };
  }
  const require = createRequire(join(cwd, 'noop.js'));
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${spec}/package.json`);
  } catch {
    throw new BackendLoadError(`--backend ${shown(spec)}: not a folder, file or installed package`);
  }
  const manifest = readBackendManifest(dirname(manifestPath));
  return importManifest(manifest ?? { name: spec, version: '0.0.0', dir: dirname(manifestPath), entry: '.' });
}

export interface DiscoverOptions {
  /** folders to search upwards from (node_modules chains); default: cwd */
  readonly from?: readonly string[];
  /** explicit `--backend` values */
  readonly extra?: readonly string[];
  readonly cwd?: string;
}

export interface Discovery {
  readonly backends: LoadedBackend[];
  /** one line per backend that could not be loaded */
  readonly problems: string[];
}

/** Every installed backend plus the explicit ones; variants with the same id and era: the first wins. */
export async function discoverBackends(options: DiscoverOptions = {}): Promise<Discovery> {
  const cwd = options.cwd ?? process.cwd();
  const manifests = scanBackends(options.from ?? [cwd]);
  const backends: LoadedBackend[] = [];
  const problems: string[] = [];
  for (const spec of options.extra ?? []) {
    try {
      backends.push(await loadBackendFrom(spec, cwd));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const manifest of manifests) {
    if (backends.some((b) => b.origin === manifest.name)) continue;
    try {
      backends.push(await importManifest(manifest));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { backends, problems };
}
