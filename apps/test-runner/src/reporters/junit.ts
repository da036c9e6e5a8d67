/**
 * JUnit XML: one <testsuite> per backend × era × config × suite, one
 * <testcase> per check or vector. A failure (or an unexpected pass) is a
 * <failure message="…"> holding the whole report; a skipped check and an
 * expected failure (as pytest writes an xfail) are <skipped message="…"/>.
 */
import { isBad, matrix, type TestCase } from '../cases.js';
import { plainDetail } from './details.js';

/** Text as XML character data or attribute value: escaped, and without the characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/\u001b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '') // eslint-disable-line no-control-regex
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number) => `${name}="${xmlEscape(String(value))}"`;

export interface JunitOptions {
  /** the <testsuites name>: the command */
  readonly name: string;
  readonly backendOrder?: readonly string[];
  /** seconds the run took */
  readonly time?: number;
}

export function junitReport(cases: readonly TestCase[], options: JunitOptions): string {
  const cells = matrix(cases, options.backendOrder);
  const failures = cases.filter(isBad).length;
  const skipped = cases.filter((c) => c.status === 'skip' || c.status === 'xfail').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attr('name', options.name)} ${attr('tests', cases.length)} ${attr('failures', failures)} errors="0" ${attr('skipped', skipped)}${
      options.time !== undefined ? ` ${attr('time', options.time.toFixed(3))}` : ''
    }>`,
  ];
  cells.forEach((cell, id) => {
    const members = cases.filter((c) => c.backend === cell.backend && c.era === cell.era && c.config === cell.config && c.suite === cell.suite);
    const name = `${cell.backend} ${cell.era} ${cell.config} ${cell.suite}`;
    const classname = `${cell.backend}.${cell.era}.${cell.config}.${cell.suite}`;
    lines.push(
      `  <testsuite ${attr('name', name)} ${attr('id', id)} ${attr('tests', members.length)} ${attr('failures', cell.fail + cell.xpass)} errors="0" ${attr('skipped', cell.skip + cell.xfail)}>`,
      '    <properties>',
      `      <property ${attr('name', 'backend')} ${attr('value', cell.backend)}/>`,
      `      <property ${attr('name', 'era')} ${attr('value', cell.era)}/>`,
      `      <property ${attr('name', 'config')} ${attr('value', cell.config)}/>`,
      `      <property ${attr('name', 'suite')} ${attr('value', cell.suite)}/>`,
      '    </properties>',
    );
    for (const c of members) {
      const open = `    <testcase ${attr('classname', classname)} ${attr('name', `${c.variant} ${c.name}`)}`;
      if (c.status === 'pass') {
        lines.push(`${open}/>`);
      } else if (c.status === 'skip' || c.status === 'xfail') {
        const why = c.status === 'xfail' ? `expected failure: ${c.message ?? ''}` : (c.message ?? 'does not apply to this variant');
        lines.push(`${open}>`, `      <skipped ${attr('message', why)}/>`, '    </testcase>');
      } else {
        const message = c.status === 'xpass' ? `unexpected pass: ${c.message ?? ''}` : (c.message ?? 'failed');
        lines.push(`${open}>`, `      <failure ${attr('message', message)} ${attr('type', c.status)}>${xmlEscape(plainDetail(c))}</failure>`, '    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return lines.join('\n');
}
