/**
 * `mmsim replay`: a schedule or a prefix of one (the rest in thread
 * order), the values each step read, and `--svg` — the trace as swimlanes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { wrap } from '../src/render/trace-svg.js';
import { run, runJson } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mmsim-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCEPTANCE = ['replay', 'fault-invalidate', '0*2,1*4,0', '--policy', 'truncate_count', '--kernel', '2.6.21'];

describe('mmsim replay', () => {
  test('each step shows the values that decide it: truncate_count sampled, then re-checked unchanged', async () => {
    const r = await run(ACCEPTANCE);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/0 {2}T0 {2}fault: read M 1 {2}\{truncate_count sampled=0\}/);
    expect(r.stdout).toMatch(/truncate_count re-checked {2}\{truncate_count sampled=0, truncate_count now=0\}/);
  });

  test('a prefix runs to the end in thread order, marked where the given schedule ends', async () => {
    const r = await run(['replay', 'fault-invalidate', '0*2,1', '--policy', 'truncate_count', '--kernel', '2.6.21']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('schedule 0*2,1 (run: 0*2,1,');
    expect(r.stdout).toContain('— the schedule given ends here; the rest runs in thread order —');
    expect(r.stdout).toContain('✓ every thread finished; every check held');
    const j = await runJson(['replay', 'fault-invalidate', '0*2,1', '--policy', 'truncate_count', '--kernel', '2.6.21']);
    expect(j.given).toBe('0*2,1');
    expect(j.schedule).toMatch(/^0\*2,1,/);
    expect(j.steps[3].rest).toBe(true);
    expect(j.steps.some((s: { values?: Record<string, unknown> }) => s.values?.['truncate_count now'] === 1)).toBe(true);
  });

  test('--svg: swimlanes for both threads, lock spans, the failing step and the state there', async () => {
    const file = join(dir, 't.svg');
    const r = await run([...ACCEPTANCE, '--svg', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`swimlanes written to ${file}`);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>T0 · fault</text>');
    expect(svg).toContain('>T1 · invalidate</text>');
    expect(svg).toContain('T1 holds page lock of pfn 0x102 (steps 3–5)');
    expect(svg).toContain('✗ [lock pte lock of #1] do_no_page: pte lock; truncate_count re-checked');
    expect(svg).toContain('truncate_count now = 0');
    expect(svg).toContain('✗ broken rule at step 6: stale-file-pte');
    expect(svg).toContain('ptes and pages at the failing step:');
    expect(svg).toContain('parent M[1] pte 0x8000000000102025: present pfn 0x102 (NOT in the page cache');
    // balanced elements, nothing unescaped
    expect(svg.match(/<g>/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
    expect(svg).not.toMatch(/<(?![a-zA-Z/])/);
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
  });

  test('--svg to a folder that does not exist: one line, exit 2, nothing written', async () => {
    const r = await run([...ACCEPTANCE, '--svg', join(dir, 'no', 't.svg')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('its folder does not exist; nothing was written');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('wrap breaks at spaces, never loses text', () => {
    const text = 'do_no_page: truncate_count changed: unlock, drop the page, retry';
    const lines = wrap(text, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join(' ')).toBe(text);
    expect(wrap('x'.repeat(45), 20)).toEqual(['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(5)]);
  });
});
