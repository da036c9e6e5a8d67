/**
 * Mutations of `.mmo` scripts (the shipped scenarios, and the op lines of
 * race files): each returns the mutated text, its expectation and why.
 */
import type { ExpectKind } from './expect.js';
import type { Rng } from './prng.js';
import { HUGE_PAGES, HUGE_RANGES, HUGE_SLOTS, KEYED_NUMBER_VALUES, NAME_VALUES, NUMBER_VALUES, longToken } from './values.js';

export interface Mutant {
  readonly text: string;
  readonly expect: ExpectKind;
  readonly why: string;
  /** a long token that must not come back whole */
  readonly token?: string;
  /** the operator that made it */
  readonly kind?: string;
}

/** Ops whose words are free text or whose word at this index is a tag (data, not a number). */
const FREE_TEXT = new Set(['scenario', 'observe', 'sysstat', 'expect', 'expect_dev', 'expect_pinned', 'source', 'policy', 'fails', 'bound', 'era', 'needs', 'thread', 'final']);
const TAG_AT: Readonly<Record<string, number>> = { write: 3, file: 4, pwrite: 3, dev_write: 2, write_all: 2 };
/** Where an op holds a name from a vocabulary (prot, flags, advice, fs, gup flags). */
const NAME_AT: Readonly<Record<string, readonly number[]>> = { mmap: [3, 4], madvise: [4], mremap: [4], file: [2], mprotect: [4], gup: [3] };
/** Ops that use a region defined elsewhere, at word 1. */
const USES_REGION = new Set(['read', 'write', 'munmap', 'madvise', 'mprotect', 'mlock', 'munlock']);

interface Line {
  readonly index: number;
  readonly words: string[];
  readonly child: boolean;
  readonly comment: string;
}

function lines(text: string): string[] {
  return text.split('\n');
}

/** The op lines: words (after `@child`), and where they are. */
function opLines(all: readonly string[]): Line[] {
  const out: Line[] = [];
  all.forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    const words = body.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    const child = words[0] === '@child';
    if (child) words.shift();
    if (words.length === 0 || FREE_TEXT.has(words[0]!)) return;
    out.push({ index, words, child, comment: hash >= 0 ? raw.slice(hash) : '' });
  });
  return out;
}

function render(line: Line): string {
  return `${line.child ? '@child ' : ''}${line.words.join(' ')}${line.comment ? ` ${line.comment}` : ''}`;
}

function replaced(all: readonly string[], line: Line, words: string[]): string {
  const copy = [...all];
  copy[line.index] = render({ ...line, words });
  return copy.join('\n');
}

/** Words that hold a number: `4`, `1p`, `slot=0`; not tags. */
function numberWords(line: Line): number[] {
  const op = line.words[0]!;
  const at: number[] = [];
  line.words.forEach((w, i) => {
    if (i === 0 || TAG_AT[op] === i) return;
    if (/^\d+p?$/.test(w) || /^[a-z_]+=\d+$/.test(w)) at.push(i);
  });
  return at;
}

function withValue(word: string, value: string): string {
  const eq = word.indexOf('=');
  if (eq >= 0) return `${word.slice(0, eq + 1)}${value}`;
  return word.endsWith('p') && value !== '' ? `${value}p` : value;
}

type Operator = (all: string[], ops: Line[], r: Rng) => Mutant | undefined;

const numeric: Operator = (all, ops, r) => {
  const candidates = ops.filter((l) => numberWords(l).length > 0);
  if (candidates.length === 0) return undefined;
  const line = r.pick(candidates);
  const at = r.pick(numberWords(line));
  const keyed = line.words[at]!.includes('=');
  const value = r.pick(keyed ? KEYED_NUMBER_VALUES : NUMBER_VALUES);
  const words = [...line.words];
  words[at] = withValue(words[at]!, value.text);
  // a NUMA node is a C int (move_pages' nodes[], mbind's node ids): -5 is a valid int the kernel answers (ENODEV)
  const off = line.words[0] === '@child' ? 1 : 0;
  const signed = value.text === '-5' && line.words[off] === 'move_pages' && at === off + 3;
  return { text: replaced(all, line, words), expect: signed ? 'survive' : value.expect, why: `line ${line.index + 1}: word ${at + 1} '${line.words[at]}' → '${value.text.length > 40 ? `${value.text.slice(0, 20)}…(${value.text.length} chars)` : value.text}': ${value.why}` };
};

const unknownName: Operator = (all, ops, r) => {
  const candidates = ops.filter((l) => (NAME_AT[l.words[0]!] ?? []).some((i) => l.words[i] !== undefined && !l.words[i]!.includes('=')));
  if (candidates.length === 0) return undefined;
  const line = r.pick(candidates);
  const at = r.pick((NAME_AT[line.words[0]!] ?? []).filter((i) => line.words[i] !== undefined && !line.words[i]!.includes('=')));
  const value = r.pick(NAME_VALUES);
  const words = [...line.words];
  const parts = words[at]!.split(',');
  parts[r.int(parts.length)] = value.text;
  words[at] = parts.join(',');
  return { text: replaced(all, line, words), expect: value.expect, why: `line ${line.index + 1}: name '${line.words[at]}' → '${words[at]}': ${value.why}` };
};

const shuffle: Operator = (all, ops, r) => {
  if (ops.length < 2) return undefined;
  const a = r.pick(ops);
  const copy = [...all];
  const kind = r.pick(['duplicate', 'delete', 'swap'] as const);
  if (kind === 'duplicate') copy.splice(a.index, 0, all[a.index]!);
  else if (kind === 'delete') copy.splice(a.index, 1);
  else {
    const b = r.pick(ops);
    copy[a.index] = all[b.index]!;
    copy[b.index] = all[a.index]!;
  }
  return { text: copy.join('\n'), expect: 'survive', why: `${kind} line ${a.index + 1} ('${all[a.index]!.trim().slice(0, 60)}'): the script may or may not still make sense` };
};

const huge: Operator = (all, ops, r) => {
  const mmaps = ops.filter((l) => l.words[0] === 'mmap' && /^\d+$/.test(l.words[2] ?? ''));
  const ranges = ops.filter((l) => ['punch', 'invalidate', 'munmap', 'madvise', 'mprotect'].includes(l.words[0]!) && /^\d+$/.test(l.words[3] ?? ''));
  const choice = r.int(3);
  if (choice === 0 && mmaps.length) {
    const line = r.pick(mmaps);
    const words = [...line.words];
    words[2] = r.pick(HUGE_PAGES);
    return { text: replaced(all, line, words), expect: 'survive', why: `line ${line.index + 1}: mmap of ${words[2]} pages: memory and time bounded whatever the answer (ENOMEM or a sampled trace)` };
  }
  if (choice === 1 && mmaps.length) {
    const line = r.pick(mmaps);
    const words = line.words.map((w) => (w.startsWith('slot=') ? `slot=${r.pick(HUGE_SLOTS)}` : w));
    return { text: replaced(all, line, words), expect: 'survive', why: `line ${line.index + 1}: a far slot (${words.find((w) => w.startsWith('slot='))}): mapped or ENOMEM past TASK_SIZE, never aliased` };
  }
  if (ranges.length) {
    const line = r.pick(ranges);
    const words = [...line.words];
    words[3] = r.pick(HUGE_RANGES);
    return { text: replaced(all, line, words), expect: 'survive', why: `line ${line.index + 1}: ${words[0]} over ${words[3]} pages: clamped to the object, time proportional to it` };
  }
  return undefined;
};

const longWord: Operator = (all, ops, r) => {
  const candidates = ops.filter((l) => numberWords(l).length > 0);
  if (candidates.length === 0) return undefined;
  const line = r.pick(candidates);
  const token = longToken(r.pick([300, 70_000, 1 << 20]));
  const words = [...line.words];
  const asOp = r.chance(0.3);
  if (asOp) words[0] = token;
  else words[r.pick(numberWords(line))] = token;
  return { text: replaced(all, line, words), expect: 'usage', why: `line ${line.index + 1}: a ${token.length}-byte ${asOp ? 'op name' : 'number'}: invalid, and the error must quote a short prefix only`, token };
};

const garbage: Operator = (all, ops, r) => {
  const bytes: string[] = ['~'];
  const n = 1 + r.int(200);
  for (let i = 0; i < n; i++) bytes.push(String.fromCharCode(r.chance(0.5) ? r.int(32) : 0x80 + r.int(0x7f80)));
  const copy = [...all];
  const at = ops.length ? r.pick(ops).index : 0;
  copy.splice(at, 0, bytes.join('').replace(/\n/g, ' '));
  return { text: copy.join('\n'), expect: 'usage', why: `line ${at + 1}: a line of ${n} control / non-ASCII characters starting with '~': an unknown op` };
};

const childFirst: Operator = (all, ops, r) => {
  const fork = ops.findIndex((l) => l.words[0] === 'fork');
  const firstRegion = ops.find((l) => l.words[0] === 'mmap');
  if (!firstRegion) return undefined;
  const copy = [...all];
  const at = fork >= 0 ? ops[fork]!.index : firstRegion.index + 1;
  copy.splice(fork >= 0 ? at : firstRegion.index + 1, 0, `@child read ${firstRegion.words[1]} 0`);
  void r;
  return { text: copy.join('\n'), expect: 'usage', why: `line ${at + 1}: a @child op before any fork: there is no child` };
};

const unknownRegion: Operator = (all, ops, r) => {
  const candidates = ops.filter((l) => USES_REGION.has(l.words[0]!) && l.words.length > 1);
  if (candidates.length === 0) return undefined;
  const line = r.pick(candidates);
  const words = [...line.words];
  words[1] = r.pick(['ZZ_UNDEFINED', '__proto__', 'constructor']);
  return { text: replaced(all, line, words), expect: 'usage', why: `line ${line.index + 1}: ${words[0]} on region '${words[1]}', never defined` };
};

export const MMO_OPERATORS: Readonly<Record<string, Operator>> = { numeric, unknownName, shuffle, huge, longWord, garbage, childFirst, unknownRegion };
/** How often each operator is drawn (numbers and names most: they are where validation lives). */
const WEIGHTS: readonly [string, number][] = [['numeric', 6], ['unknownName', 3], ['shuffle', 3], ['huge', 2], ['longWord', 1], ['garbage', 1], ['childFirst', 1], ['unknownRegion', 1]];

export function mutateMmo(text: string, r: Rng, only?: (name: string) => boolean): Mutant & { operator: string } {
  const all = lines(text);
  const ops = opLines(all);
  const weights = WEIGHTS.filter(([n]) => !only || only(n));
  const total = weights.reduce((s, [, w]) => s + w, 0);
  for (let attempt = 0; attempt < 20; attempt++) {
    let x = r.int(total);
    const [name] = weights.find(([, w]) => (x -= w) < 0)!;
    const m = MMO_OPERATORS[name]!(all, ops, r);
    if (m) return { ...m, operator: name };
  }
  return { text, expect: 'survive', why: 'no operator applied: the script unchanged', operator: 'none' };
}
