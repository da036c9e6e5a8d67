/**
 * Whether this host can record and be checked — for a test or a campaign
 * that must say plainly why it skipped: Linux, a C compiler, root, and a
 * kernel the model has a profile for.
 */
import { hostProblem } from './build.js';
import { hostProfile, NoProfile, type HostProfile } from './host.js';
import { privilegeProblem } from './record.js';

export type HostCheck = { readonly ok: true; readonly profile: HostProfile } | { readonly ok: false; readonly reason: string };

/** The profile to check against, or the one-line reason recording on this host is not possible. */
export function hostCheckable(env: NodeJS.ProcessEnv = process.env): HostCheck {
  const problem = hostProblem(env) ?? privilegeProblem();
  if (problem) return { ok: false, reason: problem };
  try {
    return { ok: true, profile: hostProfile() };
  } catch (error) {
    if (error instanceof NoProfile) return { ok: false, reason: error.message };
    throw error;
  }
}
