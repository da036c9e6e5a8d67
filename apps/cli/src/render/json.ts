/** The one JSON document a `--json` run prints: the kit's, shared with mmsim-test. */
export { jsonDocument, count } from '@mmsim/cli-kit';
