/**
 * The campaign's settings: the CI defaults, overridden from the environment
 * for a bigger campaign or one case.
 */
import { availableParallelism } from 'node:os';
import type { CampaignOptions } from './campaign.js';

/** The CI run: a fixed seed (issue 9), a case count and a time budget that fit a shared 2-core machine. */
export const DEFAULTS = { seed: 9_2025, cases: 400, budgetMs: 25_000, timeMs: 10_000, heapMb: 512, rssMb: 1536, workers: 1 } as const;

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new Error(`${name}=${raw.slice(0, 40)}: expected a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env, log?: (line: string) => void): CampaignOptions {
  const only = env['MMSIM_HOSTILE_ONLY'];
  return {
    seed: int(env, 'MMSIM_HOSTILE_SEED', DEFAULTS.seed, 0, 0xffffffff),
    cases: int(env, 'MMSIM_HOSTILE_CASES', DEFAULTS.cases, 0, 1e9),
    budgetMs: int(env, 'MMSIM_HOSTILE_BUDGET_MS', DEFAULTS.budgetMs, 0, 1e9),
    workers: int(env, 'MMSIM_HOSTILE_WORKERS', DEFAULTS.workers, 1, availableParallelism() * 2),
    limits: {
      timeMs: int(env, 'MMSIM_HOSTILE_CASE_MS', DEFAULTS.timeMs, 100, 1e7),
      heapMb: int(env, 'MMSIM_HOSTILE_HEAP_MB', DEFAULTS.heapMb, 64, 65536),
      rssMb: int(env, 'MMSIM_HOSTILE_RSS_MB', DEFAULTS.rssMb, 64, 65536),
    },
    ...(env['MMSIM_HOSTILE_FIXED'] === '0' ? { fixed: false } : {}),
    ...(only ? { only: only.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(log ? { log } : {}),
  };
}
