/**
 * The options every `mmsim` command takes, in the kit's spelling (the same
 * forms mmsim-test accepts).
 */
import { ARCH_OPTION, BACKEND_OPTION, CONFIG_OPTION, HELP_OPTION, JSON_OPTION, KERNEL_OPTION, type OptionSpec } from '@mmsim/cli-kit';

export { VERSION_OPTION } from '@mmsim/cli-kit';

export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  arch: ARCH_OPTION,
  kernel: KERNEL_OPTION,
  config: CONFIG_OPTION,
  backend: BACKEND_OPTION,
  json: JSON_OPTION,
  help: HELP_OPTION,
};
