/**
 * `mmsim record SCRIPT`: run a `.mmo` script on the running Linux kernel
 * with the project's recorder (@mmsim/recorder, built on first use with the
 * system C compiler) and print what it saw, step by step — or, with
 * `--json`, the recording in the simulator's trace schema.
 */
import { resolve } from 'node:path';
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';

type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/script');
type Rec = typeof import('@mmsim/recorder');

/** The script read and parsed by the simulator's parser (the vocabulary's source of truth), or a usage error. */
export async function loadScript(ctx: RunContext, path: string | undefined, command: string): Promise<{ mm: Mm; full: string; script: import('@mmsim/mm').MmoScript }> {
  if (!path) throw new UsageError(`${command} needs a SCRIPT (a .mmo file)`);
  const mm: Mm = { ...(await import('@mmsim/mm')), ...(await import('@mmsim/mm/script')) };
  const full = resolve(ctx.cwd, path);
  try {
    return { mm, full, script: mm.parseMmo(mm.readScriptFile(full), path) };
  } catch (error) {
    if (error instanceof mm.ScriptFileError) throw new UsageError(`cannot read script '${mm.shorten(path, 200)}': ${error.reason}`);
    if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
    throw error;
  }
}

/** Record on the host: the recording, or the one line why not (exit 1 for the host, 2 for the script). */
export function recordOrRefuse(ctx: RunContext, rec: Rec, full: string, command: string): import('@mmsim/recorder').Recording | number {
  try {
    return rec.recordScript(full);
  } catch (error) {
    if (error instanceof rec.RecorderScriptError) throw new UsageError(error.message);
    if (error instanceof rec.RecorderUnavailable) {
      ctx.io.err(`mmsim ${command}: cannot record on this host: ${error.message}\n`);
      return EXIT_FAILED;
    }
    throw error;
  }
}

export const recordCommand: CommandSpec = {
  name: 'record',
  summary: 'run a .mmo scenario on the running Linux kernel (root) and print what it saw',
  usage: 'record SCRIPT',
  options: {},
  maxPositionals: 1,
  details: [
    'Needs Linux, root (pagemap PFNs, kpageflags, swap, KSM) and a C compiler: the recorder is built from its C sources on first use.',
    'Every system change (swap file, zram, KSM settings) is undone when the run ends, fails or is interrupted.',
    '--json prints the recording in the simulator\'s trace schema (what `mmsim run --json` gives per variant).',
  ],
  async run(ctx: RunContext): Promise<number> {
    const { full } = await loadScript(ctx, ctx.positionals[0], 'record');
    const rec: Rec = await import('@mmsim/recorder');
    const recording = recordOrRefuse(ctx, rec, full, 'record');
    if (typeof recording === 'number') return recording;
    if (ctx.json) {
      ctx.io.out(`${JSON.stringify(recording)}\n`);
      return EXIT_OK;
    }
    ctx.print([`${recording.scenario}: ${recording.steps.length} steps recorded on Linux ${recording.kernel}`]);
    ctx.print(rec.recordingLines(recording.steps));
    return EXIT_OK;
  },
};
