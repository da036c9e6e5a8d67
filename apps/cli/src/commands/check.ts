/**
 * `mmsim check SCRIPT`: record SCRIPT on the running kernel, run it on the
 * simulator's profile for this host (uname -m, the kernel's version; a
 * kernel the model has no profile for is refused), and print the two side
 * by side, every differing step marked. Where the kernel's result hangs on
 * timing (a per-CPU batch's page reference: COW reuse, a swap slot freed on
 * a write fault), the model's alternative runs are tried too
 * (@mmsim/mm/script timedRuns); a recording equal to one of them is
 * accepted and the alternative named. Each comparison is exact.
 * Exit 0 identical (or equal to a modelled alternative), 1 divergent, 2 bad input.
 */
import type { CommandSpec, RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { loadScript, recordOrRefuse } from './record.js';

type Rec = typeof import('@mmsim/recorder');

export const checkCommand: CommandSpec = {
  name: 'check',
  summary: 'record a .mmo scenario on the running kernel and compare it with the simulator, step by step',
  usage: 'check SCRIPT',
  options: {},
  maxPositionals: 1,
  details: [
    'Runs the simulator profile of this host (x86_64@6.18 on an x86_64 6.18 kernel); other kernels are refused.',
    'Where the kernel decides on timing (per-CPU batches holding page references), the model\'s alternatives are tried;',
    'a host result equal to one is accepted and named. Exit 0 identical, 1 divergent, 2 bad input.',
  ],
  async run(ctx: RunContext): Promise<number> {
    // the profile is the host's: an --arch or --kernel would name another machine
    for (const option of ['arch', 'kernel', 'config', 'backend']) if (ctx.values[option] !== undefined) throw new UsageError(`check runs the simulator profile of this host; --${option} is not taken (record elsewhere, or use mmsim run)`);
    const { mm, full, script } = await loadScript(ctx, ctx.positionals[0], 'check');
    const rec: Rec = await import('@mmsim/recorder');
    let profile: import('@mmsim/recorder').HostProfile;
    try {
      profile = rec.hostProfile();
    } catch (error) {
      if (!(error instanceof rec.NoProfile)) throw error;
      ctx.io.err(`mmsim check: cannot check on this host: ${error.message}\n`);
      return EXIT_FAILED;
    }
    const variant = ctx.variants([profile.id])[0]!;
    const options = { spec: variant.spec, config: variant.config };
    // the simulator first: a script it refuses is bad input before anything runs on the host
    let runs: Generator<import('@mmsim/mm/script').TimedRun, void, void>;
    let model: import('@mmsim/mm/script').TimedRun;
    try {
      runs = mm.timedRuns(script, options, ctx.positionals[0]!);
      model = runs.next().value as import('@mmsim/mm/script').TimedRun;
    } catch (error) {
      if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
      throw error;
    }
    const recording = recordOrRefuse(ctx, rec, full, 'check');
    if (typeof recording === 'number') return recording;
    const first = rec.compareSteps(recording.steps, model.trace.steps);
    let matched: import('@mmsim/mm/script').TimedRun | undefined = first.identical ? model : undefined;
    let tried = 1;
    if (!matched) {
      for (const alt of runs) {
        tried++;
        if (rec.compareSteps(recording.steps, alt.trace.steps).identical) {
          matched = alt;
          break;
        }
      }
    }
    const shown = matched ?? model;
    const verdict = !matched
      ? `divergent: ${first.differing.length} of ${Math.max(recording.steps.length, model.trace.steps.length)} steps differ (first: step ${first.differing[0]}); ${tried - 1} timing alternatives tried, none equal`
      : matched === model
        ? `identical: ${recording.steps.length} steps`
        : `identical to a modelled alternative: ${matched.flipped.map((s, i) => `decision ${matched!.flips[i]} (${s}) taken the other way`).join('; ')}`;
    if (ctx.json) {
      ctx.io.out(`${JSON.stringify({ command: 'check', script: ctx.positionals[0], host: { kernel: recording.kernel, profile: profile.id }, verdict: matched ? (matched === model ? 'identical' : 'alternative') : 'divergent', alternative: matched && matched !== model ? { flips: matched.flips, decisions: matched.flipped } : null, differing: first.differing, recording, model: model.trace })}\n`);
      return matched ? EXIT_OK : EXIT_FAILED;
    }
    ctx.print([`${script.scenario || ctx.positionals[0]}: host Linux ${recording.kernel} against the model's ${variant.key}`]);
    ctx.print(rec.sideBySide(recording.steps, shown.trace.steps));
    ctx.print([verdict]);
    return matched ? EXIT_OK : EXIT_FAILED;
  },
};
