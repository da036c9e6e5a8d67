/**
 * What `mmsim decode` is asked to decode: values and quoted dmesg lines as
 * arguments, `-` for stdin, `@FILE` or `--file FILE` for a file. Each value
 * comes out with where it was found and the rule that read it (radix.ts).
 * Input is bounded: a stream larger than MAX_INPUT_BYTES or with more than
 * MAX_VALUES values is refused, not read on.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { quote, shorten } from '../text.js';
import { DMESG_NAMES, matchDmesg, type FieldKind } from './dmesg.js';
import { dmesgHex, readValue, RULE_SUMMARY, type RadixRule } from './radix.js';

export const MAX_INPUT_BYTES = 8 << 20;
export const MAX_VALUES = 4096;

export interface DecodeItem {
  /** `argument 1`, `stdin line 3`, `dmesg.txt line 12` */
  readonly origin: string;
  /** the token or line it came from (shortened) */
  readonly input: string;
  /** `pte`, `pmd`, `entry`, `pfn`, `flags` */
  readonly name: string;
  readonly kind: FieldKind;
  readonly value: bigint;
  readonly rule: RadixRule;
  /** the dmesg format recognised, by id (dmesg.ts) */
  readonly dmesg?: string;
}

export interface Gathered {
  readonly items: DecodeItem[];
  /** stream lines that held neither a recognised dmesg line nor numbers */
  readonly skipped: number;
}

/** Looks like a number someone meant (to be read or refused), not a word of prose. */
const NUMBERISH = /^(?:0[xXbBoOdD])?[0-9a-fA-F_]+$/;

function fromLine(text: string, origin: string, stream: boolean): DecodeItem[] | undefined {
  const input = shorten(text.trim(), 120);
  const found = matchDmesg(text);
  if (found) {
    return found.map((f) => {
      const what = `${origin} ${f.name}`;
      const read = f.prefixed && /^0x/i.test(f.digits) ? { value: BigInt(f.digits), rule: 'dmesg' as const } : dmesgHex(f.digits, what);
      return { origin, input, name: f.name, kind: f.kind, ...read, dmesg: f.line.id };
    });
  }
  const tokens = text.split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.length === 0) return [];
  // prose: skipped in a stream, refused as an argument; one odd token is read (and refused) as a number
  if (!tokens.every((t) => NUMBERISH.test(t)) && (stream || tokens.length > 1)) return undefined;
  return tokens.map((t, i) => ({
    origin: tokens.length > 1 ? `${origin} value ${i + 1}` : origin,
    input: shorten(t, 40),
    name: 'pte',
    kind: 'pte' as const,
    ...readValue(t, tokens.length > 1 ? `${origin} value ${i + 1}` : origin),
  }));
}

function fromStream(text: string, name: string, into: DecodeItem[]): number {
  let skipped = 0;
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const items = fromLine(line, `${name} line ${i + 1}`, true);
    if (items === undefined) skipped++;
    else push(into, items);
  }
  return skipped;
}

function push(into: DecodeItem[], items: readonly DecodeItem[]): void {
  if (into.length + items.length > MAX_VALUES) throw new UsageError(`more than ${MAX_VALUES} values to decode; valid: at most ${MAX_VALUES} (split the input)`);
  into.push(...items);
}

function readFile(path: string, cwd: string): string {
  const full = resolve(cwd, path);
  let size: number;
  try {
    const st = statSync(full);
    if (!st.isFile()) throw new UsageError(`--file ${quote(path)}: not a file`);
    size = st.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--file ${quote(path)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_INPUT_BYTES) throw new UsageError(`--file ${quote(path)}: ${size} bytes; valid: at most ${MAX_INPUT_BYTES} bytes`);
  return readFileSync(full, 'utf8');
}

/** Read stdin whole, refusing more than MAX_INPUT_BYTES. */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`stdin: more than ${MAX_INPUT_BYTES} bytes; valid: at most ${MAX_INPUT_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface Sources {
  readonly positionals: readonly string[];
  readonly files: readonly string[];
  readonly cwd: string;
  readonly stdin: () => Promise<string>;
}

/** Every value the arguments name, in order: arguments, then --file files. */
export async function gather(sources: Sources): Promise<Gathered> {
  const items: DecodeItem[] = [];
  let skipped = 0;
  let stdinUsed = false;
  const files = [...sources.files];
  for (const [i, arg] of sources.positionals.entries()) {
    if (arg === '-') {
      if (stdinUsed) throw new UsageError("'-' given twice: stdin can be read once");
      stdinUsed = true;
      skipped += fromStream(await sources.stdin(), 'stdin', items);
    } else if (arg.startsWith('@') && arg.length > 1) {
      skipped += fromStream(readFile(arg.slice(1), sources.cwd), shorten(arg.slice(1), 40), items);
    } else {
      const origin = `argument ${i + 1}`;
      const found = fromLine(arg, origin, false);
      if (found === undefined || (found.length === 0 && arg.trim() !== '')) {
        throw new UsageError(`${origin}: ${quote(arg)} is neither a number nor a dmesg line decode knows (${DMESG_NAMES})`);
      }
      if (found.length === 0) throw new UsageError(`${origin}: empty; valid: a pte value (${RULE_SUMMARY})`);
      push(items, found);
    }
  }
  for (const file of files) skipped += fromStream(readFile(file, sources.cwd), shorten(file, 40), items);
  return { items, skipped };
}
