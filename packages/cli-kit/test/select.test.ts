import { describe, expect, test } from 'vitest';
import { x86 } from '@mmsim/arch-x86';
import { powerpc } from '@mmsim/arch-powerpc';
import { DEFAULT_CONFIG, ERAS } from '@mmsim/core';
import { parseKernels, selectVariants, splitArchList, UsageError } from '../src/index.js';

const keys = (arch: string[], eras = [...ERAS]) => selectVariants([x86, powerpc], { arch, eras, config: DEFAULT_CONFIG }).map((v) => v.key);

describe('the --arch and --kernel forms', () => {
  test('ID@ERA, lists, all, backend names', () => {
    expect(keys(['x86_64@6.18'])).toEqual(['x86_64@6.18']);
    expect(keys(['x86_64,ppc64'], ['6.18'])).toEqual(['x86_64@6.18', 'ppc64@6.18']);
    expect(keys(['all'], ['2.6.21'])).toHaveLength(6);
    expect(keys(['x86'], ['6.18'])).toEqual(['i386@6.18', 'i386-pae@6.18', 'x86_64@6.18']);
    expect(parseKernels(['6.18,2.6.20'])).toEqual(['2.6.21', '6.18']);
  });

  test('a config list after + keeps its commas', () => {
    expect(splitArchList(['i386@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n,x86_64'])).toEqual(['i386@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n', 'x86_64']);
    expect(keys(['i386@2.6.21+NONLINEAR=n,MIGRATION=n,x86_64@6.18'])).toEqual(['i386@2.6.21+CONFIG_NONLINEAR=n,CONFIG_MIGRATION=n', 'x86_64@6.18']);
    expect(() => splitArchList(['x86_64,,ppc64'])).toThrow(UsageError);
  });
});
