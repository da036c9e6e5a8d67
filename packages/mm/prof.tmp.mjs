import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { exploreDfs, findRace } from '@mmsim/mm';
const specs = [...X86, ...PPC];
const which = process.argv[2] ?? 'ppc64-64k@2.6.21';
const spec = specs.find((s) => `${s.id}@${s.era}` === which);
for (const name of (process.argv[3] ?? 'mremap-rmap').split(',')) {
  const race = findRace(name);
  for (const policy of race.policies(spec)) {
    const t0 = performance.now();
    const r = exploreDfs(race.make(spec, policy), { bound: race.bound });
    console.log(name, policy, r.schedules, r.states, (performance.now() - t0).toFixed(0), 'ms', r.failure?.schedule ?? '-');
  }
}
