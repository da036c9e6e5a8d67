/**
 * The worker the pool runs cases in (a long-lived child process, see
 * pool.ts): it loads both CLIs once and runs each case through their
 * exported main() — no process per case. Output is kept
 * bounded (a head, a tail, the lengths) and the case's patterns are tested
 * over every chunk as it arrives, so a case that prints gigabytes is measured
 * without being held.
 */
import type { Outcome, Tool } from './case.js';

export interface WorkerRequest {
  readonly tool: Tool;
  readonly args: readonly string[];
  readonly cwd: string;
  /** regex sources (flag m) tested over stdout */
  readonly patterns: readonly string[];
}

const KEEP = 8192;

type Main = (args: readonly string[], cwd: string, io: { out(t: string): void; err(t: string): void }) => Promise<number>;

async function loadMains(): Promise<Record<Tool, Main>> {
  const cli = await import('@mmsim/cli');
  const runner = await import('@mmsim/test-runner');
  return {
    // no colour, no terminal, no MMSIM_DEBUG: what a user's pipe sees
    mmsim: (args, cwd, io) => cli.main(args, { io, cwd, env: {}, isTTY: false }),
    'mmsim-test': (args, cwd, io) => runner.main(['node', 'mmsim-test', ...args], { io, cwd }),
  };
}

const mains = loadMains();

process.on('message', async (req: WorkerRequest) => {
  const started = performance.now();
  const res = req.patterns.map((p) => new RegExp(p, 'm'));
  const matched = req.patterns.map(() => false);
  let stdoutLength = 0;
  let head = '';
  let tail = '';
  let stderr = '';
  let stderrLength = 0;
  const io = {
    out(text: string) {
      stdoutLength += text.length;
      if (head.length < KEEP) head += text.slice(0, KEEP - head.length);
      tail = (tail + text.slice(-KEEP)).slice(-KEEP);
      res.forEach((re, i) => {
        if (!matched[i] && re.test(text)) matched[i] = true;
      });
    },
    err(text: string) {
      stderrLength += text.length;
      if (stderr.length < KEEP) stderr += text.slice(0, KEEP - stderr.length);
    },
  };
  let status: number | undefined;
  let crash: string | undefined;
  try {
    status = await (await mains)[req.tool](req.args, req.cwd, io);
  } catch (error) {
    const e = error as Error;
    crash = `${e?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 300)}`;
  }
  const outcome: Outcome = {
    ...(status !== undefined ? { status } : {}),
    ...(crash !== undefined ? { crash } : {}),
    stdoutLength,
    stdoutHead: head,
    stdoutTail: tail,
    stderr,
    stderrLength,
    matches: Object.fromEntries(req.patterns.map((p, i) => [p, matched[i]!])),
    elapsedMs: performance.now() - started,
  };
  process.send!(outcome);
});
