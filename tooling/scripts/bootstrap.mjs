#!/usr/bin/env node
// The README's two commands for a fresh machine with only Node 20 and npm:
//   npm run main      install everything, build, print the overview
//   npm run test:all  install everything, build, run every test
// pnpm comes from the npm registry through npx (corepack's signature check fails here).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PNPM = 'pnpm@10.34.9';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };

function pnpm(args, options = {}) {
  const result = spawnSync('npx', ['--yes', PNPM, ...args], { cwd: root, stdio: 'inherit', env, ...options });
  if (result.status !== 0) {
    console.error(`bootstrap: 'pnpm ${args.join(' ')}' failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const mode = process.argv[2];
if (mode !== 'main' && mode !== 'test') {
  console.error(`bootstrap: unknown mode '${mode}' (expected 'main' or 'test')`);
  process.exit(2);
}

pnpm(['install', '--frozen-lockfile', '--prefer-offline']);
if (mode === 'main') {
  pnpm(['build', '--output-logs=errors-only']);
  pnpm(['run', '--silent', 'main:job']);
} else {
  pnpm(['run', 'ci:test']);
  printTotals();
}

// vitest is not one of the runners CI reads, so close with the plain
// "N passed, N failed, N skipped" line summed over every package's JSON
// report. A skip (a conformance check that does not apply to a variant,
// registered with test.skip) is vitest's numPendingTests; a todo counts too.
function printTotals() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const group of ['packages', 'apps', 'tooling']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      // .vitest-host-result.json: apps/test-runner's host campaign (its own turbo task, test:host)
      for (const file of ['.vitest-result.json', '.vitest-host-result.json']) {
        const report = join(dir, name, file);
        if (!existsSync(report)) continue;
        const json = JSON.parse(readFileSync(report, 'utf8'));
        passed += json.numPassedTests;
        failed += json.numFailedTests;
        skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
      }
    }
  }
  console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  if (failed > 0 || passed === 0) process.exit(1);
}
