/**
 * Mutations of reference-vector files (linux-pte-oracle/1): required blocks
 * dropped or emptied, fields given the wrong type or a value past any range,
 * wrong nesting, truncated JSON. A schema violation may be reported as a
 * failed check (exit 1) or as bad input (exit 2) — never as a pass; JSON
 * that does not parse is bad input.
 */
import type { Mutant } from './mmo.js';
import type { Rng } from './prng.js';
import { TWO_53 } from './values.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Doc = { [k: string]: Json };

const REQUIRED = ['format', 'variant', 'constants', 'vectors'] as const;
/** Free text, not checked against anything. */
const INFORMATIONAL = new Set(['note', 'prot_name']);
const INPUTS = new Set(['op', 'pte', 'type', 'offset', 'pfn', 'prot', 'pgoff']);

function wrongValues(value: Json): Json[] {
  if (typeof value === 'number') return [Number(TWO_53), 1e300, -1, 1.5, 'abc', null, true];
  if (typeof value === 'string') return [123, '', '0xZZ', null, `0x${'f'.repeat(40)}`, '-0x1'];
  if (typeof value === 'boolean') return [!value, 'yes', 1, null];
  return [null, 'x', 42];
}

function short(value: Json): string {
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

type Operator = (doc: Doc, text: string, r: Rng) => Mutant | undefined;

const dropRequired: Operator = (doc, _t, r) => {
  const key = r.pick(REQUIRED);
  const { [key]: _, ...rest } = doc;
  return { text: JSON.stringify(rest, null, 1), expect: 'refuse', why: `required key '${key}' dropped` };
};

const wrongBlock: Operator = (doc, _t, r) => {
  const [key, value, why] = r.pick<[string, Json, string]>([
    ['constants', {}, '"constants": {} (an empty constants block)'],
    ['constants', [], '"constants": [] (wrong nesting)'],
    ['vectors', {}, '"vectors": {} (wrong nesting)'],
    ['vectors', 'x', '"vectors": "x"'],
    ['vectors', [[]], '"vectors": [[]] (a vector that is a list)'],
    ['format', 'linux-pte-oracle/2', 'an unknown format version'],
    ['variant', 'bogus', 'an unknown variant'],
    ['variant', '__proto__', 'an Object.prototype key as the variant'],
    ['format', 42, 'format as a number'],
  ]);
  return { text: JSON.stringify({ ...doc, [key]: value }, null, 1), expect: 'refuse', why };
};

const wrongField: Operator = (doc, _t, r) => {
  const vectors = doc['vectors'];
  if (!Array.isArray(vectors) || vectors.length === 0) return undefined;
  const i = r.int(vectors.length);
  const vec = vectors[i] as Doc;
  const keys = Object.keys(vec).filter((k) => !INFORMATIONAL.has(k));
  const key = r.pick(keys);
  const value = r.pick(wrongValues(vec[key]!));
  // only an input without which the vector cannot be checked is dropped (an expected output may be optional)
  const drop = INPUTS.has(key) && r.chance(0.3);
  const changed: Doc = { ...vec };
  if (drop) delete changed[key];
  else changed[key] = value;
  const copy = [...vectors];
  copy[i] = changed;
  // a hex string replaced by a safe integer is still a valid spelling of a wide value: the vector may
  // even stay correct (pte_file of 123 on i386 2.6.20 is true, as 0x756289ef's was), so only the universal rules
  const respelt = !drop && typeof vec[key] === 'string' && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  return { text: JSON.stringify({ ...doc, vectors: copy }, null, 1), expect: respelt ? 'survive' : 'refuse', why: drop ? `vector ${i}: key '${key}' dropped` : `vector ${i}: '${key}' ${short(vec[key]!)} → ${short(value)}${respelt ? ' (a valid spelling: the check decides)' : ''}` };
};

const wrongConstant: Operator = (doc, _t, r) => {
  const constants = doc['constants'];
  if (!constants || typeof constants !== 'object' || Array.isArray(constants)) return undefined;
  const keys = Object.keys(constants).filter((k) => typeof constants[k] === 'number' || typeof constants[k] === 'string');
  if (keys.length === 0) return undefined;
  const key = r.pick(keys);
  const value = r.pick(wrongValues(constants[key]!));
  return { text: JSON.stringify({ ...doc, constants: { ...constants, [key]: value } }, null, 1), expect: 'refuse', why: `constants.${key} ${short(constants[key]!)} → ${short(value)}` };
};

const truncated: Operator = (_d, text, r) => {
  const at = r.int(text.length - 1);
  return { text: text.slice(0, at), expect: 'usage', why: `truncated at byte ${at} of ${text.length}: not JSON` };
};

const WEIGHTS: readonly [Operator, number][] = [[dropRequired, 2], [wrongBlock, 3], [wrongField, 6], [wrongConstant, 3], [truncated, 2]];

export function mutateVectors(text: string, r: Rng): Mutant {
  const doc = JSON.parse(text) as Doc;
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  for (let attempt = 0; attempt < 20; attempt++) {
    let x = r.int(total);
    const [op] = WEIGHTS.find(([, w]) => (x -= w) < 0)!;
    const m = op(doc, text, r);
    if (m) return { ...m, kind: op.name };
  }
  return { text, expect: 'ok', why: 'no operator applied: the file unchanged' };
}
