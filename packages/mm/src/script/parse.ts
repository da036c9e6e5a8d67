/**
 * The `.mmo` scenario language (docs/mmo.md): one op per line, `#`
 * comments, `scenario NAME description` for the header, `@child` for lines
 * the forked child runs. The ops are the table in ops/index.ts; a bad line
 * is reported with line and column.
 */
import { OPS } from './ops/index.js';
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

/** The words a script line may start with that are not ops (docs/mmo.md "Directives"); race files add theirs (races/scenario-file.ts). */
export const SCRIPT_DIRECTIVES: readonly string[] = ['scenario', '@child'];

/** Every op's name, in the table's order (the parser lists them when it refuses an unknown op). */
const OP_NAMES: readonly string[] = ['scenario', ...OPS.keys()];

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
  // the op table (ops/index.ts) is a Map: 'toString' or '__proto__' is an unknown op, not Object.prototype's
  const spec = OPS.get(op);
  if (!spec) {
    throw new MmoSyntaxError(file, line, columns[0]!, `unknown op '${shorten(op)}'; valid: ${choices(op, OP_NAMES)}`);
  }
  const arity = spec.arity;
  const n = words.length - 1;
  if (n < arity[0] || n > arity[1]) {
    const want = arity[0] === arity[1] ? `${arity[0]}` : `${arity[0]}–${arity[1] === Infinity ? 'any' : arity[1]}`;
    throw new MmoSyntaxError(file, line, columns[Math.min(words.length - 1, arity[1] + 1)] ?? columns[0]!, `'${op}' takes ${want} argument(s), got ${n}`);
  }
  // observe, sysstat and the expectations' reasons are free text: kept as one word
  const free = spec.freeTextFrom;
  if (free !== undefined && n > free + 1) {
    const at = columns[free + 1]!;
    return { line, proc, op, words: [...words.slice(1, free + 1), body.slice(at - 1).trim()], columns: [...columns.slice(1, free + 1), at] };
  }
  return { line, proc, op, words: words.slice(1), columns: columns.slice(1) };
}

const isHeader = (x: MmoOp | MmoHeader): x is MmoHeader => 'scenario' in x;

/**
 * One line of a script as its op (undefined for a blank or comment line or
 * the header): for a script made a line at a time, as a property test
 * makes one from what the steps before returned.
 */
export function mmoLine(raw: string, line: number, file = 'script.mmo'): MmoOp | undefined {
  const x = parseLine(raw, line, file);
  return x && !isHeader(x) ? x : undefined;
}

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
