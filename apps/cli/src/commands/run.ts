/**
 * `mmsim run SCRIPT`: run a `.mmo` scenario on the simulator (@mmsim/mm)
 * for each chosen variant and print the trace — what the acting process
 * sees after every step, in the host oracle's notation — or, with several
 * variants, the steps once where they agree and per variant (marked ≠)
 * where they differ: a remap_file_pages offset one arch's file ptes cannot
 * hold, a swap device larger than a pte can address, an era's COW rule.
 * `--check` verifies the invariants after every step.
 *
 * Steps are printed as they complete (several variants run in lockstep, one
 * step of each at a time), and `--json` streams its document, so memory
 * stays flat however long the script.
 */
import { resolve } from 'node:path';
import type { Variant } from '@mmsim/core';
import { simulatorVariants, type CommandSpec, type RunContext } from '../command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { jsonDocument } from '../render/json.js';

/** the simulator's root entry and its `.mmo` one (for `shorten`), loaded lazily as one namespace */
type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/script');
type Trace = ReturnType<Mm['runScript']>;
type Step = Trace['steps'][number];
type RunEnd = import('@mmsim/mm').RunEnd;

/** One page in the host oracle's compact notation (shared/host-oracle/view.jq). */
function pageText(p: Step['obs'][string]['pages'][number]): string {
  if (p.st === 'present') return `${p.i}:${p.pfn}${p.pm.includes('file') ? 'f' : ''}${p.pm.includes('excl') ? 'x' : ''}${(p.kf ?? []).includes('SWAPCACHE') ? '$' : ''}[${p.mapcnt}]=${p.data}`;
  if (p.st === 'swapped') return `${p.i}:${p.slot}@${p.swap_type}(+${p.slot_rel})`;
  if (p.st === 'file') return `${p.i}:file(pgoff ${p.pgoff})`;
  return `${p.i}:-${p.mc ? '(incore)' : ''}`;
}

/** @mmsim/mm's MANY_REGIONS, as text (this module loads mm lazily; tested against the constant) */
const MANY_REGIONS_TEXT = '64';

function stepLines(step: Step): string[] {
  const ret = step.ret['ok']
    ? Object.entries(step.ret).filter(([k]) => k !== 'ok' && k !== 'val').map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ') || 'ok'
    : `${String(step.ret['errno'] ?? step.ret['signal'] ?? step.ret['note'] ?? step.ret['oom'])}${step.ret['si_code'] ? `/${String(step.ret['si_code'])}` : ''}`;
  const lines = [`${step.n} ${step.proc === 'child' ? 'C' : 'P'} ${step.op} ${JSON.stringify(step.args)} -> ${ret}`];
  for (const [name, r] of Object.entries(step.obs)) {
    const vmas = r.vmas.map((v) => `[${v.from}-${v.to} ${v.perms} off=${v.pgoff}${v.path ? ` ${v.path}` : ''}]`).join(' ');
    // a sampled region (a `sample` line, or a big one): say how many of its pages are listed
    const total = Object.entries(r.summary).reduce((n, [k, v]) => (k === 'present' || k === 'swapped' || k === 'none' || k === 'guard' || k === 'marker' ? n + v : n), 0);
    const listed = r.pages.length < total ? `  (${r.pages.length} of ${total} pages listed)` : '';
    lines.push(`      ${name}: ${r.pages.map(pageText).join(' ')}  ${vmas}${listed}`);
  }
  // past MANY_REGIONS regions a step observes only the regions it names
  if (step.unobserved) lines.push(`      (${step.unobserved} other regions not observed: past ${MANY_REGIONS_TEXT} regions a step shows only those it names)`);
  return lines;
}

/** The machine sizes `--frames` accepts: from the race machine's 64 frames to 4 Mi frames (16 GiB of 4 KiB pages; ~110 MB of frame tables). */
const MIN_FRAMES = 64;
const MAX_FRAMES = 4 * 1024 * 1024;

function framesOption(ctx: RunContext): number | undefined {
  const raw = ctx.values['frames'];
  if (raw === undefined) return undefined;
  const text = String(raw);
  const n = /^(\d{1,12}|0x[0-9a-f]{1,10})$/i.test(text) ? Number(text) : NaN;
  if (!(n >= MIN_FRAMES && n <= MAX_FRAMES)) throw new UsageError(`--frames '${text.length > 40 ? `${text.slice(0, 40)}…` : text}' is not a frame count; valid: ${MIN_FRAMES} … ${MAX_FRAMES}`);
  return n;
}

/** A failure that ends one variant's run: exit 1, one line naming the step. */
function failureText(mm: Mm, error: unknown, step: number): string | undefined {
  if (error instanceof mm.ExpectationFailed) return `step ${step} (line ${error.op.line}): ${error.message}`;
  if (error instanceof mm.InvariantViolation || error instanceof mm.KernelBug) return `${error.name}: ${error.message}`;
  // the kernel would run it, the model cannot represent it exactly: a refusal, said in words
  if (error instanceof mm.NotModelled) return `step ${step}: not modelled: ${error.message}`;
  return undefined;
}

/** One variant's run, advanced a step at a time. */
interface Lane {
  readonly variant: Variant;
  readonly steps: Generator<Step, RunEnd, void>;
  done: boolean;
  end?: RunEnd;
  error?: string;
}

/** The next step of a lane, or undefined when it has ended (its end or error noted). */
function advance(mm: Mm, lane: Lane, n: number): Step | undefined {
  if (lane.done) return undefined;
  try {
    const r = lane.steps.next();
    if (!r.done) return r.value;
    lane.end = r.value;
  } catch (error) {
    if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
    const text = failureText(mm, error, n);
    if (text === undefined) throw error;
    lane.error = text;
  }
  lane.done = true;
  return undefined;
}

/** A lane's exit status: 1 for a found failure or a run the machine could not finish. */
const failed = (lane: Lane): boolean => lane.error !== undefined || lane.end?.stopped === 'out_of_memory';

/** The JSON document, written as it is produced: the same shape jsonDocument would give the whole. */
function streamJson(ctx: RunContext, mm: Mm, path: string, script: import('@mmsim/mm').MmoSource, lanes: Lane[]): number {
  const out = (text: string) => ctx.io.out(text);
  const indent = (text: string, pad: string) => text.split('\n').join(`\n${pad}`);
  out(`{\n  "command": "run",\n  "script": ${JSON.stringify(path)},\n  "scenario": ${JSON.stringify(script.scenario)},\n  "traces": [`);
  let usage: UsageError | undefined;
  lanes.forEach((lane, k) => {
    out(`${k ? ',' : ''}\n    {\n      "variant": ${JSON.stringify(lane.variant.key)},\n      "steps": [`);
    let count = 0;
    for (;;) {
      let step: Step | undefined;
      try {
        step = usage ? undefined : advance(mm, lane, count + 1);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        // a bad script line: the document still closes, saying so; the line is the command's error
        usage = error;
        lane.error = error.message;
      }
      if (!step) break;
      out(`${count++ ? ',' : ''}\n        ${indent(jsonDocument(step), '        ')}`);
    }
    out(`${count ? '\n      ' : ''}]${lane.error ? `,\n      "error": ${JSON.stringify(lane.error)}` : ''}\n    }`);
  });
  out('\n  ]\n}\n');
  if (usage) throw usage;
  return lanes.some(failed) ? EXIT_FAILED : EXIT_OK;
}

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'run a .mmo scenario on the simulator, one variant or several side by side',
  usage: 'run SCRIPT',
  options: {
    check: { type: 'boolean', help: 'check the invariants after every step (exit 1 on a broken one)' },
    'all-pages': { type: 'boolean', help: 'list every page of every region, not a sample of the big ones (regions up to the all-pages cap)' },
    frames: { type: 'string', value: 'N', help: `physical memory in frames (default 65536; ${MIN_FRAMES} … ${MAX_FRAMES}, at most what the pte's pfn field can address)` },
  },
  maxPositionals: 1,
  defaultEras: ['6.18'],
  details: [
    'SCRIPT is a .mmo script: every op, directive and error is in docs/mmo.md (mmo.md in the @mmsim/mm package).',
    'Without --arch the scenario runs on x86_64; --arch all compares every variant.',
    'Scripts are read up to 32 MiB. Regions above 4096 pages list their first and last 32 pages (the summary counts all);',
    '--all-pages lists every page, for regions of up to 262144 pages. A failing expect is exit 1.',
  ],
  async run(ctx: RunContext): Promise<number> {
    const path = ctx.positionals[0];
    if (!path) throw new UsageError('run needs a SCRIPT (a .mmo file)');
    const frames = framesOption(ctx);
    const mm: Mm = { ...(await import('@mmsim/mm')), ...(await import('@mmsim/mm/script')) };
    let script: ReturnType<Mm['streamMmo']>;
    try {
      // read with the size cap (a directory, a missing file, /dev/zero: one line), checked whole, run as it is parsed
      const text = mm.readScriptFile(resolve(ctx.cwd, path));
      script = mm.streamMmo(text, path);
    } catch (error) {
      if (error instanceof mm.ScriptFileError) throw new UsageError(`cannot read script '${mm.shorten(path, 200)}': ${error.reason}`);
      if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
      throw error;
    }
    const variants = simulatorVariants(ctx);
    const options = { check: ctx.values['check'] === true, allPages: ctx.values['all-pages'] === true };
    // every variant once without observing: a bad line (its values are checked against that arch) is refused before anything is printed
    for (const v of variants) {
      try {
        for (const _ of mm.runScriptSteps(script, { spec: v.spec, config: v.config, ...(frames !== undefined ? { frames } : {}) }, path, { ...options, validateOnly: true }));
      } catch (error) {
        if (error instanceof mm.MmoSyntaxError) throw new UsageError(error.message);
        // anything else ends that variant's run the same way below, where it is reported
      }
    }
    const lanes: Lane[] = variants.map((v) => ({ variant: v, steps: mm.runScriptSteps(script, { spec: v.spec, config: v.config, ...(frames !== undefined ? { frames } : {}) }, path, options), done: false }));
    if (ctx.json) return streamJson(ctx, mm, path, script, lanes);
    const { c } = ctx;
    ctx.print([c.bold(`== ${script.scenario}: ${script.desc}`), `   on ${variants.map((v) => v.key).join(', ')}`, '']);
    for (let i = 1; ; i++) {
      const running = lanes.filter((l) => !l.done);
      const steps = running.map((l) => advance(mm, l, i));
      const shown = running.filter((l, k) => steps[k] !== undefined || l.end !== undefined);
      if (steps.every((s) => s === undefined)) break;
      const rendered = running.map((_, k) => (steps[k] ? stepLines(steps[k]!) : ['(not reached)']));
      const live = rendered.filter((_, k) => shown.includes(running[k]!));
      const same = live.every((r) => r.join('\n') === live[0]!.join('\n'));
      if (same || live.length === 1) {
        ctx.print(live[0]!);
      } else {
        const lines = [c.yellow(`≠ step ${i} differs:`)];
        running.forEach((l, k) => {
          if (shown.includes(l)) lines.push(`  ${c.bold(l.variant.key)}`, ...rendered[k]!.map((line) => `    ${line}`));
        });
        ctx.print(lines);
      }
    }
    const errors = lanes.filter((l) => l.error).map((l) => c.red(`✗ ${l.variant.key}: ${l.error}`));
    if (errors.length) ctx.print(['', ...errors]);
    return lanes.some(failed) ? EXIT_FAILED : EXIT_OK;
  },
};
