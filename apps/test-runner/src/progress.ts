/**
 * Progress while a command runs: a listr2 task list, one task per backend
 * and suite, whose titles count up as variants finish. On a terminal it is
 * redrawn in place; elsewhere (CI logs, pipes) listr2 falls back to its
 * simple renderer, one line per finished task. It goes to stderr, so stdout
 * holds the report alone. Only the default reporter shows it, and only for
 * a real process (not for main() driven in-process).
 */
import { DefaultRenderer, Listr, ListrLogger, ProcessOutput } from 'listr2';

/** listr2's default renderer, allowed to draw when stdout is not a terminal: it draws on stderr. */
class StderrRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

export interface JobOutcome {
  /** the task's final title suffix: `1383 passed, 0 failed` */
  readonly summary: string;
  readonly failed: boolean;
}

export interface Job {
  readonly title: string;
  /** does the work; calls `progress` with a short status now and then */
  run(progress: (text: string) => void): Promise<JobOutcome>;
}

/** Let the renderer draw between two pieces of synchronous work. */
export const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Off a terminal (CI logs), a running task's status is printed at most this often. */
export const LOG_EVERY_MS = 10_000;

/** A task that ran to the end but found failures: shown as failed, not an error of the runner. */
class ChecksFailed extends Error {}

export async function runJobs(jobs: readonly Job[], show: boolean): Promise<void> {
  if (!show) {
    for (const job of jobs) await job.run(() => {});
    return;
  }
  let crash: unknown;
  const logger = new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) });
  const list = new Listr(
    jobs.map((job) => ({
      title: job.title,
      task: async (_ctx: unknown, task: { title: string | undefined; output: string | undefined }) => {
        let outcome: JobOutcome;
        let said = Date.now();
        try {
          outcome = await job.run((text) => {
            task.title = `${job.title}: ${text}`;
            // off a terminal the list prints a task when it starts and ends: a long one says where it is now and then
            if (!process.stderr.isTTY && Date.now() - said >= LOG_EVERY_MS) {
              said = Date.now();
              task.output = `${job.title}: ${text}`;
            }
          });
        } catch (error) {
          crash ??= error;
          throw error;
        }
        task.title = `${job.title}: ${outcome.summary}`;
        if (outcome.failed) throw new ChecksFailed('failures: see the report');
      },
    })),
    {
      renderer: StderrRenderer,
      concurrent: false,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: { logger, collapseErrors: false, showErrorMessage: true },
      fallbackRenderer: 'simple',
      fallbackRendererOptions: { logger },
      // the list is drawn on stderr, so that is the stream that must be a terminal
      fallbackRendererCondition: () => !process.stderr.isTTY,
    },
  );
  await list.run();
  if (crash !== undefined) throw crash;
}
