/**
 * The backends mmsim-test (and the benchmarks) run against. None is listed
 * here: they are discovered, as @mmsim/loader finds them, among the packages
 * installed beside the runner (its own dependencies @mmsim/arch-x86 and
 * @mmsim/arch-powerpc are found that way) and beside the current folder, plus
 * any given with `--backend PATH|PACKAGE`.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendV1 } from '@mmsim/core';
import { discoverBackends, type LoadedBackend } from '@mmsim/loader';

/** The folder this module was loaded from: the runner's dist (or src under vitest). */
export const RUNNER_DIR: string = dirname(fileURLToPath(import.meta.url));

export interface FoundBackends {
  /** the explicit --backend ones first (in the order given), then the installed ones by package name */
  readonly backends: LoadedBackend[];
  /** one line per backend that could not be loaded */
  readonly problems: string[];
}

export interface FindOptions {
  /** `--backend` values: folders, files or package names */
  readonly extra?: readonly string[];
  /** where relative --backend paths and installed packages are looked up; default process.cwd() */
  readonly cwd?: string;
  /** folders to search for installed backends; default [RUNNER_DIR, cwd] */
  readonly from?: readonly string[];
}

/** Every backend installed beside the runner or the current folder, plus the explicit ones. */
export async function findBackends(options: FindOptions = {}): Promise<FoundBackends> {
  const cwd = options.cwd ?? process.cwd();
  const extra = options.extra ?? [];
  // Two passes, so the explicit ones can be told apart (they come first, and win over an installed copy).
  const explicit = await discoverBackends({ from: [], extra, cwd });
  const installed = await discoverBackends({ from: options.from ?? [RUNNER_DIR, cwd], cwd });
  const origins = new Set(explicit.backends.map((b) => b.origin));
  const rest = installed.backends.filter((b) => !origins.has(b.origin)).sort((a, b) => a.origin.localeCompare(b.origin));
  return { backends: [...explicit.backends, ...rest], problems: [...explicit.problems, ...installed.problems] };
}

/**
 * The backends installed beside the runner itself (its dependencies: x86
 * and powerpc), as plain BackendV1 values. The benchmarks use this; it
 * throws when one of them cannot be loaded.
 */
export async function builtinBackends(from: readonly string[] = [RUNNER_DIR]): Promise<BackendV1[]> {
  const { backends, problems } = await findBackends({ from });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return backends.map((b) => b.backend);
}
