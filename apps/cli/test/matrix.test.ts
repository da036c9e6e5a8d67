/**
 * Every command on every variant (--arch all), as text and as --json: it
 * succeeds, covers each variant, and the JSON is one parseable document.
 */
import { describe, expect, test } from 'vitest';
import { ALL_KEYS, run, runJson, type Json } from './helpers.js';

const OLD = ALL_KEYS.filter((k) => k.endsWith('@2.6.21'));
/** the variants whose id has a spec in more than one era: what `diff` pairs (2.6.21 against 6.18) */
const IN_BOTH_ERAS = ALL_KEYS.filter((k) => ALL_KEYS.filter((o) => o.split('@')[0] === k.split('@')[0]).length > 1);

/** command, the variant keys it covers, and where its JSON lists them */
const COMMANDS: [string[], string[], (doc: Json) => string[]][] = [
  [[], ALL_KEYS, (d) => d.variants.map((v: Json) => v.variant)],
  [['decode', '0x5040'], ALL_KEYS, (d) => d.results.map((r: Json) => r.variant)],
  [['encode', 'swap', '--type', '3', '--offset', '0x1234'], ALL_KEYS, (d) => d.results.filter((r: Json) => r.ok).map((r: Json) => r.variant)],
  [['encode', 'file', '--pgoff', '0x1234'], OLD, (d) => d.results.filter((r: Json) => r.ok).map((r: Json) => r.variant)],
  // PAGE_SHARED: a prot every arch names (riscv's read-only one is PAGE_READ, so PAGE_READONLY is refused there, exit 1)
  [['encode', 'pfn', '--pfn', '0x1234', '--prot', 'PAGE_SHARED'], ALL_KEYS, (d) => d.results.filter((r: Json) => r.ok).map((r: Json) => r.variant)],
  [['encode', 'migration', '--pfn', '0x1234'], ALL_KEYS, (d) => d.results.filter((r: Json) => r.ok).map((r: Json) => r.variant)],
  [['layout'], ALL_KEYS, (d) => d.variants.map((v: Json) => v.variant)],
  [['limits'], ALL_KEYS, (d) => d.variants.map((v: Json) => v.variant)],
  [['diff'], IN_BOTH_ERAS, (d) => d.pairs.flatMap((p: Json) => [p.a, p.b])],
];

/** The variant shows: by key (a heading), as an `id  era` table row, or as an `id` row under a `Linux ERA` heading. */
function covers(text: string, key: string): boolean {
  const [id, era] = key.split('@') as [string, string];
  const row = (tail: string) => new RegExp(`^${id}\\s+${tail}`, 'm');
  if (text.includes(key) || row(`${era.replace(/\./g, '\\.')}\\s`).test(text)) return true;
  return text.split(/^(?=Linux )/m).some((section) => section.startsWith(`Linux ${era}`) && row('').test(section));
}

describe('--arch all', () => {
  test.each(COMMANDS)('mmsim %j --arch all', async (args, keys) => {
    const result = await run([...args, '--arch', 'all']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const key of keys) expect(covers(result.stdout, key), key).toBe(true);
  });

  test.each(COMMANDS)('mmsim %j --arch all --json', async (args, keys, listed) => {
    const doc = await runJson([...args, '--arch', 'all']);
    expect([...new Set(listed(doc))].sort()).toEqual([...keys].sort());
  });
});
