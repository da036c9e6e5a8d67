/**
 * The explorer's step loop: exhaustive DFS over a program of hand-written
 * (allocation-free) threads, reported as schedules and steps per second.
 *
 *   node dist/explore.js [--json FILE] [--smoke]
 *
 * --smoke (the test command's bench smoke): that it runs, not how fast —
 * the smallest worker programs and the first race on x86_64 in each era
 * (every race on every variant is the test runner's races suite).
 */
import { writeFileSync } from 'node:fs';
import { x86_64_2621, x86_64_618 } from '@mmsim/arch-x86';
import { exploreDfs, RACES, type Program } from '@mmsim/mm';
import { ACT_DONE, ACT_STEP, lockAct, unlockAct, type Instance, type Thread } from '@mmsim/mm/explore';

/** lock 0; read; write; unlock 0; then two unlocked steps: the shape of a fault path */
const BODY = [lockAct(0), ACT_STEP, ACT_STEP, unlockAct(0), ACT_STEP, ACT_STEP];

class Worker implements Thread {
  pc = 0;
  seen = 0;
  constructor(private readonly shared: Int32Array) {}
  get next(): number {
    return this.pc < BODY.length ? BODY[this.pc]! : ACT_DONE;
  }
  readonly where = 'worker';
  step(): void {
    if (this.pc === 1) this.seen = this.shared[0]!;
    if (this.pc === 2) this.shared[0] = this.seen + 1;
    if (this.pc === 4) this.shared[1]!++;
    this.pc++;
  }
}

const program = (threads: number): Program => ({
  name: `workers-${threads}`,
  instantiate(): Instance {
    const shared = new Int32Array(2);
    return {
      threads: Array.from({ length: threads }, () => new Worker(shared)),
      check: () => null,
      final: () => (shared[0] === threads ? null : `lost update: ${shared[0]}`),
    };
  },
});

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const smoke = args.includes('--smoke');
const rows: { threads: number; bound: number; schedules: number; states: number; ms: number; schedulesPerSec: number; stepsPerSec: number }[] = [];
exploreDfs(program(3), { bound: 2 }); // warm-up
const SIZES = [
  [3, 2],
  [3, 3],
  [4, 2],
  [4, 3],
  [5, 2],
  [4, 4],
] as const;
for (const [threads, bound] of smoke ? SIZES.slice(0, 2) : SIZES) {
  const r = exploreDfs(program(threads), { bound });
  if (r.failure) throw new Error(`explore bench: unexpected failure ${r.failure.message}`);
  rows.push({ threads, bound, schedules: r.schedules, states: r.states, ms: r.elapsedMs, schedulesPerSec: (r.schedules * 1000) / r.elapsedMs, stepsPerSec: (r.states * 1000) / r.elapsedMs });
}
console.log('explorer: exhaustive DFS (no state cache), threads of lock/read/write/unlock/step/step');
console.log('threads  bound    schedules       steps      ms   schedules/s     steps/s');
for (const r of rows) {
  console.log(
    `${String(r.threads).padStart(7)}  ${String(r.bound).padStart(5)}  ${String(r.schedules).padStart(11)}  ${String(r.states).padStart(10)}  ${r.ms.toFixed(0).padStart(6)}  ${r.schedulesPerSec.toFixed(0).padStart(12)}  ${r.stepsPerSec.toExponential(2).padStart(10)}`,
  );
}

// the race programs: exhaustive DFS within each race's bound, per policy, on x86_64 in both eras
const raceRows: { race: string; variant: string; policy: string; bound: number; schedules: number; states: number; ms: number; schedulesPerSec: number; failure: string | null }[] = [];
for (const spec of [x86_64_2621, x86_64_618]) {
  for (const race of smoke ? RACES.slice(0, 1) : RACES) {
    for (const policy of race.policies(spec)) {
      const r = exploreDfs(race.make(spec, policy), { bound: race.bound });
      raceRows.push({ race: race.name, variant: `${spec.id}@${spec.era}`, policy, bound: race.bound, schedules: r.schedules, states: r.states, ms: r.elapsedMs, schedulesPerSec: (r.schedules * 1000) / r.elapsedMs, failure: r.failure?.schedule ?? null });
    }
  }
}
console.log('');
console.log('race scenarios (packages/mm/scenarios/races): exhaustive DFS within the scenario\'s bound, every schedule on a fresh machine through the simulator\'s own kernel paths (stops at the first failure)');
console.log('race                   variant        policy           bound  schedules    steps      ms  schedules/s    steps/s  failing schedule');
for (const r of raceRows) {
  console.log(`${r.race.padEnd(21)}  ${r.variant.padEnd(13)}  ${r.policy.padEnd(15)}  ${String(r.bound).padStart(5)}  ${String(r.schedules).padStart(9)}  ${String(r.states).padStart(7)}  ${r.ms.toFixed(1).padStart(6)}  ${r.schedulesPerSec.toFixed(0).padStart(11)}  ${((r.states * 1000) / r.ms).toFixed(0).padStart(9)}  ${r.failure ?? '—'}`);
}
if (jsonAt >= 0) writeFileSync(args[jsonAt + 1]!, `${JSON.stringify({ workers: rows, races: raceRows }, null, 2)}\n`);
