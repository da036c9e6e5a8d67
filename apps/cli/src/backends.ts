/**
 * Backends are discovered, never listed here: every installed package with
 * an `"mmsim": {"backend": …}` field visible from the CLI's own folder (so
 * @mmsim/arch-x86 and @mmsim/arch-powerpc, installed beside it, are always
 * found) and from the working directory, plus each `--backend PATH|PACKAGE`.
 */
import type { BackendV1 } from '@mmsim/core';
import { discoverBackends } from '@mmsim/loader';
import { UsageError } from './errors.js';

export interface LoadedBackends {
  readonly backends: BackendV1[];
  /** one line each: installed backends that failed to load (warnings) */
  readonly warnings: string[];
}

export async function loadBackends(from: readonly string[], extra: readonly string[], cwd: string): Promise<LoadedBackends> {
  const discovery = await discoverBackends({ from, extra, cwd });
  // The loader does not say which problem came from which source. When the
  // user named backends, any failure is theirs to fix (exit 2); otherwise a
  // broken installed package is a warning and the others still run.
  if (extra.length && discovery.problems.length) throw new UsageError(discovery.problems[0]!);
  const backends = discovery.backends.map((b) => b.backend);
  if (backends.length === 0) {
    throw new UsageError(`no mmsim backend found (install @mmsim/arch-x86 or @mmsim/arch-powerpc, or pass --backend PATH|PACKAGE)`);
  }
  return { backends, warnings: discovery.problems };
}
