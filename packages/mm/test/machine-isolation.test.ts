/**
 * Two machines in one process never influence each other: every piece of
 * simulator state lives on its Machine (m.thp, m.ksm, m.mlock, m.uffd,
 * m.swapRa, m.reclaim, m.migrate, m.zap, m.rmap), on the Process (its task
 * mempolicy, the script's userfaultfd) or on the Inode (a device file), none
 * at module level. A workload touching every subsystem gives the same trace
 * and the same subsystem state before and after heavy use of every subsystem
 * on other machines, and the same when run step by step interleaved with
 * another machine's — as scripts and as explorer runs stopping mid-path.
 */
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { findRace, Machine, parseMmo, runScript, runScriptSteps, type MachineOptions, type Step } from '../src/index.js';
import { ksm_stats } from '../src/kernel/index.js';
import { SyscallError } from '../src/model/errno.js';
import { Runner } from '../src/script/run.js';
import { Executor } from '../src/explore/executor.js';
import type { Program } from '../src/explore/program.js';

const spec = (id: string, era: string) => X86.find((s) => s.id === id && s.era === era)!;
const X86_64 = spec('x86_64', '6.18');
/** two nodes, so move_pages / mbind / migrate_pages really migrate */
const OPTIONS: MachineOptions = { spec: X86_64, nodes: 2 };

/** Every subsystem once: KSM, mlock, THP faults / split / MADV_COLLAPSE, userfaultfd, clear_refs, swap readahead, reclaim, the rmap chain under mremap, migration, mempolicy, a device file, zap. */
const WORKLOAD = `scenario isolation every subsystem once
sample H 0,1,255,256,511
ksm_start run=1 sleep_millisecs=10 pages_to_scan=1000
mmap K 4 rw- private,anon slot=0
write K 0 same
write K 1 same
write K 2 other
madvise K 0 4 MERGEABLE
ksm_wait 1
write K 0 K0
mmap M 2 rw- private,anon slot=4
write M 0 X
write M 1 Y
mremap M 1 2 maymove N
fork
@child move_pages N 0 1 all
mremap N 1 1 maymove,fixed B 0
move_pages B 0 1
mbind B 0 1 MPOL_BIND 2 STRICT,MOVE
migrate_pages 1 2
numa_info
mlock K 0 4
munlock K 0 2
mmap U 4 rw- private,anon slot=2
write U 0 U0
uffd_register_wp U
uffd_writeprotect U 0 4 1
write U 1 U1
clear_refs 4
write U 2 U2
uffd_writeprotect U 0 4 0
swapon file
mmap S 16 rw- private,anon slot=3
write_all S S
madvise S 0 16 PAGEOUT
reclaim 64
read S 4
read S 9
reclaim 1
mmap H 512 rw- private,anon slot=1
madvise H 0 512 HUGEPAGE
write H 0 H0
write H 256 H256
split_huge_page H 0
madvise H 0 512 COLLAPSE
madvise H 256 256 DONTNEED
file D dev 4 D
mmap DV 4 rw- private file=D pgoff=0 slot=6
read DV 0
@child exit
sysstat end
`;

/** The same subsystems used harder and differently: other sizes, tags and order, a shifted frame layout, and no cleanup (B keeps its state). */
const NOISE = `scenario noise every subsystem again, differently
mmap Z 37 rw- private,anon slot=7
write_all Z z
swapon zram
ksm_start run=1 sleep_millisecs=10 pages_to_scan=1000
mmap K 8 rw- private,anon slot=0
write K 0 dup
write K 1 dup
write K 2 dup
write K 3 dup
write K 5 dup
madvise K 0 8 MERGEABLE
ksm_wait 2
mlock K 0 8
mmap H 512 rw- private,anon slot=1
madvise H 0 512 HUGEPAGE
write H 7 h7
fork
@child write H 9 c9
split_huge_page H 0
madvise H 0 512 COLLAPSE
mmap U 8 rw- private,anon slot=2
write U 3 u3
uffd_register_wp U
uffd_writeprotect U 0 8 1
uffd_register_wp U
write U 4 u4
clear_refs 1
mmap S 64 rw- private,anon slot=3
write_all S s
madvise S 0 64 PAGEOUT
read S 30
read S 31
read S 2
reclaim 24
mmap M 4 rw- private,anon slot=4
write M 0 m0
write M 3 m3
mremap M 2 4 maymove N
move_pages N 0 1
@child move_pages Z 3 1 all
mbind S 0 16 MPOL_BIND 2 STRICT,MOVE
migrate_pages 1 2
file D dev 16 D
mmap DV 16 rw- private file=D pgoff=0 slot=6
madvise S 0 8 DONTNEED
numa_info
`;

/** A script run on a machine the test can look into (what runScript does, with the Runner kept). */
function runOn(text: string, options: MachineOptions = OPTIONS): Runner {
  const runner = new Runner({ nodes: 1, lockdown: 'integrity', ...options }, 'isolation.mmo');
  for (const op of parseMmo(text).ops) {
    if (op.op === 'sample') runner.sample(op);
    else {
      try {
        runner.step(op);
      } catch (error) {
        if (!(error instanceof SyscallError)) throw error;
      }
    }
  }
  return runner;
}

const sorted = <T>(xs: Iterable<T>): T[] => [...xs].sort();

/** Every subsystem's state on the machine, as plain data (nothing of it may leak to or from another machine). */
function digest(m: Machine) {
  const ksm = m.ksm;
  return {
    thp: m.thp && { folios: m.thp.folios, hugeZero: m.thp.hugeZero, entire: sorted(m.thp.entire), pincount: sorted(m.thp.pincount) },
    ksm: ksm && { ...ksm_stats(m), seqnr: ksm.seqnr, nextNode: ksm.nextNode, slots: ksm.slots.map((s) => [s.mm.id, s.items.length, s.exiting]), stable: ksm.stable.size, unstable: ksm.unstable.size },
    mlock: m.mlock && { mlocked: sorted(m.mlock.mlocked), count: sorted(m.mlock.count), batch: [...m.mlock.batch] },
    uffd: m.uffd && { words: m.uffd.words, ctxs: m.uffd.ctxs.map((c) => [c.id, c.mm.id, c.features, c.released]) },
    swapRa: m.swapRa && { prevOffset: m.swapRa.prevOffset, lastPages: m.swapRa.lastPages, hits: m.swapRa.hits, readahead: sorted(m.swapRa.readahead) },
    reclaim: m.reclaim.hand,
    migrate: m.migrate && sorted(m.migrate.isolated),
    zap: { pages: m.zap.pages && sorted(m.zap.pages), frame: m.zap.frame },
    rmap: m.rmap?.nextChainPos,
    procs: m.procs.map((p) => ({ pid: p.pid, alive: p.alive, mempolicy: p.mempolicy ?? null, uffd: p.uffd?.id })),
    devices: [...m.inodes.values()].map((i) => [i.name, i.device]),
    frames: [m.frames.inUse, m.frames.highWater],
  };
}

/** Run a program's threads on one schedule (then the lowest runnable thread), one step per call: the explorer's own executor. */
function stepper(program: Program, schedule: readonly number[]) {
  const ex = new Executor(program);
  ex.start();
  const where: string[] = [];
  let i = 0;
  let done = false;
  return {
    /** one step; false once the run is over */
    step(): boolean {
      if (done) return false;
      const enabled = ex.enabledMask();
      if (enabled === 0) {
        ex.finish();
        done = true;
        return false;
      }
      const want = schedule[i++];
      const t = want !== undefined && (enabled & (1 << want)) !== 0 ? want : 31 - Math.clz32(enabled & -enabled);
      const ok = ex.exec(t, enabled);
      where.push(`${t} ${ex.instance.threads[t]!.where}`);
      if (!ok) done = true;
      return !done;
    },
    result() {
      return { where, failure: ex.failure, state: ex.instance.snapshot?.() };
    },
  };
}

function runAlone(s: ReturnType<typeof stepper>) {
  while (s.step());
  return s.result();
}

describe('two machines in one process never influence each other', () => {
  test('the workload really uses every subsystem (each field of the Machine is made, and differs from a fresh machine)', () => {
    const fresh = digest(new Machine(OPTIONS));
    const used = digest(runOn(WORKLOAD).m);
    expect(fresh).toMatchObject({ thp: undefined, ksm: undefined, mlock: undefined, uffd: undefined, swapRa: undefined, reclaim: 0, migrate: undefined, rmap: undefined });
    expect(used.thp?.folios).toBeGreaterThan(0);
    expect(used.ksm?.full_scans).toBeGreaterThan(0);
    expect(used.mlock?.mlocked.length).toBeGreaterThan(0);
    expect(used.uffd?.ctxs).toHaveLength(1);
    expect(used.swapRa?.prevOffset).toBeGreaterThan(0);
    expect(used.reclaim).toBeGreaterThan(0);
    expect(used.migrate).toBeDefined();
    expect(used.rmap).toBeGreaterThan(1);
    expect(used.devices).toContainEqual(['D', true]);
    const noise = digest(runOn(NOISE).m);
    for (const key of ['thp', 'ksm', 'mlock', 'uffd', 'swapRa', 'reclaim', 'rmap', 'procs', 'frames'] as const) expect(noise[key], key).not.toEqual(used[key]);
  });

  test('a machine made before another machine works, used after it, ends as a machine made after it does', () => {
    const early = new Machine(OPTIONS);
    const before = digest(runOn(WORKLOAD).m);
    const noisy = [runOn(NOISE), runOn(NOISE, { spec: spec('i386-pae', '6.18'), nodes: 2 }), runOn(WORKLOAD.replace(/^scenario .*$/m, 'scenario again'))];
    // the machine made first saw none of it
    expect(digest(early)).toEqual(digest(new Machine(OPTIONS)));
    const after = digest(runOn(WORKLOAD).m);
    expect(after).toEqual(before);
    expect(noisy.map((r) => r.m.procs.length)).toEqual([2, 2, 2]); // the noisy machines are still alive (and their state with them)
  });

  test('the same trace before and after heavy use of every subsystem on other machines', () => {
    const first = runScript(parseMmo(WORKLOAD), OPTIONS, 'a.mmo', { check: true });
    for (const s of [X86_64, spec('i386', '6.18'), spec('x86_64', '2.6.21')]) runScript(parseMmo(NOISE), { spec: s, nodes: 2 }, 'b.mmo');
    for (const name of ['thp-split-zap', 'mremap-rmap']) {
      const race = findRace(name)!;
      for (const policy of race.policies(X86_64)) runAlone(stepper(race.make(X86_64, policy), []));
    }
    const again = runScript(parseMmo(WORKLOAD), OPTIONS, 'a.mmo', { check: true });
    expect(again).toEqual(first);
    expect(first.steps.filter((s) => s.ret['ok'] === false).map((s) => s.op)).toEqual(['read']); // only the device read (SIGBUS: no ->fault)
  });

  test('two scripts run step by step, interleaved, give the traces they give alone', () => {
    const alone = (text: string): Step[] => [...runScriptSteps(parseMmo(text), OPTIONS, 'x.mmo', { check: true })];
    const a = runScriptSteps(parseMmo(WORKLOAD), OPTIONS, 'a.mmo', { check: true });
    const b = runScriptSteps(parseMmo(NOISE), OPTIONS, 'b.mmo', { check: true });
    const stepsA: Step[] = [];
    const stepsB: Step[] = [];
    let doneA = false;
    let doneB = false;
    while (!doneA || !doneB) {
      if (!doneA) {
        const r = a.next();
        if (r.done) doneA = true;
        else stepsA.push(r.value);
      }
      if (!doneB) {
        const r = b.next();
        if (r.done) doneB = true;
        else stepsB.push(r.value);
      }
    }
    expect(stepsA).toEqual(alone(WORKLOAD));
    expect(stepsB).toEqual(alone(NOISE));
  });

  // explorer runs stop mid-path (zap_pte_range between clearing a pte and dropping its rmap, split_huge_page's walk,
  // mremap's move against migration's rmap walk): two machines stopped at such points at once, stepped in turn
  const RUNS: readonly { race: string; policy: string; schedules: readonly (readonly number[])[] }[] = [
    { race: 'thp-split-zap', policy: 'no-TTU_SYNC', schedules: [[0, 0, 0, 1, 1, 0, 0], [1, 1, 1, 1, 0, 0, 0], [0, 1, 0, 1, 0, 1]] },
    { race: 'thp-split-zap', policy: 'TTU_SYNC', schedules: [[1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 1]] },
    { race: 'mremap-rmap', policy: 'merge-order', schedules: [[0, 0, 0, 0, ...Array<number>(17).fill(1), 0, 0, ...Array<number>(7).fill(1)], [1, 1, 1, 0, 0, 0]] },
    { race: 'mremap-rmap', policy: 'anon-vma-lock', schedules: [[0, 0, 0, 0, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0]] },
  ];

  test('explorer runs on two machines, stepped in turn, end as they end alone', () => {
    for (const { race, policy, schedules } of RUNS) {
      const r = findRace(race)!;
      const program = r.make(X86_64, policy);
      for (const sa of schedules) {
        for (const sb of schedules) {
          const a = stepper(program, sa);
          const b = stepper(program, sb);
          let more = true;
          while (more) more = [a.step(), b.step()].some(Boolean);
          expect(a.result(), `${race} ${policy} ${sa.join('')} beside ${sb.join('')}`).toEqual(runAlone(stepper(program, sa)));
          expect(b.result(), `${race} ${policy} ${sb.join('')} beside ${sa.join('')}`).toEqual(runAlone(stepper(program, sb)));
        }
      }
    }
    // the runs are what they should be: the 2021 race without TTU_SYNC fails on its known schedule, the 2011 one under merge-order
    const zap = findRace('thp-split-zap')!;
    expect(runAlone(stepper(zap.make(X86_64, 'no-TTU_SYNC'), RUNS[0]!.schedules[0]!)).failure).toMatch(/^VM_BUG_ON_FOLIO\(folio_mapped\(folio\)\)/);
  });

  test('an explorer run and a script, stepped in turn, end as they end alone', () => {
    const race = findRace('thp-split-zap')!;
    const program = race.make(X86_64, 'no-TTU_SYNC');
    const solo = runAlone(stepper(program, RUNS[0]!.schedules[1]!));
    const script = runScriptSteps(parseMmo(NOISE), OPTIONS, 'b.mmo', { check: true });
    const ex = stepper(program, RUNS[0]!.schedules[1]!);
    const steps: Step[] = [];
    let scriptDone = false;
    let exMore = true;
    while (exMore || !scriptDone) {
      if (exMore) exMore = ex.step();
      if (!scriptDone) {
        const r = script.next();
        if (r.done) scriptDone = true;
        else steps.push(r.value);
      }
    }
    expect(ex.result()).toEqual(solo);
    expect(steps).toEqual([...runScriptSteps(parseMmo(NOISE), OPTIONS, 'b.mmo', { check: true })]);
  });
});
