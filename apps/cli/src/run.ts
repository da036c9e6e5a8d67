/**
 * What `mmsim` runs (dist/run.cjs, required by the dist/bin.js launcher).
 */
import { main } from './cli.js';

// `mmsim … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// exitCode, not exit(): a large --json document piped to another process must flush first.
void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
