/**
 * Run a parsed `.mmo` script on a machine and record, after every step,
 * what the acting process can see — the recorder's JSON schema (docs/mmo.md), so a
 * simulated trace and a real-kernel recording compare step by step.
 */
import { SyscallError } from '../model/errno.js';
import { Machine, type MachineOptions, type Process } from '../model/machine.js';
import type { Inode } from '../kernel/filemap.js';
import { runPath, type KernelPath } from '../model/sched.js';
import type { NumaOpContext } from './numa-ops.js';
import { PfnLabels } from '../observe/labels.js';
import { ALL_PAGES_CAP, observeRegion, type Region, type RegionObs } from '../observe/observe.js';
import { walkPage, type WalkObs } from '../observe/walk.js';
import { MmoSyntaxError, type MmoOp, type MmoSource } from './parse.js';
import { BadValue, keyValue, shorten, whole } from './values.js';
import { OutOfFramesError } from '../model/frames.js';
import { checkInvariants, type Violation } from '../check/invariants.js';
import { ProcessKilled } from './errors.js';
import { OPS, quietStep } from './ops/index.js';

export { ExpectationFailed, ProcessKilled } from './errors.js';

export interface StepResult {
  op?: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
}


/** Whether a process was killed by the OOM killer (Process.oomKilled, where the kernel model sets it). */
export function oomKilled(p: Process | undefined): boolean {
  return p !== undefined && !p.alive && p.oomKilled === true;
}

export interface Step {
  n: number;
  proc: 'parent' | 'child';
  op: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
  obs: Record<string, RegionObs>;
  /** regions this step did not observe: a script with more than MANY_REGIONS regions observes only those its op names */
  unobserved?: number;
  /** the walk RunOptions.walk asked for, once its region exists */
  walk?: WalkObs & { region: string; page: number };
}

/**
 * More regions than this, and a step observes only the regions its op names
 * (`r`, `new_r`), not all of them: the oracle holds at most 16 regions
 * (its MAX_REGIONS), so no recording reaches it, while a
 * script of thousands of regions would otherwise cost regions × steps in
 * time and output.
 */
export const MANY_REGIONS = 64;

export interface Trace {
  scenario: string;
  desc: string;
  kernel: string;
  variant: string;
  page_size: number;
  steps: Step[];
}

export interface ObserveRunOptions {
  /** observe every page of every region (regions up to ALL_PAGES_CAP pages), not a sample of the big ones */
  readonly allPages?: boolean;
}

export class Runner {
  readonly m: Machine;
  readonly labels: PfnLabels;
  readonly regions = new Map<string, Region>();
  /** regions to forget after this step's observation (the source of an mremap move) */
  readonly retire: string[] = [];
  readonly procs: Record<'parent' | 'child', Process | undefined>;
  /** the op name and arguments of the step running now, noted before its syscall can fail (the errno step keeps them) */
  noted: { op?: string; args: Record<string, unknown> } = { args: {} };
  readonly arena: number;
  readonly slotPages: number;
  /**
   * Pages of the arch's unsigned long address space (2^(wordBits − PAGE_SHIFT)),
   * at most 2^52 so every page number stays an exact JS number: page
   * indices, page counts and slots are bounded by it.
   */
  readonly addressPages: number;
  readonly wordBits: number;

  constructor(
    options: MachineOptions,
    private readonly file: string,
    private readonly observing: ObserveRunOptions = {},
  ) {
    this.m = new Machine(options);
    this.labels = new PfnLabels(this.m);
    this.procs = { parent: this.m.spawn('parent'), child: undefined };
    const c = this.m.variant.constants;
    // Regions sit at fixed slots of a reserved arena, 64 MiB apart, so they never merge.
    this.arena = 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT);
    this.slotPages = 2 ** (26 - c.PAGE_SHIFT);
    this.wordBits = c.wordBits;
    this.addressPages = 2 ** Math.min(c.wordBits - c.PAGE_SHIFT, 52);
  }

  bad(op: MmoOp, word: number, reason: string): never {
    throw new MmoSyntaxError(this.file, op.line, op.columns[word] ?? 1, reason);
  }

  /** A word through one of the value parsers (values.ts); a refusal names file, line and column. */
  val<T>(op: MmoOp, word: number, parse: (text: string) => T): T {
    try {
      return parse(op.words[word] ?? '');
    } catch (error) {
      if (error instanceof BadValue) this.bad(op, word, error.message);
      throw error;
    }
  }

  /** note the step's name and arguments before the syscall runs */
  note<A extends Record<string, unknown>>(args: A, op?: string): A {
    this.noted = op === undefined ? { args } : { op, args };
    return args;
  }

  /** a page index within a region: 0 … pages of the address space − 1 */
  page(op: MmoOp, word: number, what = 'page'): number {
    return this.val(op, word, (t) => whole(t, this.addressPages - 1, what));
  }

  /** a number of pages: 0 … pages of the address space (a length is a size_t) */
  count(op: MmoOp, word: number, what = 'page count'): number {
    return this.val(op, word, (t) => whole(t, this.addressPages, what));
  }

  /**
   * `slot=N` (or a bare N): the region's place in the arena. Any slot whose
   * first page is within the arch's unsigned long is accepted — one beyond
   * the user address space (TASK_SIZE) reaches do_mmap, which answers as
   * the kernel does; only one past the unsigned long is a script error.
   */
  slot(op: MmoOp, word: number, key?: string): number {
    const max = Math.floor((this.addressPages - 1 - this.arena) / this.slotPages);
    return this.val(op, word, (t) => whole(key === undefined ? t : (keyValue(t, key) ?? t), max, 'slot'));
  }

  /** a region's page count; with all pages observed it must fit the cap */
  regionPages(op: MmoOp, word: number, pages: number): number {
    if (this.observing.allPages && pages > ALL_PAGES_CAP) this.bad(op, word, `page count '${pages}' is more than all pages can list; valid: 0 … ${ALL_PAGES_CAP} with all pages observed (or observe a sample)`);
    return pages;
  }

  region(op: MmoOp, word: number): Region {
    const r = this.regions.get(op.words[word] ?? '');
    if (!r) this.bad(op, word, `no region '${shorten(op.words[word] ?? '')}' (mmap it first)`);
    return r;
  }

  fileArg(op: MmoOp, word: number, name: string): Inode {
    const inode = this.m.files.get(name);
    if (!inode) this.bad(op, word, `no file '${shorten(name)}' (create it with 'file NAME tmpfs|ext4 NPAGES PREFIX')`);
    return inode;
  }

  pin(op: MmoOp, word: number): number {
    const id = this.pins.get(op.words[word] ?? '');
    if (id === undefined) this.bad(op, word, `no pin '${shorten(op.words[word] ?? '')}' (take it with 'gup R PAGE FLAGS NAME')`);
    return id;
  }

  proc(op: MmoOp): Process {
    const p = this.procs[op.proc];
    if (p && oomKilled(p)) throw new ProcessKilled(op.proc, p.pid);
    if (!p || !p.alive) this.bad(op, 0, `no live ${op.proc} process here`);
    return p;
  }

  /** pins taken by `gup` ops, by the name the script gave them */
  readonly pins = new Map<string, number>();

  /**
   * `sample R i,j,k`: the pages of region R an observation lists, by region
   * name — set before or after the region exists (the oracle's
   * region_sample keeps it pending until an mmap or mremap makes R).
   */
  readonly samples = new Map<string, number[]>();

  sample(op: MmoOp): void {
    const text = op.words[1] ?? '';
    const indices = text.split(',');
    if (indices.length > ALL_PAGES_CAP) this.bad(op, 1, `sample lists ${indices.length} pages; valid: at most ${ALL_PAGES_CAP}`);
    this.samples.set(
      op.words[0]!,
      indices.map((t) => this.val(op, 1, () => whole(t, this.addressPages - 1, 'sample page'))),
    );
  }

  step(op: MmoOp): StepResult {
    return runPath(this.stepPath(op));
  }

  /**
   * One op as a kernel path, through the op table (ops/index.ts): ops whose
   * kernel code has lock points stop there when the explorer drives the
   * machine (OpSpec.path); the others run whole (OpSpec.run). Each op notes
   * its arguments before the kernel runs, so a step that fails keeps them.
   */
  *stepPath(op: MmoOp): KernelPath<StepResult> {
    this.noted = { args: {} };
    const p = this.proc(op);
    const spec = OPS.get(op.op);
    if (!spec) this.bad(op, 0, `op '${shorten(op.op)}' is not modelled yet`);
    return spec.path ? yield* spec.path(this, op, p) : spec.run!(this, op, p);
  }

  numaContext(op: MmoOp, proc: Process): NumaOpContext {
    return { m: this.m, proc, region: (word) => this.region(op, word), bad: (word, reason) => this.bad(op, word, reason), note: (args) => this.note(args) };
  }

  observe(proc: 'parent' | 'child', named?: Record<string, unknown>): Record<string, RegionObs> {
    const p = this.procs[proc];
    const obs: Record<string, RegionObs> = {};
    if (!p || !p.alive) return obs;
    if (named && this.regions.size > MANY_REGIONS) {
      for (const key of ['r', 'new_r']) {
        const r = typeof named[key] === 'string' ? this.regions.get(named[key]) : undefined;
        if (!r) continue;
        const sample = this.samples.get(r.name);
        obs[r.name] = observeRegion(this.m, p, sample ? { ...r, sample } : r, this.labels, this.observing);
      }
      return obs;
    }
    for (const r of this.regions.values()) {
      const sample = this.samples.get(r.name);
      obs[r.name] = observeRegion(this.m, p, sample ? { ...r, sample } : r, this.labels, this.observing);
    }
    return obs;
  }
}

/** A broken invariant stops the run, naming the step, the rule and the frame or pte. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  constructor(
    readonly step: number,
    readonly line: number,
    readonly violations: readonly Violation[],
  ) {
    super(`step ${step} (line ${line}): ${violations.map((v) => `[${v.rule}] ${v.message}`).join('; ')}`);
  }
}

export interface RunOptions extends ObserveRunOptions {
  /** check the invariants after every step */
  readonly check?: boolean;
  /** false: observe nothing after the steps (a caller that looks at the machine itself, as the property tests do); the checks still run */
  readonly observe?: boolean;
  /**
   * Observe nothing, check nothing: a pass that only finds the script's
   * errors (MmoSyntaxError), run before a streamed run so a bad line is
   * refused before anything is printed. The run is deterministic, so the
   * real one meets no error this pass did not.
   */
  readonly validateOnly?: boolean;
  /** after each observed step, the page-table walk of page `page` of region `region` (the acting process's) */
  readonly walk?: { readonly region: string; readonly page: number };
}

/** How a run ended: every op ran, or it stopped early (the trace's last step says why, in words). */
export interface RunEnd {
  readonly steps: number;
  /** oom_kill: the OOM killer killed a process; out_of_memory: the machine's frames ran out where the model has no kernel answer */
  readonly stopped?: 'oom_kill' | 'out_of_memory';
}

/** The variant a run is on, as a trace's header names it. */
export interface TraceHeader {
  kernel: string;
  variant: string;
  page_size: number;
}

/**
 * A run under way: its header, and its steps as they complete. Nothing
 * is kept between steps, so a long script runs in bounded memory.
 */
export interface ScriptRun {
  readonly header: TraceHeader;
  readonly steps: Generator<Step, RunEnd, void>;
  /** the machine the script runs on, as it is after the last step taken (for a test's own checks between steps) */
  readonly machine: Machine;
}

/**
 * Start a script on a fresh machine. Its node count defaults to 1: the host
 * oracle's recording machine has one online node (MachineOptions.nodes);
 * and it is locked down (MachineOptions.lockdown 'integrity': debugfs
 * split_huge_pages answers EPERM there).
 */
export function startScript(script: MmoSource, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): ScriptRun {
  const runner = new Runner({ nodes: 1, lockdown: 'integrity', ...options }, file, run);
  const v = runner.m.variant;
  return { header: { kernel: v.era, variant: v.key, page_size: v.constants.PAGE_SIZE }, steps: scriptSteps(runner, script, run), machine: runner.m };
}

/** The steps of a script as they complete (startScript's steps). */
export function runScriptSteps(script: MmoSource, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): Generator<Step, RunEnd, void> {
  return startScript(script, options, file, run).steps;
}

function* scriptSteps(runner: Runner, script: MmoSource, run: RunOptions): Generator<Step, RunEnd, void> {
  let n = 0;
  for (const op of script.ops) {
    if (op.op === 'sample') {
      runner.sample(op);
      continue;
    }
    n++;
    let result: StepResult;
    let outOfMemory: string | undefined;
    try {
      result = runner.step(op);
    } catch (error) {
      if (error instanceof SyscallError) {
        // an op that failed before noting its arguments keeps the words it was given, so a failing step always says what it was asked
        const args = Object.keys(runner.noted.args).length || op.words.length === 0 ? runner.noted.args : { argv: op.words.join(' ') };
        result = { ...runner.noted, args, ret: { ok: false, errno: error.errno } };
      } else if (error instanceof ProcessKilled) {
        // only reached when a kill was not noticed after its step (the explorer's threads): end here
        yield { n, proc: op.proc, op: 'oom_kill', args: { victim: error.proc, pid: error.pid }, ret: { ok: false, note: `${error.message}: it runs nothing more, the run ends here` }, obs: {} };
        return { steps: n, stopped: 'oom_kill' };
      } else if (error instanceof OutOfFramesError) {
        // the machine's frames ran out where the model has no kernel answer (ENOMEM or an OOM kill) for it
        outOfMemory = error.message;
        result = { ...runner.noted, ret: { ok: false, oom: error.message } };
      } else {
        throw error;
      }
    }
    const name = result.op ?? op.op;
    const obs = quietStep(name, result) || outOfMemory || run.validateOnly || run.observe === false ? undefined : runner.observe(op.proc, result.args);
    const unobserved = obs && runner.regions.size > MANY_REGIONS ? runner.regions.size - Object.keys(obs).length : 0;
    const walk = obs && run.walk ? walkOf(runner, op.proc, run.walk) : undefined;
    yield { n, proc: op.proc, op: name, args: result.args, ret: result.ret, obs: obs ?? {}, ...(unobserved ? { unobserved } : {}), ...(walk ? { walk } : {}) };
    for (const r of runner.retire.splice(0)) runner.regions.delete(r);
    if (outOfMemory) {
      yield { n: n + 1, proc: op.proc, op: 'out_of_memory', args: { frames: runner.m.frames.max }, ret: { ok: false, note: `${outOfMemory}: the machine cannot go on, the run ends here` }, obs: {} };
      return { steps: n + 1, stopped: 'out_of_memory' };
    }
    if (run.check && !run.validateOnly) {
      const broken = checkInvariants(runner.m);
      if (broken.length) throw new InvariantViolation(n, op.line, broken);
    }
    const victims = (['parent', 'child'] as const).filter((who) => oomKilled(runner.procs[who]));
    if (victims.length) {
      const names = victims.map((who) => `the ${who} (pid ${runner.procs[who]!.pid})`).join(' and ');
      yield { n: n + 1, proc: victims[0]!, op: 'oom_kill', args: { victims: victims.map((who) => ({ proc: who, pid: runner.procs[who]!.pid })) }, ret: { ok: true, note: `out of memory: the OOM killer killed ${names} during step ${n}; the run ends here` }, obs: {} };
      return { steps: n + 1, stopped: 'oom_kill' };
    }
  }
  return { steps: n };
}

/** The walk of a region's page in the acting process, once the region exists. */
function walkOf(runner: Runner, proc: 'parent' | 'child', at: { readonly region: string; readonly page: number }): Step['walk'] {
  const r = runner.regions.get(at.region);
  const p = runner.procs[proc];
  if (!r || !p) return undefined;
  return { region: at.region, page: at.page, ...walkPage(runner.m, p, r.start + at.page) };
}

/** Run a script on a fresh machine and keep the whole trace (startScript, collected). */
export function runScript(script: MmoSource, options: MachineOptions, file = 'script.mmo', run: RunOptions = {}): Trace {
  const { header, steps } = startScript(script, options, file, run);
  return { scenario: script.scenario, desc: script.desc, ...header, steps: [...steps] };
}
