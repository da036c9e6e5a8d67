/**
 * Hand-made hostile scripts and race files: the reproductions
 * (aliasing ptes, memory without bound, time proportional to a range, exit 3
 * for input errors, bad values accepted), one row each.
 */
import type { ExpectKind } from './expect.js';
import { TWO_64_MINUS_1, longToken } from './values.js';

export interface HandCase {
  readonly name: string;
  readonly script?: string;
  readonly race?: string;
  /** arguments after `run script.mmo` / `explore race.mmo` */
  readonly extra?: readonly string[];
  readonly expect: ExpectKind;
  readonly why: string;
  readonly token?: string;
  readonly stdoutMustNot?: { readonly re: RegExp; readonly meaning: string };
  readonly errnoStep?: RegExp;
}

const s = (...lines: string[]) => `scenario hostile a hand-made hostile script\n${lines.join('\n')}\n`;

/** Two regions far apart; B must not read what was written through A (issue 9, point 1). */
function alias(arch: string, slot: string): HandCase {
  return {
    name: `alias-${arch}-slot${slot}`,
    script: s('mmap A 4 rw- private,anon slot=0', 'write A 0 X', `mmap B 4 rw- private,anon slot=${slot}`, 'read B 0', 'write B 1 Y', 'read A 1'),
    extra: ['--arch', arch, '--kernel', '6.18', '--check'],
    expect: 'survive',
    why: `slot=${slot} on ${arch}: mapped apart or ENOMEM, never the same pte as slot 0`,
    stdoutMustNot: { re: /(read \{"r":"B","page":0\} -> data=X\b)|(read \{"r":"A","page":1\} -> data=Y\b)/, meaning: 'two addresses share one pte: B reads what A wrote (or A what B wrote)' },
  };
}

/** A mapping past TASK_SIZE: the kernel answers ENOMEM (get_unmapped_area), exit 0. */
function pastTaskSize(arch: string, slot: string): HandCase {
  return {
    name: `past-task-size-${arch}-slot${slot}`,
    script: s(`mmap A 4 rw- private,anon slot=${slot}`),
    extra: ['--arch', arch, '--kernel', '6.18'],
    expect: 'errno',
    why: `slot=${slot} lies past ${arch}'s TASK_SIZE: the mmap answers ENOMEM`,
    errnoStep: /^1 P mmap .* -> E[A-Z]+/,
  };
}

export const HAND_SCRIPTS: readonly HandCase[] = [
  alias('x86_64', '4194304'),
  alias('i386', '64'),
  alias('i386-pae', '64'),
  alias('ppc32', '64'),
  alias('ppc64-64k', '1099511627776'),
  pastTaskSize('i386', '40'),
  pastTaskSize('x86_64', '1073741824'),
  {
    name: 'slot-past-unsigned-long-x86_64',
    script: s('mmap A 4 rw- private,anon slot=1099511627776'),
    extra: ['--arch', 'x86_64', '--kernel', '6.18'],
    expect: 'usage',
    why: 'slot=2^40 × 64 MiB is past 2^64: no unsigned long address, so a bad value with its range (not an mmap at all)',
  },
  { name: 'map-16M-pages', script: s('mmap A 16777216 rw- private,anon slot=0', 'write A 0 X', 'read A 16777215'), expect: 'survive', why: 'a 64 GiB region: observed by sample, memory bounded' },
  { name: 'map-2^30-pages', script: s('mmap A 1073741824 rw- private,anon slot=0', 'write A 0 X'), expect: 'survive', why: '2^30 pages: ENOMEM or a sampled trace, never a heap OOM' },
  { name: 'map-2^40-pages-sampled', script: s('mmap A 1099511627776 rw- private,anon slot=0', 'sample A 0,1', 'write A 0 X'), expect: 'survive', why: '2^40 pages with a sample line: never "Invalid array length"' },
  { name: 'frames-exhausted', script: s('file F ext4 70000 F', 'pread F 69999'), expect: 'survive', why: 'more file pages than the machine has frames: ENOMEM or the OOM outcome, never an internal error' },
  { name: 'punch-past-eof', script: s('file F ext4 4 F', 'punch F 0 9007199254740991'), expect: 'survive', why: 'a punch far past EOF: clamped to the file' },
  { name: 'invalidate-past-eof', script: s('file F ext4 4 F', 'invalidate F 0 9007199254740991'), expect: 'survive', why: 'an invalidate far past EOF: clamped to the file' },
  { name: 'munmap-huge-range', script: s('mmap A 4 rw- private,anon slot=0', 'munmap A 0 1099511627776'), expect: 'survive', why: 'a munmap over 2^40 pages of unmapped space: time proportional to what is mapped' },
  { name: 'mremap-far-target', script: s('mmap A 4 rw- private,anon slot=0', 'write A 0 X', 'mremap A 4 4 maymove,fixed B 1099511627776'), expect: 'survive', why: 'an mremap target outside the address space: EINVAL/ENOMEM, at once' },
  { name: 'many-regions', script: s(...Array.from({ length: 2000 }, (_, i) => `mmap R${i} 16 rw- private,anon slot=${i}`)), expect: 'survive', why: '2,000 regions of 16 pages: memory bounded' },
  { name: 'long-script', script: s('mmap A 16 rw- private,anon slot=0', ...Array.from({ length: 20000 }, (_, i) => `write A ${i % 16} T${i}`)), expect: 'survive', why: 'a 20,000-step script: streams, memory bounded' },
  { name: 'failing-expect', script: s('mmap A 1 rw- private,anon slot=0', 'write A 0 X', 'expect A 0 Y the write was X'), expect: 'refuse', why: 'a failing expect is a found failure (1), not an internal error' },
  { name: 'unknown-region', script: s('read Z 0'), expect: 'usage', why: 'an op on a region never defined' },
  { name: 'child-before-fork', script: s('mmap A 1 rw- private,anon slot=0', '@child read A 0'), expect: 'usage', why: 'a @child op before any fork' },
  { name: 'pgoff-abc', script: s('file F tmpfs 4 F', 'mmap M 4 rw- shared file=F pgoff=abc slot=0', 'read M 0'), expect: 'usage', why: 'pgoff=abc' },
  { name: 'pgoff-negative', script: s('file F tmpfs 4 F', 'mmap M 4 rw- shared file=F pgoff=-5 slot=0', 'read M 0'), expect: 'usage', why: 'pgoff=-5' },
  { name: 'pgoff-fraction', script: s('file F tmpfs 4 F', 'mmap M 4 rw- shared file=F pgoff=1.5 slot=0', 'read M 0'), expect: 'usage', why: 'pgoff=1.5' },
  { name: 'pgoff-empty', script: s('file F tmpfs 4 F', 'mmap M 4 rw- shared file=F pgoff= slot=0', 'read M 0'), expect: 'usage', why: 'pgoff= (empty)' },
  { name: 'pgoff-ulong-max', script: s('file F tmpfs 4 F', `mmap M 4 rw- shared file=F pgoff=${TWO_64_MINUS_1} slot=0`, 'read M 0'), expect: 'survive', why: 'pgoff=2^64−1: refused, or EINVAL/EOVERFLOW from the kernel, never off=NaN' },
  { name: 'rfp-flags-abc', script: s('file F tmpfs 8 F', 'mmap SH 4 rw- shared file=F pgoff=0 slot=0', 'remap_file_pages SH 0 1 3 flags=abc'), extra: ['--kernel', '2.6.21'], expect: 'usage', why: 'remap_file_pages flags=abc' },
  { name: 'ftruncate-past-2^64', script: s('file F tmpfs 4 F', 'ftruncate F 99999999999999999999p'), expect: 'usage', why: 'a size past 2^64 pages' },
  { name: 'token-1MB-number', script: s(`mmap A ${'9'.repeat(1 << 20)} rw- private,anon slot=0`), expect: 'usage', why: 'a 1 MB number: refused, quoted short', token: '9'.repeat(1 << 20) },
  { name: 'token-1MB-op', script: s(longToken(1 << 20)), expect: 'usage', why: 'a 1 MB op name: refused, quoted short', token: longToken(1 << 20) },
  { name: 'binary-file', script: `\u0000\u0001\u00ff${'\ufffd'.repeat(100)}\u0007ELF\n\u0000\u0000`, expect: 'usage', why: 'a binary file: an unknown op on line 1' },
];

const RACE_BASE = [
  'scenario hostile-race a hand-made hostile race file',
  'policy fault truncate_count page-lock',
  'bound 1',
  'file F ext4 2 F',
  'mmap M 2 r-- shared file=F pgoff=0 slot=0',
  '',
  'thread fault',
  'read M 1',
  '',
  'thread truncate',
  'ftruncate F 1p',
];

function race(name: string, edit: (lines: string[]) => string[], expect: ExpectKind, why: string): HandCase {
  return { name, race: `${edit([...RACE_BASE]).join('\n')}\n`, expect, why };
}

export const HAND_RACES: readonly HandCase[] = [
  race('race-control', (l) => l, 'ok', 'control: the base race file, exit 0'),
  race('race-bound-1000', (l) => l.map((x) => (x === 'bound 1' ? 'bound 1000' : x)), 'usage', 'bound 1000: past the explorer\'s range'),
  race('race-policy-constructor', (l) => l.map((x) => (x.startsWith('policy') ? 'policy constructor x' : x)), 'usage', 'policy kind constructor'),
  race('race-policy-proto', (l) => l.map((x) => (x.startsWith('policy') ? 'policy __proto__' : x)), 'usage', 'policy kind __proto__'),
  race('race-policy-tostring', (l) => l.map((x) => (x.startsWith('policy') ? 'policy toString' : x)), 'usage', 'policy kind toString'),
  race('race-policy-twice', (l) => [l[0]!, l[1]!, 'policy fault page-lock', ...l.slice(2)], 'usage', 'a second policy line: refused, never a silent replacement'),
  race('race-era-empty', (l) => [l[0]!, l[1]!, 'era', ...l.slice(2)], 'usage', 'an empty era line'),
  race('race-needs-unknown', (l) => [l[0]!, l[1]!, 'needs bogus', ...l.slice(2)], 'usage', 'needs an unknown capability'),
  race('race-65-file-pages', (l) => l.map((x) => (x === 'file F ext4 2 F' ? 'file F ext4 65 F' : x === 'mmap M 2 r-- shared file=F pgoff=0 slot=0' ? 'mmap M 65 r-- shared file=F pgoff=0 slot=0' : x)).flatMap((x) => (x.startsWith('mmap M') ? [x, ...Array.from({ length: 65 }, (_, i) => `read M ${i}`)] : [x])), 'survive', '65 file pages on the 64-frame race machine: ENOMEM or OOM, never an internal error'),
];
