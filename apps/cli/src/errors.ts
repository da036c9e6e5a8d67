/**
 * Exit statuses and the one error type the CLI reports as a usage problem:
 * the kit's (@mmsim/cli-kit), shared with mmsim-test.
 *
 * 0 success; 1 a refusal or a found failure (an arch refused an encode, a
 * race failed where it should not); 2 bad usage or input, or output that
 * cannot be written (a bad --svg path, stdout on a full disk or a reader
 * that went away); 3 a bug; 4 a search stopped by --max-schedules or
 * --time-limit before a verdict.
 */
export { EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL, EXIT_STOPPED, UsageError } from '@mmsim/cli-kit';
