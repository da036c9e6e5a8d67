/** Aligned plain-text tables: the kit's renderer, shared with mmsim-test. */
export { table, keyValues, pad, visibleLength } from '@mmsim/cli-kit';
export type { Align, Column } from '@mmsim/cli-kit';
