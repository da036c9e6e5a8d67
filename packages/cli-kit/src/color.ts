/**
 * Whether to colour, decided here rather than by picocolors' own probe:
 * picocolors also colours whenever CI is set, even into a pipe, and the
 * spec is "NO_COLOR wins, and no colour unless stdout is a terminal".
 */
import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types';

export type { Colors };

export interface ColorEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
}

/** NO_COLOR (any non-empty value, no-color.org) turns colour off; FORCE_COLOR (not 0) on; else only on a terminal. */
export function colorEnabled({ env, isTTY }: ColorEnv): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return isTTY && env['TERM'] !== 'dumb';
}

export function colors(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
