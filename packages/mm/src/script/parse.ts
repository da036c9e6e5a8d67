/**
 * The `.mmo` scenario language of shared/host-oracle (README "Step
 * vocabulary"): one op per line, `#` comments, `@child` for lines the forked
 * child runs. Our own parser; a bad line is reported with line and column.
 */
import { choices, shorten } from './values.js';

export interface MmoOp {
  readonly line: number;
  readonly proc: 'parent' | 'child';
  readonly op: string;
  readonly words: readonly string[];
  /** column (1-based) of each word, for error messages */
  readonly columns: readonly number[];
}

export interface MmoScript {
  readonly scenario: string;
  readonly desc: string;
  readonly ops: readonly MmoOp[];
}

export class MmoSyntaxError extends Error {
  override readonly name = 'MmoSyntaxError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
  }
}

/** Words each op takes: [min, max]. */
export const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  sample: [2, 2],
  file: [4, 4],
  rmfile: [1, 1],
  mmap: [5, 7],
  munmap: [3, 3],
  mprotect: [4, 4],
  write: [3, 3],
  write_all: [2, 2],
  read: [2, 2],
  madvise: [4, 4],
  mremap: [4, 6],
  remap_file_pages: [4, 8],
  ftruncate: [2, 2],
  punch: [3, 3],
  pwrite: [3, 3],
  pread: [2, 2],
  fadvise_dontneed: [1, 1],
  fork: [0, 0],
  exit: [0, 0],
  observe: [0, Infinity],
  swapon: [1, 1],
  swapoff: [0, 0],
  settle: [0, 0],
  /** mmsim extension: memory-pressure reclaim of up to N pages (all by default) */
  reclaim: [0, 1],
  sysstat: [0, Infinity],
  /** mmsim extensions for the race scenarios (scenarios/races/): */
  invalidate: [3, 3],
  gup: [4, 4],
  unpin: [1, 1],
  dev_write: [2, 2],
  dev_read: [1, 1],
  /** R PAGE: split_huge_page() of the large folio mapped there (mmsim extension, huge_memory.ts) */
  split_huge_page: [2, 2],
  /** R [PAGE NPAGES]: the oracle's write of "<pid>,0x<start>,0x<end>" (region R, or part of it: mmsim) to debugfs split_huge_pages */
  split_huge_pages: [1, 3],
  /**
   * move_pages(2), two forms. The oracle's: R PAGES NODES FLAGS — PAGES a comma list of page
   * indices (- for none), NODES a comma list of target nodes or 'query' (nodes = NULL: report
   * each page's node), FLAGS a number or MOVE,MOVE_ALL / none. The mmsim one-page form:
   * R PAGE NODE [all] (MPOL_MF_MOVE, or MPOL_MF_MOVE_ALL with 'all').
   */
  move_pages: [3, 4],
  /** the oracle's numa_info: node lists and the task's policy mode */
  numa_info: [0, 0],
  /** R PAGE NPAGES MODE NODEMASK FLAGS [maxnode=N]: mbind(2); MODE MPOL_BIND etc. (|MPOL_F_… or a number), NODEMASK a number or null, FLAGS STRICT,MOVE,MOVE_ALL / none / a number */
  mbind: [6, 7],
  /** OLD NEW [maxnode=N]: migrate_pages(2) of the process's own pages, old and new node masks */
  migrate_pages: [2, 3],
  /** write 1 to /proc/sys/vm/compact_memory */
  compact_memory: [0, 0],
  /** pte-ops.ts: userfaultfd write-protect, clear_refs, mlock (the oracle's pagemap_bits ops) */
  uffd_register_wp: [1, 1],
  uffd_writeprotect: [4, 4],
  uffd_close: [0, 0],
  clear_refs: [1, 1],
  mlock: [3, 3],
  munlock: [3, 3],
  /** KSM (ksm-ops.ts): [run=N] [sleep_millisecs=N] [pages_to_scan=N] / N (pages_shared to wait for) / nothing */
  ksm_start: [0, 3],
  ksm_wait: [1, 1],
  ksm_restore: [0, 0],
  /** R PAGE TAG [why…]: the process reads TAG there */
  expect: [3, Infinity],
  /** PIN TAG [why…]: the device reads TAG through the pin */
  expect_dev: [2, Infinity],
  /** R PAGE PIN [why…]: the process maps the very page the pin holds */
  expect_pinned: [3, Infinity],
};

/** Ops whose words from this index on are free text, kept as one word. */
const FREE_TEXT_FROM: Readonly<Record<string, number>> = { observe: 0, sysstat: 0, expect: 3, expect_dev: 2, expect_pinned: 3 };

/** The `scenario NAME description` line, wherever it is (the last one counts). */
export interface MmoHeader {
  readonly scenario: string;
  readonly desc: string;
}

/** A script whose ops are read as they are run: a big script is never held as one op object per line. */
export interface MmoSource extends MmoHeader {
  readonly ops: Iterable<MmoOp>;
}

/** The lines of a text, one at a time, without splitting it into an array first. */
function* lines(text: string): Generator<string> {
  let at = 0;
  while (at <= text.length) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    yield text.slice(at, end);
    if (nl < 0) return;
    at = nl + 1;
  }
}

/** A line's text before any `#` comment, its words, and the column (1-based) of each: what every `.mmo` reader splits a line into. */
export function lineWords(raw: string): { body: string; words: string[]; columns: number[] } {
  const hash = raw.indexOf('#');
  const body = hash >= 0 ? raw.slice(0, hash) : raw;
  const words: string[] = [];
  const columns: number[] = [];
  const re = /\S+/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    words.push(m[0]);
    columns.push(m.index + 1);
  }
  return { body, words, columns };
}

/** One line: an op, the header, or nothing (blank, comment). */
function parseLine(raw: string, line: number, file: string): MmoOp | MmoHeader | undefined {
  const { body, words, columns } = lineWords(raw);
  if (words.length === 0) return undefined;
  let proc: 'parent' | 'child' = 'parent';
  if (words[0] === '@child') {
    proc = 'child';
    words.shift();
    columns.shift();
    if (words.length === 0) throw new MmoSyntaxError(file, line, columns[0] ?? 1, '@child needs an op after it');
  }
  const op = words[0]!;
  if (op === 'scenario') return { scenario: words[1] ?? '', desc: body.slice((columns[2] ?? body.length + 1) - 1).trim() };
  // own keys only: 'toString' or '__proto__' is an unknown op, not Object.prototype's
  const arity = Object.hasOwn(ARITY, op) ? ARITY[op] : undefined;
  if (!arity) {
    throw new MmoSyntaxError(file, line, columns[0]!, `unknown op '${shorten(op)}'; valid: ${choices(op, ['scenario', ...Object.keys(ARITY)])}`);
  }
  const n = words.length - 1;
  if (n < arity[0] || n > arity[1]) {
    const want = arity[0] === arity[1] ? `${arity[0]}` : `${arity[0]}–${arity[1] === Infinity ? 'any' : arity[1]}`;
    throw new MmoSyntaxError(file, line, columns[Math.min(words.length - 1, arity[1] + 1)] ?? columns[0]!, `'${op}' takes ${want} argument(s), got ${n}`);
  }
  // observe, sysstat and the expectations' reasons are free text: kept as one word
  const free = Object.hasOwn(FREE_TEXT_FROM, op) ? FREE_TEXT_FROM[op] : undefined;
  if (free !== undefined && n > free + 1) {
    const at = columns[free + 1]!;
    return { line, proc, op, words: [...words.slice(1, free + 1), body.slice(at - 1).trim()], columns: [...columns.slice(1, free + 1), at] };
  }
  return { line, proc, op, words: words.slice(1), columns: columns.slice(1) };
}

const isHeader = (x: MmoOp | MmoHeader): x is MmoHeader => 'scenario' in x;

/** The ops of a script text as they are parsed, line by line. */
export function* mmoOps(text: string, file = 'script.mmo'): Generator<MmoOp> {
  let line = 0;
  for (const raw of lines(text)) {
    const x = parseLine(raw, ++line, file);
    if (x && !isHeader(x)) yield x;
  }
}

export function parseMmo(text: string, file = 'script.mmo'): MmoScript {
  let header: MmoHeader = { scenario: '', desc: '' };
  const ops: MmoOp[] = [];
  let line = 0;
  for (const raw of lines(text)) {
    const x = parseLine(raw, ++line, file);
    if (!x) continue;
    if (isHeader(x)) header = x;
    else ops.push(x);
  }
  return { scenario: header.scenario, desc: header.desc, ops };
}

/**
 * A script checked whole (every line parsed, a syntax error thrown before
 * anything runs) but kept as text: its ops are parsed again as the run
 * reads them, so memory does not grow with the script's length.
 */
export function streamMmo(text: string, file = 'script.mmo'): MmoSource & { readonly count: number } {
  let header: MmoHeader = { scenario: '', desc: '' };
  let count = 0;
  let line = 0;
  for (const raw of lines(text)) {
    const x = parseLine(raw, ++line, file);
    if (!x) continue;
    if (isHeader(x)) header = x;
    else count++;
  }
  return { scenario: header.scenario, desc: header.desc, count, ops: { [Symbol.iterator]: () => mmoOps(text, file) } };
}
