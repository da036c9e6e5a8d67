/** The mremap-vs-rmap_walk race file on every powerpc variant in both eras (see races-mremap-rmap.test.ts). */
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, test } from 'vitest';
import { checkRace } from './mremap-rmap-race.js';

describe('mremap vs rmap_walk (scenario file), powerpc', () => {
  for (const spec of PPC) test(`${spec.id}@${spec.era}`, () => checkRace(spec), 60_000);
});
