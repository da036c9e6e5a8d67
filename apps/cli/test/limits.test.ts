import { describe, expect, test } from 'vitest';
import { ALL_KEYS, byVariant, expectUsageError, run, runJson } from './helpers.js';

describe('mmsim limits', () => {
  test('--arch all --json: every variant, exact numbers', async () => {
    const doc = await runJson(['limits', '--arch', 'all']);
    expect(doc.variants.map((v: { variant: string }) => v.variant).sort()).toEqual([...ALL_KEYS].sort());
    expect(byVariant(doc.variants, 'x86_64@2.6.21')).toMatchObject({
      pageSize: 4096,
      levels: ['pgd', 'pud', 'pmd', 'pte'],
      vaBits: 48,
      pfnBits: 34,
      physReachBytes: String(2n ** 46n),
      MAX_SWAPFILES: 30,
      swapOffsetBits: 56,
      swapLimitName: 'kernel_swapon_maxpages',
      maxSwapPages: String(2n ** 56n - 2n),
      maxSwapBytes: String((2n ** 56n - 2n) * 4096n),
      PTE_FILE_MAX_BITS: 46,
      fileRoundtripBits: 34,
      maxPgoff: '0x3ffffffff',
      maxFileOffsetBytes: String(2n ** 46n - 1n),
    });
    expect(byVariant(doc.variants, 'i386@6.18')).toMatchObject({ MAX_SWAPFILES: 24, swapOffsetBits: 23, maxSwapPages: String(2 ** 23), PTE_FILE_MAX_BITS: null, maxFileOffsetBytes: null });
    expect(byVariant(doc.variants, 'ppc64-64k@2.6.21')).toMatchObject({ pageSize: 65536, maxSwapBytes: String((2 ** 24 - 2) * 65536) });
  });

  test('terminal: memory and swap tables per era; x86_64 2.6.21 shows 46 bits of which 34 survive', async () => {
    const result = await run(['limits', '--arch', 'all']);
    expect(result.status).toBe(0);
    const out = result.stdout;
    for (const heading of ['Linux 2.6.21: memory', 'Linux 2.6.21: swap and nonlinear files', 'Linux 6.18: memory', 'Linux 6.18: swap and nonlinear files']) expect(out).toContain(heading);
    expect(out).toMatch(/^x86_64\s+30\s+56\s+0xfffffffffffffe\s+256 EiB − 8 KiB\s+46 \(34 survive\)\s+64 TiB$/m);
    expect(out).toMatch(/^i386\s+30\s+24\s+0xfffffe\s+64 GiB − 8 KiB\s+29\s+2 TiB$/m);
    expect(out).toMatch(/^x86_64\s+4K\s+4 pgd\/pud\/pmd\/pte\s+48\s+40\s+4 PiB\s+46$/m);
    expect(out).toMatch(/^ppc64-64k\s+30\s+24\s+0xfffffe\s+1 TiB − 128 KiB\s+32\s+256 TiB$/m);
  });

  test('per config: CONFIG_NONLINEAR=n has no file reach, CONFIG_MIGRATION=n frees two swap types', async () => {
    const doc = await runJson(['limits', '--arch', 'i386', '--kernel', '2.6.21', '--config', 'NONLINEAR=n', '--config', 'CONFIG_MIGRATION=n']);
    expect(doc.variants).toHaveLength(1);
    expect(doc.variants[0]).toMatchObject({ variant: 'i386@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n', PTE_FILE_MAX_BITS: 0, MAX_SWAPFILES: 32, maxFileOffsetBytes: null });
  });

  test('an option that exists on no chosen variant is refused, naming where it exists (issue 9)', async () => {
    // under --json the error is one JSON object on stderr
    expectUsageError(
      await run(['limits', '--kernel', '6.18', '--config', 'NONLINEAR=n', '--json']),
      JSON.stringify({ error: { message: 'mmsim limits: --config CONFIG_NONLINEAR does not exist in 6.18 (it exists in 2.6.21)', status: 2 } }),
    );
    // set to its default it is still named, and still does not exist there
    expectUsageError(await run(['limits', '--kernel', '6.18', '--config', 'NONLINEAR=y']), 'mmsim limits: --config CONFIG_NONLINEAR does not exist in 6.18 (it exists in 2.6.21)');
    expectUsageError(
      await run(['limits', '--arch', 'ppc64', '--config', 'X86_NX=n']),
      'mmsim limits: --config CONFIG_X86_NX does not exist on ppc64 in 2.6.21 and 6.18 (it exists on i386-pae, x86_64 in 2.6.21 and 6.18)',
    );
    expectUsageError(await run(['limits', '--arch', 'x86_64@6.18+NONLINEAR=n']), "mmsim limits: in 'x86_64@6.18+NONLINEAR=n': CONFIG_NONLINEAR does not exist on x86_64 in 6.18 (it exists in 2.6.21)");
    expectUsageError(await run(['limits', '--arch', 'x86_64@6.18+']), "mmsim limits: empty config in 'x86_64@6.18+': after '+' give NAME=y|n pairs separated by ',' (e.g. x86_64@2.6.21+CONFIG_NONLINEAR=n)");
    expectUsageError(await run(['limits', '--arch', 'x86_64@2.6.21+NONLINEAR=n,,MIGRATION=n']), "mmsim limits: empty config in 'x86_64@2.6.21+NONLINEAR=n,,MIGRATION=n': after '+' give NAME=y|n pairs separated by ',' (e.g. x86_64@2.6.21+CONFIG_NONLINEAR=n)");
  });

  test('with several variants an option applies where it exists; the others keep their default (and their plain key)', async () => {
    // on powerpc's and x86's variants, named: X86_NX exists on two of them
    const doc = await runJson(['limits', '--arch', 'powerpc', '--arch', 'x86', '--kernel', '6.18', '--config', 'X86_NX=n']);
    expect(doc.variants.map((v: { variant: string }) => v.variant)).toEqual([
      'ppc32@6.18',
      'ppc64@6.18',
      'ppc64-64k@6.18',
      'i386@6.18',
      'i386-pae@6.18+CONFIG_X86_NX=n',
      'x86_64@6.18+CONFIG_X86_NX=n',
    ]);
    // an ID+CONFIG ref is judged by its own variants, whatever --kernel says
    expect((await runJson(['limits', '--arch', 'x86_64@2.6.21+NONLINEAR=n', '--kernel', '6.18'])).variants[0].variant).toBe('x86_64@2.6.21+CONFIG_NONLINEAR=n');
  });
});
