// For a package's vitest config: the workspace packages its tests import, resolved to their sources
// (src/index.ts) instead of their built dist. Those tests then wait for no build — turbo.json starts
// them first, beside the builds (packages/mm) — and test the sources as they are, as they do their own.
// What the built packages do (their exports, their bins) is checked by the tests that use them: the
// CLI's and the runner's, release-check's.
//
//   resolve: { alias: sources('core', 'conformance') }
import { fileURLToPath } from 'node:url';

const PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

/** vite alias entries, `@mmsim/NAME` (exactly that, no subpath) → packages/NAME/src/index.ts */
export function sources(...names) {
  return names.map((name) => ({ find: new RegExp(`^@mmsim/${name}$`), replacement: `${PACKAGES}${name}/src/index.ts` }));
}
