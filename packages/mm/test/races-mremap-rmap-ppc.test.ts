/** The mremap-vs-rmap_walk race file on two powerpc variants, one per era (see races-mremap-rmap.test.ts for why not all). */
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { describe, test } from 'vitest';
import { sample } from './helpers.js';
import { checkRace } from './mremap-rmap-race.js';

describe('mremap vs rmap_walk (scenario file), powerpc', () => {
  for (const spec of sample(PPC, ['ppc64-64k@2.6.21', 'ppc32@6.18'])) test(`${spec.id}@${spec.era}`, () => checkRace(spec), 60_000);
});
