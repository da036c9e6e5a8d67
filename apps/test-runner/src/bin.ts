#!/usr/bin/env node
import { main } from './cli.js';

// exitCode, not exit(): a large --json document piped to another process must flush first.
main(process.argv).then((status) => {
  process.exitCode = status;
});
