/**
 * Exit statuses and the one error type the CLI reports as a usage problem.
 */

/**
 * 0 success; 1 a refusal or a found failure (an arch refused an encode, a
 * race failed where it should not); 2 bad usage or input, or output that
 * cannot be written (a bad --svg path, stdout on a full disk or a reader
 * that went away); 3 a bug; 4 a search stopped by --max-schedules or
 * --time-limit before a verdict.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
/** explore: a cap stopped the search before it found a failure or covered its space */
export const EXIT_STOPPED = 4;

/**
 * Something the user asked for is wrong (unknown arch, bad number, bad
 * option): reported as one line on stderr, exit 2, never a stack trace.
 * The message names the bad value and the valid form or range.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** who reports it (`mmsim decode`); default: the command being run */
    readonly prefix?: string,
  ) {
    super(message);
  }
}
