/**
 * tools/testing/selftests/mm/mremap_dontunmap.c (Linux 6.18.2) ported: its
 * five tests as `.mmo` scripts on every 6.18 variant. memset(…, 'a') writes
 * tag a<i> to page i (X<i> for 'X'); check_region_contains_byte(…, 0) is
 * each page reading the zero page ("0"). The selftest's main() first probes
 * kernel support (kernel_support_for_mremap_dontunmap: a one-page PROT_NONE
 * mapping moved with MREMAP_DONTUNMAP|MREMAP_MAYMOVE must not fail); every
 * script here starts with that probe, asserted to succeed.
 */
import { describe } from 'vitest';
import { capsOf, runCase, SelftestFile, SPECS_618 } from './harness.js';

const FILE = 'tools/testing/selftests/mm/mremap_dontunmap.c';
const suite = new SelftestFile(FILE);

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
/** check_region_contains_byte(): each page of R from..to reads `tag(i)` */
const contains = (r: string, from: number, to: number, tag: (i: number) => string, why: string): string[] => range(from, to).map((i) => `expect ${r} ${i} ${tag(i)} ${why}`);

/** kernel_support_for_mremap_dontunmap() */
const PROBE = ['mmap PROBE 1 --- private,anon slot=9', 'mremap PROBE 1 1 maymove,dontunmap PROBED', 'munmap PROBED 0 1', 'munmap PROBE 0 1'];

const CASES: readonly [string, string[]][] = [
  [
    'mremap_dontunmap_simple',
    [
      'mmap S 5 rw- private,anon slot=0',
      'write_all S a',
      // anywhere (not fixed)
      'mremap S 5 5 maymove,dontunmap D',
      ...contains('D', 0, 5, (i) => `a${i}`, 'pages did not migrate'),
      ...contains('S', 0, 5, () => '0', 'source should have no ptes'),
      'munmap D 0 5',
      'munmap S 0 5',
    ],
  ],
  [
    'mremap_dontunmap_simple_shmem',
    [
      // memfd_create + ftruncate: a shmem file of 5 zero pages, mapped MAP_SHARED
      'file F tmpfs 5 z',
      'ftruncate F 0',
      'ftruncate F 5p',
      'mmap S 5 rw- shared file=F slot=0',
      'write_all S a',
      'mremap S 5 5 maymove,dontunmap D',
      ...contains('D', 0, 5, (i) => `a${i}`, 'pages did not migrate'),
      // shmem: the source still maps the same file pages
      ...contains('S', 0, 5, (i) => `a${i}`, 'source should have no ptes'),
      'munmap D 0 5',
      'munmap S 0 5',
    ],
  ],
  [
    'mremap_dontunmap_simple_fixed',
    [
      'mmap D 5 rw- private,anon slot=1',
      'write_all D X',
      'mmap S 5 rw- private,anon slot=0',
      'write_all S a',
      // MREMAP_FIXED|MREMAP_DONTUNMAP|MREMAP_MAYMOVE onto D: D's pages are unmapped first
      'mremap S 5 5 maymove,fixed,dontunmap D 1',
      ...contains('D', 0, 5, (i) => `a${i}`, 'pages did not migrate'),
      ...contains('S', 0, 5, () => '0', 'source should have no ptes'),
      'munmap D 0 5',
      'munmap S 0 5',
    ],
  ],
  [
    'mremap_dontunmap_partial_mapping',
    [
      'mmap S 10 rw- private,anon slot=0',
      'write_all S a',
      // the last 5 pages, anywhere
      'name_range S5 S 5 5',
      'mremap S5 5 5 maymove,dontunmap D',
      ...contains('S', 0, 5, (i) => `a${i}`, 'first 5 pages of source should have original pages'),
      ...contains('S', 5, 10, () => '0', 'final 5 pages of source should have no ptes'),
      ...contains('D', 0, 5, (i) => `a${i + 5}`, 'dest mapping should contain ptes from the source'),
      'munmap D 0 5',
      'munmap S 0 10',
    ],
  ],
  [
    'mremap_dontunmap_partial_mapping_overwrite',
    [
      'mmap S 5 rw- private,anon slot=0',
      'write_all S a',
      'mmap D 10 rw- private,anon slot=1',
      'write_all D X',
      // onto the first 5 of D's 10 pages
      'mremap S 5 5 maymove,fixed,dontunmap D 1',
      ...contains('S', 0, 5, () => '0', 'first 5 pages of source should have no ptes'),
      ...contains('D', 0, 5, (i) => `a${i}`, 'dest mapping should contain ptes from the source'),
      ...contains('D', 5, 10, (i) => `X${i}`, 'dest mapping should have retained the last 5 pages'),
      'munmap D 0 10',
      'munmap S 0 5',
    ],
  ],
];

describe(FILE, () => {
  for (const [name, lines] of CASES) {
    suite.port(name, () => {
      for (const spec of SPECS_618) runCase([`scenario ${name} ${FILE}`, ...PROBE, ...lines, ''].join('\n'), spec, name, capsOf(spec));
    });
  }
});
