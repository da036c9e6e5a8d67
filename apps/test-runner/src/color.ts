/**
 * Whether to colour, decided as mmsim decides it (apps/cli/src/render/color.ts)
 * rather than by picocolors' own probe: picocolors also colours whenever CI is
 * set, even into a pipe or a log file, and a report read by a script or
 * matched by a test must not carry escape codes it did not ask for.
 * NO_COLOR (non-empty) wins; FORCE_COLOR (not 0/false) turns colour on;
 * otherwise only a terminal that is not TERM=dumb gets colour.
 */
import picocolors from 'picocolors';

export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return isTTY && env['TERM'] !== 'dumb';
}

/** The colours every report uses: decided once, from this process's stdout. */
export const pc = picocolors.createColors(colorEnabled(process.env, process.stdout.isTTY === true));
