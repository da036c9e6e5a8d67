/**
 * The THP host recordings (6.18 x86_64, shared/host-oracle, copied here as
 * fixtures) replayed on the simulator: the oracle samples a few pages of
 * each 512-page region, so the simulated observation is cut to the pages
 * recorded. thp_zero (the huge zero folio on a read fault, a THP on the
 * write that follows) replays exactly; swap_thp (MADV_PAGEOUT of PMD-mapped
 * THPs: the split, its zero-filled pages on the shared zero page, the rest
 * to swap) too, except which swap slot each page of a split THP gets — the
 * kernel's LRU order after the split, not modelled. thp_anon (fork, pmd
 * splits, split_huge_pages under lockdown, MADV_COLLAPSE) and swap_zram
 * (the SWP_SYNCHRONOUS_IO swap-in, swap readahead, a THP swapped out whole)
 * replay exactly, slots included. The oracle lists only sampled pages of
 * the 512-page regions: the scripts carry `sample` lines, so the simulator
 * lists and labels the same pages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { parseMmo, runScript, type Step } from '../src/index.js';
import { recordingToMmo, type Recording } from '../src/script/index.js';

const dir = join(__dirname, 'fixtures', 'host');

function essence(step: Step, recorded: Step | undefined, slots: boolean) {
  const ret = { ...step.ret };
  delete ret['val'];
  const obs: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(step.obs ?? {})) {
    const keep = recorded ? new Set((recorded.obs?.[name]?.pages ?? []).map((p) => p.i)) : undefined;
    obs[name] = {
      pages: r.pages
        .filter((p) => !keep || keep.has(p.i))
        .map((p) =>
          [p.i, p.st, p.pfn ?? '-', p.data ?? '-', p.mapcnt ?? '-', p.pm.join('+'), (p.kf ?? []).join(','), `mc=${p.mc ?? '-'}`, p.st === 'swapped' ? (slots ? `${p.slot}@${p.swap_type}(+${p.slot_rel})` : `@${p.swap_type}`) : ''].join(' '),
        ),
      summary: r.summary,
      vmas: r.vmas.map((v) => `${v.from}-${v.to} ${v.perms} ${v.pgoff} ${v.path} [${v.VmFlags}] ${JSON.stringify(v.kB)} THPeligible=${v.THPeligible}`),
    };
  }
  return { n: step.n, proc: step.proc, op: step.op, ret, obs };
}

function replayed(file: string, slots: boolean): void {
  const rec = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Recording;
  const steps = rec.steps as unknown as Step[];
  const mmo = recordingToMmo(rec);
  if (!('text' in mmo)) throw new Error(`${file}: step ${mmo.unsupported.n} (${mmo.unsupported.op}) cannot be scripted`);
  const trace = runScript(parseMmo(mmo.text, file), { spec: x86_64_618 }, file, { check: true });
  expect(trace.steps.map((s, k) => essence(s, steps[k], slots))).toEqual(steps.map((s) => essence(s, undefined, slots)));
}

describe('THP host recordings (x86_64, 6.18)', () => {
  test('thp_zero.json: the huge zero folio, then a THP on write (do_huge_zero_wp_pmd)', () => replayed('thp_zero.json', true));
  test('swap_thp.json: MADV_PAGEOUT splits the THP, maps its zero pages to the zero page, swaps the rest (slots aside)', () => replayed('swap_thp.json', false));
  test('thp_anon.json: THP fault, fork and a child-only pmd split, DONTNEED splitting the pmd, debugfs split_huge_pages (EPERM: lockdown), MADV_COLD splitting the folio, MADV_COLLAPSE', () => replayed('thp_anon.json', true));
  test('swap_zram.json: zram swap-in skipping the swap cache, VMA readahead on a shared entry, a THP swapped out whole to one cluster', () => replayed('swap_zram.json', true));
});
