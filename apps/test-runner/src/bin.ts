#!/usr/bin/env node
import { main } from './cli.js';

// A reader that stops early (`mmsim-test --reporter tap | head`) is not an error of the runner.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// exitCode, not exit(): a large --json document piped to another process must flush first.
main(process.argv).then((status) => {
  process.exitCode = status;
});
