/**
 * `mmsim run SCRIPT`: run a `.mmo` scenario on the simulator (@mmsim/mm)
 * for each chosen variant and print the trace — what the acting process
 * sees after every step, in the host oracle's notation — or, with several
 * variants, the steps once where they agree and per variant (marked ≠)
 * where they differ: a remap_file_pages offset one arch's file ptes cannot
 * hold, a swap device larger than a pte can address, an era's COW rule.
 * `--check` verifies the invariants after every step. `--ptes` adds each
 * page's entry as the arch stores it (behaviour and encoding are compared
 * apart: variants that only encode differently are not marked ≠), `--walk
 * REGION PAGE` one page's walk, `--legend` the notation (render/legend.ts).
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
import { legendLines } from '../render/legend.js';
import { pteLines, stepLines, walkLines, type Step } from '../render/trace.js';
import { parseNumber } from '../numbers.js';
import { quote } from '../text.js';

/** the simulator's root entry and its `.mmo` one (for `shorten`), loaded lazily as one namespace */
type Mm = typeof import('@mmsim/mm') & typeof import('@mmsim/mm/script');
type RunEnd = import('@mmsim/mm').RunEnd;

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

/** `--walk REGION PAGE` (or `--walk REGION:PAGE`): the region's name and the page index, or undefined. */
function walkOption(ctx: RunContext): { region: string; page: number } | undefined {
  const raw = ctx.values['walk'];
  if (raw === undefined) {
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument ${quote(ctx.positionals[1]!)} (usage: mmsim run SCRIPT [--walk REGION PAGE])`);
    return undefined;
  }
  const text = String(raw);
  const colon = text.lastIndexOf(':');
  const region = colon > 0 ? text.slice(0, colon) : text;
  const pageText = colon > 0 ? text.slice(colon + 1) : ctx.positionals[1];
  if (pageText === undefined) throw new UsageError(`--walk ${quote(text)} needs a PAGE: --walk REGION PAGE (e.g. --walk A 1), a page index in the region`);
  if (colon > 0 && ctx.positionals.length > 1) throw new UsageError(`unexpected argument ${quote(ctx.positionals[1]!)} (--walk ${quote(text)} names its page already)`);
  if (!/^[\w.-]+$/.test(region)) throw new UsageError(`--walk region ${quote(region)} is not a region name; valid: a name an mmap of the script gives (letters, digits, _ . -)`);
  return { region, page: Number(parseNumber(pageText, '--walk PAGE', 0n, BigInt(Number.MAX_SAFE_INTEGER))) };
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
    ptes: { type: 'boolean', help: 'after each step, each listed page\'s entry as the arch stores it (hex words and class; the pmd of a huge mapping)' },
    walk: { type: 'string', value: 'REGION PAGE', help: 'after each step, the page-table walk of page PAGE of REGION: each level\'s index and entry' },
    legend: { type: 'boolean', help: 'print the trace notation (P0x[1]=A0, S0@T0(+0), …) and exit; also docs/trace-legend.md' },
  },
  maxPositionals: 2,
  defaultEras: ['6.18'],
  details: [
    'SCRIPT is a .mmo script: every op, directive and error is in docs/mmo.md (mmo.md in the @mmsim/mm package).',
    'Without --arch the scenario runs on x86_64; --arch all compares every variant, a list (--arch x86_64,ppc64) those it names.',
    'Scripts are read up to 32 MiB. Regions above 4096 pages list their first and last 32 pages (the summary counts all);',
    '--all-pages lists every page, for regions of up to 262144 pages. A failing expect is exit 1.',
    'The JSON trace always carries each listed page\'s `pte` (hex words as the arch stores them; PAE as high:low) and `pte_class`, and a huge mapping\'s `pmd`.',
    'With several variants, ≠ marks a step whose behaviour differs (result, signal, page state, data); with --ptes, ~ marks one whose pte words alone differ.',
    'The notation: mmsim run --legend, or docs/trace-legend.md.',
  ],
  async run(ctx: RunContext): Promise<number> {
    if (ctx.values['legend'] === true) {
      if (ctx.json) ctx.io.out(`${jsonDocument({ command: 'run', legend: (await import('../render/legend.js')).LEGEND })}\n`);
      else ctx.print(legendLines(ctx.c.bold));
      return EXIT_OK;
    }
    const path = ctx.positionals[0];
    if (!path) throw new UsageError('run needs a SCRIPT (a .mmo file), or --legend');
    const walk = walkOption(ctx);
    const ptes = ctx.values['ptes'] === true;
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
    const options = { check: ctx.values['check'] === true, allPages: ctx.values['all-pages'] === true, ...(walk ? { walk } : {}) };
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
      // the encoding, apart from the behaviour: pte words (--ptes) and the walk (--walk)
      const encoded = running.map((_, k) => (steps[k] ? [...(ptes ? pteLines(steps[k]!) : []), ...walkLines(steps[k]!)] : []));
      const live = running.map((l, k) => k).filter((k) => shown.includes(running[k]!));
      const sameText = (rows: string[][]) => live.every((k) => rows[k]!.join('\n') === rows[live[0]!]!.join('\n'));
      // variants that print the same are named together, once
      const grouped = (rows: string[][]): { keys: string[]; lines: string[] }[] => {
        const groups = new Map<string, { keys: string[]; lines: string[] }>();
        for (const k of live) {
          const text = rows[k]!.join('\n');
          const g = groups.get(text);
          if (g) g.keys.push(running[k]!.variant.key);
          else groups.set(text, { keys: [running[k]!.variant.key], lines: rows[k]! });
        }
        return [...groups.values()];
      };
      if (live.length === 1 || sameText(rendered)) {
        const lines = [...rendered[live[0]!]!];
        if (live.length === 1 || sameText(encoded)) lines.push(...encoded[live[0]!]!);
        else {
          lines.push(c.cyan('    ~ ptes differ only in encoding:'));
          for (const g of grouped(encoded)) lines.push(`      ${c.bold(g.keys.join(', '))}`, ...g.lines.map((line) => `  ${line}`));
        }
        ctx.print(lines);
      } else {
        const lines = [c.yellow(`≠ step ${i} differs:`)];
        const both = running.map((_, k) => [...rendered[k]!, ...encoded[k]!]);
        for (const g of grouped(both)) lines.push(`  ${c.bold(g.keys.join(', '))}`, ...g.lines.map((line) => `    ${line}`));
        ctx.print(lines);
      }
    }
    const errors = lanes.filter((l) => l.error).map((l) => c.red(`✗ ${l.variant.key}: ${l.error}`));
    if (errors.length) ctx.print(['', ...errors]);
    return lanes.some(failed) ? EXIT_FAILED : EXIT_OK;
  },
};
