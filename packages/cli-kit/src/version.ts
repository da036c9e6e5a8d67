/**
 * One version rule for every CLI: each package's build injects its own
 * version (tsup `define`), `--version` / `-V` prints it alone on a line.
 */
import type { OptionSpec } from './spec.js';

export const VERSION_OPTION: OptionSpec = { type: 'boolean', short: 'V', help: 'print the version' };

/** The injected version, or `0.0.0-dev` when run from source (tests). */
export function versionOf(injected: unknown): string {
  return typeof injected === 'string' && injected !== '' ? injected : '0.0.0-dev';
}
