/**
 * `mmsim-test overview`: the kit's overview, the same one `mmsim` prints —
 * every installed variant per era, its geometry, swap limits and one sample
 * swap pte and file pte — then the runner's own commands.
 */
import { overviewJson, overviewRow, overviewText as kitOverviewText, type Colors } from '@mmsim/cli-kit';
import { ERAS, compileVariant, type BackendV1, type Variant } from '@mmsim/core';
import { pc } from '../color.js';

export { SAMPLE_SWAP, SAMPLE_PGOFF } from '@mmsim/cli-kit';
export type { OverviewRow } from '@mmsim/cli-kit';

export const NEXT_STEPS: readonly (readonly [string, string])[] = [
  ['mmsim-test', 'everything over every installed backend, as a backend × era × config × suite matrix'],
  ['mmsim-test vectors [FILE...]', 'reference vectors from the kernel macros'],
  ['mmsim-test conformance [--arch ID] [--kernel ERA]', 'the conformance suite'],
];

const NOTE = 'every command takes --backend PATH, --json; --arch takes ID, ID@ERA, lists and all. From a clone: npm run -s mmsim-test -- … (or node apps/test-runner/dist/bin.js …)';

/** Every variant of the backends, each in its era under the default config, in era then backend order. */
function variantsOf(backends: readonly BackendV1[], specs?: ReadonlySet<unknown>): Variant[] {
  return ERAS.flatMap((era) => backends.flatMap((b) => b.variants.filter((s) => s.era === era && (!specs || specs.has(s))).map((s) => compileVariant(s))));
}

export function overviewRows(backends: readonly BackendV1[]) {
  return variantsOf(backends).map((v) => overviewRow(v, backends));
}

export function overviewText(backends: readonly BackendV1[], c: Colors = pc, specs?: ReadonlySet<unknown>): string[] {
  return kitOverviewText({ program: 'mmsim-test', backends, variants: variantsOf(backends, specs), c, next: NEXT_STEPS, nextNote: NOTE });
}

export function overviewDocument(backends: readonly BackendV1[], specs?: ReadonlySet<unknown>) {
  return overviewJson({ program: 'mmsim-test', backends, variants: variantsOf(backends, specs), next: NEXT_STEPS });
}
