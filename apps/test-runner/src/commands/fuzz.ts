/**
 * `mmsim-test fuzz --host --count N --seed S`: random `.mmo` scripts run
 * on the running kernel (the recorder) and on the simulator's profile for
 * this host; counts identical / equal to a modelled timing alternative /
 * divergent; each divergence class shrunk to a minimal script and written
 * with its host recording as a regression fixture (--out). Exit 0 when no
 * script diverged, 1 when one did (or the host cannot record), 2 bad usage.
 */
import { resolve } from 'node:path';
import type { CommandBase, OptionValues } from '@mmsim/cli-kit';
import type { LoadedBackend } from '@mmsim/loader';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { campaignText, runCampaign } from '../fuzz/run.js';
import { parseWhole, SEED, type IntRange } from '../numbers.js';

/** scripts a campaign: a campaign of 2,000 is the acceptance run; beyond 100,000 is a mistake, not a deeper check */
export const FUZZ_COUNT: IntRange = { min: 1, max: 100_000, what: 'random scripts to run' };
/** seconds: a day at most */
export const FUZZ_TIME: IntRange = { min: 1, max: 86_400, what: 'seconds before no new script starts' };
/** host recordings spent shrinking one divergence */
export const FUZZ_SHRINK: IntRange = { min: 0, max: 10_000, what: 'host recordings per shrink' };

/** the fixtures folder, relative to the current directory */
export const DEFAULT_OUT = 'packages/mm/test/fixtures/fuzz';

interface FuzzContext {
  readonly values: OptionValues;
  readonly cwd: string;
  readonly reporter: string;
  print(lines: readonly string[]): void;
  backendsFor(extra: readonly string[]): Promise<LoadedBackend[]>;
}

const text = (values: OptionValues, name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined);

export const fuzzCommand: CommandBase & { run(ctx: FuzzContext): Promise<number> } = {
  name: 'fuzz',
  usage: 'fuzz --host [--count N] [--seed S] [--time-limit SECONDS] [--out DIR] [--shrink-budget N]',
  summary: 'random .mmo scripts on the running kernel and on the simulator, compared step by step; divergences shrunk into fixtures',
  options: {
    host: { type: 'boolean', help: 'compare with the running kernel (Linux, root, a C compiler; the recorder)' },
    count: { type: 'string', value: 'N', help: `scripts to run (${FUZZ_COUNT.min} to ${FUZZ_COUNT.max}; default 50)` },
    seed: { type: 'string', value: 'S', help: 'the generator\'s seed (a 32-bit signed integer; default 1)' },
    'time-limit': { type: 'string', value: 'SECONDS', help: 'start no script after this long' },
    out: { type: 'string', value: 'DIR', help: `where shrunk divergences go as fixtures (default ${DEFAULT_OUT})` },
    'shrink-budget': { type: 'string', value: 'N', help: 'host recordings to spend shrinking one divergence (default 150; 0: no shrinking)' },
  },
  maxPositionals: 0,
  details: [
    'Each script has 10 to 40 ops over anon, shmem and file (tmpfs, ext4) mappings, fork/exit, every mremap form, mprotect,',
    'madvise (THP too), truncate, punch, pread/pwrite, swapon/swapoff with PAGEOUT and remap_file_pages.',
    'A host result equal to one of the model\'s timing alternatives is accepted and counted apart. Progress goes to stderr.',
  ],
  async run(ctx) {
    const { values } = ctx;
    if (values['host'] !== true) throw new UsageError('fuzz compares the simulator with the running kernel: give --host');
    const count = parseWhole(text(values, 'count') ?? '50', '--count', FUZZ_COUNT);
    const seed = parseWhole(text(values, 'seed') ?? '1', '--seed', SEED);
    const limit = text(values, 'time-limit');
    const timeLimitMs = limit === undefined ? 0 : parseWhole(limit, '--time-limit', FUZZ_TIME) * 1000;
    const budget = parseWhole(text(values, 'shrink-budget') ?? '150', '--shrink-budget', FUZZ_SHRINK);
    const out = resolve(ctx.cwd, text(values, 'out') ?? DEFAULT_OUT);
    const rec = await import('@mmsim/recorder');
    const host = rec.hostCheckable();
    if (!host.ok) {
      process.stderr.write(`mmsim-test fuzz: cannot record on this host: ${host.reason}\n`);
      return EXIT_FAILED;
    }
    const backends = await ctx.backendsFor([]);
    const spec = backends.flatMap((b) => b.backend.variants).find((v) => v.id === host.profile.arch && v.era === host.profile.era);
    if (!spec) {
      process.stderr.write(`mmsim-test fuzz: no installed backend has ${host.profile.id}, this host's profile\n`);
      return EXIT_FAILED;
    }
    const quiet = process.env['MMSIM_TEST_PROGRESS'] === '0';
    const result = await runCampaign(
      { spec },
      { seed, count, timeLimitMs, out, shrink: budget > 0, shrinkBudget: budget, ...(quiet ? {} : { progress: (line: string) => void process.stderr.write(`${line}\n`) }) },
    );
    if (ctx.reporter === 'json') ctx.print([JSON.stringify({ command: 'fuzz', profile: host.profile.id, kernel: host.profile.release, ...result })]);
    else ctx.print([`host Linux ${host.profile.release} against the model's ${host.profile.id}`, ...campaignText(result)]);
    return result.divergent === 0 && result.invalid === 0 ? EXIT_OK : EXIT_FAILED;
  },
};
