import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_KEYS, byVariant, expectUsageError, run, runJson } from './helpers.js';
import { ARCH_NAMES } from './workspace.js';

// A strict XML parser to check the SVG: onml.parse (sax, strict), the one bit-field itself depends on.
const fromCli = createRequire(import.meta.url);
const onml = createRequire(fromCli.resolve('bit-field/lib/render.js'))('onml') as { parse(xml: string): unknown };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmsim-cli-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mmsim layout', () => {
  test('terminal: every format of both eras, drawn under the bit positions', async () => {
    const result = await run(['layout', 'x86_64']);
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^x86_64@2\.6\.21 — x86_64, 4-level$/m);
    expect(out).toMatch(/^x86_64@6\.18 — x86_64, 4-level$/m);
    expect(out).toMatch(/^ {2}present pte \(pfn_pte\) {2}from include\/asm-x86_64\/pgtable\.h/m);
    expect(out).toContain('  nonlinear file pte (pgoff_to_pte, PTE_FILE_MAX_BITS 46)');
    expect(out).toContain('  migration entry (swap type 25/26/27, offset = pfn)');
    expect(out).toContain('58:9 offset (~offset[49:0])');
    expect(out).toMatch(/^ {2}PTE_FILE_MAX_BITS {2}46 \(only 34 survive pte_to_pgoff\)$/m);
  });

  test('--arch all --json: the formats of every variant as bit ranges', async () => {
    const doc = await runJson(['layout', '--arch', 'all']);
    expect(doc.variants.map((v: { variant: string }) => v.variant).sort()).toEqual([...ALL_KEYS].sort());
    const i386 = byVariant(doc.variants, 'i386@2.6.21');
    expect(i386.formats.map((f: { name: string }) => f.name)).toEqual(['present', 'swap', 'file', 'migration']);
    expect(i386.formats[2].ranges).toEqual([
      { msb: 31, lsb: 8, name: 'pgoff', kind: 'field', detail: 'pgoff[28:5]' },
      { msb: 6, lsb: 6, name: '_PAGE_FILE', kind: 'constant', detail: '1' },
      { msb: 5, lsb: 1, name: 'pgoff', kind: 'field', detail: 'pgoff[4:0]' },
    ]);
    expect(i386.constants.maxSwapOffset).toBe('0xffffff');
    expect(byVariant(doc.variants, 'x86_64@6.18').formats.map((f: { name: string }) => f.name)).toEqual(['present', 'swap', 'migration']);
  });

  test('--svg writes one SVG document that an XML parser accepts; --html a page embedding the diagrams and tables', async () => {
    const svg = join(dir, 'layout.svg');
    const html = join(dir, 'layout.html');
    const result = await run(['layout', 'i386@2.6.21', 'ppc64@6.18', '--svg', svg, '--html', html]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`wrote SVG ${svg}`);
    expect(result.stdout).toContain(`wrote HTML ${html}`);
    const text = readFileSync(svg, 'utf8');
    const root = onml.parse(text) as [string, Record<string, string>, ...unknown[]];
    expect(root[0]).toBe('svg');
    expect(root[1].xmlns).toBe('http://www.w3.org/2000/svg');
    expect(text).toContain('i386@2.6.21 — i386, 2-level (no PAE)');
    expect(text).toContain('nonlinear file pte (pgoff_to_pte, PTE_FILE_MAX_BITS 29)');
    expect(text).toContain('_PAGE_FILE');
    expect(text).toContain('also: tolerant 5:4 (_PAGE_TOLERANT)');
    expect(text.match(/<svg /g)!.length).toBe(1 + 4 + 3); // the document, i386's 4 formats, ppc64's 3

    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page.match(/<svg /g)!.length).toBe(7);
    expect(page).toContain('<h3>nonlinear file pte (pgoff_to_pte, PTE_FILE_MAX_BITS 29)</h3>');
    expect(page).toContain('<tr><td>31:8</td><td>pgoff</td><td>pgoff[28:5]</td></tr>');
  });

  test('--json reports the files written', async () => {
    const svg = join(dir, 'x.svg');
    const doc = await runJson(['layout', 'x86_64@6.18', '--svg', svg]);
    expect(doc.files).toEqual({ svg });
    expect(readFileSync(svg, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
  });

  test('bad ids and unwritable files: one line, exit 2', async () => {
    expectUsageError(await run(['layout']), `mmsim layout: needs a variant ID (valid: ${ARCH_NAMES})`);
    expectUsageError(await run(['layout', 'x86_65']), `mmsim layout: unknown arch 'x86_65' (valid: ${ARCH_NAMES})`);
    expectUsageError(await run(['layout', 'x86_64', '--svg', 'no/such/x.svg'], undefined, dir), "mmsim layout: cannot write --svg 'no/such/x.svg': its folder does not exist; nothing was written");
  });

  test('outputs are all or nothing: every path checked before anything is written (issue 9)', async () => {
    const out = mkdtempSync(join(dir, 'all-'));
    const listing = () => readdirSync(out).sort();
    // the first path is fine, the second is not: neither is written
    expectUsageError(await run(['layout', 'x86_64', '--svg', 'ok.svg', '--html', '/nonexistent/x.html'], undefined, out), "mmsim layout: cannot write --html '/nonexistent/x.html': its folder does not exist; nothing was written");
    expect(listing()).toEqual([]);
    // the same file twice, however spelled
    expectUsageError(await run(['layout', 'x86_64', '--svg', 'f', '--html', './f'], undefined, out), "mmsim layout: --svg and --html name the same file './f': each output needs its own; nothing was written");
    expect(listing()).toEqual([]);
    // a folder is not a file
    mkdirSync(join(out, 'sub'));
    expectUsageError(await run(['layout', 'x86_64', '--svg', 'ok.svg', '--html', 'sub'], undefined, out), "mmsim layout: cannot write --html 'sub': that is a folder; nothing was written");
    expect(listing()).toEqual(['sub']);
    // a long bad path is quoted shortened
    const long = `/nonexistent/${'d'.repeat(200)}/x.svg`;
    const r = await run(['layout', 'x86_64', '--svg', long], undefined, out);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`mmsim layout: cannot write --svg '${long.slice(0, 39)}…': its folder does not exist; nothing was written\n`);
    // and when every path is good both are written, with no temporary left behind
    expect((await run(['layout', 'x86_64@6.18', '--svg', 'ok.svg', '--html', 'ok.html'], undefined, out)).status).toBe(0);
    expect(listing()).toEqual(['ok.html', 'ok.svg', 'sub']);
  });
  
  test('an existing file is replaced whole', async () => {
    const out = mkdtempSync(join(dir, 'replace-'));
    writeFileSync(join(out, 'x.svg'), 'old '.repeat(100000));
    expect((await run(['layout', 'i386@2.6.21', '--svg', 'x.svg'], undefined, out)).status).toBe(0);
    expect(readFileSync(join(out, 'x.svg'), 'utf8')).toMatch(/^<\?xml[^]*<\/svg>\s*$/);
    expect(readdirSync(out)).toEqual(['x.svg']);
  });
});
