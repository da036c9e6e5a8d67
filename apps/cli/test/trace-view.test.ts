/**
 * The page tables in view: `mmsim run --ptes` (each arch's words, behaviour
 * and encoding compared apart), the JSON `pte`/`pmd` fields, `--walk`, and
 * the legend (`--legend`, docs/trace-legend.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { legendMarkdown, LEGEND } from '../src/render/legend.js';
import { run, runJson } from './helpers.js';

const SCENARIOS = join(__dirname, '..', '..', '..', 'packages', 'mm', 'scenarios');
const FORK_COW = join(SCENARIOS, 'anon_fork_cow.mmo');
const THP = join(SCENARIOS, 'thp_anon.mmo');

describe('mmsim run --ptes', () => {
  test('x86_64 and ppc64 agree in behaviour, differ in words: the words side by side, marked ~ not ≠', async () => {
    const r = await run(['run', FORK_COW, '--arch', 'x86_64,ppc64', '--ptes']);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('≠');
    // step 2 writes page 0: each arch's present pte for the same frame, in its own encoding
    const step2 = r.stdout.slice(r.stdout.indexOf('\n2 P write'), r.stdout.indexOf('\n3 P write'));
    expect(step2).toContain('~ ptes differ only in encoding');
    const x86 = /x86_64@6\.18\n\s+ptes A: 0=(0x[0-9a-f]{16}) present/.exec(step2)?.[1];
    const ppc = /ppc64@6\.18\n\s+ptes A: 0=(0x[0-9a-f]{16}) present/.exec(step2)?.[1];
    expect(x86).toBeDefined();
    expect(ppc).toBeDefined();
    expect(x86).not.toBe(ppc);
  });

  test('a 32-bit pte is one 8-digit word, PAE two words high:low', async () => {
    const r = await run(['run', FORK_COW, '--arch', 'i386,i386-pae', '--kernel', '2.6.21', '--ptes']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/i386@2\.6\.21\n\s+ptes A: 0=0x[0-9a-f]{8} present/);
    expect(r.stdout).toMatch(/i386-pae@2\.6\.21\n\s+ptes A: 0=0x[0-9a-f]{8}:[0-9a-f]{8} present/);
  });

  test('a PMD-mapped THP shows its pmd, once for the pages it maps', async () => {
    const r = await run(['run', THP, '--ptes']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ptes A: 0…511=pmd 0x[0-9a-f]{16} huge/);
  });

  test('--json always carries pte and pte_class (and pmd for a huge mapping)', async () => {
    const doc = await runJson(['run', FORK_COW, '--arch', 'x86_64,ppc64']);
    const words = doc.traces.map((t: { steps: { obs: { A?: { pages: { pte?: string }[] } } }[] }) => t.steps[1]!.obs.A!.pages[0]!.pte);
    expect(words[0]).toMatch(/^0x[0-9a-f]{16}$/);
    expect(words[0]).not.toBe(words[1]);
    expect(doc.traces[0].steps[1].obs.A.pages[0].pte_class).toBe('present');
    const thp = await runJson(['run', THP]);
    expect(thp.traces[0].steps.some((s: { obs: { A?: { pages: { pmd?: string }[] } } }) => s.obs.A?.pages.some((p) => p.pmd !== undefined))).toBe(true);
  });
});

describe('--arch as a list', () => {
  test('names several variants; a variant\'s own +CONFIG list keeps its commas', async () => {
    const r = await run(['run', FORK_COW, '--arch', 'i386,x86_64', '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('on i386@2.6.21, x86_64@2.6.21');
    const c = await run(['run', FORK_COW, '--arch', 'x86_64@2.6.21+NONLINEAR=n,MIGRATION=n,i386']);
    expect(c.status).toBe(0);
    expect(c.stdout).toContain('on x86_64@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n, i386@6.18');
  });
});

describe('mmsim run --walk', () => {
  test('each level: its index and entry, down to the pte or the huge pmd', async () => {
    const r = await run(['run', THP, '--walk', 'A', '0']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/walk A\[0\] 0x[0-9a-f]+: pgd\[\d+\]=table #\d+ {2}pud\[0\]=table #\d+ {2}pmd\[0\]=0x[0-9a-f]{16} huge/);
    expect(r.stdout).toMatch(/walk A\[0\] 0x[0-9a-f]+: pgd\[\d+\]=table #\d+ {2}pud\[0\]=table #\d+ {2}pmd\[0\]=table #\d+ {2}pte\[0\]=0x[0-9a-f]{16} \w+/);
    const colon = await run(['run', THP, '--walk', 'A:0']);
    expect(colon.stdout).toBe(r.stdout);
  });

  test('bad --walk: one line, exit 2', async () => {
    for (const args of [['--walk', 'A'], ['--walk', 'A', 'x'], ['--walk', 'A:1', '2'], ['--walk', 'a b', '1']]) {
      const r = await run(['run', THP, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
    const extra = await run(['run', THP, '3']);
    expect(extra.status).toBe(2);
  });
});

describe('the legend', () => {
  test('mmsim run --legend lists every form', async () => {
    const r = await run(['run', '--legend']);
    expect(r.status).toBe(0);
    for (const s of LEGEND) for (const e of s.entries) expect(r.stdout).toContain(e.form);
    for (const form of ['P0x[1]=A0', 'S0@T0(+0)', 'P1+1x[1]', 'ZERO[0]']) expect(r.stdout).toContain(form);
  });

  test('docs/trace-legend.md carries the same table (regenerate it from render/legend.ts)', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'trace-legend.md'), 'utf8');
    expect(doc.endsWith(legendMarkdown())).toBe(true);
  });
});
