/**
 * The shapes a CLI is made of: where output goes, an option, a command.
 * Commands return their exit status; they never exit the process.
 */

/** Where output goes; each call gets whole text, newlines included. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** repeatable: every value is kept, in order */
  readonly multiple?: boolean;
  readonly short?: string;
  /** placeholder in help: `ID`, `FILE` */
  readonly value?: string;
  readonly help: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** What the parser and the help need of a command. */
export interface CommandBase {
  /** `decode`, `encode swap` */
  readonly name: string;
  readonly summary: string;
  /** after the program name: `decode PTE` */
  readonly usage: string;
  /** options beyond the common ones */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** positional arguments accepted, for the `unexpected argument` error */
  readonly maxPositionals: number;
  /** extra help lines */
  readonly details?: readonly string[];
}
