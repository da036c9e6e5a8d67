/**
 * Running a `.mmo` script on the host: the recorder's JSON (the
 * simulator's trace schema, packages/mm Step), or one line saying why not.
 */
import { spawnSync } from 'node:child_process';
import { RecorderUnavailable, recorderBinary } from './build.js';

/** One recorded step: the simulator's Step (packages/mm/src/script/run.ts). */
export interface RecordedStep {
  n: number;
  proc: 'parent' | 'child';
  op: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
  obs?: Record<string, unknown>;
}

export interface Recording {
  scenario: string;
  desc: string;
  kernel: string;
  page_size: number;
  steps: RecordedStep[];
}

/** The script cannot be recorded as written (an op the recorder refuses, a region it does not know): one line. */
export class RecorderScriptError extends Error {
  override readonly name = 'RecorderScriptError';
}

/** the recorder's exit statuses (csrc/recorder.h) */
const EXIT_SCRIPT = 2;
const EXIT_HOST = 4;

export interface RecordOptions {
  /** do not pin to CPU 0 (the timing-dependent choices then vary more) */
  readonly noPin?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Why recording needs what this process lacks, or undefined: root, for PFNs, kpageflags, swap and KSM. */
export function privilegeProblem(): string | undefined {
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0)
    return 'recording needs root: pagemap shows PFNs, /proc/kpageflags and /proc/kpagecount open, and swap and KSM change only with CAP_SYS_ADMIN';
  return undefined;
}

/** Record SCRIPT (a file path) on the running kernel. */
export function recordScript(path: string, options: RecordOptions = {}): Recording {
  const bin = recorderBinary(options.env);
  const priv = privilegeProblem();
  if (priv) throw new RecorderUnavailable(priv);
  const r = spawnSync(bin, [...(options.noPin ? ['--no-pin'] : []), path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const why = (r.stderr ?? '').trim().split('\n')[0] ?? '';
  if (r.status === EXIT_SCRIPT) throw new RecorderScriptError(why || `${path}: cannot be recorded`);
  if (r.status === EXIT_HOST) throw new RecorderUnavailable(why.replace(/^mmsim-recorder: /, ''));
  if (r.status !== 0) throw new Error(`the recorder failed (${r.signal ?? `exit ${r.status}`}): ${why}`);
  return JSON.parse(r.stdout.split('\n')[0]!) as Recording;
}

/** The ops the recorder runs, and those it refuses with the reason (from the binary's table). */
export function recorderOps(env?: NodeJS.ProcessEnv): { run: string[]; refused: { op: string; why: string }[] } {
  const r = spawnSync(recorderBinary(env), ['--list'], { encoding: 'utf8' });
  const run: string[] = [];
  const refused: { op: string; why: string }[] = [];
  for (const line of r.stdout.split('\n')) {
    const [kind, op, why] = line.split('\t');
    if (kind === 'run' && op) run.push(op);
    else if (kind === 'refused' && op) refused.push({ op, why: why ?? '' });
  }
  return { run, refused };
}
