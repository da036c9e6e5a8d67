/**
 * Exit statuses, the errors a CLI reports as bad usage, and how any error
 * becomes the one line (or, under --json, the one JSON object) on stderr.
 *
 * 0 success; 1 a refusal or a found failure; 2 bad usage or input, or
 * output that cannot be written; 3 a bug; 4 a search stopped by a cap
 * before a verdict.
 */
import { MmsimError } from '@mmsim/core';
import { oneLine, shortenQuoted } from './text.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 3;
/** a cap stopped a search before it found a failure or covered its space */
export const EXIT_STOPPED = 4;

/**
 * Something the user asked for is wrong (unknown arch, bad number, bad
 * option): one line on stderr, exit 2, never a stack trace. The message
 * names the bad value and the valid form or range.
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

const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EPIPE: 'the reader closed the pipe',
  EBADF: 'standard output is closed',
  EFBIG: 'file too large',
  EAGAIN: 'output would block',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
};

/** `mmsim: cannot write output: ENOSPC (no space left on device)`: the one line for a failed write to stdout. */
export function outputErrorLine(program: string, error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : 'error';
  const words = WRITE_ERRORS[code] ?? (String(e?.message ?? e) || 'unknown error').replace(/\s+/g, ' ').slice(0, 80);
  return `${program}: cannot write output: ${code} (${words})`;
}

/** Stdout could not be written (a full disk, a closed pipe): one line, exit 2. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
  constructor(program: string, cause: unknown) {
    super(outputErrorLine(program, cause));
  }
}

export interface ErrorReport {
  readonly status: number;
  /** what goes to stderr, newline-terminated */
  readonly text: string;
}

export interface ReportOptions {
  /** `mmsim decode`: names the command in the line */
  readonly prefix: string;
  /** the program, for internal errors */
  readonly program: string;
  /** --json was asked for: the error is one JSON object on stderr */
  readonly json: boolean;
  /** print the stack of an internal error (MMSIM_DEBUG) */
  readonly debug: boolean;
  /** cut every long single-quoted value in the message (messages from backends and core that quote whole) */
  readonly shortenQuoted?: boolean;
}

/**
 * Any error thrown by a command as what to print and the exit status:
 * UsageError, OutputError and core's MmsimError are bad input (2), the
 * rest a bug (3). Under --json: `{"error": {"message", "status"}}`.
 */
export function reportError(error: unknown, options: ReportOptions): ErrorReport {
  let status: number;
  let line: string;
  let stack = '';
  const cut = (text: string) => oneLine(options.shortenQuoted ? text.split('\n').map((line) => shortenQuoted(line)).join('\n') : text);
  if (error instanceof UsageError) {
    status = EXIT_USAGE;
    line = error.prefix === '' ? cut(error.message) : `${error.prefix ?? options.prefix}: ${cut(error.message)}`;
  } else if (error instanceof OutputError) {
    status = EXIT_USAGE;
    line = oneLine(error.message);
  } else if (error instanceof MmsimError) {
    status = EXIT_USAGE;
    line = `${options.prefix}: ${cut(error.message)}`;
  } else {
    const e = error as Error;
    status = EXIT_INTERNAL;
    line = `${options.program}: internal error: ${oneLine(e?.message ?? String(e))} (set MMSIM_DEBUG=1 for the stack trace)`;
    if (options.debug) stack = `${e?.stack ?? ''}\n`;
  }
  if (options.json) return { status, text: `${JSON.stringify({ error: { message: line, status } })}\n${stack}` };
  return { status, text: `${line}\n${stack}` };
}
