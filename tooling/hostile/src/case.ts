/**
 * One hostile case: which CLI, the argument vector, the files it is given
 * (written to a fresh directory that is its cwd) and what it must do.
 */
import type { ExpectKind } from './expect.js';

export type Tool = 'mmsim' | 'mmsim-test';
export type Family = 'mmo' | 'race' | 'vector' | 'args' | 'hand' | 'process';

export interface Case {
  /** `mmo#17`: the family and the index the seed replays */
  readonly id: string;
  readonly family: Family;
  /** the mutation (`numeric`, `repeated`, `wrongField`, `long` …) or the table it comes from: failures are grouped by it */
  readonly kind?: string;
  readonly tool: Tool;
  /** arguments after the program name; `{dir}` stands for the case's directory (mmsim-test resolves paths against process.cwd()) */
  readonly args: readonly string[];
  /** files to create in the case's directory, by name */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  readonly expect: ExpectKind;
  /** what was done to the input, and why the expectation holds */
  readonly why: string;
  /** a token that must not come back whole on stderr */
  readonly token?: string;
  /** must not match stdout (a case's own assertion), with what it means */
  readonly stdoutMustNot?: { readonly re: RegExp; readonly meaning: string };
  /** for `errno` cases: the step line that must show an errno */
  readonly errnoStep?: RegExp;
  /** a bad-input answer may take this many lines, one per bad input file it names (default 1) */
  readonly maxLines?: number;
}

/** What running a case produced. */
export interface Outcome {
  readonly status?: number;
  /** main() rejected, or the process died: the message */
  readonly crash?: string;
  readonly hang?: boolean;
  /** heap OOM or resident memory past the limit: which */
  readonly memory?: string;
  readonly stdoutLength: number;
  /** the first and last few KiB of stdout, enough for the checks and a report */
  readonly stdoutHead: string;
  readonly stdoutTail: string;
  readonly stderr: string;
  readonly stderrLength: number;
  /** the regexes the worker tested over the whole stdout, by source */
  readonly matches: Readonly<Record<string, boolean>>;
  readonly elapsedMs: number;
}
