/**
 * The backends this repository holds, found without mmsim's discovery: every workspace package under
 * packages/ whose package.json has the `"mmsim": { "backend" }` field, loaded from its own folder.
 * Tests compare what mmsim finds in node_modules with this, so none lists the backends or counts
 * their variants: a new one (`pnpm gen:arch`) is expected at once, and one mmsim does not find, or a
 * list written into a test, fails.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendV1 } from '@mmsim/core';
import { loadBackendFrom, readBackendManifest } from '@mmsim/loader';

const PACKAGES = fileURLToPath(new URL('../../../packages', import.meta.url));

async function load(): Promise<{ packageName: string; backend: BackendV1 }[]> {
  const found = [];
  for (const entry of readdirSync(PACKAGES)) {
    const manifest = readBackendManifest(join(PACKAGES, entry));
    if (manifest) found.push({ packageName: manifest.name, backend: (await loadBackendFrom(manifest.dir)).backend });
  }
  if (found.length === 0) throw new Error(`no backend package under ${PACKAGES}`);
  return found.sort((a, b) => (a.packageName < b.packageName ? -1 : 1));
}

/** The workspace's backends, by package name (the order discovery gives packages in one node_modules folder). */
export const WORKSPACE_BACKENDS: readonly BackendV1[] = (await load()).map((b) => b.backend);

/** Every variant key (`x86_64@6.18`) of every workspace backend. */
export const WORKSPACE_KEYS: readonly string[] = WORKSPACE_BACKENDS.flatMap((b) => b.variants.map((v) => `${v.id}@${v.era}`));

/** The names `--arch` accepts, as its error lists them: all, the backends, then each variant id once. */
export const ARCH_NAMES: string = [...new Set(['all', ...WORKSPACE_BACKENDS.map((b) => b.name), ...WORKSPACE_BACKENDS.flatMap((b) => b.variants.map((v) => v.id))])].join(', ');
