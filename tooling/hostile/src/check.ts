/**
 * The rules applied to one case's outcome: which it broke, with the detail a
 * reader needs to see why.
 */
import type { Case, Outcome } from './case.js';
import { EXPECTATIONS, MAX_LINE, MAX_STDERR, type Rule } from './expect.js';

export interface Broken {
  readonly rule: Rule;
  readonly detail: string;
}

/** What successful output must never show: a value that went through Number() unchecked. */
export const GARBAGE = String.raw`\bNaN\b|\bundefined\b|[^\w-]Infinity\b`;
const STACK = /^\s+at .+(\(|:\d+)|node:internal|\(node:/m;

function clip(text: string, n = 160): string {
  const one = text.replace(/\n/g, '⏎');
  return one.length > n ? `${one.slice(0, n)}…(${text.length} chars)` : one;
}

/** The regex sources the worker must test over stdout for this case. */
export function patternsFor(c: Case): string[] {
  return [GARBAGE, ...(c.stdoutMustNot ? [c.stdoutMustNot.re.source] : []), ...(c.errnoStep ? [c.errnoStep.source] : [])];
}

export function check(c: Case, o: Outcome, newFiles: readonly string[]): Broken[] {
  const broken: Broken[] = [];
  if (o.crash) broken.push({ rule: 'no-crash', detail: o.crash });
  if (o.hang) broken.push({ rule: 'no-hang', detail: `no answer within ${Math.round(o.elapsedMs)} ms` });
  if (o.memory) broken.push({ rule: 'bounded-memory', detail: o.memory });
  if (o.status === 3) broken.push({ rule: 'no-exit-3', detail: `exit 3: ${clip(o.stderr)}` });
  if (STACK.test(o.stderr)) broken.push({ rule: 'no-stack', detail: clip(o.stderr, 300) });
  if (o.stderrLength > MAX_STDERR) broken.push({ rule: 'short-stderr', detail: `${o.stderrLength} chars on stderr` });
  else if (c.token && c.token.length > 128 && o.stderr.includes(c.token.slice(0, 128))) broken.push({ rule: 'short-stderr', detail: `echoes more than 128 chars of the ${c.token.length}-char token` });
  if (o.status === 2) {
    const lines = o.stderr.replace(/\n$/, '').split('\n');
    const long = lines.find((l) => l.length > MAX_LINE);
    if (lines.length < 1 || lines.length > (c.maxLines ?? 1) || lines[0] === '') broken.push({ rule: 'one-line', detail: `${lines.length} lines on stderr: ${clip(o.stderr)}` });
    else if (long) broken.push({ rule: 'one-line', detail: `a ${long.length}-char line (limit ${MAX_LINE}): ${clip(long)}` });
  }
  if (o.status !== undefined && o.status !== 3 && !EXPECTATIONS[c.expect].exits.includes(o.status)) {
    broken.push({ rule: 'expected-exit', detail: `exit ${o.status}, expected ${EXPECTATIONS[c.expect].exits.join(' or ')} (${c.expect})${o.stderr ? `: ${clip(o.stderr)}` : ''}` });
  }
  if (o.status !== undefined && o.status !== 0 && newFiles.length > 0) broken.push({ rule: 'nothing-written', detail: `exit ${o.status} but wrote ${newFiles.join(', ')}` });
  if (o.status === 0 && o.matches[GARBAGE]) broken.push({ rule: 'no-garbage', detail: 'stdout shows NaN, undefined or Infinity' });
  if (c.errnoStep && o.status === 0 && !o.matches[c.errnoStep.source]) broken.push({ rule: 'errno-shown', detail: `no step matches ${c.errnoStep.source}: ${clip(o.stdoutHead, 300)}` });
  if (c.stdoutMustNot && o.matches[c.stdoutMustNot.re.source]) broken.push({ rule: 'case-check', detail: c.stdoutMustNot.meaning });
  return broken;
}
