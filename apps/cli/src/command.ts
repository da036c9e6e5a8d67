/**
 * What every command module provides, and what it is given to run with.
 * Commands return their exit status; they never exit the process.
 */
import type { CommandBase, Io, OptionSpec, OptionValues } from '@mmsim/cli-kit';
import type { BackendV1, Era, KernelConfig, Variant } from '@mmsim/core';
import type { Colors } from './render/color.js';

/** Io, OptionSpec and OptionValues are the kit's (@mmsim/cli-kit), shared with mmsim-test. */
export type { Io, OptionSpec, OptionValues };

export interface RunContext {
  readonly io: Io;
  readonly c: Colors;
  readonly json: boolean;
  readonly backends: readonly BackendV1[];
  /** the variants --arch / --kernel / --config name (or the given ids), compiled */
  variants(ids?: readonly string[]): Variant[];
  readonly eras: readonly Era[];
  readonly config: KernelConfig;
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  readonly cwd: string;
  /** print lines, newline-terminated */
  print(lines: readonly string[]): void;
  /** stdin, whole (bounded by the reader); absent: the process's own */
  readonly stdin?: () => Promise<string>;
}

/** What the simulator commands run on when --arch names nothing: a selection, as if given as --arch (the CLI's default, not a test of the arch). */
export const SIMULATOR_DEFAULT_ARCH: readonly string[] = ['x86_64'];

/** The variants of the simulator commands (run, explore, replay): SIMULATOR_DEFAULT_ARCH unless --arch names others. */
export function simulatorVariants(ctx: RunContext): Variant[] {
  return ctx.values['arch'] !== undefined ? ctx.variants() : ctx.variants(SIMULATOR_DEFAULT_ARCH);
}

export interface CommandSpec extends CommandBase {
  /** `decode`, `encode swap` */
  readonly name: string;
  readonly summary: string;
  /** after `mmsim `: `decode PTE` */
  readonly usage: string;
  /** options beyond the common ones */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** positional arguments accepted, for the `unexpected argument` error */
  readonly maxPositionals: number;
  /** the positional arguments are variant ids (layout, diff): checked with --arch before the command runs */
  readonly variantPositionals?: boolean;
  /** eras used when --kernel is not given */
  readonly defaultEras?: readonly Era[];
  /** extra help lines */
  readonly details?: readonly string[];
  run(ctx: RunContext): number | Promise<number>;
}
