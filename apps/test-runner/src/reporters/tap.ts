/**
 * TAP version 13: the plan `1..N`, then one `ok` / `not ok` line per case.
 * A skipped check is `ok … # SKIP`, an expected failure `not ok … # TODO`
 * (TAP's own "known to fail"), a failure `not ok` with a YAML block holding
 * the variant, the values, the differing bits and the repro command.
 */
import type { TestCase } from '../cases.js';

/** A TAP description: one line, and no `#` (it would start a directive). */
function description(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

const yamlString = (text: string) => JSON.stringify(text);

export function tapReport(cases: readonly TestCase[]): string {
  const lines = ['TAP version 13', `1..${cases.length}`];
  cases.forEach((c, i) => {
    const n = i + 1;
    const what = description(`${c.suite} ${c.backend} ${c.variant} ${c.name}`);
    switch (c.status) {
      case 'pass':
        lines.push(`ok ${n} - ${what}`);
        break;
      case 'skip':
        lines.push(`ok ${n} - ${what} # SKIP ${description(c.message ?? 'does not apply to this variant')}`);
        break;
      case 'xfail':
        lines.push(`not ok ${n} - ${what} # TODO expected failure: ${description(c.message ?? '')}`);
        break;
      default: {
        lines.push(`not ok ${n} - ${what}`);
        const yaml: string[] = ['  ---', `  status: ${c.status}`, `  variant: ${yamlString(c.variant)}`, `  config: ${yamlString(c.config)}`];
        if (c.message) yaml.push(`  message: ${yamlString(c.message)}`);
        if (c.input) yaml.push(`  input: ${yamlString(c.input)}`);
        if (c.differences && c.differences.length > 0) {
          yaml.push('  differences:');
          for (const d of c.differences) {
            yaml.push(`    - field: ${yamlString(d.field ?? c.name)}`, `      expected: ${yamlString(d.expected)}`, `      actual: ${yamlString(d.actual)}`);
            if (d.bits) yaml.push(`      bits: [${d.bits.join(', ')}]`);
          }
        }
        if (c.seed !== undefined) yaml.push(`  seed: ${c.seed}`);
        if (c.repro) yaml.push(`  repro: ${yamlString(c.repro)}`);
        yaml.push('  ...');
        lines.push(...yaml);
      }
    }
  });
  return lines.join('\n');
}
