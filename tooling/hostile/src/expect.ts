/**
 * What a case must do (its expectation, chosen by the generator with the
 * reason) and the rules every case is held to (issue 9, "What to build" 2,
 * 4 and 6; the brief's "Bad input" standard). One table each.
 */

/** Exit statuses: 0 ok, 1 a refusal or a found failure, 2 bad input, 3 a real bug. */
export type ExpectKind = 'ok' | 'usage' | 'refuse' | 'errno' | 'survive';

export const EXPECTATIONS: Readonly<Record<ExpectKind, { readonly exits: readonly number[]; readonly meaning: string }>> = {
  ok: { exits: [0], meaning: 'a valid input (a control, or a form the rules say is accepted, like hex): exit 0' },
  usage: { exits: [2], meaning: 'known-invalid by construction (outside the type, an unknown name, a repeated or empty directive): exit 2, one line' },
  refuse: { exits: [1, 2], meaning: 'bad content the tool may report as a failed check (1) or as bad input (2), never as a pass' },
  errno: { exits: [0], meaning: 'the kernel itself answers an error: exit 0 and the step shows the errno (a slot past TASK_SIZE: ENOMEM)' },
  survive: { exits: [0, 1, 2], meaning: 'may be valid or not (a shuffled line, a huge but well-formed value): only the universal rules' },
};

/** The rules; a case's failures name them, and the totals count them. */
export const RULES = {
  'no-exit-3': 'exit 3 is only for a real bug; bad input is 2, a refusal or found failure 1',
  'no-crash': 'main() rejected or the process died (a signal, an uncaught exception): nothing may escape the CLI',
  'no-stack': 'no stack trace on stderr (no "    at " frame, no node internal path)',
  'no-hang': 'every case answers within the per-case time limit',
  'bounded-memory': 'every case stays inside the heap limit and the resident-memory limit',
  'one-line': 'a bad-input answer (exit 2) is ONE line on stderr, shortened',
  'short-stderr': 'stderr stays under 4 KiB and never echoes a long token whole',
  'expected-exit': 'the exit status the case\'s expectation allows (see EXPECTATIONS)',
  'nothing-written': 'a failing case (exit ≠ 0) leaves no file behind',
  'no-garbage': 'no NaN / undefined / Infinity in what a successful case prints',
  'errno-shown': 'an `errno` case shows the kernel\'s error in the trace',
  'case-check': 'a case\'s own assertion (e.g. two addresses must not share one pte)',
} as const;
export type Rule = keyof typeof RULES;

/**
 * How long one stderr line may be: the message with its file path, the bad value shortened, and the
 * valid range — a vector file's missing keys are named whole (up to ~15 names), so a little over 300.
 */
export const MAX_LINE = 500;
export const MAX_STDERR = 4096;
