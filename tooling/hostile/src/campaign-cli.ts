/**
 * `pnpm --filter @mmsim/hostile run campaign`: the same campaign as the
 * test, for bigger runs (MMSIM_HOSTILE_CASES, MMSIM_HOSTILE_BUDGET_MS,
 * MMSIM_HOSTILE_SEED …, see README) and for replaying one case
 * (MMSIM_HOSTILE_ONLY=mmo#17). Exit 1 when a case broke a rule.
 */
import { runCampaign, summary } from './campaign.js';
import { optionsFromEnv } from './options.js';

const options = optionsFromEnv(process.env, (line) => console.log(line));
console.log(`hostile-input suite: seed ${options.seed}, ${options.cases} mutants, budget ${options.budgetMs} ms, ${options.workers} worker(s)`);
const report = await runCampaign(options);
console.log(summary(report, options).join('\n'));
process.exitCode = report.failures.length === 0 ? 0 : 1;
