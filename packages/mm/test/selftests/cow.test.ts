/**
 * tools/testing/selftests/mm/cow.c (Linux 6.18.2) ported: its anonymous
 * memory cases (anon_test_cases, run_anon_test_case) on each memory kind
 * the model has, its anon THP collapse cases (anon_thp_test_cases) and its
 * non-anonymous cases (non_anon_test_cases), each as a `.mmo` script whose `expect` ops assert what the selftest
 * compares with memcmp(). Names follow the selftest's log_test_start()
 * lines: "<case> ... with <memory kind>".
 *
 * How the selftest's tools stand here:
 * - vmsplice() is get_user_pages_fast() with no gup flags — a FOLL_GET,
 *   read-only reference per page (6.18 fs/splice.c 1445–1475 iter_to_pipe →
 *   lib/iov_iter.c 1055–1079), at most PIPE_DEF_BUFFERS (16) pages into a
 *   fresh pipe (include/linux/pipe_fs_i.h 5; add_to_pipe stops at a full
 *   pipe): `gup R PAGE none V`; reading the pipe is the device reading the
 *   page (`expect_dev`).
 * - an io_uring fixed buffer is pin_user_pages_fast(FOLL_WRITE |
 *   FOLL_LONGTERM) of the range (io_uring/memmap.c 63 io_pin_pages, from
 *   io_uring/rsrc.c 799); IORING_OP_WRITE_FIXED writes what the pin sees.
 * - gup_test's PIN_LONGTERM_TEST_START is pin_user_pages(FOLL_LONGTERM),
 *   read-only (mm/gup_test.c 225–275 pin_longterm_test_start; the fast
 *   variant pin_user_pages_fast); PIN_LONGTERM_TEST_READ reads through it.
 * - the non-anonymous cases (non_anon_test_cases) map `mem` private R/W and
 *   `smem` beside it: a second private anon mapping (the zeropage kinds) or a
 *   MAP_SHARED R/O mapping of the same file (memfd: tmpfs; tmpfile: ext4).
 * - the comm pipes' ordering is the script's line order; memset(mem, 0xff)
 *   writes tag FF to each page, memset(mem, 1) tag M<i> to page i.
 */
import { describe, expect, test } from 'vitest';
import { sample } from '../helpers.js';
import { x86_64_618 } from '@mmsim/arch-x86';
import { ExpectationFailed } from '../../src/script/index.js';
import { capsOf, runCase, SelftestFile, SPECS_618, type Caps } from './harness.js';

const FILE = 'tools/testing/selftests/mm/cow.c';
const suite = new SelftestFile(FILE);

/** PIPE_DEF_BUFFERS: the pages one vmsplice() into a fresh pipe takes (include/linux/pipe_fs_i.h 5). */
const PIPE_PAGES = 16;

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A memory kind of run_anon_test_case: how the selftest prepares `mem` (do_run_with_base_page, do_run_with_thp). */
interface Kind {
  /** log_test_start's suffix */
  readonly title: string;
  /** needs PMD-sized THP */
  readonly thp: boolean;
  /** the script lines that map and fill `mem` (region A), and the size the test function gets, in pages */
  setup(nr: number): { lines: string[]; size: number };
}

/** do_run_with_base_page(): one page, MADV_NOHUGEPAGE, memset 1; swapped out with MADV_PAGEOUT, which must work (pagemap_is_swapped). */
function basePage(swapout: boolean): Kind {
  return {
    title: swapout ? 'with swapped out base page' : 'with base page',
    thp: false,
    setup(nr) {
      // MADV_NOHUGEPAGE fails EINVAL without CONFIG_TRANSPARENT_HUGEPAGE (6.18 mm/madvise.c 1513–1540 madvise_behavior_valid), which the selftest ignores
      const lines = [...(swapout ? ['swapon file'] : []), 'mmap A 1 rw- private,anon slot=0', ...(nr > 0 ? ['madvise A 0 1 NOHUGEPAGE'] : []), 'write_all A M'];
      if (swapout) lines.push('madvise A 0 1 PAGEOUT', 'expect_pagemap A 0 1 swapped MADV_PAGEOUT did not work');
      return { lines, size: 1 };
    },
  };
}

type ThpRun = 'pmd' | 'pmd_swapout' | 'pte' | 'pte_swapout' | 'single_pte' | 'single_pte_swapout' | 'partial_mremap' | 'partial_shared';

const THP_TITLES: Record<ThpRun, string> = {
  pmd: 'with THP (PMD-sized)',
  pmd_swapout: 'with swapped-out THP (PMD-sized)',
  pte: 'with PTE-mapped THP (PMD-sized)',
  pte_swapout: 'with swapped-out, PTE-mapped THP (PMD-sized)',
  single_pte: 'with single PTE of THP (PMD-sized)',
  single_pte_swapout: 'with single PTE of swapped-out THP (PMD-sized)',
  partial_mremap: "with partially mremap()'ed THP (PMD-sized)",
  partial_shared: 'with partially shared THP (PMD-sized)',
};

/**
 * do_run_with_thp(): a THP-aligned range of one PMD THP (the script's slots
 * are THP-aligned, so the selftest's over-sized mmap for alignment is not
 * needed), MADV_HUGEPAGE, the first touch must populate the last subpage,
 * memset 1; then the run's own step, and MADV_PAGEOUT for the swap-out runs.
 */
function thp(run: ThpRun): Kind {
  return {
    title: THP_TITLES[run],
    thp: true,
    setup(nr) {
      const swapout = run.endsWith('_swapout');
      const lines = [...(swapout ? ['swapon file'] : []), `mmap A ${nr} rw- private,anon slot=0`, `madvise A 0 ${nr} HUGEPAGE`, 'write A 0 M0', `expect_pagemap A ${nr - 1} 1 populated Did not get a THP populated`, 'write_all A M'];
      let size = nr;
      if (run === 'pte' || run === 'pte_swapout') {
        // PTE-map the THP: one subpage R/O and back
        lines.push('mprotect A 1 1 r--', 'mprotect A 1 1 rw-');
      } else if (run === 'single_pte' || run === 'single_pte_swapout') {
        // discard all but the first subpage
        lines.push(`madvise A 1 ${nr - 1} DONTNEED`);
        size = 1;
      } else if (run === 'partial_mremap') {
        // move the upper half to a new PROT_NONE mapping (MREMAP_MAYMOVE | MREMAP_FIXED)
        size = nr / 2;
        lines.push(`mmap D ${size} --- private,anon slot=1`, `mremap_part A ${size} ${size} ${size} maymove,fixed D 0`);
      } else if (run === 'partial_shared') {
        // share only the first page with a child that exits at once
        lines.push(`madvise A 1 ${nr - 1} DONTFORK`, 'fork', '@child exit', `madvise A 1 ${nr - 1} DOFORK`);
      }
      if (swapout) lines.push(`madvise A 0 ${size} PAGEOUT`, `expect_pagemap A 0 ${size} swapped MADV_PAGEOUT did not work`);
      return { lines, size };
    },
  };
}

const KINDS: readonly Kind[] = [basePage(false), basePage(true), ...(['pmd', 'pmd_swapout', 'pte', 'pte_swapout', 'single_pte', 'single_pte_swapout', 'partial_mremap', 'partial_shared'] as const).map(thp)];

/** A memory kind of run_non_anon_test_case: `mem` (A) and `smem` (S), the size, and what smem's page i holds. */
interface NonAnonKind {
  readonly title: string;
  readonly thp: boolean;
  setup(nr: number): { lines: string[]; size: number; old: (i: number) => string };
}

/** The parent's mprotect(PROT_READ) + mprotect(PROT_READ|PROT_WRITE) of do_test_cow_in_parent's "mprotect() optimization" */
const mprotectDance = (size: number): string[] => [`mprotect A 0 ${size} r--`, `mprotect A 0 ${size} rw-`];
/** memset(mem, 0xff, size) by one process */
const fill = (size: number, who = ''): string[] => range(0, size).map((i) => `${who}write A ${i} FF`);
/** memcpy(old, mem, size) — the backup read — or memcmp(old, mem) against it */
const same = (from: number, to: number, who: string, why: string): string[] => range(from, to).map((i) => `${who}expect A ${i} M${i} ${why}`);

/** do_test_cow_in_parent() with child_memcmp_fn: the child must keep reading the old data after the parent's write. */
function cowInParent(size: number, mprotect: boolean): string[] {
  return ['fork', ...same(0, size, '@child ', 'backup'), ...(mprotect ? mprotectDance(size) : []), ...fill(size), ...same(0, size, '@child ', 'Leak from parent into child'), '@child exit'];
}

/** do_test_cow_in_parent() with child_vmsplice_memcmp_fn: vmsplice in the child, munmap, the parent writes; the pipe keeps the old data. */
function vmspliceInChild(size: number, mprotect: boolean): string[] {
  const n = Math.min(size, PIPE_PAGES);
  return [
    'fork',
    ...same(0, size, '@child ', 'backup'),
    ...range(0, n).map((i) => `@child gup A ${i} none V${i}`),
    `@child munmap A 0 ${size}`,
    ...(mprotect ? mprotectDance(size) : []),
    ...fill(size),
    ...range(0, n).map((i) => `@child expect_dev V${i} M${i} Leak from parent into child`),
    ...range(0, n).map((i) => `@child unpin V${i}`),
    '@child exit',
  ];
}

/** do_test_vmsplice_in_parent(): vmsplice in the parent before or after fork, munmap in the parent, the child writes; the pipe keeps the old data. */
function vmspliceInParent(size: number, beforeFork: boolean): string[] {
  const n = Math.min(size, PIPE_PAGES);
  const splice = range(0, n).map((i) => `gup A ${i} none V${i}`);
  return [
    ...same(0, size, '', 'backup'),
    ...(beforeFork ? splice : []),
    'fork',
    ...(beforeFork ? [] : splice),
    `munmap A 0 ${size}`,
    ...fill(size, '@child '),
    '@child exit',
    ...range(0, n).map((i) => `expect_dev V${i} M${i} Leak from child into parent`),
    ...range(0, n).map((i) => `unpin V${i}`),
  ];
}

/** do_test_iouring(): a R/W longterm pin of the range, then R/O mapping (mprotect + clear_softdirty) or fork; the write must be seen through the pin. */
function iouring(size: number, useFork: boolean): string[] {
  return [
    ...range(0, size).map((i) => `gup A ${i} write,pin,longterm U${i}`),
    ...(useFork ? ['fork'] : ['mprotect A 0 ' + size + ' r--', 'clear_refs 4', 'mprotect A 0 ' + size + ' rw-']),
    ...fill(size),
    ...range(0, size).map((i) => `expect_dev U${i} FF Longterm R/W pin is not reliable`),
    ...range(0, size).map((i) => `expect A ${i} FF`),
    ...(useFork ? ['@child exit'] : []),
    ...range(0, size).map((i) => `unpin U${i}`),
  ];
}

type RoPin = 'shared' | 'previously_shared' | 'ro_exclusive';

/** do_test_ro_pin(): a R/O longterm pin (which must unshare) on a shared, previously shared or R/O-mapped exclusive page; the write must be seen through the pin. */
function roPin(size: number, test: RoPin): string[] {
  const before = test === 'shared' ? ['fork'] : test === 'previously_shared' ? ['fork', '@child exit'] : [`mprotect A 0 ${size} r--`, 'clear_refs 4', `mprotect A 0 ${size} rw-`];
  return [
    ...before,
    ...range(0, size).map((i) => `gup A ${i} pin,longterm P${i}`),
    ...fill(size),
    ...range(0, size).map((i) => `expect_dev P${i} FF Longterm R/O pin is not reliable`),
    ...range(0, size).map((i) => `expect A ${i} FF`),
    ...range(0, size).map((i) => `unpin P${i}`),
    ...(test === 'shared' ? ['@child exit'] : []),
  ];
}

/** anon_test_cases, in the selftest's order; `fast` marks the GUP-fast twins. */
interface AnonCase {
  readonly desc: string;
  readonly ops?: (size: number) => string[];
  readonly fast?: true;
}

const ANON_CASES: readonly AnonCase[] = [
  { desc: 'Basic COW after fork()', ops: (s) => cowInParent(s, false) },
  { desc: 'Basic COW after fork() with mprotect() optimization', ops: (s) => cowInParent(s, true) },
  { desc: 'vmsplice() + unmap in child', ops: (s) => vmspliceInChild(s, false) },
  { desc: 'vmsplice() + unmap in child with mprotect() optimization', ops: (s) => vmspliceInChild(s, true) },
  { desc: 'vmsplice() before fork(), unmap in parent after fork()', ops: (s) => vmspliceInParent(s, true) },
  { desc: 'vmsplice() + unmap in parent after fork()', ops: (s) => vmspliceInParent(s, false) },
  { desc: 'R/O-mapping a page registered as iouring fixed buffer', ops: (s) => iouring(s, false) },
  { desc: 'fork() with an iouring fixed buffer', ops: (s) => iouring(s, true) },
  { desc: 'R/O GUP pin on R/O-mapped shared page', ops: (s) => roPin(s, 'shared') },
  { desc: 'R/O GUP-fast pin on R/O-mapped shared page', fast: true },
  { desc: 'R/O GUP pin on R/O-mapped previously-shared page', ops: (s) => roPin(s, 'previously_shared') },
  { desc: 'R/O GUP-fast pin on R/O-mapped previously-shared page', fast: true },
  { desc: 'R/O GUP pin on R/O-mapped exclusive page', ops: (s) => roPin(s, 'ro_exclusive') },
  { desc: 'R/O GUP-fast pin on R/O-mapped exclusive page', fast: true },
];

const GUP_FAST_REASON = 'the model has no lockless GUP-fast walk (gup_fast_pgd_range); only the slow path is modelled, which the non-fast twin checks';

/**
 * The variants a case runs on, and their capabilities: one per page-table shape of 6.18 (32-bit
 * x86 with no THP, x86_64 with 2 MiB THPs, ppc64 with 64 KiB pages and 16 MiB THPs) — every 6.18
 * variant with MMSIM_ALL_VARIANTS=1 (187 cases on six variants would be a tenth of this package's test time).
 */
const VARIANTS = sample(SPECS_618, ['i386@6.18', 'x86_64@6.18', 'ppc64-64k@6.18']).map((spec) => ({ spec, caps: capsOf(spec) }));

function script(name: string, lines: readonly string[]): string {
  return [`scenario ${name} ${FILE}`, ...lines, ''].join('\n');
}

/** Run a case on every variant it applies to (THP kinds where the variant has THP). */
function onVariants(name: string, needsThp: boolean, lines: (caps: Caps) => string[]): void {
  let ran = 0;
  for (const { spec, caps } of VARIANTS) {
    if (needsThp && caps.thpPages === 0) continue;
    runCase(script(name.replace(/\W+/g, '_'), lines(caps)), spec, name, caps);
    ran++;
  }
  if (ran === 0) throw new Error(`${name}: no 6.18 variant has what it needs`);
}

describe(FILE, () => {
  for (const c of ANON_CASES) {
    for (const kind of KINDS) {
      const name = `${c.desc} ... ${kind.title}`;
      if (c.fast || !c.ops) {
        suite.skip(name, GUP_FAST_REASON);
        continue;
      }
      const ops = c.ops;
      suite.port(name, () =>
        onVariants(name, kind.thp, (caps) => {
          const { lines, size } = kind.setup(caps.thpPages);
          return [...lines, ...ops(size)];
        }),
      );
    }
    suite.skip(`${c.desc} ... with mTHP (each size below PMD: PTE-mapped, swapped-out PTE-mapped, single PTE, single PTE swapped-out, partially mremap()'ed, partially shared)`, 'the model has PMD-sized THP only (no multi-size THP orders)');
    suite.skip(`${c.desc} ... with hugetlb`, 'the model has no hugetlbfs');
  }

  // anon_thp_test_cases: do_test_anon_thp_collapse on a PMD-mapped THP (run_anon_thp_test_cases)
  type Collapse = 'unshared' | 'fully_shared' | 'lower_shared' | 'upper_shared';
  const COLLAPSE: readonly [string, Collapse][] = [
    ['Basic COW after fork() when collapsing before fork()', 'unshared'],
    ['Basic COW after fork() when collapsing after fork() (fully shared)', 'fully_shared'],
    ['Basic COW after fork() when collapsing after fork() (lower shared)', 'lower_shared'],
    ['Basic COW after fork() when collapsing after fork() (upper shared)', 'upper_shared'],
  ];
  for (const [desc, test] of COLLAPSE) {
    suite.port(desc, () =>
      onVariants(desc, true, (caps) => {
        const size = caps.thpPages;
        const half = size / 2;
        const { lines } = thp('pmd').setup(size);
        // PTE-map the THP first, so that MADV_COLLAPSE has something to collapse
        lines.push('mprotect A 1 1 r--', 'mprotect A 1 1 rw-');
        if (test === 'unshared') lines.push(`madvise A 0 ${size} COLLAPSE`);
        if (test === 'lower_shared') lines.push(`madvise A ${half} ${half} DONTFORK`);
        if (test === 'upper_shared') lines.push(`madvise A 0 ${half} DONTFORK`);
        lines.push('fork');
        const [from, to] = test === 'lower_shared' ? [0, half] : test === 'upper_shared' ? [half, size] : [0, size];
        lines.push(...same(from, to, '@child ', 'backup'));
        if (test === 'lower_shared' || test === 'upper_shared') lines.push(`madvise A 0 ${size} DOFORK`);
        if (test !== 'unshared') lines.push(`madvise A 0 ${size} COLLAPSE`);
        lines.push(...fill(size), ...same(from, to, '@child ', 'Leak from parent into child'), '@child exit');
        return lines;
      }),
    );
  }

  // non_anon_test_cases (run_non_anon_test_case): a private R/W mapping `mem` (A) of memory that is not
  // anonymous yet — the shared zeropage, a memfd or tmpfile page — beside another mapping `smem` (S) of it
  const NON_ANON_KINDS: readonly NonAnonKind[] = [
    {
      // run_with_zeropage: two private anon pages, both read (FORCE_READ): each maps the shared zeropage
      title: 'with shared zeropage',
      thp: false,
      setup: () => ({ lines: ['mmap A 1 rw- private,anon slot=0', 'mmap S 1 r-- private,anon slot=1', 'read A 0', 'read S 0'], size: 1, old: () => '0' }),
    },
    {
      // run_with_memfd: a one-page memfd (shmem) mapped MAP_PRIVATE R/W and MAP_SHARED R/O, both read
      title: 'with memfd',
      thp: false,
      setup: () => ({ lines: ['file F tmpfs 1 f', 'mmap A 1 rw- private file=F slot=0', 'mmap S 1 r-- shared file=F slot=1', 'read A 0', 'read S 0'], size: 1, old: (i) => `f${i}` }),
    },
    {
      // run_with_tmpfile: the same with a file of a disk file system (ext4)
      title: 'with tmpfile',
      thp: false,
      setup: () => ({ lines: ['file F ext4 1 f', 'mmap A 1 rw- private file=F slot=0', 'mmap S 1 r-- shared file=F slot=1', 'read A 0', 'read S 0'], size: 1, old: (i) => `f${i}` }),
    },
    {
      // run_with_huge_zeropage: two MADV_HUGEPAGE ranges of one PMD each, read: each maps the huge zero folio
      // (the selftest skips when a second subpage is not populated; here that must not happen)
      title: 'with huge zeropage',
      thp: true,
      setup: (nr) => ({
        lines: [`mmap A ${nr} rw- private,anon slot=0`, `mmap S ${nr} r-- private,anon slot=1`, `madvise A 0 ${nr} HUGEPAGE`, `madvise S 0 ${nr} HUGEPAGE`, 'read A 0', 'read S 0', 'expect_pagemap A 1 1 populated Did not get THPs populated', 'expect_pagemap S 1 1 populated Did not get THPs populated'],
        size: nr,
        old: () => '0',
      }),
    },
  ];
  const NON_ANON_CASES: readonly { desc: string; ops?: (size: number, old: (i: number) => string) => string[] }[] = [
    // test_cow: write through mem, smem still reads the old data
    { desc: 'Basic COW', ops: (size, old) => [...range(0, size).map((i) => `expect S ${i} ${old(i)} backup`), ...fill(size), ...range(0, size).map((i) => `expect S ${i} ${old(i)} Other mapping modified`)] },
    // test_ro_pin: do_test_ro_pin(RO_PIN_TEST) — a R/O longterm pin, then the write must be seen through it
    {
      desc: 'R/O longterm GUP pin',
      ops: (size) => [
        ...range(0, size).map((i) => `gup A ${i} pin,longterm P${i}`),
        ...fill(size),
        ...range(0, size).map((i) => `expect_dev P${i} FF Longterm R/O pin is not reliable`),
        ...range(0, size).map((i) => `expect A ${i} FF`),
        ...range(0, size).map((i) => `unpin P${i}`),
      ],
    },
    { desc: 'R/O longterm GUP-fast pin' },
  ];
  for (const c of NON_ANON_CASES) {
    for (const kind of NON_ANON_KINDS) {
      const name = `${c.desc} ... ${kind.title}`;
      if (!c.ops) {
        suite.skip(name, GUP_FAST_REASON);
        continue;
      }
      const ops = c.ops;
      suite.port(name, () =>
        onVariants(name, kind.thp, (caps) => {
          const { lines, size, old } = kind.setup(caps.thpPages);
          return [...lines, ...ops(size, old)];
        }),
      );
    }
    suite.skip(`${c.desc} ... with memfd hugetlb`, 'the model has no hugetlbfs');
  }

  // The ports can fail: under the pre-5.8 rule (reuse by mapcount alone, no unsharing) the
  // vmsplice() case leaks the parent's write into the child's pipe — CVE-2020-29374, which
  // cow.c's comment names — and under the 5.8–5.18 rule (reuse by refcount, no
  // PageAnonExclusive) the R/O pin on a shared page misses the parent's write.
  test('the ports can fail: older COW rules break what cow.c asserts', () => {
    const caps = capsOf(x86_64_618);
    const base = KINDS[0]!.setup(caps.thpPages);
    const leak = script('vmsplice_mapcount', [...base.lines, ...vmspliceInChild(base.size, false)]);
    expect(() => runCase(leak, x86_64_618, 'vmsplice mapcount', caps, { cowPolicy: 'mapcount' })).toThrow(ExpectationFailed);
    const miss = script('ro_pin_refcount', [...base.lines, ...roPin(base.size, 'shared')]);
    expect(() => runCase(miss, x86_64_618, 'ro pin refcount', caps, { cowPolicy: 'refcount' })).toThrow(ExpectationFailed);
  });
});
