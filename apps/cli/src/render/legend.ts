/**
 * The trace notation of `mmsim run` and `mmsim replay`, as one table: what
 * `mmsim run --legend` prints and docs/trace-legend.md lists (a test keeps
 * the two the same).
 */
export interface LegendEntry {
  /** an example as a trace prints it */
  readonly form: string;
  readonly meaning: string;
}

export interface LegendSection {
  readonly title: string;
  readonly entries: readonly LegendEntry[];
}

export const LEGEND: readonly LegendSection[] = [
  {
    title: 'steps (mmsim run)',
    entries: [
      { form: '3 P write {"r":"A","page":1,…} -> ok', meaning: 'step 3, run by the parent (P) or the child (C): the op, its arguments, and its result' },
      { form: '-> EINVAL', meaning: 'the syscall failed with this errno (the arguments are still shown; `argv` when the op failed before reading them)' },
      { form: '-> SIGSEGV/SEGV_MAPERR', meaning: 'the access raised this signal, with its si_code' },
      { form: '≠ step 4 differs:', meaning: 'with several variants: their behaviour (a result, a signal, a page state, data) differs at this step; each variant is shown' },
      { form: '~ ptes differ only in encoding', meaning: 'with several variants and --ptes: same behaviour, different pte words; each variant\'s words are shown' },
    ],
  },
  {
    title: 'pages (one region: `A: …`, page index first)',
    entries: [
      { form: '0:P0x[1]=A0', meaning: 'page 0 is present: frame P0 (frames are named P0, P1, … in first-seen order), mapped once ([mapcount]), holding data A0' },
      { form: 'f', meaning: 'after the frame: a file page (page cache), not anonymous' },
      { form: 'x', meaning: 'after the frame: mapped exclusively (pagemap PM_MMAP_EXCLUSIVE: mapcount 1)' },
      { form: '$', meaning: 'after the frame: the page is in the swap cache' },
      { form: 'ZERO[0]', meaning: 'the shared zero page (its mapcount is not counted in 6.18)' },
      { form: 'P1+1x[1]', meaning: 'page 1 of the large folio (THP) whose head is frame P1' },
      { form: 'HZERO+3', meaning: 'page 3 of the huge zero folio' },
      { form: '2:S0@T0(+0)', meaning: 'page 2 is swapped out: slot S0 on swap device T0, at offset +0 from the first slot seen' },
      { form: '1:file(pgoff 7)', meaning: 'a nonlinear file pte (2.6.21 remap_file_pages) naming file page 7' },
      { form: '1:marker(guard)', meaning: 'a pte marker (6.18): a guard region page, or a userfaultfd write-protect marker (uffd_wp)' },
      { form: '3:-', meaning: 'nothing mapped; `3:-(incore)`: nothing mapped, but mincore() finds the page in the page cache' },
      { form: '[0-4 rw-p off=0 tmpfs:F]', meaning: 'a VMA over pages 0–3 of the region: permissions (p private, s shared), file offset in pages, file' },
      { form: '(64 of 8192 pages listed)', meaning: 'a sampled region: only these pages are listed; the summary counts all' },
    ],
  },
  {
    title: 'page-table entries (--ptes, the JSON `pte`, `pte_class`, `pmd` fields)',
    entries: [
      { form: 'ptes A: 0=0x8000000000102025 present', meaning: 'page 0\'s pte exactly as the arch stores it, and its class (present, none, swap, migration, marker, file, …)' },
      { form: '0x00102025', meaning: 'a 32-bit pte (i386, ppc32): one word' },
      { form: '0x80000000:00102025', meaning: 'a 64-bit pte on a 32-bit arch (i386 PAE): its two words, high:low (pte_high, pte_low)' },
      { form: '0=pmd 0x8000000012e000e7 huge', meaning: 'the page is mapped by a huge pmd (PMD-mapped THP or the huge zero folio): the pmd\'s words' },
      { form: '2=·', meaning: 'no pte table covers the page (the pmd is none)' },
      { form: 'walk A[1] 0x7f…1000: pgd[255]=table #1 … pte[1]=0x…', meaning: '--walk: each level\'s index and entry (upper levels name the table below; the model keeps tables outside the simulated frames)' },
    ],
  },
  {
    title: 'race traces (mmsim replay, mmsim explore)',
    entries: [
      { form: '  6  T0 (preempts)', meaning: 'step 6 ran thread 0, preempting the thread that ran before while it could still run' },
      { form: '[lock pte lock of #1]', meaning: 'the step began by taking (or, [unlock …], dropping) a lock; `#1` is the mm, inode or anon_vma id, a page lock names the pfn' },
      { form: 'fault: do_no_page: …', meaning: 'the thread\'s name, then the kernel point the step starts from; the step runs the path from there to its next stop' },
      { form: '{truncate_count sampled=0, truncate_count now=0}', meaning: 'the values the step\'s code read that decide the outcome (the sample and the re-check, mapcount and refcount at a reuse decision, the rmap walk\'s VMAs in chain order as `mm #N address`, …)' },
      { form: '— the schedule given ends here; the rest runs in thread order —', meaning: 'replay of a prefix: each later step runs the lowest-numbered thread that can run' },
      { form: 'replay … --svg FILE', meaning: 'the same trace as swimlanes: a lane per thread, coloured bars where a thread holds a lock, orange boxes for preemptions, the failing step in red, the ptes and pages there below; hover a step for the state after it' },
    ],
  },
];

/** The legend as text lines (mmsim run --legend). */
export function legendLines(bold: (s: string) => string = (s) => s): string[] {
  const out: string[] = [];
  for (const s of LEGEND) {
    if (out.length) out.push('');
    out.push(bold(s.title));
    const width = Math.min(44, Math.max(...s.entries.map((e) => e.form.length)));
    for (const e of s.entries) out.push(`  ${e.form.padEnd(width)}  ${e.meaning}`);
  }
  return out;
}

/** The legend as markdown (docs/trace-legend.md's generated part). */
export function legendMarkdown(): string {
  const out: string[] = [];
  for (const s of LEGEND) {
    out.push(`## ${s.title}`, '', '| form | meaning |', '| --- | --- |');
    for (const e of s.entries) out.push(`| \`${e.form.replace(/\|/g, '\\|')}\` | ${e.meaning.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}
