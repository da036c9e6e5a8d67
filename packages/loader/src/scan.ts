/**
 * Find installed backend packages: every node_modules folder from a start
 * folder up to the filesystem root, top-level and scoped packages. Only
 * package.json files are read; nothing is imported here.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readBackendManifest, type BackendManifest } from './manifest.js';

function nodeModulesChain(start: string): string[] {
  const out: string[] = [];
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) out.push(candidate);
    const parent = dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

function packageDirs(nodeModules: string): string[] {
  const dirs: string[] = [];
  let names: string[];
  try {
    names = readdirSync(nodeModules);
  } catch {
    return dirs;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    if (name.startsWith('@')) {
      try {
        for (const sub of readdirSync(join(nodeModules, name))) dirs.push(join(nodeModules, name, sub));
      } catch {
        /* not a folder */
      }
    } else {
      dirs.push(join(nodeModules, name));
    }
  }
  return dirs;
}

/** Backend manifests visible from the start folders, first one found per package name. */
export function scanBackends(starts: readonly string[]): BackendManifest[] {
  const found = new Map<string, BackendManifest>();
  const seenDirs = new Set<string>();
  for (const start of starts) {
    for (const nodeModules of nodeModulesChain(start)) {
      for (const dir of packageDirs(nodeModules)) {
        let real: string;
        try {
          real = realpathSync(dir);
        } catch {
          continue;
        }
        if (seenDirs.has(real)) continue;
        seenDirs.add(real);
        const manifest = readBackendManifest(real);
        if (manifest && !found.has(manifest.name)) found.set(manifest.name, manifest);
      }
    }
  }
  return [...found.values()];
}
