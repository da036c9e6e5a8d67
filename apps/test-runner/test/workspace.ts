/**
 * The backends this repository holds, found without mmsim's discovery: every workspace package under
 * packages/ whose package.json has the `"mmsim": { "backend" }` field, loaded from its own folder.
 * Tests compare what mmsim-test finds in node_modules with this, so none lists the backends or counts
 * their variants: a new one (`pnpm gen:arch`) is expected at once, and one mmsim-test does not find,
 * or a list written into a test, fails.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendV1 } from '@mmsim/core';
import { loadBackendFrom, readBackendManifest } from '@mmsim/loader';

const PACKAGES = fileURLToPath(new URL('../../../packages', import.meta.url));

export interface WorkspaceBackend {
  readonly packageName: string;
  readonly version: string;
  readonly backend: BackendV1;
}

async function load(): Promise<WorkspaceBackend[]> {
  const found: WorkspaceBackend[] = [];
  for (const entry of readdirSync(PACKAGES)) {
    const manifest = readBackendManifest(join(PACKAGES, entry));
    if (manifest) found.push({ packageName: manifest.name, version: manifest.version, backend: (await loadBackendFrom(manifest.dir)).backend });
  }
  if (found.length === 0) throw new Error(`no backend package under ${PACKAGES}`);
  return found.sort((a, b) => (a.packageName < b.packageName ? -1 : 1));
}

/** The workspace's backend packages, by package name (the order mmsim-test lists installed ones in). */
export const WORKSPACE: readonly WorkspaceBackend[] = await load();

/** Their backend names, in that order. */
export const WORKSPACE_NAMES: readonly string[] = WORKSPACE.map((b) => b.backend.name);

/** How `mmsim-test` describes each in its first line: `x86 (@mmsim/arch-x86 0.1.0, 6 variants)`. */
export const DESCRIBED: readonly string[] = WORKSPACE.map(
  (b) => `${b.backend.name} (${b.packageName}${b.version !== '0.0.0' ? ` ${b.version}` : ''}, ${b.backend.variants.length} variant${b.backend.variants.length === 1 ? '' : 's'})`,
);
