/**
 * `mmsim` with no command: the kit's overview (the same one mmsim-test
 * prints) — every variant the installed backends offer, side by side per
 * era — then where to go next.
 */
import { overviewJson, overviewText } from '@mmsim/cli-kit';
import type { CommandSpec } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { jsonDocument } from '../render/json.js';

export { SAMPLE_SWAP, SAMPLE_PGOFF } from '@mmsim/cli-kit';

/** Each command, one line, for the end of the overview and its JSON. */
export const NEXT_STEPS: readonly (readonly [string, string])[] = [
  ['mmsim decode VALUE… | - [--arch ID]', 'classify raw ptes (or dmesg lines) and name every field, with a bit diagram'],
  ['mmsim encode swap --type T --offset O', 'also: encode file --pgoff P, encode pfn --pfn N --prot NAME, encode migration --pfn N [--write]'],
  ['mmsim layout ID [--svg FILE] [--html FILE]', 'the present / swap / file / migration layouts of a variant as diagrams'],
  ['mmsim limits', 'physical reach, largest swap device, nonlinear file reach'],
  ['mmsim diff ID[@ERA] ID[@ERA]', 'where two variants (or two eras of one) differ'],
  ['mmsim run SCRIPT [--arch all]', 'run a .mmo scenario on the simulator, variants side by side'],
  ['mmsim explore RACE', 'search a race\'s interleavings per policy; mmsim replay RACE SCHEDULE re-runs one'],
];

const NOTE =
  'every command takes --arch ID|all|LIST, --kernel 2.6.21|6.18, --config NAME=y|n, --json; mmsim COMMAND --help for more. From a clone: npm run -s mmsim -- … (or node apps/cli/dist/bin.js …)';

export const overviewCommand: CommandSpec = {
  name: 'overview',
  usage: 'overview',
  summary: 'every variant side by side: geometry, limits, a sample swap entry and file pte (also: mmsim alone)',
  options: {},
  maxPositionals: 0,
  run(ctx) {
    const input = { program: 'mmsim', backends: ctx.backends, variants: ctx.variants(), next: NEXT_STEPS, nextNote: NOTE };
    ctx.print(ctx.json ? [jsonDocument(overviewJson(input))] : overviewText({ ...input, c: ctx.c }));
    return EXIT_OK;
  },
};
