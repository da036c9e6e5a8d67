#!/usr/bin/env node
// Run independent shell commands side by side (the checks after the build in ci:test), each one's
// output held and printed whole when it ends, so the logs do not interleave. Exits with the first
// failing command's status (after every command has ended), 0 when all pass.
//
//   node tooling/scripts/parallel.mjs 'COMMAND' 'COMMAND' ...
import { spawn } from 'node:child_process';

const commands = process.argv.slice(2);
if (commands.length === 0) {
  console.error("parallel: no command given (usage: node tooling/scripts/parallel.mjs 'COMMAND' ...)");
  process.exit(2);
}
const started = Date.now();
const statuses = await Promise.all(
  commands.map(
    (command) =>
      new Promise((done) => {
        const t = Date.now();
        const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
        const chunks = [];
        child.stdout.on('data', (d) => chunks.push(d));
        child.stderr.on('data', (d) => chunks.push(d));
        child.on('close', (code, signal) => {
          const status = code ?? 1;
          process.stdout.write(Buffer.concat(chunks));
          console.log(`parallel: '${command}' ${status === 0 ? 'ok' : `FAILED (exit ${code ?? signal})`} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
          done(status);
        });
      }),
  ),
);
const failed = statuses.find((s) => s !== 0);
console.log(`parallel: ${commands.length - statuses.filter((s) => s !== 0).length} of ${commands.length} passed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed ?? 0);
