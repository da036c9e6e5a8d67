/**
 * mremap, and the COW decision on a swap-cache page after fork, against
 * the real kernel: `.mmo`
 * scripts recorded on Linux 6.18.44 x86_64 with the host-oracle harness
 * (fixtures/host/README.md says how), replayed on the simulator's 6.18
 * x86_64 profile both from the script itself and from the recording
 * (recordingToMmo), and compared step by step: returns, per-page state,
 * PFN label equality, data, mapcount, pagemap bits, kpageflags, VMAs.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { parseMmo, runScript, type Step } from '../src/index.js';
import { recordingToMmo, type Recording } from '../src/script/index.js';

const dir = join(__dirname, 'fixtures', 'host');

/** What a step must agree on, in a form that diffs readably (host-recordings.test.ts's essence). */
function essence(step: Step) {
  const ret = { ...step.ret };
  delete ret['val'];
  const obs: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(step.obs ?? {})) {
    obs[name] = {
      pages: r.pages.map((p) => [p.i, p.st, p.pfn ?? '-', p.data ?? '-', p.mapcnt ?? '-', p.pm.join('+'), (p.kf ?? []).join(','), `mc=${p.mc ?? '-'}`, p.st === 'swapped' ? `${p.slot}@${p.swap_type}(+${p.slot_rel})` : ''].join(' ')),
      vmas: r.vmas.map((v) => `${v.from}-${v.to} ${v.perms} ${v.pgoff} ${v.path} [${v.VmFlags}] ${JSON.stringify(v.kB)}`),
    };
  }
  return { n: step.n, proc: step.proc, op: step.op, args: step.args, ret, obs };
}

const CASES: readonly (readonly [string, string])[] = [
  ['mremap_fixed', 'MREMAP_FIXED: a whole VMA moved, grown and shrunk on the way, the target unmapped first, an overlap refused (6.18 mm/mremap.c check_mremap_params, mremap_to)'],
  ['mremap_partial', 'the head of a VMA moved, the rest in place — present, swapped-out and shared-file pages (6.18 mm/mremap.c mremap_to, move_vma)'],
  ['mremap_dontunmap', 'MREMAP_MAYMOVE|MREMAP_DONTUNMAP always moves and leaves the old range mapped, empty (6.18 mm/mremap.c vrm_implies_new_addr, dontunmap_complete)'],
  ['mremap_multi', 'a FIXED move of unchanged size spanning VMAs moves each, keeping flags and gaps; other spanning requests EFAULT or succeed as 6.18 decides (mm/mremap.c remap_move, check_prep_vma)'],
  // the swap-cache page after fork (6.18 mm/memory.c do_swap_page, wp_can_reuse_anon_folio; mm/swap.c folio_mark_accessed,
  // the lru_activate batch's reference — kernel/swap.ts): the recorder's observations touch the pages they read
  ['swap_fork_cow', 'after fork the child swaps a page in and exits; the parent\'s write copies it (a batch holds a reference), pages touched once are reused'],
  ['swap_fork_read_write', 'the parent reads a page the child swapped in and writes it: copied; a page written directly: reused'],
  ['swap_fork_observe', 'read then write: reused; read, observed again, then written: copied'],
];

describe('mremap and swap-cache COW host recordings (x86_64, 6.18)', () => {
  for (const [name, what] of CASES) {
    const rec = JSON.parse(readFileSync(join(dir, `script.${name}.json`), 'utf8')) as Recording & { steps: Step[] };
    test(`${name}.mmo: ${what}`, () => {
      const trace = runScript(parseMmo(readFileSync(join(dir, `${name}.mmo`), 'utf8'), `${name}.mmo`), { spec: x86_64_618 });
      expect(trace.steps.map(essence)).toEqual(rec.steps.map(essence));
    });
    test(`script.${name}.json replayed from the recording`, () => {
      const mmo = recordingToMmo(rec);
      if (!('text' in mmo)) throw new Error(`step ${mmo.unsupported.n} (${mmo.unsupported.op}) cannot be scripted`);
      const trace = runScript(parseMmo(mmo.text, name), { spec: x86_64_618 });
      expect(trace.steps.map(essence)).toEqual(rec.steps.map(essence));
    });
  }
});
