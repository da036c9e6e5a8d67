import { VARIANTS as X86 } from '@mmsim/arch-x86';
import { VARIANTS as PPC } from '@mmsim/arch-powerpc';
import { test } from 'vitest';
import { exploreDfs, findRace, replay } from '../src/index.js';
test('scratch', () => {
  const seen = new Map<string, string>();
  for (const spec of [...X86, ...PPC]) {
    for (const name of ['fault-invalidate', 'fault-truncate', 'cow-gup-vmsplice', 'cow-gup-device']) {
      const race = findRace(name)!;
      for (const policy of race.policies(spec)) {
        const t0 = performance.now();
        const r = exploreDfs(race.make(spec, policy), { bound: race.bound });
        const line = `${name} ${policy} ${r.schedules} ${r.states} ${r.failure?.schedule} ${r.failure?.message.replace(/0x[0-9a-f]+/g, 'X')}`;
        const k = `${line}`;
        if (!seen.has(k)) { seen.set(k, spec.id + spec.era); console.log(spec.id, spec.era, line, (performance.now() - t0).toFixed(1)); }
        if (r.failure && spec.id === 'x86_64' && spec.era === '6.18') {
          const rp = replay(race.make(spec, policy), r.failure.schedule);
          console.log(rp.steps.map((s) => `${s.thread} ${s.action} ${s.where}`).join('\n'), '\n', rp.failure, '\n', rp.state);
        }
      }
    }
  }
});
