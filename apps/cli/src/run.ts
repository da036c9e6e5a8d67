/**
 * What `mmsim` runs (dist/run.cjs, required by the dist/bin.js launcher).
 */
import { main } from './cli.js';
import { EXIT_USAGE } from './errors.js';
import { writeErrorLine } from './write-errors.js';

// stdout that cannot take the output (a full disk, `> /dev/full`, an I/O error, a reader that went
// away as `| head` does) ends the run with one line and exit 2, as an unwritable --svg path does, and
// as mmsim-test does: the output was not all delivered, so the status must not say it was. The error
// arrives as an event, after the write that failed: exit at once, the rest has nowhere to go.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(writeErrorLine(error));
  process.exit(EXIT_USAGE);
});
// stderr itself broken: nothing left to tell; stop with the same status
process.stderr.on('error', () => process.exit(EXIT_USAGE));

// exitCode, not exit(): a large --json document piped to another process must flush first.
void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
