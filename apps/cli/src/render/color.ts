/**
 * Whether to colour (NO_COLOR wins, FORCE_COLOR forces, else only a
 * terminal): the kit's rule, shared with mmsim-test.
 */
export { colorEnabled, colors } from '@mmsim/cli-kit';
export type { Colors, ColorEnv } from '@mmsim/cli-kit';
