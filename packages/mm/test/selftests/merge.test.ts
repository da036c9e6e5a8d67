/**
 * tools/testing/selftests/mm/merge.c (Linux 6.18.2) ported: each TEST_F(merge, …)
 * as a `.mmo` script on every 6.18 variant. The fixture's carveout — 30
 * PROT_NONE pages mapped over with MAP_FIXED — is region C; `ptr =
 * &carveout[N * page_size]` is page N of C, and an address the test reaches
 * with `ptr + page_size * 1000` is page N+1000 of C. PROCMAP_QUERY's
 * vma_start / vma_end (find_vma_procmap) is `expect_vma`. A write of 'x' is
 * the fault that gives a VMA its anon_vma ("faulted").
 *
 * MAP_NORESERVE cannot be spelled in a script: every private writable
 * mapping here is VM_ACCOUNT, the same on every side of each merge, which is
 * what the selftest's MAP_NORESERVE makes sure of too (no merge refused for
 * a VM_ACCOUNT difference).
 */
import { describe } from 'vitest';
import { capsOf, runCase, SelftestFile, SPECS_618 } from './harness.js';

const FILE = 'tools/testing/selftests/mm/merge.c';
const suite = new SelftestFile(FILE);

/** FIXTURE_SETUP(merge): the carveout */
const SETUP = ['mmap C 30 --- private,anon slot=0'];
/** a fresh R/W private anon mapping at page N of the carveout (MAP_FIXED; MAP_NORESERVE, as merge.c maps them: so VM_ACCOUNT never tells two halves apart) */
const map = (page: number, pages: number, prot = 'rw-'): string => `mmap_fixed C ${page} ${pages} ${prot} private,anon,noreserve`;
/** sys_mremap(MREMAP_MAYMOVE | MREMAP_FIXED) of 5 pages from page `from` to page `to` of the carveout */
const move = (from: number, to: number, pages = 5): string => `mremap_part C ${from} ${pages} ${pages} maymove,fixed C ${to}`;
const fault = (page: number, who = ''): string => `${who}write C ${page} x`;
/** ASSERT_TRUE(find_vma_procmap(ptr)); vma_start == first; vma_end == first + pages */
const vma = (page: number, first: number, pages: number, why: string, who = ''): string => `${who}expect_vma C ${page} ${first} ${pages} ${why}`;

const CASES: readonly [string, string[]][] = [
  ['mprotect_unfaulted_left', [map(1, 10), 'mprotect C 1 5 r--', fault(6), 'mprotect C 6 5 r--', vma(1, 1, 10, 'merged')]],
  ['mprotect_unfaulted_right', [map(1, 10), 'mprotect C 6 5 r--', fault(1), 'mprotect C 1 5 r--', vma(1, 1, 10, 'merged')]],
  ['mprotect_unfaulted_both', [map(2, 9), 'mprotect C 2 3 r--', 'mprotect C 8 3 r--', fault(5), 'mprotect C 5 3 r--', vma(2, 2, 9, 'merged')]],
  ['mprotect_faulted_left_unfaulted_right', [map(2, 9), 'mprotect C 8 3 r--', fault(2), 'mprotect C 2 3 r--', 'mprotect C 5 3 r--', vma(2, 2, 9, 'merged')]],
  ['mprotect_unfaulted_left_faulted_right', [map(2, 9), 'mprotect C 2 3 r--', fault(5), 'mprotect C 8 3 r--', 'mprotect C 5 3 r--', vma(2, 2, 9, 'merged')]],
  [
    'forked_target_vma',
    [
      map(1, 5),
      fault(1),
      'fork',
      // the child unCOWs every page; its VMA keeps the anon_vma chain it was forked with
      ...[1, 2, 3, 4, 5].map((p) => fault(p, '@child ')),
      `@child ${map(6, 5)}`,
      vma(1, 1, 5, 'a forked VMA is no merge target for a new one', '@child '),
      '@child exit',
    ],
  ],
  [
    'forked_source_vma',
    [
      map(1, 5),
      fault(1),
      'fork',
      ...[1, 2, 3, 4, 5].map((p) => fault(p, '@child ')),
      `@child ${map(6, 5, 'rwx')}`,
      vma(6, 6, 5, 'incompatible neighbours do not merge', '@child '),
      // the forked VMA made RWX becomes a merge source for the unfaulted one: no merge
      '@child mprotect C 1 5 rwx',
      vma(6, 6, 5, 'a forked VMA does not merge into an unfaulted one', '@child '),
      '@child exit',
    ],
  ],
  ['mremap_unfaulted_to_faulted', [map(1, 5), map(7, 5), move(7, 1007), fault(1), move(1007, 6), vma(1, 1, 10, 'merged')]],
  ['mremap_unfaulted_behind_faulted', [map(6, 5), map(14, 5), move(14, 1014), fault(6), move(1014, 1), vma(1, 1, 10, 'merged')]],
  [
    'mremap_unfaulted_between_faulted',
    [map(1, 5), map(7, 5), map(14, 5), move(14, 2014), move(7, 1007), fault(1), fault(2014), move(2014, 11), move(1007, 6), vma(1, 1, 10, 'ptr and ptr2 merged'), vma(11, 11, 5, 'ptr3 not merged')],
  ],
  ['mremap_unfaulted_between_faulted_unfaulted', [map(1, 5), map(7, 5), map(14, 5), move(14, 2014), move(7, 1007), fault(1), move(2014, 11), move(1007, 6), vma(1, 1, 15, 'all three merged')]],
  ['mremap_unfaulted_between_correctly_placed_faulted', [map(1, 15), fault(1), 'munmap C 6 5', map(20, 5), move(20, 6), vma(1, 1, 15, 'merged')]],
  [
    'mremap_correct_placed_faulted',
    [
      map(1, 15),
      fault(1),
      // ptr3 and ptr2 away
      move(11, 2011),
      move(6, 1006),
      // ptr2 back: merges with ptr
      move(1006, 6),
      vma(1, 1, 10, 'ptr2 back in place merges with ptr'),
      // ptr away and back
      move(1, 1001),
      move(1001, 1),
      vma(1, 1, 10, 'ptr back in place merges with ptr2'),
      // ptr away, ptr3 back behind ptr2
      move(1, 1001),
      move(2011, 11),
      vma(6, 6, 10, 'ptr3 back in place merges with ptr2'),
      // ptr back: all three
      move(1001, 1),
      vma(1, 1, 15, 'ptr back in place merges with ptr2 and ptr3'),
      // ptr2 away and back
      move(6, 1006),
      move(1006, 6),
      vma(1, 1, 15, 'ptr2 back in place merges with ptr and ptr3'),
      // ptr3 away and back
      move(11, 1011),
      move(1011, 11),
      vma(1, 1, 15, 'ptr3 back in place merges with ptr and ptr2'),
    ],
  ],
];

describe(FILE, () => {
  for (const [name, lines] of CASES) {
    suite.port(name, () => {
      for (const spec of SPECS_618) runCase([`scenario ${name} ${FILE}`, ...SETUP, ...lines, ''].join('\n'), spec, name, capsOf(spec));
    });
  }
  suite.skip('handle_uprobe_upon_merged_vma', 'needs a uprobe (perf_event_open of a uprobe event on a file) on the merged VMA; the model has no uprobes or perf events');
  suite.skip('ksm_merge', 'needs prctl(PR_SET_MEMORY_MERGE) (MMF_VM_MERGE_ANY: every new VMA VM_MERGEABLE); the model has no prctl');
});
