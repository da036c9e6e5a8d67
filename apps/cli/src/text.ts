/**
 * A bad value quoted in an error message: at most about 40 characters, the
 * rest elided with `…` (the kit's, shared with mmsim-test).
 */
export { QUOTE_MAX, shorten, quote } from '@mmsim/cli-kit';
