/** The one line `mmsim` prints when its standard output cannot be written (the kit's wording, shared with mmsim-test). */
import { outputErrorLine } from '@mmsim/cli-kit';

/** `mmsim: cannot write output: ENOSPC (no space left on device)` */
export function writeErrorLine(error: NodeJS.ErrnoException): string {
  return `${outputErrorLine('mmsim', error)}\n`;
}
