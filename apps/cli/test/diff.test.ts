import { describe, expect, test } from 'vitest';
import { expectUsageError, run, runJson } from './helpers.js';
import { ARCH_NAMES } from './workspace.js';

interface Difference {
  section: string;
  item: string;
  a: string | null;
  b: string | null;
}
const find = (list: Difference[], section: string, item: string) => list.find((d) => d.section === section && d.item === item);

describe('mmsim diff', () => {
  test('two eras of x86_64, item by item; exit 0 though they differ', async () => {
    const result = await run(['diff', 'x86_64@2.6.21', 'x86_64@6.18']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^diff x86_64@2\.6\.21 x86_64@6\.18: \d+ differences, \d+ items the same$/m);
    expect(result.stdout).toMatch(/^ {4}MAX_SWAPFILES\s+30\s+24$/m);
    expect(result.stdout).toMatch(/^ {4}type\s+6:1\s+63:59$/m);
    expect(result.stdout).toMatch(/^ {4}SWP_PTE_MARKER\s+—\s+31$/m);
    for (const section of ['constants', 'swap types', 'present format', 'swap format', 'file format', 'migration format', 'named bits', 'prots']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${section}$`, 'm'));
    }

    const doc = await runJson(['diff', 'x86_64@2.6.20', 'x86_64@6.18']);
    expect(doc.pairs).toHaveLength(1);
    const { differences } = doc.pairs[0];
    expect(doc.pairs[0]).toMatchObject({ a: 'x86_64@2.6.21', b: 'x86_64@6.18', same: false });
    expect(find(differences, 'constants', 'MAX_SWAPFILES')).toMatchObject({ a: '30', b: '24' });
    expect(find(differences, 'swap format', 'offset')).toMatchObject({ a: '63:8', b: '58:9 ~offset[49:0]' });
    expect(find(differences, 'file format', 'pgoff')).toMatchObject({ a: '45:12', b: null });
    expect(find(differences, 'prots', 'PAGE_NONE')).toMatchObject({ a: '0x00000000000000a0', b: '0x0000000000000120' });
    expect(find(differences, 'geometry', 'pte bits')).toBeUndefined();
  });

  test('two variants in the --kernel era; identical ones say so', async () => {
    const doc = await runJson(['diff', 'i386', 'i386-pae', '--kernel', '6.18']);
    expect(doc.pairs).toHaveLength(1);
    expect(find(doc.pairs[0].differences, 'geometry', 'pte bits')).toMatchObject({ a: '32', b: '64' });
    const same = await run(['diff', 'ppc64', 'ppc64', '--kernel', '2.6.21']);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/^diff ppc64@2\.6\.21 ppc64@2\.6\.21: identical, \d+ items the same$/m);
  });

  test('configs compare too: the key form ID@ERA+CONFIG_X=n', async () => {
    const doc = await runJson(['diff', 'i386@2.6.21', 'i386@2.6.21+CONFIG_MIGRATION=n']);
    expect(find(doc.pairs[0].differences, 'constants', 'MAX_SWAPFILES')).toMatchObject({ a: '30', b: '32' });
    expect(find(doc.pairs[0].differences, 'swap types', 'SWP_MIGRATION_READ')).toMatchObject({ a: '30', b: null });
  });

  test('--arch all: every variant, 2.6.21 against 6.18', async () => {
    const doc = await runJson(['diff', '--arch', 'all']);
    expect(doc.pairs.map((p: { a: string; b: string }) => `${p.a} ${p.b}`).sort()).toEqual(
      ['i386', 'i386-pae', 'ppc32', 'ppc64', 'ppc64-64k', 'x86_64'].map((id) => `${id}@2.6.21 ${id}@6.18`).sort(),
    );
    expect((await run(['diff', '--arch', 'all'])).stdout.match(/^diff /gm)).toHaveLength(6);
  });

  test('bad ids: one line, exit 2', async () => {
    expectUsageError(await run(['diff', 'x86_64', 'nope']), `mmsim diff: unknown arch 'nope' (valid: ${ARCH_NAMES})`);
    expectUsageError(await run(['diff', 'x86_64@2.6.22', 'i386']), "mmsim diff: unknown kernel '2.6.22' in 'x86_64@2.6.22' (valid: 2.6.21, 6.18; 2.6.20 is accepted for 2.6.21)");
    expectUsageError(await run(['diff', 'x86_64@6.18', '--kernel', '2.6.21']), 'mmsim diff: needs two variants to compare: give ID ID (ID or ID@ERA), or an ID that exists in both eras');
  });
});
