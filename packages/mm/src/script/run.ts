/**
 * Run a parsed `.mmo` script on a machine and record, after every step,
 * what the acting process can see — the host oracle's JSON schema, so a
 * simulated trace and a real-kernel recording compare step by step.
 */
import { SyscallError } from '../kernel/errno.js';
import { dup_mmap, exit_mmap } from '../kernel/fork.js';
import { Machine, type MachineOptions, type Process } from '../kernel/machine.js';
import { ADVICE, do_madvise, type Advice } from '../kernel/madvise.js';
import { access } from '../kernel/memory.js';
import { do_mmap_anon, do_munmap } from '../kernel/mmap.js';
import { do_mprotect } from '../kernel/mprotect.js';
import { PfnLabels } from '../observe/labels.js';
import { observeRegion, type Region, type RegionObs } from '../observe/observe.js';
import { MmoSyntaxError, type MmoOp, type MmoScript } from './parse.js';

export interface Step {
  n: number;
  proc: 'parent' | 'child';
  op: string;
  args: Record<string, unknown>;
  ret: Record<string, unknown>;
  obs: Record<string, RegionObs>;
}

export interface Trace {
  scenario: string;
  desc: string;
  kernel: string;
  variant: string;
  page_size: number;
  steps: Step[];
}

class Runner {
  readonly m: Machine;
  readonly labels: PfnLabels;
  readonly regions = new Map<string, Region>();
  readonly procs: Record<'parent' | 'child', Process | undefined>;
  private readonly arena: number;
  private readonly slotPages: number;

  constructor(options: MachineOptions, private readonly file: string) {
    this.m = new Machine(options);
    this.labels = new PfnLabels(this.m);
    this.procs = { parent: this.m.spawn('parent'), child: undefined };
    const c = this.m.variant.constants;
    // Regions sit at fixed slots of a reserved arena, 64 MiB apart, so they never merge.
    this.arena = 2 ** (Math.min(c.vaBits, 47) - 2 - c.PAGE_SHIFT);
    this.slotPages = 2 ** (26 - c.PAGE_SHIFT);
  }

  private bad(op: MmoOp, word: number, reason: string): never {
    throw new MmoSyntaxError(this.file, op.line, op.columns[word] ?? 1, reason);
  }

  private int(op: MmoOp, word: number, what: string): number {
    const text = op.words[word] ?? '';
    const slot = /^slot=(\d+)$/.exec(text);
    const value = slot ? Number(slot[1]) : /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value)) this.bad(op, word, `${what} '${text}' is not a whole number`);
    return value;
  }

  private region(op: MmoOp, word: number): Region {
    const r = this.regions.get(op.words[word] ?? '');
    if (!r) this.bad(op, word, `no region '${op.words[word]}' (mmap it first)`);
    return r;
  }

  private proc(op: MmoOp): Process {
    const p = this.procs[op.proc];
    if (!p || !p.alive) this.bad(op, 0, `no live ${op.proc} process here`);
    return p;
  }

  step(op: MmoOp): { args: Record<string, unknown>; ret: Record<string, unknown> } {
    const m = this.m;
    const p = this.proc(op);
    const ok = { ok: true, val: 0 };
    switch (op.op) {
      case 'mmap': {
        const [name, , protText, flagText] = op.words;
        const pages = this.int(op, 1, 'page count');
        if (!/^[r-][w-][x-]$/.test(protText!)) this.bad(op, 2, `prot '${protText}' is not like rw- or r-x`);
        const flags = flagText!.split(',');
        for (const f of flags) if (!['private', 'shared', 'anon', 'populate'].includes(f)) this.bad(op, 3, `unknown mmap flag '${f}'`);
        if (!flags.includes('anon')) this.bad(op, 3, 'file mappings are not modelled yet (anon only)');
        const slotWord = op.words.findIndex((w) => w.startsWith('slot='));
        if (slotWord < 0) this.bad(op, 4, 'mmap needs slot=N');
        const slot = this.int(op, slotWord, 'slot');
        const start = this.arena + slot * this.slotPages;
        this.regions.set(name!, { name: name!, start, pages });
        const args = { r: name, pages, prot: protText, flags, slot };
        do_mmap_anon(m, p.mm, {
          start,
          pages,
          prot: { read: protText![0] === 'r', write: protText![1] === 'w', exec: protText![2] === 'x' },
          shared: flags.includes('shared'),
          populate: flags.includes('populate'),
        });
        return { args, ret: ok };
      }
      case 'munmap': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        do_munmap(m, p.mm, r.start + page, npages);
        return { args: { r: r.name, page, npages }, ret: ok };
      }
      case 'mprotect': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        const protText = op.words[3]!;
        if (!/^[r-][w-][x-]$/.test(protText)) this.bad(op, 3, `prot '${protText}' is not like rw- or r-x`);
        do_mprotect(m, p.mm, r.start + page, npages, { read: protText[0] === 'r', write: protText[1] === 'w', exec: protText[2] === 'x' });
        return { args: { r: r.name, page, npages, prot: protText }, ret: ok };
      }
      case 'write':
      case 'read': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const tag = op.op === 'write' ? op.words[2]! : undefined;
        const res = access(m, p.mm, r.start + page, op.op === 'write', tag === undefined ? undefined : m.tags.intern(tag));
        const args: Record<string, unknown> = { r: r.name, page, ...(tag !== undefined ? { tag } : {}) };
        if (!res.ok) return { args, ret: { ok: false, signal: res.signal, si_code: res.si_code } };
        const faults = op.proc === 'parent' ? { faults: { minor: res.minor, major: res.major } } : {};
        return { args, ret: op.op === 'read' ? { ok: true, data: res.tag, ...faults } : { ok: true, ...faults } };
      }
      case 'write_all': {
        const r = this.region(op, 0);
        const prefix = op.words[1]!;
        for (let i = 0; i < r.pages; i++) access(m, p.mm, r.start + i, true, m.tags.intern(`${prefix}${i}`));
        return { args: { r: r.name, prefix }, ret: ok };
      }
      case 'madvise': {
        const r = this.region(op, 0);
        const page = this.int(op, 1, 'page');
        const npages = this.int(op, 2, 'page count');
        const advice = op.words[3]!;
        if (!(ADVICE as readonly string[]).includes(advice)) this.bad(op, 3, `advice '${advice}' is not one of ${ADVICE.join(', ')}`);
        do_madvise(m, p.mm, r.start + page, npages, advice as Advice);
        return { args: { r: r.name, page, npages, advice }, ret: ok };
      }
      case 'fork': {
        this.procs.child = dup_mmap(m, p, 'child');
        return { args: {}, ret: ok };
      }
      case 'exit': {
        exit_mmap(m, p);
        return { args: {}, ret: ok };
      }
      case 'observe':
        return { args: op.words[0] ? { why: op.words[0] } : {}, ret: ok };
      case 'sample':
        return { args: {}, ret: ok };
      default:
        this.bad(op, 0, `op '${op.op}' is not modelled yet`);
    }
  }

  observe(proc: 'parent' | 'child'): Record<string, RegionObs> {
    const p = this.procs[proc];
    const obs: Record<string, RegionObs> = {};
    if (!p || !p.alive) return obs;
    for (const r of this.regions.values()) obs[r.name] = observeRegion(this.m, p, r, this.labels);
    return obs;
  }
}

export function runScript(script: MmoScript, options: MachineOptions, file = 'script.mmo'): Trace {
  const runner = new Runner(options, file);
  const steps: Step[] = [];
  let n = 0;
  for (const op of script.ops) {
    if (op.op === 'sample') continue;
    n++;
    let result: { args: Record<string, unknown>; ret: Record<string, unknown> };
    try {
      result = runner.step(op);
    } catch (error) {
      if (error instanceof SyscallError) {
        result = { args: {}, ret: { ok: false, errno: error.errno } };
      } else {
        throw error;
      }
    }
    steps.push({ n, proc: op.proc, op: op.op, args: result.args, ret: result.ret, obs: runner.observe(op.proc) });
  }
  const v = runner.m.variant;
  return { scenario: script.scenario, desc: script.desc, kernel: v.era, variant: v.key, page_size: v.constants.PAGE_SIZE, steps };
}
