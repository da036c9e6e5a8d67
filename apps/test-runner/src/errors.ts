/**
 * A problem with what the user asked for (bad option, unreadable or invalid
 * input file): reported as one line, exit status 2, never a stack trace.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EPIPE: 'the reader closed the pipe before the end',
  EIO: 'input/output error',
  EBADF: 'stdout is closed',
  EFBIG: 'file too large',
  EDQUOT: 'disk quota exceeded',
};

/** The one line for a failed write to stdout. */
export function outputErrorLine(program: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : 'error';
  const why = WRITE_ERRORS[code] ?? String(e?.message ?? e).replace(/\s+/g, ' ').slice(0, 80);
  return `${program}: cannot write the report to stdout (${code}: ${why})`;
}

/**
 * Stdout could not be written (a full disk, a closed pipe): one line on
 * stderr and exit status 2, as for an output the user pointed somewhere
 * that cannot take it; never a stack trace.
 */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  constructor(program: string, cause: unknown) {
    super(outputErrorLine(program, cause));
  }
}

/**
 * Exit statuses: 0 all good, 1 something failed a check, 2 bad usage, bad
 * input or an output that cannot be written, 3 a bug in the runner or a backend.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
