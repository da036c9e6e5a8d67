/**
 * A problem with what the user asked for (bad option, unreadable or invalid
 * input file): reported as one line, exit status 2, never a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit statuses: 0 all good, 1 something failed a check, 2 bad usage or bad input, 3 a bug in the runner or a backend. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
