/**
 * The recorder binary, built on demand: the C sources shipped in the
 * package (csrc/) compiled with the system C compiler into a cache folder
 * keyed by the sources' hash, so an upgrade rebuilds and a second run does
 * not. No prebuilt binary is shipped.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The host cannot run the recorder (not Linux, no compiler, not root): one line saying why. */
export class RecorderUnavailable extends Error {
  override readonly name = 'RecorderUnavailable';
}

/** The package's csrc folder, from dist/ or src/ alike. */
export function sourceDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..', 'csrc');
}

/** Where built binaries go: $MMSIM_RECORDER_CACHE, else $XDG_CACHE_HOME/mmsim-recorder, else ~/.cache/mmsim-recorder. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['MMSIM_RECORDER_CACHE']) return env['MMSIM_RECORDER_CACHE'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'mmsim-recorder');
}

/** The first C compiler found: $CC, then cc, then gcc. */
export function findCompiler(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const names = [env['CC'], 'cc', 'gcc'].filter((x): x is string => Boolean(x));
  for (const cc of names) {
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore', env });
      return cc;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Why this host cannot build or run the recorder at all, or undefined when it can. */
export function hostProblem(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux') return `the recorder runs on Linux only (this is ${process.platform})`;
  if (!findCompiler(env)) return 'no C compiler found (tried $CC, cc, gcc): the recorder is built from source on first use';
  return undefined;
}

/** The recorder's path, compiled first if this version of the sources has not been. */
export function recorderBinary(env: NodeJS.ProcessEnv = process.env): string {
  const problem = hostProblem(env);
  if (problem) throw new RecorderUnavailable(problem);
  const src = sourceDir();
  const files = readdirSync(src).filter((f) => f.endsWith('.c') || f.endsWith('.h')).sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(src, f)));
  const dir = cacheDir(env);
  const bin = join(dir, `mmsim-recorder-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  const cc = findCompiler(env)!;
  try {
    execFileSync(cc, ['-O1', '-std=gnu11', '-o', tmp, ...files.filter((f) => f.endsWith('.c')).map((f) => join(src, f))], { stdio: ['ignore', 'ignore', 'pipe'], env });
  } catch (error) {
    const text = String((error as { stderr?: Buffer }).stderr ?? '').split('\n').find((l) => l.includes('error')) ?? String(error);
    throw new RecorderUnavailable(`building the recorder with ${cc} failed: ${text.trim()}`);
  }
  renameSync(tmp, bin); // atomic: a concurrent build never runs a half-written binary
  return bin;
}
