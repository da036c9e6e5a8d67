/**
 * Timing-dependent kernel choices (kernel/swap.ts batch_refs_choice,
 * script/alternatives.ts timedRuns): a run without TimingChoices is the
 * model's own; a run that flips a decision takes the branch another CPU's
 * batches would force — COW copy instead of reuse (6.18 mm/memory.c
 * wp_can_reuse_anon_folio 3986–4025), a swap slot kept on a write fault
 * (should_try_to_free_swap 4318–4335) or, where the model counted this
 * CPU's batch reference, the reuse after another CPU drained it
 * (lru_add_drain_all, mm/swap.c 797–894).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { x86_64_618 } from '@mmsim/arch-x86';
import { describe, expect, test } from 'vitest';
import { parseMmo, runScript, type Step } from '../src/index.js';
import { runTimed, timedRuns } from '../src/script/index.js';

const dir = join(__dirname, 'fixtures', 'host');
const script = (name: string) => parseMmo(readFileSync(join(dir, `${name}.mmo`), 'utf8'), `${name}.mmo`);
const page = (s: Step, i: number) => s.obs['A']!.pages.find((p) => p.i === i)!;

describe('timing-dependent choices', () => {
  test('no flips: the run is the model\'s own, step for step', () => {
    for (const name of ['swap_fork_read_write', 'anon_fork_cow', 'swap_minimal']) {
      const plain = runScript(script(name), { spec: x86_64_618 });
      expect(runTimed(script(name), { spec: x86_64_618 }, []).trace.steps).toEqual(plain.steps);
    }
  });

  test('a write fault after swap-in: the slot kept, the page still in the swap cache', () => {
    // swap_minimal: write A 1 (step 8) swaps the page in by a write fault; the model frees the slot
    const [own, ...alts] = [...timedRuns(script('swap_minimal'), { spec: x86_64_618 })];
    expect(own!.decisions).toEqual(['should_try_to_free_swap: no batch holds a reference']);
    const kept = alts.find((a) => a.flips.length === 1 && a.flips[0] === 0)!;
    expect(kept.flipped[0]).toMatch(/^should_try_to_free_swap/);
    const mine = own!.trace.steps[7]!;
    const theirs = kept.trace.steps[7]!;
    expect(mine.op).toBe('write');
    expect(page(mine, 1).kf).not.toContain('SWAPCACHE');
    expect(page(theirs, 1).kf).toContain('SWAPCACHE');
    // the same page either way: the write maps the swap-cache page itself
    expect(page(theirs, 1).pfn).toBe(page(mine, 1).pfn);
    // sysstat after the swap-ins: the kept slot is still counted
    const used = (r: typeof own) => r!.trace.steps.find((s) => s.op === 'sysstat' && s.args['why'] === 'after_swapin')!.ret['swap_used_kB'];
    expect(used(own)).toBe(12);
    expect(used(kept)).toBe(16);
  });

  test('COW after fork: the reuse the model makes becomes a copy, and the copy it makes (a batch reference) a reuse', () => {
    const runs = [...timedRuns(script('anon_fork_cow'), { spec: x86_64_618 })];
    const own = runs[0]!;
    const copy = runs.find((r) => r.flips.length === 1 && r.flipped[0]!.startsWith('wp_can_reuse_anon_folio'))!;
    const n = copy.trace.steps.findIndex((s, i) => JSON.stringify(s) !== JSON.stringify(own.trace.steps[i]));
    const s = copy.trace.steps[n]!;
    expect(s.op).toBe('write');
    const at = Number(s.args['page']);
    expect(page(s, at).pfn).not.toBe(page(own.trace.steps[n]!, at).pfn);
    // swap_fork_read_write: the model copies (the lru_activate batch holds a reference); drained elsewhere, it reuses
    const rw = [...timedRuns(script('swap_fork_read_write'), { spec: x86_64_618 })];
    expect(rw[0]!.decisions[0]).toBe('wp_can_reuse_anon_folio: a batch on this CPU holds a reference');
    const reuse = rw.find((r) => r.flips.length === 1 && r.flips[0] === 0)!;
    const w = reuse.trace.steps.findIndex((x) => x.op === 'write');
    const before = reuse.trace.steps[w - 1]!;
    expect(page(reuse.trace.steps[w]!, 0).pfn).toBe(page(before, 0).pfn);
    expect(page(rw[0]!.trace.steps[w]!, 0).pfn).not.toBe(page(before, 0).pfn);
  });

  test('the enumeration is bounded: depth and runs', () => {
    expect([...timedRuns(script('anon_fork_cow'), { spec: x86_64_618 }, 'x', { depth: 1 })].length).toBe(4);
    expect([...timedRuns(script('anon_fork_cow'), { spec: x86_64_618 }, 'x', { runs: 2 })].length).toBe(2);
  });
});
