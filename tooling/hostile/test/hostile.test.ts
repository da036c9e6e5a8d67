/**
 * The hostile-input suite in the test command: the fixed table and the
 * seeded mutants under the CI seed, case count and budget (src/options.ts),
 * every rule of src/expect.ts. A failure prints each broken case, grouped by
 * cause, with the line that reproduces it.
 */
import { describe, expect, it } from 'vitest';
import { mutant, runCampaign, summary } from '../src/campaign.js';
import { optionsFromEnv } from '../src/options.js';

describe('hostile-input suite', () => {
  it('mutants replay from the seed and the index alone', () => {
    for (const i of [0, 7, 123]) expect(JSON.stringify(mutant(1234, i))).toBe(JSON.stringify(mutant(1234, i)));
    expect(JSON.stringify(mutant(1234, 5))).not.toBe(JSON.stringify(mutant(1235, 5)));
  });

  it('no case breaks a rule (no exit 3, no stack, no hang, bounded memory, one line, no exit 0 on a bad value)', async () => {
    const options = optionsFromEnv();
    const report = await runCampaign(options);
    const text = summary(report, options).join('\n');
    console.log(text);
    expect(report.run).toBeGreaterThan(0);
    expect(report.failures.length, text).toBe(0);
  });
});
