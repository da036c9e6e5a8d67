/**
 * Workers that run cases in-process (worker.ts): each a long-lived child
 * process with a heap limit (--max-old-space-size), fed one case at a time
 * over IPC, so no case pays a process start. A watchdog charges a case past
 * the time limit as a hang, past the resident-memory limit (read from
 * /proc: typed arrays live outside the V8 heap) or dead of a heap OOM as a
 * memory failure; the worker is killed and a fresh one takes the next case.
 *
 * Why processes and not worker_threads: a worker thread's resourceLimits do
 * not contain every OOM — a large allocation near the limit aborts the whole
 * process ("CALL_AND_RETRY_LAST Allocation failed"), the suite with it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './case.js';
import type { WorkerRequest } from './worker.js';

export interface Limits {
  readonly timeMs: number;
  readonly heapMb: number;
  /** resident memory of one worker */
  readonly rssMb: number;
}

const WORKER = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

interface Slot {
  child: ChildProcess;
  busy: boolean;
  /** the last of the worker's own stderr (V8's fatal-error text) */
  stderr: string;
}

function rssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export class Pool {
  private readonly slots: Slot[] = [];

  constructor(
    size: number,
    private readonly limits: Limits,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const child = fork(WORKER, [], {
      execArgv: [`--max-old-space-size=${this.limits.heapMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, MMSIM_DEBUG: '', NO_COLOR: '1' },
    });
    const slot: Slot = { child, busy: false, stderr: '' };
    child.stderr!.on('data', (b: Buffer) => {
      slot.stderr = (slot.stderr + b.toString()).slice(-2000);
    });
    child.on('error', () => {});
    return slot;
  }

  run(request: WorkerRequest): Promise<Outcome> {
    const index = this.slots.findIndex((s) => !s.busy);
    if (index < 0) throw new Error('pool: no free worker');
    const slot = this.slots[index]!;
    slot.busy = true;
    slot.stderr = '';
    const started = performance.now();
    const { child } = slot;
    return new Promise<Outcome>((resolve) => {
      let done = false;
      const base = { stdoutLength: 0, stdoutHead: '', stdoutTail: '', stderr: '', stderrLength: 0, matches: {} };
      const elapsed = () => performance.now() - started;
      const finish = (outcome: Outcome, replace: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (replace) {
          child.kill('SIGKILL');
          this.slots[index] = this.spawn();
        } else {
          slot.busy = false;
        }
        resolve(outcome);
      };
      const onMessage = (outcome: Outcome) => finish(outcome, false);
      const onExit = (code: number | null, signal: string | null) => {
        // give the worker's last stderr a moment to arrive: it says whether V8 ran out of heap
        setTimeout(() => {
          const oom = /heap out of memory|Allocation failed|Invalid array length/i.test(slot.stderr);
          const what = `the worker died (${signal ?? `exit ${code}`})${slot.stderr ? `: ${slot.stderr.split('\n').find((l) => /FATAL|Error/.test(l)) ?? ''}` : ''}`;
          finish({ ...base, ...(oom ? { memory: `heap past ${this.limits.heapMb} MB: ${what}` } : { crash: what }), elapsedMs: elapsed() }, true);
        }, 50);
      };
      const timer = setTimeout(() => finish({ ...base, hang: true, elapsedMs: elapsed() }, true), this.limits.timeMs);
      const poll = setInterval(() => {
        const mb = rssMb(child.pid);
        if (mb > this.limits.rssMb) finish({ ...base, memory: `resident memory ${Math.round(mb)} MB (limit ${this.limits.rssMb} MB)`, elapsedMs: elapsed() }, true);
      }, 100);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send(request);
    });
  }

  async close(): Promise<void> {
    for (const s of this.slots) s.child.kill('SIGKILL');
  }
}
