/**
 * How one failing case reads in the default report: the variant, the input,
 * the expected and actual values in hex and as a bit diff, and the command
 * that reruns just that case.
 */
import { pc } from '../color.js';
import { bitDiff } from '../bitdiff.js';
import type { Difference, TestCase } from '../cases.js';
import { showValue } from '../format.js';

const INDENT = '    ';
const label = (name: string) => `${INDENT}${name.padEnd(10)}`;

/** expected / actual (hex, and decimal beside small decimals) and the bit diff under them. */
export function differenceLines(d: Difference): string[] {
  const lines = [`${label('expected')}${showValue(d.expected)}`, `${label('actual')}${showValue(d.actual)}`];
  const diff = bitDiff(d.expected, d.actual);
  if (diff) lines.push(...diff.lines.map((line) => `${INDENT}${line}`.trimEnd()));
  return lines;
}

/** Lines after a failure's headline. */
export function caseDetailLines(c: TestCase): string[] {
  const lines: string[] = [];
  lines.push(`${label('variant')}${c.variant} (backend ${c.backend}, config ${c.config})`);
  if (c.op) lines.push(`${label('op')}${c.op}`);
  if (c.input) lines.push(`${label('input')}${c.input}`);
  if (c.note) lines.push(`${label('note')}${c.note}`);
  const differences = c.differences ?? [];
  if (differences.length === 0 && c.message) lines.push(`${label('message')}${c.message}`);
  for (const d of differences) {
    if (d.field !== undefined) lines.push(`${label('field')}${pc.bold(d.field)}`);
    lines.push(...differenceLines(d));
  }
  if (c.seed !== undefined) lines.push(`${label('seed')}${c.seed}${c.path ? ` (fast-check path ${c.path})` : ''}`);
  if (c.repro) lines.push(`${label('repro')}${c.repro}`);
  return lines;
}

/** A plain-text block (no colour) of one failure, for JUnit and TAP. */
export function plainDetail(c: TestCase): string {
  const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
  const lines = [...(c.message ? [c.message] : []), ...caseDetailLines(c).map((l) => strip(l).replace(/^ {4}/, ''))];
  return lines.join('\n');
}
