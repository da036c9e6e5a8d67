/**
 * `mmsim replay RACE SCHEDULE`: run a race program along one schedule, step
 * by step — a prefix is enough, the rest runs in thread order — showing
 * what each thread did, the values that decided it, and the state at the
 * end; `--svg FILE` draws the trace as swimlanes (render/trace-svg.ts).
 */
import { ERAS } from '@mmsim/core';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { planOutputs, writeOutputs } from '../output.js';
import { jsonDocument } from '../render/json.js';
import { stateLines, traceLines } from '../render/race-trace.js';
import { traceSvg } from '../render/trace-svg.js';
import type { CommandSpec, RunContext } from '../command.js';
import { pick, scriptErrors } from './explore.js';

export const replayCommand: CommandSpec = {
  name: 'replay',
  summary: 'run a race program along one schedule (or a prefix of one), step by step',
  usage: 'replay RACE|FILE.mmo SCHEDULE',
  options: {
    policy: { type: 'string', value: 'NAME', help: 'the policy (default: the race\'s oldest)' },
    svg: { type: 'string', value: 'FILE', help: 'also draw the trace as swimlanes: a lane per thread, lock-held spans, the values each step read, the failing step and the state there' },
  },
  maxPositionals: 2,
  defaultEras: ERAS,
  details: [
    'SCHEDULE names the thread of each step, run-length encoded: 0*2,1 runs thread 0 twice, then thread 1.',
    'It may be a prefix: after it the rest runs in thread order (at each step the lowest-numbered thread that can run), to the end.',
    'Each step shows, in braces, the values the kernel path read that decide the outcome (truncate_count, mapcount, refcount, the rmap walk\'s VMAs, …).',
    'The notation: mmsim run --legend, or docs/trace-legend.md.',
  ],
  async run(ctx: RunContext): Promise<number> {
    const { mm, race, variant, policies } = await pick(ctx, 'replay');
    const schedule = ctx.positionals[1];
    if (schedule === undefined) throw new UsageError('replay needs a SCHEDULE (e.g. 0*2,1)');
    const svgPath = ctx.values['svg'];
    // the output path is checked before anything runs: a bad one is refused with nothing written
    const outputs = typeof svgPath === 'string' ? planOutputs([{ option: '--svg', given: svgPath }], ctx.cwd) : [];
    const policy = policies[0]!;
    const r = scriptErrors(mm, () => mm.replay(race.make(variant.spec, policy), schedule, { rest: true, states: outputs.length > 0 }));
    const given = r.schedule === schedule.replace(/\s+/g, '') ? schedule : `${schedule} (run: ${r.schedule})`;
    if (outputs.length) {
      const svg = traceSvg({
        title: `${race.name} under ${policy} on ${variant.key}`,
        subtitle: `${race.summary}${/[.?!]$/.test(race.summary) ? '' : '.'} Schedule ${given}.`,
        result: r,
      });
      writeOutputs(outputs, [svg]);
    }
    if (ctx.json) {
      const { state: _, ...result } = r;
      const steps = r.steps.map(({ state: __, ...s }) => s);
      ctx.io.out(`${jsonDocument({ command: 'replay', race: race.name, variant: variant.key, policy, ...result, schedule: r.schedule, given: schedule, steps, ...(r.state !== undefined ? { state: r.state } : {}), ...(outputs.length ? { svg: outputs[0]!.given } : {}) })}\n`);
    } else {
      const { c } = ctx;
      const lines = [c.bold(`== ${race.name} under ${policy} on ${variant.key}: schedule ${given}`), ''];
      lines.push(...traceLines(c, r));
      lines.push('', r.failure ? c.red(`✗ ${r.failure}`) : r.finished ? c.green('✓ every thread finished; every check held') : `the rest did not finish within ${mm.REST_CAP} steps in thread order; every check held so far`);
      lines.push(...stateLines(c, r));
      if (outputs.length) lines.push('', `swimlanes written to ${outputs[0]!.given}`);
      ctx.print(lines);
    }
    return r.failure ? EXIT_FAILED : EXIT_OK;
  },
};
