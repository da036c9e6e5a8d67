/**
 * Exit statuses and the one error type the CLI reports as a usage problem.
 */

/** 0 success; 1 a check or comparison failed (an arch refused an encode); 2 bad usage or input; 3 a bug. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;

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
