/**
 * A vector file checked against its format before any vector runs: every
 * field's type and range (fields.ts), the required blocks and fields, the
 * ops of the file's era. A file that passes holds only values the checker
 * can compare exactly; one that does not gets one line per problem (the
 * first MAX_LISTED_PROBLEMS, then how many more), each naming the JSON path,
 * the bad value, shortened, and the valid range.
 */
import { MAX_SWAPFILES_SHIFT, shortList, swpEntryLayout, type Era } from '@mmsim/core';
import { CONSTANTS, MAX_SWAP_TYPE, MAX_SWAPFILES_CONFIGS, MAX_SWAPFILES_KEYS, OPS, SWP_FLAGS, TOP_LEVEL, type ConstantKind, type ValueKind } from './fields.js';
import { jsonPath, preview } from './preview.js';

/** Problems listed for one file; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 10;

export const FORMAT = 'linux-pte-oracle/1';

/** A vector's note is echoed into failure reports: the longest in the real sets is 79 characters. */
export const MAX_NOTE_CHARS = 1000;

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: object, key: string) => Object.hasOwn(o, key);
/** A list of keys for an error line: whole when short, else as many as fit and the count (one line stays one readable line). */
const names = (keys: readonly string[], room = 120): string => shortList(keys, room);

/** Which era a file names: 2.6.20 files hold the 2.6.21 encodings. Undefined: neither. */
export function eraOf(kernel: string, variant: string): Era | undefined {
  if (/^Linux 2\.6\.2[01]\b/.test(kernel) || variant.startsWith('v2.6.')) return '2.6.21';
  if (/^Linux 6\.18\b/.test(kernel) || variant.startsWith('v6.18')) return '6.18';
  return undefined;
}

class Problems {
  readonly lines: string[] = [];
  count = 0;
  add(path: Path, text: string): void {
    this.count++;
    if (this.lines.length < MAX_LISTED_PROBLEMS) this.lines.push(`${jsonPath(path)}: ${text}`);
  }
  /** The listed lines, and one more saying how many were left out. */
  report(): string[] {
    const more = this.count - this.lines.length;
    return more > 0 ? [...this.lines, `… and ${more} more problem${more === 1 ? '' : 's'}`] : [...this.lines];
  }
}

interface Widths {
  readonly word: 32 | 64;
  readonly pte: 32 | 64;
  /** bits swp_type() can return: the word above SWP_TYPE_SHIFT */
  readonly decodedTypeBits: number;
}

/** A hex string of at most bits/4 digits, or a safe whole number, 0 .. 2^bits - 1. */
function checkInteger(problems: Problems, path: Path, value: unknown, bits: number, what: string): void {
  const valid = `valid: a "0x…" hex string of 1 to ${bits / 4} digits, or a whole number 0 to ${bits === 32 ? '2^32-1' : '2^53-1'}`;
  if (typeof value === 'string') {
    if (!/^0x[0-9a-fA-F]+$/.test(value)) problems.add(path, `${preview(value)} is not a hex number (${what}; ${valid})`);
    else if (value.length - 2 > bits / 4) problems.add(path, `${preview(value)} has more digits than a ${bits}-bit ${what} (${valid})`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) problems.add(path, `${preview(value)} is not a whole number 0 or more (${what}; ${valid})`);
    else if (!Number.isSafeInteger(value)) problems.add(path, `${preview(value)} is too large to be exact as a JSON number (${what}; ${valid})`);
    else if (bits === 32 && value > 0xffffffff) problems.add(path, `${preview(value)} does not fit a ${bits}-bit ${what} (${valid})`);
    return;
  }
  problems.add(path, `${preview(value)} is not a number (${what}; ${valid})`);
}

/** A plain JSON whole number in lo..hi. */
function checkSmall(problems: Problems, path: Path, value: unknown, lo: number, hi: number, what: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    problems.add(path, `${preview(value)} is not ${what} (valid: a whole number ${lo} to ${hi})`);
  }
}

function checkValue(problems: Problems, path: Path, value: unknown, kind: ValueKind, w: Widths): void {
  switch (kind) {
    case 'pte':
      return checkInteger(problems, path, value, w.pte, 'pte value');
    case 'word':
      return checkInteger(problems, path, value, w.word, 'unsigned long value');
    case 'type':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SWAP_TYPE) {
        problems.add(path, `${preview(value)} is not a swap type (valid: a whole number 0 to ${MAX_SWAP_TYPE}: MAX_SWAPFILES_SHIFT is ${MAX_SWAPFILES_SHIFT})`);
      }
      return;
    case 'decodedType':
      return checkSmall(problems, path, value, 0, 2 ** w.decodedTypeBits - 1, `a swp_type() result`);
    case 'bool':
      if (typeof value !== 'boolean') problems.add(path, `${preview(value)} is not a boolean (valid: true or false)`);
      return;
    case 'text':
      if (typeof value !== 'string' || value.length > MAX_NOTE_CHARS) problems.add(path, `${preview(value)} is not a note (valid: text of at most ${MAX_NOTE_CHARS} characters)`);
      return;
    case 'name':
      if (typeof value !== 'string' || !/^[A-Za-z_]\w{0,63}$/.test(value)) problems.add(path, `${preview(value)} is not a name (valid: a C identifier such as "PAGE_SHARED")`);
      return;
  }
}

/** An object whose keys are names and whose values all pass `each`. */
function checkTable(problems: Problems, path: Path, value: unknown, each: (key: string, v: unknown) => void, keyValid: (key: string) => boolean = (k) => /^[A-Za-z_]\w{0,63}$/.test(k)): void {
  if (!isObject(value)) {
    problems.add(path, `${preview(value)} is not an object (valid: an object of name → value)`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!keyValid(key)) problems.add([...path, key], `is not a name (valid: a C identifier, at most 64 characters)`);
    else each(key, v);
  }
}

function checkConstant(problems: Problems, path: Path, value: unknown, kind: ConstantKind, w: Widths, era: Era): void {
  switch (kind) {
    case 'wordBits':
      if (value !== 32 && value !== 64) problems.add(path, `${preview(value)} is not a C width (valid: 32 or 64)`);
      return;
    case 'bits':
      return checkSmall(problems, path, value, 0, w.word, 'a bit count');
    case 'shift':
      return checkSmall(problems, path, value, 0, w.word - 1, 'a shift');
    case 'fileBits':
      if (value !== null) checkSmall(problems, path, value, 0, w.word, 'a bit count or null');
      return;
    case 'maxSwapfiles': {
      const table = value;
      const configs = Object.keys(MAX_SWAPFILES_CONFIGS[era]);
      checkTable(
        problems,
        path,
        table,
        (key, v) => {
          if (key === 'formula') checkValue(problems, [...path, key], v, 'text', w);
          else if (configs.includes(key)) checkSmall(problems, [...path, key], v, 0, MAX_SWAP_TYPE + 1, 'a MAX_SWAPFILES');
          else problems.add([...path, key], `unknown configuration for a ${era} file (valid: ${names(configs)}, formula)`);
        },
        () => true,
      );
      if (isObject(table)) {
        const missing = MAX_SWAPFILES_KEYS[era].filter((k) => !has(table, k));
        if (missing.length > 0) problems.add(path, `missing ${names(missing.map((k) => `"${k}"`), Infinity)} (a ${era} file gives MAX_SWAPFILES for ${names(MAX_SWAPFILES_KEYS[era])})`);
      }
      return;
    }
    case 'typeTable':
      return checkTable(problems, path, value, (key, v) => checkValue(problems, [...path, key], v, 'type', w));
    case 'markers':
      return checkTable(problems, path, value, (key, v) => checkSmall(problems, [...path, key], v, 0, Number.MAX_SAFE_INTEGER, 'a pte marker bit'));
    case 'flagBits':
      return checkTable(
        problems,
        path,
        value,
        (key, v) => (SWP_FLAGS.includes(key) ? checkValue(problems, [...path, key], v, 'pte', w) : problems.add([...path, key], `unknown swap marker (valid: ${names(SWP_FLAGS)})`)),
        () => true,
      );
    case 'prots':
      return checkTable(problems, path, value, (key, v) => checkValue(problems, [...path, key], v, 'pte', w));
    default:
      return checkValue(problems, path, value, kind, w);
  }
}

/** Keys of `object` the table has no entry for, and the table's required keys `object` lacks. */
function checkKeys(problems: Problems, path: Path, object: Json, known: readonly string[], required: readonly string[], context: string): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) problems.add([...path, key], `unknown field${context} (valid: ${names(known)})`);
  }
  const missing = required.filter((key) => !has(object, key));
  if (missing.length === 0) return;
  // what is missing is what to fix: named whole (a bounded list: the format's own keys)
  problems.add(path, `missing ${names(missing, Infinity)}${context} (required: ${missing.length === required.length ? 'all of these' : names(required)})`);
}

function checkConstants(problems: Problems, constants: Json, era: Era): Widths | undefined {
  const path = ['constants'];
  const fields = Object.entries(CONSTANTS).filter(([, f]) => f.eras.includes(era));
  checkKeys(problems, path, constants, fields.map(([k]) => k), fields.filter(([, f]) => f.required).map(([k]) => k), ` in a ${era} file's constants`);
  const before = problems.count;
  for (const key of ['word_bits', 'pte_bits'] as const) if (has(constants, key)) checkConstant(problems, [...path, key], constants[key], 'wordBits', { word: 64, pte: 64, decodedTypeBits: 0 }, era);
  if (problems.count > before || !has(constants, 'word_bits') || !has(constants, 'pte_bits')) return undefined;
  const word = constants['word_bits'] as 32 | 64;
  const pte = constants['pte_bits'] as 32 | 64;
  if (pte < word) {
    problems.add([...path, 'pte_bits'], `${pte} is narrower than word_bits ${word} (valid: ${word === 64 ? '64' : '32 or 64'})`);
    return undefined;
  }
  const widths: Widths = { word, pte, decodedTypeBits: word - swpEntryLayout(era, word).SWP_TYPE_SHIFT };
  for (const [key, field] of fields) {
    if (key !== 'word_bits' && key !== 'pte_bits' && has(constants, key)) checkConstant(problems, [...path, key], constants[key], field.kind, widths, era);
  }
  return widths;
}

function checkVector(problems: Problems, index: number, vector: unknown, era: Era, w: Widths): void {
  const path: Path = ['vectors', index];
  if (!isObject(vector)) {
    problems.add(path, `${preview(vector)} is not a vector (valid: an object with an "op" and its fields)`);
    return;
  }
  const op = vector['op'];
  const valid = Object.keys(OPS).filter((name) => OPS[name]!.eras.includes(era));
  if (typeof op !== 'string' || !has(OPS, op) || !OPS[op]!.eras.includes(era)) {
    problems.add([...path, 'op'], `${preview(op)} is not an op of a ${era} file (valid: ${names(valid)})`);
    return;
  }
  const spec = OPS[op]!;
  const fields = { ...spec.required, ...spec.optional };
  checkKeys(problems, path, vector, ['op', ...Object.keys(fields)], Object.keys(spec.required), ` for op ${op}`);
  for (const [key, kind] of Object.entries(fields)) {
    if (has(vector, key)) checkValue(problems, [...path, key], vector[key], kind, w);
  }
}

/**
 * Check parsed JSON against the format. Returns the problem lines (empty:
 * the file is well-formed), each `PATH: PROBLEM (valid: RANGE)`, at most
 * MAX_LISTED_PROBLEMS and a last line counting the rest.
 */
export function validateVectorJson(json: unknown): string[] {
  const problems = new Problems();
  if (!isObject(json)) {
    problems.add([], `${preview(json)} is not a vector file (valid: a JSON object with ${names(Object.keys(TOP_LEVEL).filter((k) => TOP_LEVEL[k]!.required))})`);
    return problems.report();
  }
  if (json['format'] !== FORMAT) {
    problems.add(['format'], `${preview(json['format'])} is not this format (valid: "${FORMAT}")`);
    return problems.report();
  }
  const known = Object.keys(TOP_LEVEL);
  checkKeys(problems, [], json, known, known.filter((k) => TOP_LEVEL[k]!.required), '');
  for (const [key, field] of Object.entries(TOP_LEVEL)) {
    if (!has(json, key)) continue;
    const value = json[key];
    if (field.kind === 'text' && typeof value !== 'string') problems.add([key], `${preview(value)} is not a string (valid: text)`);
    if (field.kind === 'texts' && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) problems.add([key], `${preview(value)} is not a list of strings (valid: an array of text)`);
    if (field.kind === 'counts') checkTable(problems, [key], value, (k, v) => checkSmall(problems, [key, k], v, 0, Number.MAX_SAFE_INTEGER, 'a count'));
    if (field.kind === 'constants' && !isObject(value)) problems.add([key], `${preview(value)} is not an object (valid: the constants block, an object)`);
    if (field.kind === 'vectors' && !Array.isArray(value)) problems.add([key], `${preview(value)} is not a list (valid: an array of vectors)`);
  }
  if (problems.count > 0) return problems.report();
  const era = eraOf(json['kernel'] as string, json['variant'] as string);
  if (!era) {
    problems.add(['kernel'], `${preview(json['kernel'])} (variant ${preview(json['variant'])}) is neither 2.6.20/2.6.21 nor 6.18 (valid: "Linux 2.6.20…", "Linux 6.18…")`);
    return problems.report();
  }
  const widths = checkConstants(problems, json['constants'] as Json, era);
  if (!widths) return problems.report();
  (json['vectors'] as unknown[]).forEach((vector, index) => checkVector(problems, index, vector, era, widths));
  return problems.report();
}
