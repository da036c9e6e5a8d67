#!/usr/bin/env node
// Startup wall time of the built bin: spawn it N times, print median and p90.
//   node bench/startup.mjs [N] [-- ARGS...]     default: 20 runs of `mmsim decode 0x1234`
// Budget: `mmsim decode 0x1234` under 150 ms. `node -e 0` is timed too, as the floor.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL(process.env.BIN ?? '../dist/bin.js', import.meta.url));
if (!existsSync(bin)) {
  console.error(`bench:startup: ${bin} is missing: build first (npx tsup)`);
  process.exit(2);
}
const dash = process.argv.indexOf('--');
const runs = Number(process.argv[2] && process.argv[2] !== '--' ? process.argv[2] : 20);
const args = dash >= 0 ? process.argv.slice(dash + 1) : ['decode', '0x1234'];
const BUDGET_MS = 150;

function time(argv) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0 && argv[0] === bin) {
      console.error(`bench:startup: mmsim ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      process.exit(1);
    }
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
  return { median: at(0.5), p90: at(0.9), min: samples[0] };
}

spawnSync(process.execPath, [bin, ...args], { stdio: 'ignore' }); // warm the file cache
const floor = time(['-e', '0']);
const cli = time([bin, ...args]);
const ms = (x) => `${x.toFixed(1)} ms`;
console.log(`node -e 0${' '.repeat(Math.max(1, 24 - 9))}median ${ms(floor.median)}  p90 ${ms(floor.p90)}  (${runs} runs)`);
const label = `mmsim ${args.join(' ')}`;
console.log(`${label}${' '.repeat(Math.max(1, 24 - label.length))}median ${ms(cli.median)}  p90 ${ms(cli.p90)}  (${runs} runs, budget ${BUDGET_MS} ms)`);
if (cli.median > BUDGET_MS) {
  console.log(`over budget: median ${ms(cli.median)} > ${BUDGET_MS} ms`);
  process.exitCode = 1;
}
