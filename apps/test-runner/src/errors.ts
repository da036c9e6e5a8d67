/**
 * Exit statuses and the errors reported as bad usage: the kit's
 * (@mmsim/cli-kit), shared with mmsim. 0 all good, 1 something failed a
 * check, 2 bad usage, bad input or an output that cannot be written, 3 a
 * bug in the runner or a backend.
 */
export { EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, UsageError, OutputError, outputErrorLine } from '@mmsim/cli-kit';
