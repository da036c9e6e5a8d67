/**
 * A race scenario file made runnable: per schedule a fresh machine (the
 * scenario's policy in force), the setup ops run whole, then each thread
 * runs its ops through the simulator's own kernel paths (Runner.stepPath),
 * which stop where the kernel takes or drops a lock. The checks between
 * steps are the simulator's invariants (with the references paths hold
 * mid-operation) and the kernel's BUG_ONs; the final ops (`expect …`) say
 * what must hold when every thread has finished.
 */
import { hex, PTE_CLASSES, PteClassCode, toBig, type KernelConfig, type VariantSpec } from '@mmsim/core';
import { checkInvariants } from '../check/invariants.js';
import { ProgramError, type Instance, type Program } from '../explore/program.js';
import { ACT_DONE, type Thread } from '../explore/thread.js';
import { SyscallError } from '../model/errno.js';
import type { Machine } from '../model/machine.js';
import { PG_anon, PG_locked } from '../kernel/page-flags.js';
import { isHugeZeroPmd, pmdFrame } from '../kernel/huge_memory.js';
import { DECLARING_OPS, MAX_DECLARED, type KernelPath } from '../model/sched.js';
import { MmoSyntaxError, type MmoOp } from '../script/parse.js';
import { ExpectationFailed, ProcessKilled, Runner } from '../script/run.js';
import { OutOfFramesError } from '../model/frames.js';
import type { RaceFile } from './scenario-file.js';
import { mapsPage } from '../kernel/pagewalk.js';
import { forEachMapped } from '../observe/mapped.js';
import { formatValues, MAX_STEP_VALUES } from '../model/step-values.js';


const opText = (op: MmoOp): string => [op.op, ...op.words].join(' ');

/**
 * One scenario thread: its ops in order, each a kernel path that may stop.
 * What a step did is kept as the path's own string and named only when a
 * trace asks (`where`), so stepping builds no strings.
 */
class OpThread implements Thread {
  next = ACT_DONE;
  /** the op about to be entered, −1 mid-op (Thread.fresh): between ops the path holds nothing */
  fresh = -1;
  private entering = -1;
  private did = 'start';
  private pending = '';
  private readonly body: KernelPath;
  /** the values the last step's code read (model/step-values.ts), copied from the machine's recorder: no allocation per step */
  private readonly valueKinds = new Int32Array(MAX_STEP_VALUES);
  private readonly valueVals = new Float64Array(MAX_STEP_VALUES);
  private valueCount = 0;
  /** the declared stop the thread stands at (Thread.declaredOp; model/sched.ts), and its path frames' declared values, kept between its steps */
  declaredOp = -1;
  readonly declared = new Float64Array(MAX_DECLARED);
  declaredCount = 0;
  private op = -1;
  private readonly declaring: readonly boolean[];

  constructor(
    private readonly m: Machine,
    private readonly runner: Runner,
    private readonly name: string,
    ops: readonly MmoOp[],
  ) {
    this.declaring = ops.map((op) => DECLARING_OPS.has(op.op));
    this.body = this.run(ops, ops.map((op) => `${op.proc === 'child' ? '@child ' : ''}${opText(op)}`));
    this.advance();
  }

  private *run(ops: readonly MmoOp[], texts: readonly string[]): KernelPath {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      // entering the syscall (or the device access) is a stop of its own
      this.entering = i;
      this.op = i;
      this.m.sched.declaredN = 0; // an op starts with no frames
      yield this.m.sched.point(texts[i]!);
      try {
        yield* this.runner.stepPath(op);
      } catch (e) {
        if (e instanceof MmoSyntaxError) throw new ProgramError(e.message); // the script is wrong, not the schedule
        if (e instanceof ProcessKilled) return; // the OOM killer killed the thread's process: it runs nothing more
        if (!(e instanceof SyscallError)) throw e; // an errno is the op's result, not a failure
      }
    }
  }

  get where(): string {
    return `${this.name}: ${this.did}`;
  }

  /** the values that decided what the last step did, named only when a trace asks */
  get values(): Record<string, string | number> | undefined {
    return this.valueCount === 0 ? undefined : formatValues(this.valueKinds, this.valueVals, this.valueCount, this.m.variant.constants.PAGE_SIZE);
  }

  private advance(): void {
    this.entering = -1;
    const sched = this.m.sched;
    const recorded = sched.values;
    recorded.n = 0;
    // the path's declared frames are the thread's: in for the step, out after it
    const n = Math.min(this.declaredCount, MAX_DECLARED);
    for (let k = 0; k < n; k++) sched.declaredLive[k] = this.declared[k]!;
    sched.declaredN = this.declaredCount;
    sched.declaredNext = false;
    sched.stopDeclared = false;
    this.declaredOp = -1;
    try {
      const r = this.body.next();
      this.fresh = this.entering;
      this.next = r.done ? ACT_DONE : r.value;
      this.pending = r.done ? 'done' : sched.where;
      this.declaredCount = sched.declaredN;
      const m = Math.min(sched.declaredN, MAX_DECLARED);
      for (let k = 0; k < m; k++) this.declared[k] = sched.declaredLive[k]!;
      this.declaredOp = !r.done && sched.stopDeclared && this.op >= 0 && this.declaring[this.op]! ? this.op : -1;
    } finally {
      // a step that ends in a kernel BUG keeps what it read too: those are the values the failure shows
      this.valueCount = recorded.n;
      for (let k = 0; k < recorded.n; k++) {
        this.valueKinds[k] = recorded.kinds[k]!;
        this.valueVals[k] = recorded.vals[k]!;
      }
    }
  }

  step(): void {
    this.did = this.pending;
    this.advance();
  }
}

export interface RaceProgramOptions {
  readonly config?: KernelConfig;
  /** physical frames of the machine (default: 64, or 4096 for a `needs thp` scenario — room for a whole THP of every size) */
  readonly frames?: number;
}

export function raceProgram(race: RaceFile, spec: VariantSpec, policy: string, options: RaceProgramOptions = {}): Program {
  if (!race.policies.includes(policy)) throw new RangeError(`${race.name}: policy '${policy}' is not one of ${race.policies.join(', ')}`);
  // threads with the same ops (in the same process) are interchangeable: the name is only for traces
  const code = race.threads.map((t) => t.ops.map((op) => `${op.proc} ${opText(op)}`).join('\n'));
  const classes = code.map((c) => code.indexOf(c));
  return {
    name: `${race.name}/${policy}`,
    instantiate(): Instance {
      const runner = new Runner({ spec, frames: options.frames ?? (race.needs.includes('thp') ? 4096 : 64), policies: { [race.policyKind]: policy }, ...(options.config ? { config: options.config } : {}) }, race.file);
      for (const op of race.setup) {
        try {
          runner.step(op);
        } catch (e) {
          if (e instanceof MmoSyntaxError) throw new ProgramError(e.message);
          if (e instanceof SyscallError) throw new ProgramError(`${race.file}:${op.line}: the setup op '${op.op}' failed on ${spec.id}@${spec.era}: ${e.message}`);
          if (e instanceof ProcessKilled || e instanceof OutOfFramesError) throw new ProgramError(`${race.file}:${op.line}: the setup op '${op.op}' ran out of memory on ${spec.id}@${spec.era} (${e.message}): give the scenario fewer pages`);
          throw e;
        }
      }
      const m = runner.m;
      m.sched.on = true;
      const threads = race.threads.map((t) => new OpThread(m, runner, t.name, t.ops));
      const broken = (): string | null => {
        const v = checkInvariants(m);
        return v.length === 0 ? null : `${v[0]!.rule}: ${v[0]!.message}`;
      };
      return {
        threads,
        check: broken,
        final() {
          m.sched.on = false;
          try {
            for (const op of race.final) runner.step(op);
          } catch (e) {
            if (e instanceof ExpectationFailed) return e.message;
            if (e instanceof ProcessKilled) return `a final op could not run: ${e.message}`;
            if (e instanceof MmoSyntaxError || e instanceof SyscallError) throw new ProgramError(e instanceof MmoSyntaxError ? e.message : `a final op failed: ${e.message}`);
            throw e;
          }
          return broken();
        },
        lockName: (k) => m.sched.lockNames[k] ?? `lock ${k}`,
        lockKey: (k) => m.sched.lockKeys[k] ?? -1 - k,
        // the runner (its regions, pins, processes) and through it the machine; not what only traces read
        hashShared: (h) => h.value(runner),
        symmetry: () => classes,
        snapshot: () => describeState(runner),
      };
    },
  };
}

/**
 * The ptes of every region in every live process and the pages they map:
 * the state a failure report shows. A huge pmd is shown once for the pages
 * it maps; runs of none ptes are folded into one line.
 */
export function describeState(runner: Runner): string {
  const m = runner.m;
  const f = m.frames;
  const out: string[] = [];
  const fast = m.variant.fast;
  const words = (hi: number, lo: number): string => hex(toBig(hi, lo), m.variant.spec.pteBits);
  const page = (fr: number): string => {
    const flags = f.flags[fr]!;
    const owner = flags & PG_anon ? 'anon' : f.mapping[fr] === 0 ? 'NOT in the page cache' : `page cache index ${f.index[fr]}`;
    return `pfn 0x${f.pfn(fr).toString(16)} (${owner}, mapcount ${f.maps(fr)}, refcount ${f.refs(fr)}${flags & PG_locked ? ', locked' : ''}, data ${m.tags.name(f.tag[fr]!)})`;
  };
  for (const proc of ['parent', 'child'] as const) {
    const p = runner.procs[proc];
    if (!p || !p.alive) continue;
    const pt = p.mm.pgtable;
    for (const r of runner.regions.values()) {
      // what the region maps, found from the tables that exist (forEachMapped): the work follows
      // what is mapped, never the region's page count — a race over a 2^32-page region stays instant
      const shown: { i: number; end: number; line: string }[] = [];
      forEachMapped(pt, r.start, r.start + r.pages, {
        pte(vpn, slot) {
          if (!p.mm.vmas.lookup(vpn)) return;
          const hi = pt.hi(slot);
          const lo = pt.lo(slot);
          const cls = fast.classify(hi, lo);
          if (cls === PteClassCode.none) return;
          const i = vpn - r.start;
          shown.push({ i, end: i + 1, line: `${proc} ${r.name}[${i}] pte ${words(hi, lo)}: ${PTE_CLASSES[cls] ?? String(cls)}${mapsPage(cls) ? ` ${page(m.pteFrame(hi, lo))}` : ''}` });
        },
        huge(vpn, h) {
          const i = vpn - r.start;
          if (!p.mm.vmas.lookup(vpn) || (vpn !== h.vpn && i !== 0)) return;
          shown.push({ i, end: Math.min(h.vpn + pt.ptrsPerPte - r.start, r.pages), line: `${proc} ${r.name}[${i}…] huge pmd ${words(h.hi, h.lo)}: ${isHugeZeroPmd(m, h) ? 'the huge zero folio' : `THP head ${page(pmdFrame(m, h.hi, h.lo))}`}` });
        },
      });
      shown.sort((x, y) => x.i - y.i);
      // runs of none ptes (or no VMA) between what is mapped, folded into one line each
      const none = (from: number, to: number): void => {
        if (from < to) out.push(`${proc} ${r.name}[${from === to - 1 ? from : `${from}..${to - 1}`}] ${from === to - 1 ? 'pte' : 'ptes'} none`);
      };
      let next = 0;
      for (const { i, end, line } of shown) {
        none(next, i);
        out.push(line);
        next = Math.max(next, end);
      }
      none(next, r.pages);
    }
  }
  for (const inode of m.files.values()) {
    const pages = [...inode.cache].sort((a, b) => a[0] - b[0]).map(([i, fr]) => `${i}→pfn 0x${f.pfn(fr).toString(16)}`);
    out.push(`file ${inode.name}: i_size ${inode.size}, page cache {${pages.join(', ')}}`);
  }
  return out.join('\n');
}
