/**
 * Workers that run cases in-process (worker.ts), each under a heap limit
 * (resourceLimits), with a watchdog: a case past the time limit is a hang,
 * past the resident-memory limit or out of heap a memory failure; either way
 * the worker is terminated and a fresh one takes the next case.
 *
 * Resident memory is the process's (typed arrays live outside the V8 heap,
 * so the heap limit alone would not see them): with more than one worker a
 * memory failure is charged to every case running at that moment. The CI
 * run uses one worker, so the blame is exact.
 */
import { Worker } from 'node:worker_threads';
import type { Outcome } from './case.js';
import type { WorkerRequest } from './worker.js';

export interface Limits {
  readonly timeMs: number;
  readonly heapMb: number;
  /** resident memory of the whole process above what it was when the pool started */
  readonly rssMb: number;
}

const WORKER_URL = new URL('../dist/worker.js', import.meta.url);

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class Pool {
  private readonly slots: Slot[] = [];
  private readonly baseRss = process.memoryUsage.rss();

  constructor(
    size: number,
    private readonly limits: Limits,
  ) {
    for (let i = 0; i < size; i++) this.slots.push({ worker: this.spawn(), busy: false });
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_URL, { resourceLimits: { maxOldGenerationSizeMb: this.limits.heapMb }, stdout: true, stderr: true });
    // the CLIs write through the io they are given; anything on the worker's own streams is drained, not shown
    // a worker terminated for a hang may still report its OOM later: nobody waits for it any more
    worker.on('error', () => {});
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref();
    return worker;
  }

  /** Wait for a free slot (the caller never runs more cases than there are slots). */
  free(): Slot | undefined {
    return this.slots.find((s) => !s.busy);
  }

  run(request: WorkerRequest): Promise<Outcome> {
    const slot = this.free();
    if (!slot) throw new Error('pool: no free worker');
    slot.busy = true;
    const started = performance.now();
    const { worker } = slot;
    return new Promise<Outcome>((resolve) => {
      let done = false;
      const base = { stdoutLength: 0, stdoutHead: '', stdoutTail: '', stderr: '', stderrLength: 0, matches: {} };
      const finish = (outcome: Outcome, replace: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (replace) {
          void worker.terminate();
          slot.worker = this.spawn();
        }
        slot.busy = false;
        resolve(outcome);
      };
      const elapsed = () => performance.now() - started;
      const onMessage = (outcome: Outcome) => finish(outcome, false);
      const onError = (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ ...base, memory: `heap past ${this.limits.heapMb} MB (${error.message})`, elapsedMs: elapsed() }, true);
        else finish({ ...base, crash: `uncaught in the worker: ${error.name}: ${String(error.message).slice(0, 300)}`, elapsedMs: elapsed() }, true);
      };
      const onExit = (code: number) => finish({ ...base, crash: `the worker exited (${code})`, elapsedMs: elapsed() }, true);
      const timer = setTimeout(() => finish({ ...base, hang: true, elapsedMs: elapsed() }, true), this.limits.timeMs);
      const poll = setInterval(() => {
        const grown = (process.memoryUsage.rss() - this.baseRss) / 2 ** 20;
        if (grown > this.limits.rssMb) finish({ ...base, memory: `resident memory grew ${Math.round(grown)} MB (limit ${this.limits.rssMb} MB)`, elapsedMs: elapsed() }, true);
      }, 100);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
