#!/usr/bin/env node
import { main, PROGRAM_NAME } from './cli.js';
import { EXIT_USAGE, outputErrorLine } from './errors.js';

// A write to stdout that fails (`> /dev/full`, a reader that closed the pipe):
// one line on stderr and exit 2, never a stack trace. Writes fail after the
// fact (the stream reports them as an event), so this is where they end.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(`${outputErrorLine(PROGRAM_NAME, error)}\n`);
  process.exit(EXIT_USAGE);
});
// Nowhere to report a failed write to stderr: the exit status still says how the run went.
process.stderr.on('error', () => {});

// exitCode, not exit(): a large --json document piped to another process must flush first.
main(process.argv).then((status) => {
  process.exitCode = status;
});
